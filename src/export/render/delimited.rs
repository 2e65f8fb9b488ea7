//! Delimited text: CSV (RFC 4180 quoting) and Google's TSV (no quoting: tabs and line breaks in
//! values become spaces). Cells that a spreadsheet would run as a formula are neutralised.

use std::borrow::Cow;

use crate::export::definition::ChannelDefinition;
use crate::export::project::Item;
use crate::export::transform::text;

use super::Renderer;

/// A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`, so
/// spreadsheets show it as text instead of running it (numbers such as `-5` stay as they are).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Appends one CSV cell, quoted when it must be.
pub fn csv_cell(out: &mut Vec<u8>, cell: &str) {
    let cell = neutralise(cell);
    if cell.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        for part in cell.split('"').enumerate() {
            if part.0 > 0 {
                out.extend_from_slice(b"\"\"");
            }
            out.extend_from_slice(part.1.as_bytes());
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(cell.as_bytes());
    }
}

/// Appends one CSV row.
pub fn csv_row<'a>(out: &mut Vec<u8>, cells: impl IntoIterator<Item = &'a str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        csv_cell(out, cell);
    }
    out.extend_from_slice(b"\r\n");
}

fn tsv_cell(out: &mut Vec<u8>, cell: &str) {
    let cell = neutralise(cell);
    if cell.contains(['\t', '\n', '\r']) {
        let clean: String = cell
            .chars()
            .map(|c| {
                if matches!(c, '\t' | '\n' | '\r') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        out.extend_from_slice(clean.as_bytes());
    } else {
        out.extend_from_slice(cell.as_bytes());
    }
}

pub struct Delimited {
    names: Vec<String>,
    tab: bool,
}

impl Delimited {
    pub fn csv(def: &ChannelDefinition) -> Self {
        Delimited {
            names: def.fields.iter().map(|f| f.name.clone()).collect(),
            tab: false,
        }
    }

    pub fn tsv(def: &ChannelDefinition) -> Self {
        Delimited {
            tab: true,
            ..Delimited::csv(def)
        }
    }

    fn row<'a>(&self, out: &mut Vec<u8>, cells: impl Iterator<Item = Cow<'a, str>>) {
        if self.tab {
            for (i, cell) in cells.enumerate() {
                if i > 0 {
                    out.push(b'\t');
                }
                tsv_cell(out, &cell);
            }
            out.push(b'\n');
        } else {
            for (i, cell) in cells.enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                csv_cell(out, &cell);
            }
            out.extend_from_slice(b"\r\n");
        }
    }
}

impl Renderer for Delimited {
    fn begin(&mut self, out: &mut Vec<u8>) {
        self.row(out, self.names.iter().map(|n| Cow::Borrowed(n.as_str())));
    }

    fn group(&mut self, out: &mut Vec<u8>, items: &[Item]) {
        for item in items {
            self.row(out, item.values.iter().map(text));
        }
    }

    fn end(&mut self, _out: &mut Vec<u8>) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1+2"), "'+1+2");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("-5.5"), "-5.5");
        assert_eq!(neutralise("plain"), "plain");
    }

    #[test]
    fn csv_cells_are_quoted_when_needed() {
        let mut out = Vec::new();
        csv_row(&mut out, ["a,b", "say \"hi\"", "line\nbreak", "=1+1", "ok"]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\",'=1+1,ok\r\n"
        );
    }
}
