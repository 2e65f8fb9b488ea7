//! Blob storage keyed by content hash: the `BlobStore` trait and a filesystem
//! implementation with atomic writes.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::AssetError;

/// Longest accepted key suffix such as `.thumb256.png`.
const MAX_SUFFIX_LEN: usize = 32;

/// Byte storage for assets. Keys are a lowercase hex SHA-256 optionally followed
/// by a suffix of dot-separated lowercase alphanumeric parts (`<hash>.thumb64.png`).
pub trait BlobStore: Send + Sync {
    /// Replaces any existing blob atomically: readers see the old or the new bytes, never a mix.
    fn put(&self, key: &str, data: &[u8]) -> Result<(), AssetError>;
    fn get(&self, key: &str) -> Result<Vec<u8>, AssetError>;
    fn exists(&self, key: &str) -> Result<bool, AssetError>;
    /// Succeeds when the blob is already gone, so retried deletes are harmless.
    fn delete(&self, key: &str) -> Result<(), AssetError>;
    /// Whether the store can be used now, for the readiness probe; cheap.
    fn check(&self) -> Result<(), AssetError>;
    /// The kind of store, as the readiness probe reports it.
    fn describe(&self) -> &'static str;
}

/// Checks a key before it becomes part of a path or object name.
pub fn validate_key(key: &str) -> Result<(), AssetError> {
    let (hash, suffix) = key.split_at_checked(64).ok_or(AssetError::InvalidHash)?;
    let hash_ok = hash
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let suffix_ok = suffix.is_empty()
        || (suffix.len() <= MAX_SUFFIX_LEN
            && suffix.strip_prefix('.').is_some_and(|rest| {
                rest.split('.').all(|part| {
                    !part.is_empty()
                        && part
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                })
            }));
    if hash_ok && suffix_ok {
        Ok(())
    } else {
        Err(AssetError::InvalidHash)
    }
}

/// Stores blobs under `root/ab/cd/<key>`; the fan-out keeps directories small.
#[derive(Debug, Clone)]
pub struct FsBlobStore {
    root: PathBuf,
}

impl FsBlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, key: &str) -> Result<PathBuf, AssetError> {
        validate_key(key)?;
        Ok(self.root.join(&key[0..2]).join(&key[2..4]).join(key))
    }
}

impl BlobStore for FsBlobStore {
    fn put(&self, key: &str, data: &[u8]) -> Result<(), AssetError> {
        let path = self.path(key)?;
        let dir = path.parent().expect("blob paths have a fan-out parent");
        fs::create_dir_all(dir)?;
        // Same directory as the target so the rename stays on one filesystem and is atomic;
        // the leading dot cannot collide with a valid key.
        let tmp = dir.join(format!(".tmp-{}", uuid::Uuid::new_v4()));
        let written = write_synced(&tmp, data).and_then(|()| fs::rename(&tmp, &path));
        if let Err(err) = written {
            // Best effort: the original error is the one worth reporting.
            let _ = fs::remove_file(&tmp);
            return Err(err.into());
        }
        sync_dir(dir)?;
        tracing::debug!(key, bytes = data.len(), "stored blob");
        Ok(())
    }

    fn get(&self, key: &str) -> Result<Vec<u8>, AssetError> {
        fs::read(self.path(key)?).map_err(|err| match err.kind() {
            io::ErrorKind::NotFound => AssetError::NotFound(key.to_owned()),
            _ => err.into(),
        })
    }

    fn exists(&self, key: &str) -> Result<bool, AssetError> {
        Ok(self.path(key)?.try_exists()?)
    }

    fn delete(&self, key: &str) -> Result<(), AssetError> {
        match fs::remove_file(self.path(key)?) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err.into()),
            _ => Ok(()),
        }
    }

    /// The directory is created on the first upload, so it need not exist yet.
    fn check(&self) -> Result<(), AssetError> {
        Ok(())
    }

    fn describe(&self) -> &'static str {
        "filesystem"
    }
}

/// Flushes to disk before the rename so a crash cannot leave a renamed but empty file.
fn write_synced(path: &Path, data: &[u8]) -> io::Result<()> {
    let mut file = File::create_new(path)?;
    file.write_all(data)?;
    file.sync_all()
}

/// Makes the rename itself durable, so a blob the caller has recorded survives a crash.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Windows cannot open directories as files; NTFS journals the rename itself.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn round_trip_under_fan_out_path() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::new(dir.path());
        assert!(!store.exists(HASH).unwrap());
        store.put(HASH, b"hello").unwrap();
        assert!(store.exists(HASH).unwrap());
        assert_eq!(store.get(HASH).unwrap(), b"hello");
        assert!(dir.path().join("e3").join("b0").join(HASH).is_file());

        let thumb = format!("{HASH}.thumb64.png");
        store.put(&thumb, b"thumb").unwrap();
        assert_eq!(store.get(&thumb).unwrap(), b"thumb");
    }

    #[test]
    fn put_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::new(dir.path());
        store.put(HASH, b"first").unwrap();
        store.put(HASH, b"second").unwrap();
        assert_eq!(store.get(HASH).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(dir.path().join("e3").join("b0"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, [HASH]);
    }

    #[test]
    fn missing_blob_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::new(dir.path());
        let err = store.get(HASH).unwrap_err();
        assert!(
            matches!(err, AssetError::NotFound(ref key) if key == HASH),
            "{err:?}"
        );
    }

    #[test]
    fn delete_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::new(dir.path());
        store.put(HASH, b"x").unwrap();
        store.delete(HASH).unwrap();
        assert!(!store.exists(HASH).unwrap());
        store.delete(HASH).unwrap();
    }

    #[test]
    fn traversal_and_malformed_keys_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::new(dir.path().join("blobs"));
        let bad = [
            String::new(),
            "../../etc/passwd".to_owned(),
            format!("{HASH}/../../x"),
            format!("{HASH}.."),
            format!("{HASH}./x"),
            format!("{HASH}.thumb64.png/.."),
            format!("{HASH}\\..\\x"),
            format!("{HASH}thumb"),
            format!("{HASH}."),
            format!("{HASH}.{}", "a".repeat(MAX_SUFFIX_LEN)),
            HASH.to_uppercase(),
            HASH[..63].to_owned(),
            format!("..{}", &HASH[2..]),
            format!("/{}", &HASH[1..]),
            format!("{}é", &HASH[..62]),
        ];
        for key in &bad {
            assert!(
                matches!(store.put(key, b"x"), Err(AssetError::InvalidHash)),
                "{key:?}"
            );
            assert!(
                matches!(store.get(key), Err(AssetError::InvalidHash)),
                "{key:?}"
            );
            assert!(
                matches!(store.exists(key), Err(AssetError::InvalidHash)),
                "{key:?}"
            );
            assert!(
                matches!(store.delete(key), Err(AssetError::InvalidHash)),
                "{key:?}"
            );
        }
        // Nothing may have been created outside, or even inside, the root.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
