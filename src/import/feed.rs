//! A supplier's CSV file opened for streaming: encoding detected, decoded to UTF-8 on the fly,
//! dialect sniffed, header read. Rows come one at a time, so memory does not grow with the file
//! and neither line length nor header width is limited.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use csv::StringRecord;
use encoding_rs::Encoding;
use serde::Serialize;

use super::decode::{self, Detected};
use super::sniff;
use crate::error::{Error, Result};

/// How to read a file; `None` means detect.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    pub encoding: Option<&'static Encoding>,
    pub delimiter: Option<u8>,
    pub decimal_comma: Option<bool>,
}

/// What was found out about a file before its rows are read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileFacts {
    pub encoding: Detected,
    #[serde(serialize_with = "delimiter_text")]
    pub delimiter: u8,
    pub decimal_comma: bool,
    pub header: Vec<String>,
}

fn delimiter_text<S: serde::Serializer>(d: &u8, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(sniff::delimiter_name(*d))
}

pub struct Feed {
    pub facts: FileFacts,
    reader: csv::Reader<Box<dyn Read + Send>>,
    read: Arc<AtomicU64>,
}

/// Counts the bytes taken from the file, for progress and ETA.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Rows the sniffing looks at for decimal commas.
const SAMPLE_ROWS: usize = 200;

impl Feed {
    pub fn open(path: &Path, options: ReadOptions) -> Result<Feed> {
        let mut sample = Vec::with_capacity(decode::SAMPLE_BYTES);
        open_file(path)?
            .take(decode::SAMPLE_BYTES as u64)
            .read_to_end(&mut sample)
            .map_err(|e| read_error(path, e))?;
        if sample.is_empty() {
            return Err(Error::BadRequest(format!("{} is empty", file_name(path))));
        }
        let detected = decode::detect(&sample, options.encoding);
        let mut text = String::new();
        // The sample may end inside a character: decoding it whole is fine, the tail is ignored.
        decode::utf8_reader(sample.as_slice(), detected)
            .read_to_string(&mut text)
            .map_err(|e| read_error(path, e))?;
        let delimiter = options.delimiter.unwrap_or_else(|| sniff::delimiter(&text));
        let decimal_comma = match options.decimal_comma {
            Some(given) => given,
            None => {
                let mut rows = reader_over(Box::new(text.as_bytes()), delimiter);
                let cells: Vec<String> = rows
                    .records()
                    .skip(1)
                    .take(SAMPLE_ROWS)
                    .filter_map(|r| r.ok())
                    .flat_map(|r| r.iter().map(str::to_string).collect::<Vec<_>>())
                    .collect();
                sniff::decimal_comma(&cells, delimiter)
            }
        };

        let read = Arc::new(AtomicU64::new(0));
        let counted = Counting {
            inner: open_file(path)?,
            read: read.clone(),
        };
        let input: Box<dyn Read + Send> = Box::new(decode::utf8_reader(
            BufReader::with_capacity(256 * 1024, counted),
            detected,
        ));
        let mut reader = reader_over(input, delimiter);
        let mut first = StringRecord::new();
        if !reader
            .read_record(&mut first)
            .map_err(|e| csv_error(path, e))?
        {
            return Err(Error::BadRequest(format!("{} is empty", file_name(path))));
        }
        let header = check_header(&first)?;
        Ok(Feed {
            facts: FileFacts {
                encoding: detected,
                delimiter,
                decimal_comma,
                header,
            },
            reader,
            read,
        })
    }

    /// Bytes of the file read so far (a little ahead of the rows returned).
    pub fn bytes_read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }

    /// Reads the next row into `record`; its line number is `record.position()`'s. A row with a
    /// different cell count than the header is returned as it is: the mapping reports it.
    pub fn next(&mut self, record: &mut StringRecord) -> Result<bool> {
        self.reader.read_record(record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::BadRequest(format!("line {line}: the file cannot be read as CSV: {e}"))
        })
    }
}

fn reader_over(
    input: Box<dyn Read + Send + '_>,
    delimiter: u8,
) -> csv::Reader<Box<dyn Read + Send + '_>> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(256 * 1024)
        .from_reader(input)
}

/// Header names trimmed; an empty or repeated name is refused with its position.
fn check_header(record: &StringRecord) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::with_capacity(record.len());
    for (i, name) in record.iter().enumerate() {
        let name = name.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if name.is_empty() {
            // Spreadsheets often leave empty trailing columns; those are harmless.
            if record.iter().skip(i).all(|n| n.trim().is_empty()) {
                break;
            }
            return Err(Error::BadRequest(format!(
                "line 1, column {}: the header has an empty column name",
                i + 1
            )));
        }
        if let Some(first) = names.iter().position(|n| n == name) {
            return Err(Error::BadRequest(format!(
                "line 1, column {}: column name {name:?} repeats column {}",
                i + 1,
                first + 1
            )));
        }
        names.push(name.to_string());
    }
    Ok(names)
}

fn open_file(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| read_error(path, e))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn read_error(path: &Path, e: std::io::Error) -> Error {
    Error::BadRequest(format!("cannot read {}: {e}", file_name(path)))
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    Error::BadRequest(format!("{}: {e}", file_name(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(bytes: &[u8], options: ReadOptions) -> (Feed, tempfile::NamedTempFile) {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, bytes).unwrap();
        (Feed::open(file.path(), options).unwrap(), file)
    }

    #[test]
    fn a_bom_never_sticks_to_the_first_column() {
        let (feed, _f) = feed(b"\xEF\xBB\xBFsku;name\nA;x\n", ReadOptions::default());
        assert_eq!(feed.facts.header, ["sku", "name"]);
        assert_eq!(feed.facts.delimiter, b';');
    }

    #[test]
    fn quoted_newlines_and_decimal_commas() {
        let (mut feed, _f) = feed(
            "sku;price;text\nA;12,50;\"two\nlines\"\nB;3,99;x\n".as_bytes(),
            ReadOptions::default(),
        );
        assert!(feed.facts.decimal_comma);
        let mut row = StringRecord::new();
        assert!(feed.next(&mut row).unwrap());
        assert_eq!(&row[2], "two\nlines");
        assert!(feed.next(&mut row).unwrap());
        assert_eq!(row.position().unwrap().line(), 4);
        assert!(!feed.next(&mut row).unwrap());
    }

    #[test]
    fn header_problems_name_the_column() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, b"sku,name,sku\n").unwrap();
        let err = Feed::open(file.path(), ReadOptions::default())
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("column 3") && err.contains("repeats column 1"),
            "{err}"
        );
        let (feed, _f) = feed(b"sku,name,,\nA,b,,\n", ReadOptions::default());
        assert_eq!(feed.facts.header, ["sku", "name"]);
    }
}
