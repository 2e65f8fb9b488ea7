//! A feed sent as a ZIP: one CSV and the images or files its rows name. The CSV is taken out
//! beside the archive; every other file becomes an asset, known by its path and its file name.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::service::Catalog;
use crate::store::changes::Origin;

pub struct Unpacked {
    pub csv: PathBuf,
    pub assets: HashMap<String, String>,
    pub refused: Vec<String>,
}

/// Whether a file starts like a ZIP archive.
pub fn is_zip(path: &Path) -> std::io::Result<bool> {
    let mut magic = [0u8; 4];
    let n = File::open(path)?.read(&mut magic)?;
    Ok(n == 4 && magic == *b"PK\x03\x04")
}

fn is_table(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".csv", ".tsv", ".txt"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Takes the archive apart: exactly one CSV (`.csv`, `.tsv` or `.txt`) is expected.
pub fn unpack(archive: &Path, into: &Path, catalog: &Catalog, origin: &Origin) -> Result<Unpacked> {
    let bad = |e: zip::result::ZipError| Error::BadRequest(format!("the ZIP cannot be read: {e}"));
    let mut zip = zip::ZipArchive::new(File::open(archive).map_err(io)?).map_err(bad)?;
    let names: Vec<String> = (0..zip.len())
        .filter_map(|i| {
            zip.by_index(i)
                .ok()
                .filter(|f| f.is_file())
                .map(|f| f.name().to_string())
        })
        .filter(|n| {
            !n.starts_with("__MACOSX/") && !n.rsplit('/').next().unwrap_or(n).starts_with('.')
        })
        .collect();
    let tables: Vec<&String> = names.iter().filter(|n| is_table(n)).collect();
    let csv_name = match tables.as_slice() {
        [one] => (*one).clone(),
        [] => {
            return Err(Error::BadRequest(
                "the ZIP holds no CSV file (.csv, .tsv or .txt)".into(),
            ));
        }
        many => {
            return Err(Error::BadRequest(format!(
                "the ZIP holds {} CSV files ({}); send one per upload",
                many.len(),
                many.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    std::fs::create_dir_all(into).map_err(io)?;
    let csv = into.join("feed.csv");
    {
        let mut entry = zip.by_name(&csv_name).map_err(bad)?;
        let mut out = File::create(&csv).map_err(io)?;
        std::io::copy(&mut entry, &mut out).map_err(io)?;
    }
    let max = catalog.assets().limits().max_bytes;
    let mut assets = HashMap::new();
    let mut refused = Vec::new();
    for name in names.iter().filter(|n| !is_table(n)) {
        let mut entry = zip.by_name(name).map_err(bad)?;
        if entry.size() > max {
            refused.push(format!(
                "{name}: {} bytes exceed the asset limit of {max}",
                entry.size()
            ));
            continue;
        }
        let mut data = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut data).map_err(io)?;
        let file_name = name.rsplit('/').next().unwrap_or(name);
        match catalog.upload_asset(file_name, &data, origin) {
            Ok(row) => {
                assets.insert(name.clone(), row.hash.clone());
                assets.entry(file_name.to_string()).or_insert(row.hash);
            }
            Err(e) => refused.push(format!("{name}: {e}")),
        }
    }
    Ok(Unpacked {
        csv,
        assets,
        refused,
    })
}

fn io(e: std::io::Error) -> Error {
    Error::Internal(format!("import files: {e}"))
}
