//! The rejected rows of a run as the supplier sent them, plus an error column naming line,
//! column, value and reason: written as they are found, ready to be fixed and sent again.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use csv::StringRecord;

use super::feed::FileFacts;
use super::mapping::CellError;
use crate::error::{Error, Result};

/// The column the report adds; ignored when the fixed file comes back.
pub const ERROR_COLUMN: &str = "import_errors";

/// The rejected rows as the supplier sent them plus an error column, written as they are found;
/// UTF-8 with a byte-order mark so spreadsheets open it right.
pub struct Report {
    path: std::path::PathBuf,
    header: Vec<String>,
    delimiter: u8,
    writer: Option<csv::Writer<BufWriter<File>>>,
}

impl Report {
    pub fn new(path: &Path, facts: &FileFacts) -> Report {
        Report {
            path: path.to_path_buf(),
            header: facts.header.clone(),
            delimiter: facts.delimiter,
            writer: None,
        }
    }

    pub fn row(&mut self, line: i64, record: &StringRecord, errors: &[CellError]) -> Result<()> {
        if self.writer.is_none() {
            let io = |e: std::io::Error| {
                Error::Internal(format!("rejected rows report {}: {e}", self.path.display()))
            };
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            let mut file = BufWriter::new(File::create(&self.path).map_err(io)?);
            file.write_all(b"\xEF\xBB\xBF").map_err(io)?;
            let mut writer = csv::WriterBuilder::new()
                .delimiter(self.delimiter)
                .flexible(true)
                .from_writer(file);
            let mut header = self.header.clone();
            header.push(ERROR_COLUMN.to_string());
            writer.write_record(&header).map_err(csv_error)?;
            self.writer = Some(writer);
        }
        let text = describe(line, errors);
        let writer = self.writer.as_mut().expect("opened above");
        let mut cells: Vec<&str> = record.iter().take(self.header.len()).collect();
        cells.resize(self.header.len(), "");
        cells.push(&text);
        writer.write_record(&cells).map_err(csv_error)
    }

    pub fn finish(&mut self) -> Result<()> {
        if let Some(w) = self.writer.as_mut() {
            w.flush()
                .map_err(|e| Error::Internal(format!("rejected rows report: {e}")))?;
        }
        Ok(())
    }
}

fn csv_error(e: csv::Error) -> Error {
    Error::Internal(format!("rejected rows report: {e}"))
}

/// `line 12: color "Rot": not an option …; price "12,x": not a number`.
pub fn describe(line: i64, errors: &[CellError]) -> String {
    let parts: Vec<String> = errors
        .iter()
        .map(|e| match (e.column.is_empty(), e.value.is_empty()) {
            (true, _) => e.reason.clone(),
            (false, true) => format!("{}: {}", e.column, e.reason),
            (false, false) => format!("{} {:?}: {}", e.column, e.value, e.reason),
        })
        .collect();
    format!("line {line}: {}", parts.join("; "))
}
