//! Rows an earlier import already applied, recognised without mapping or writing them again.
//!
//! A row's digest covers its cells and everything that shaped its mapping: the profile, the
//! file's encoding, delimiter, decimal comma and header, the files sent with it, the catalog
//! structure's version and this program's version. The write path forgets a product's digests
//! whenever it writes the product or a model it inherits from, so a digest found in the store
//! means the row would map to the same patch and that patch would change nothing.

use std::collections::{HashMap, HashSet};

use csv::StringRecord;
use sha2::{Digest, Sha256};

use super::feed::FileFacts;
use super::profile::Profile;
use crate::error::Result;
use crate::service::Catalog;
use crate::store::row_hashes::{self, RowHash};

pub struct Digests {
    context: Sha256,
    known: HashSet<RowHash>,
    /// Whose rows these are: the supplier's code, or empty for imports without one.
    pub source: String,
}

impl Digests {
    /// This run's context, and the digests the store holds for this source when the run may
    /// skip rows (`skipping`; a dry run reads every row).
    pub fn load(
        catalog: &Catalog,
        supplier: Option<&str>,
        profile: &Profile,
        facts: &FileFacts,
        assets: &HashMap<String, String>,
        skipping: bool,
    ) -> Result<Digests> {
        let source = supplier.unwrap_or_default().to_string();
        let (structure_version, known) = catalog.db().read(|conn| {
            let known = if skipping {
                row_hashes::of_source(conn, &source)?
            } else {
                HashSet::new()
            };
            Ok((crate::store::structure::version(conn)?, known))
        })?;
        let mut files: Vec<_> = assets.iter().collect();
        files.sort();
        let mut context = Sha256::new();
        for part in [
            env!("CARGO_PKG_VERSION").to_string(),
            structure_version.to_string(),
            serde_json::to_string(profile)?,
            serde_json::to_string(facts)?,
            serde_json::to_string(&files)?,
        ] {
            field(&mut context, part.as_bytes());
        }
        Ok(Digests {
            context,
            known,
            source,
        })
    }

    pub fn of(&self, record: &StringRecord) -> RowHash {
        let mut hasher = self.context.clone();
        for cell in record.iter() {
            field(&mut hasher, cell.as_bytes());
        }
        let full = hasher.finalize();
        let mut out = RowHash::default();
        let n = out.len();
        out.copy_from_slice(&full[..n]);
        out
    }

    pub fn is_known(&self, hash: &RowHash) -> bool {
        self.known.contains(hash)
    }
}

/// Length-prefixed, so cells `ab`,`c` and `a`,`bc` differ.
fn field(hasher: &mut Sha256, bytes: &[u8]) {
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digests() -> Digests {
        let mut context = Sha256::new();
        field(&mut context, b"context");
        Digests {
            context,
            known: HashSet::new(),
            source: String::new(),
        }
    }

    #[test]
    fn cells_are_delimited_in_the_digest() {
        let d = digests();
        let a = d.of(&StringRecord::from(vec!["ab", "c"]));
        let b = d.of(&StringRecord::from(vec!["a", "bc"]));
        assert_ne!(a, b);
        assert_eq!(a, d.of(&StringRecord::from(vec!["ab", "c"])));
    }

    #[test]
    fn the_context_is_part_of_the_digest() {
        let d = digests();
        let mut other = Sha256::new();
        field(&mut other, b"another profile");
        let e = Digests {
            context: other,
            ..digests()
        };
        let row = StringRecord::from(vec!["sku-1", "red"]);
        assert_ne!(d.of(&row), e.of(&row));
    }
}
