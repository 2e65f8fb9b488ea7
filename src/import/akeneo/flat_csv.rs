//! Reading one file of Akeneo's flat CSV format: `;` delimiter, `"` enclosure, UTF-8 with a header
//! row (a BOM in front of it is dropped), rows shorter or longer than the header accepted, lists
//! comma-separated, booleans `1`/`0`. Every error names the file, the line and the column.

use std::collections::HashMap;
use std::path::Path;

use rust_decimal::Decimal;

use crate::catalog::Labels;
use crate::error::{Error, FieldError, Result};

/// One whole file: small structure files are read at once.
#[derive(Debug)]
pub struct FlatFile {
    /// The file name, as errors and warnings show it.
    pub name: String,
    headers: Vec<String>,
    index: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
}

/// One data row of a [`FlatFile`].
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    file: &'a FlatFile,
    /// The line the row starts on, the header being line 1.
    pub line: u64,
    record: &'a csv::StringRecord,
}

/// An error about a place in a file; `column` may be empty for a whole row.
pub fn error_at(file: &str, line: u64, column: &str, reason: impl Into<String>) -> Error {
    let place = if column.is_empty() {
        format!("{file} line {line}")
    } else {
        format!("{file} line {line}, column {column}")
    };
    Error::field(FieldError::invalid(place, reason))
}

impl FlatFile {
    pub fn read(path: &Path) -> Result<FlatFile> {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let bytes = std::fs::read(path)
            .map_err(|e| Error::BadRequest(format!("cannot read {}: {e}", path.display())))?;
        FlatFile::parse(name, &bytes)
    }

    pub fn parse(name: String, bytes: &[u8]) -> Result<FlatFile> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .quote(b'"')
            .flexible(true)
            .has_headers(true)
            .from_reader(bytes);
        let csv_error = |e: csv::Error| {
            let line = e.position().map_or(1, csv::Position::line);
            let reason = match e.kind() {
                csv::ErrorKind::Utf8 { .. } => {
                    "the file is not UTF-8: Akeneo exports are UTF-8".to_string()
                }
                _ => e.to_string(),
            };
            error_at(&name, line, "", reason)
        };
        let headers: Vec<String> = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let mut index = HashMap::new();
        for (i, header) in headers.iter().enumerate() {
            if header.is_empty() {
                continue;
            }
            if index.insert(header.clone(), i).is_some() {
                return Err(error_at(&name, 1, header, "the column appears twice"));
            }
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let line = record.position().map_or(0, csv::Position::line);
            rows.push((line, record));
        }
        Ok(FlatFile {
            name,
            headers,
            index,
            rows,
        })
    }

    pub fn headers(&self) -> impl Iterator<Item = &str> {
        self.headers
            .iter()
            .map(String::as_str)
            .filter(|h| !h.is_empty())
    }

    pub fn has_column(&self, column: &str) -> bool {
        self.index.contains_key(column)
    }

    /// Refuses a file without a column every row needs; an empty file has no rows to need it.
    pub fn require_column(&self, column: &str) -> Result<()> {
        if self.has_column(column) || (self.index.is_empty() && self.rows.is_empty()) {
            Ok(())
        } else {
            Err(error_at(&self.name, 1, column, "the column is missing"))
        }
    }

    /// Columns named `prefix` + suffix, as (suffix, column), in file order.
    pub fn columns_with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.headers()
            .filter_map(move |h| h.strip_prefix(prefix).map(|suffix| (suffix, h)))
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(line, record)| Row {
            file: self,
            line: *line,
            record,
        })
    }
}

impl<'a> Row<'a> {
    pub fn file(&self) -> &'a FlatFile {
        self.file
    }

    pub fn file_name(&self) -> &'a str {
        &self.file.name
    }

    /// An error about one column of this row.
    pub fn error(&self, column: &str, reason: impl Into<String>) -> Error {
        error_at(&self.file.name, self.line, column, reason)
    }

    /// The trimmed value, empty when the column or the field is absent.
    pub fn get(&self, column: &str) -> &'a str {
        self.file
            .index
            .get(column)
            .and_then(|i| self.record.get(*i))
            .map_or("", str::trim)
    }

    /// The value, untrimmed: labels and patterns keep their spaces.
    pub fn raw(&self, column: &str) -> &'a str {
        self.file
            .index
            .get(column)
            .and_then(|i| self.record.get(*i))
            .unwrap_or("")
    }

    pub fn opt(&self, column: &str) -> Option<&'a str> {
        Some(self.get(column)).filter(|v| !v.is_empty())
    }

    pub fn required(&self, column: &str) -> Result<&'a str> {
        self.opt(column)
            .ok_or_else(|| self.error(column, "a value is required"))
    }

    /// A comma-separated list, items trimmed, empty items dropped.
    pub fn list(&self, column: &str) -> Vec<String> {
        self.get(column)
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }

    /// `1`/`0` (also `true`/`false`); None when empty.
    pub fn bool(&self, column: &str) -> Result<Option<bool>> {
        match self.get(column).to_ascii_lowercase().as_str() {
            "" => Ok(None),
            "1" | "true" => Ok(Some(true)),
            "0" | "false" => Ok(Some(false)),
            other => Err(self.error(column, format!("expected 1 or 0, found {other:?}"))),
        }
    }

    /// A boolean that is false when empty.
    pub fn flag(&self, column: &str) -> Result<bool> {
        Ok(self.bool(column)?.unwrap_or(false))
    }

    pub fn int(&self, column: &str) -> Result<Option<i64>> {
        let value = self.get(column);
        if value.is_empty() {
            return Ok(None);
        }
        // Akeneo writes some integers as decimals (`10.0000`).
        let parsed = value.parse::<i64>().ok().or_else(|| {
            value
                .parse::<Decimal>()
                .ok()
                .filter(|d| d.fract().is_zero())
                .and_then(|d| i64::try_from(d).ok())
        });
        parsed
            .map(Some)
            .ok_or_else(|| self.error(column, format!("expected a whole number, found {value:?}")))
    }

    pub fn decimal(&self, column: &str) -> Result<Option<Decimal>> {
        let value = self.get(column);
        if value.is_empty() {
            return Ok(None);
        }
        value
            .parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(value))
            .map(Some)
            .map_err(|_| self.error(column, format!("expected a number, found {value:?}")))
    }

    /// `label-<locale>` columns with a value.
    pub fn labels(&self) -> Labels {
        self.file
            .columns_with_prefix("label-")
            .filter_map(|(locale, column)| {
                let value = self.raw(column).trim();
                (!value.is_empty()).then(|| (locale.to_string(), value.to_string()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> FlatFile {
        FlatFile::parse("test.csv".into(), text.as_bytes()).unwrap()
    }

    #[test]
    fn bom_quotes_short_rows_and_lines() {
        let f = file(
            "\u{feff}code;label-en_US;parent\nmaster;\"Master; all\";\n\"multi\nline\";\"A \"\"B\"\"\"\nshort\n",
        );
        assert!(f.has_column("code"));
        let rows: Vec<Row<'_>> = f.rows().collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].get("code"), "master");
        assert_eq!(rows[0].labels()["en_US"], "Master; all");
        assert_eq!(rows[1].get("code"), "multi\nline");
        assert_eq!(rows[1].labels()["en_US"], "A \"B\"");
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[2].line, 5);
        assert_eq!(rows[2].get("parent"), "");
        assert!(rows[2].labels().is_empty());
    }

    #[test]
    fn typed_values_name_file_line_and_column() {
        let f = file("code;localizable;sort_order;number_min;attributes\na;yes;x;1,5;a, b,,c\n");
        let row = f.rows().next().unwrap();
        let e = row.bool("localizable").unwrap_err().to_string();
        assert!(
            e.contains("test.csv line 2, column localizable") && e.contains("\"yes\""),
            "{e}"
        );
        assert!(row.int("sort_order").is_err());
        assert!(row.decimal("number_min").is_err());
        assert_eq!(row.list("attributes"), vec!["a", "b", "c"]);
        let g = file("code;sort_order;number_min\nb;10.0000;-2.5\n");
        let row = g.rows().next().unwrap();
        assert_eq!(row.int("sort_order").unwrap(), Some(10));
        assert_eq!(
            row.decimal("number_min").unwrap(),
            Some(Decimal::new(-25, 1))
        );
    }

    #[test]
    fn duplicate_columns_and_bad_bytes_are_refused() {
        let e = FlatFile::parse("t.csv".into(), b"code;code\na;b\n").unwrap_err();
        assert!(e.to_string().contains("t.csv line 1, column code"), "{e}");
        let e = FlatFile::parse("t.csv".into(), b"code\nok\n\xff\xfe\n").unwrap_err();
        assert!(e.to_string().contains("t.csv line 3"), "{e}");
    }
}
