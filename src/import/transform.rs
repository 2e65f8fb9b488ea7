//! Text transforms a profile applies to a cell before it is read as a value, and the readers
//! for numbers, booleans and dates as suppliers write them.

use std::borrow::Cow;

use chrono::NaiveDate;
use regex::Regex;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Transform {
    /// Removes leading and trailing white space (including non-breaking spaces).
    Trim,
    Upper,
    Lower,
    /// The first letter of each word upper case, the rest lower case.
    Title,
    /// Regular-expression replacement; `with` may use `$1` for groups.
    Replace {
        pattern: String,
        with: String,
    },
    Prefix {
        text: String,
    },
    Suffix {
        text: String,
    },
    /// Used when the cell is empty.
    Default {
        value: String,
    },
    /// Keeps at most `max` characters.
    Truncate {
        max: usize,
    },
}

/// A transform ready to run (its regex compiled).
#[derive(Debug, Clone)]
pub enum Compiled {
    Plain(Transform),
    Replace(Regex, String),
}

impl Transform {
    pub fn compile(&self) -> Result<Compiled, String> {
        match self {
            Transform::Replace { pattern, with } => Regex::new(pattern)
                .map(|re| Compiled::Replace(re, with.clone()))
                .map_err(|e| format!("replace pattern {pattern:?}: {e}")),
            other => Ok(Compiled::Plain(other.clone())),
        }
    }
}

impl Compiled {
    pub fn apply<'a>(&self, text: Cow<'a, str>) -> Cow<'a, str> {
        match self {
            Compiled::Replace(re, with) => match re.replace_all(&text, with.as_str()) {
                Cow::Borrowed(_) => text,
                Cow::Owned(s) => Cow::Owned(s),
            },
            Compiled::Plain(t) => match t {
                Transform::Trim => {
                    let trimmed = text.trim_matches(|c: char| c.is_whitespace());
                    if trimmed.len() == text.len() {
                        text
                    } else {
                        Cow::Owned(trimmed.to_string())
                    }
                }
                Transform::Upper => Cow::Owned(text.to_uppercase()),
                Transform::Lower => Cow::Owned(text.to_lowercase()),
                Transform::Title => Cow::Owned(title_case(&text)),
                Transform::Prefix { text: p } if !text.is_empty() => {
                    Cow::Owned(format!("{p}{text}"))
                }
                Transform::Suffix { text: s } if !text.is_empty() => {
                    Cow::Owned(format!("{text}{s}"))
                }
                Transform::Default { value } if text.trim().is_empty() => Cow::Owned(value.clone()),
                Transform::Truncate { max } if text.chars().count() > *max => {
                    Cow::Owned(text.chars().take(*max).collect())
                }
                _ => text,
            },
        }
    }
}

fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphanumeric();
    }
    out
}

/// Reads a number as suppliers write it: `12.5`, `12,5` (decimal comma), `1 234,50` or
/// `1.234,50` (grouped), `1,234.50`. Excel's scientific notation (`3.65275E+11`) is refused:
/// the digits it dropped cannot be recovered.
pub fn number(cell: &str, decimal_comma: bool) -> Result<Decimal, String> {
    let text = cell.trim();
    if text.contains(['e', 'E']) && text.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!(
            "{text:?} is in scientific notation, as Excel writes long numbers; its digits are \
             lost — export the column as text"
        ));
    }
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    let normal = if decimal_comma {
        cleaned.replace('.', "").replace(',', ".")
    } else {
        // A comma is only a thousands separator between groups of three digits.
        let whole = cleaned.split('.').next().unwrap_or_default();
        if whole.split(',').skip(1).any(|group| group.len() != 3) {
            return Err(format!(
                "{text:?} is not a number (a decimal comma? set decimal_comma in the profile)"
            ));
        }
        cleaned.replace(',', "")
    };
    normal.parse::<Decimal>().map_err(|_| {
        if !decimal_comma && text.contains(',') && !text.contains('.') {
            format!("{text:?} is not a number (a decimal comma? set decimal_comma in the profile)")
        } else {
            format!("{text:?} is not a number")
        }
    })
}

/// Reads yes/no in the languages suppliers write them.
pub fn boolean(cell: &str) -> Result<bool, String> {
    match cell.trim().to_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "ja" | "oui" | "si" | "sí" | "tak" | "да" | "是" | "x" => {
            Ok(true)
        }
        "0" | "false" | "no" | "n" | "nein" | "non" | "nie" | "нет" | "否" => Ok(false),
        other => Err(format!(
            "{other:?} is not yes or no (1/0, true/false, yes/no)"
        )),
    }
}

/// Reads a date as `YYYY-MM-DD`, with `format` when given, else ISO (`2024-03-01`, also with a
/// time after it) or the European `01.03.2024`.
pub fn date(cell: &str, format: Option<&str>) -> Result<String, String> {
    let text = cell.trim();
    let parsed = match format {
        Some(f) => NaiveDate::parse_from_str(text, f)
            .map_err(|_| format!("{text:?} is not a date in the format {f}"))?,
        None => {
            let day = text.split(['T', ' ']).next().unwrap_or(text);
            NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(day, "%d.%m.%Y"))
                .map_err(|_| {
                    format!(
                        "{text:?} is not a date as YYYY-MM-DD or DD.MM.YYYY (set date_format for others)"
                    )
                })?
        }
    };
    Ok(parsed.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(t: Transform, text: &str) -> String {
        t.compile().unwrap().apply(Cow::Borrowed(text)).into_owned()
    }

    #[test]
    fn transforms() {
        assert_eq!(run(Transform::Trim, "\u{a0} x y \n"), "x y");
        assert_eq!(
            run(Transform::Title, "CZERWONY żółty-kot"),
            "Czerwony Żółty-Kot"
        );
        let replace = Transform::Replace {
            pattern: r"(\d+)\s*cm".into(),
            with: "${1}0 mm".into(),
        };
        assert_eq!(run(replace, "12 cm"), "120 mm");
        assert_eq!(run(Transform::Prefix { text: "PL-".into() }, "A1"), "PL-A1");
        assert_eq!(run(Transform::Prefix { text: "PL-".into() }, ""), "");
        assert_eq!(
            run(
                Transform::Default {
                    value: "red".into()
                },
                " "
            ),
            "red"
        );
        assert_eq!(run(Transform::Truncate { max: 3 }, "żółty"), "żół");
        assert!(
            Transform::Replace {
                pattern: "(".into(),
                with: String::new()
            }
            .compile()
            .is_err()
        );
    }

    #[test]
    fn numbers_as_suppliers_write_them() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(number("12,5", true).unwrap(), d("12.5"));
        assert_eq!(number("1.234,50", true).unwrap(), d("1234.50"));
        assert_eq!(number("1 234,50", true).unwrap(), d("1234.50"));
        assert_eq!(number("1,234.50", false).unwrap(), d("1234.50"));
        assert_eq!(number("-3", false).unwrap(), d("-3"));
        let err = number("3.65275E+11", false).unwrap_err();
        assert!(err.contains("scientific notation"), "{err}");
        let err = number("12,5", false).unwrap_err();
        assert!(err.contains("decimal comma"), "{err}");
    }

    #[test]
    fn booleans_and_dates() {
        assert!(boolean("Tak").unwrap());
        assert!(!boolean("нет").unwrap());
        assert!(boolean("maybe").is_err());
        assert_eq!(date("2024-03-01", None).unwrap(), "2024-03-01");
        assert_eq!(date("2024-03-01 10:00:00", None).unwrap(), "2024-03-01");
        assert_eq!(date("01.03.2024", None).unwrap(), "2024-03-01");
        assert_eq!(date("03/01/2024", Some("%m/%d/%Y")).unwrap(), "2024-03-01");
        assert!(date("03/01/2024", None).is_err());
    }
}
