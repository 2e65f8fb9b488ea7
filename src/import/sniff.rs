//! The CSV dialect of a sample: which delimiter splits the rows into the same number of cells,
//! and whether numbers are written with a decimal comma.

pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The delimiter giving the most rows with the header's cell count (more than one cell), ties
/// to the earlier candidate; `,` when nothing splits.
pub fn delimiter(sample: &str) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for candidate in DELIMITERS {
        let counts = cells_per_record(sample, candidate);
        let Some(&header) = counts.first() else {
            continue;
        };
        if header < 2 {
            continue;
        }
        let agreeing = counts.iter().filter(|c| **c == header).count();
        if (agreeing, header) > (best.1, best.2) {
            best = (candidate, agreeing, header);
        }
    }
    best.0
}

/// Cells per record of the complete records in the sample (quoted delimiters and newlines do
/// not count; the last, possibly cut, record is left out).
fn cells_per_record(sample: &str, delimiter: u8) -> Vec<usize> {
    let mut counts = Vec::new();
    let mut cells = 1;
    let mut quoted = false;
    let mut bytes = sample.bytes().peekable();
    while let Some(b) = bytes.next() {
        match b {
            b'"' => quoted = !quoted,
            b'\r' | b'\n' if !quoted => {
                if b == b'\r' && bytes.peek() == Some(&b'\n') {
                    bytes.next();
                }
                counts.push(cells);
                cells = 1;
            }
            b if b == delimiter && !quoted => cells += 1,
            _ => {}
        }
        if counts.len() >= 50 {
            break;
        }
    }
    counts
}

/// Whether the sample's numeric cells use a decimal comma: with `;`, tab or `|` as the
/// delimiter, cells such as `12,50` or `1.234,5` and no cells such as `12.50`.
pub fn decimal_comma(cells: impl IntoIterator<Item = impl AsRef<str>>, delimiter: u8) -> bool {
    if delimiter == b',' {
        return false;
    }
    let (mut comma, mut point) = (0usize, 0usize);
    for cell in cells {
        match number_style(cell.as_ref().trim()) {
            Some(NumberStyle::Comma) => comma += 1,
            Some(NumberStyle::Point) => point += 1,
            None => {}
        }
    }
    comma > 0 && comma >= point * 4
}

enum NumberStyle {
    Comma,
    Point,
}

fn number_style(cell: &str) -> Option<NumberStyle> {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    if digits.is_empty()
        || !digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
    {
        return None;
    }
    let last_comma = digits.rfind(',');
    let last_point = digits.rfind('.');
    match (last_comma, last_point) {
        (Some(c), p) if p.is_none_or(|p| p < c) && digits.len() - c - 1 != 3 => {
            Some(NumberStyle::Comma)
        }
        (c, Some(p)) if c.is_none_or(|c| c < p) && digits.len() - p - 1 != 3 => {
            Some(NumberStyle::Point)
        }
        _ => None,
    }
}

pub fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "comma",
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "pipe",
        _ => "other",
    }
}

/// Parses a delimiter as a profile names it: a character, `tab`, `comma`, `semicolon`, `pipe`.
pub fn parse_delimiter(text: &str) -> Result<Option<u8>, String> {
    Ok(Some(match text {
        "" | "auto" => return Ok(None),
        "," | "comma" => b',',
        ";" | "semicolon" => b';',
        "\t" | "\\t" | "tab" => b'\t',
        "|" | "pipe" => b'|',
        other => return Err(format!("delimiter {other:?} is not one of , ; tab |")),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_delimiter_that_splits_rows_evenly() {
        assert_eq!(delimiter("a;b;c\n1;2,5;3\n4;5,5;6\n"), b';');
        assert_eq!(delimiter("a,b,c\n1,\"2;5\",3\n"), b',');
        assert_eq!(delimiter("a\tb\n1\t2\n"), b'\t');
        assert_eq!(delimiter("a|b|c\n1|2|3\n"), b'|');
        // A quoted newline and quoted delimiters do not break the count.
        assert_eq!(
            delimiter("sku;text\nA;\"line one\nline; two\"\nB;x\n"),
            b';'
        );
        assert_eq!(delimiter("single\nvalue\n"), b',');
    }

    #[test]
    fn decimal_comma_needs_a_non_comma_delimiter_and_comma_numbers() {
        assert!(decimal_comma(["12,50", "3,5", "abc", "1.234,5"], b';'));
        assert!(!decimal_comma(["12.50", "3.5"], b';'));
        assert!(!decimal_comma(["12,50"], b','));
        // `1,234` reads both ways: it decides nothing.
        assert!(!decimal_comma(["1,234"], b';'));
    }

    #[test]
    fn delimiter_names() {
        assert_eq!(parse_delimiter("tab").unwrap(), Some(b'\t'));
        assert_eq!(parse_delimiter("auto").unwrap(), None);
        assert!(parse_delimiter("#").is_err());
    }
}
