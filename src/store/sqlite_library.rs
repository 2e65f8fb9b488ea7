//! The SQLite library's process-wide settings, made once before its first connection opens.
//!
//! SQLite is built serialized: every call on a connection takes that connection's mutex, and
//! every allocation takes a global one to keep memory statistics. Diesel's connections are
//! `Send` but not `Sync`, so no connection is ever used by two threads at once: multi-thread mode
//! (no connection mutexes) is safe, and nothing reads the memory statistics.

use std::ffi::c_int;
use std::sync::OnceLock;

static APPLIED: OnceLock<bool> = OnceLock::new();

/// Applies the settings; every place that opens a SQLite connection calls this first. Returns
/// whether SQLite took them (it refuses once it is initialised, which that order prevents).
pub fn configure() -> bool {
    *APPLIED.get_or_init(|| {
        let applied = apply();
        if !applied {
            tracing::warn!(
                "sqlite was initialised before its settings: its connections keep their mutexes"
            );
        }
        applied
    })
}

#[allow(unsafe_code)]
fn apply() -> bool {
    use libsqlite3_sys::{
        SQLITE_CONFIG_MEMSTATUS, SQLITE_CONFIG_MULTITHREAD, SQLITE_OK, sqlite3_config,
    };
    // SAFETY: `sqlite3_config` must not run beside any other SQLite call. It runs once, inside
    // `get_or_init`, which other callers wait for, and every connection is opened after
    // `configure` returns.
    unsafe {
        sqlite3_config(SQLITE_CONFIG_MULTITHREAD) == SQLITE_OK
            && sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0 as c_int) == SQLITE_OK
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[allow(unsafe_code)]
    fn connections_opened_after_it_have_no_mutex() {
        assert!(super::configure(), "sqlite was initialised first");
        let mut db = std::ptr::null_mut();
        // SAFETY: opens and closes an in-memory database through the C API, checking each call.
        unsafe {
            let flags = libsqlite3_sys::SQLITE_OPEN_READWRITE | libsqlite3_sys::SQLITE_OPEN_CREATE;
            let opened = libsqlite3_sys::sqlite3_open_v2(
                c":memory:".as_ptr(),
                &mut db,
                flags,
                std::ptr::null(),
            );
            assert_eq!(opened, libsqlite3_sys::SQLITE_OK);
            assert!(libsqlite3_sys::sqlite3_db_mutex(db).is_null());
            assert_eq!(libsqlite3_sys::sqlite3_close(db), libsqlite3_sys::SQLITE_OK);
        }
    }
}
