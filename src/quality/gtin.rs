//! GS1 trade item numbers (GTIN-8, UPC-A, EAN-13, GTIN-14): the pure check of one code, with
//! messages that tell a catalog manager what went wrong, including spreadsheet damage.

use thiserror::Error;

/// The lengths GS1 defines: GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13), GTIN-14.
const LENGTHS: [usize; 4] = [8, 12, 13, 14];

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GtinError {
    #[error(
        "{0:?} is a number in scientific notation, as Excel shows long numbers: the digits of the code were lost; export the column as text"
    )]
    ScientificNotation(String),
    #[error("a GTIN has only digits; {code:?} has {found:?}")]
    NotDigits { code: String, found: char },
    #[error(
        "a GTIN has 8, 12, 13 or 14 digits (GTIN-8, UPC-A, EAN-13, GTIN-14); {code:?} has {len}{hint}"
    )]
    Length {
        code: String,
        len: usize,
        hint: &'static str,
    },
    #[error("{code:?} has the wrong GTIN check digit {found}: expected {expected}")]
    CheckDigit {
        code: String,
        expected: u8,
        found: u8,
    },
}

/// Checks a GTIN as written: digits only, a GS1 length, the right check digit.
pub fn check(code: &str) -> Result<(), GtinError> {
    if is_scientific(code) {
        return Err(GtinError::ScientificNotation(code.to_string()));
    }
    if let Some(found) = code.chars().find(|c| !c.is_ascii_digit()) {
        return Err(GtinError::NotDigits {
            code: code.to_string(),
            found,
        });
    }
    let len = code.len();
    if !LENGTHS.contains(&len) {
        // Spreadsheets read codes as numbers and drop their leading zeros.
        let hint = if LENGTHS.contains(&(len + 1)) {
            ": a leading zero may have been lost, as spreadsheets drop them"
        } else {
            ""
        };
        return Err(GtinError::Length {
            code: code.to_string(),
            len,
            hint,
        });
    }
    let digits: Vec<u8> = code.bytes().map(|b| b - b'0').collect();
    let (body, last) = digits.split_at(len - 1);
    let expected = check_digit(body);
    if last[0] != expected {
        return Err(GtinError::CheckDigit {
            code: code.to_string(),
            expected,
            found: last[0],
        });
    }
    Ok(())
}

/// The GS1 check digit of the digits before it: weights 3 and 1 alternate from the right.
pub fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| u32::from(d) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// `3.65275E+11`, `5,90123E+12`, `4E13`: a mantissa, an `e` and an exponent.
fn is_scientific(s: &str) -> bool {
    let s = s.trim();
    let Some((mantissa, exponent)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let mantissa = mantissa.strip_prefix(['+', '-']).unwrap_or(mantissa);
    let (whole, fraction) = mantissa.split_once(['.', ',']).unwrap_or((mantissa, ""));
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    !whole.is_empty()
        && digits(whole)
        && digits(fraction)
        && !exponent.is_empty()
        && digits(exponent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_codes_of_every_length() {
        for code in [
            "96385074",       // GTIN-8
            "036000291452",   // UPC-A
            "4006381333931",  // EAN-13
            "5901234123457",  // EAN-13
            "10614141000415", // GTIN-14
            "00012345600012", // GTIN-14 holding a UPC-A
        ] {
            assert_eq!(check(code), Ok(()), "{code}");
        }
    }

    #[test]
    fn wrong_check_digit_names_the_expected_one() {
        let e = check("4006381333932").unwrap_err();
        assert_eq!(
            e,
            GtinError::CheckDigit {
                code: "4006381333932".into(),
                expected: 1,
                found: 2
            }
        );
        assert!(e.to_string().contains("expected 1"), "{e}");
        assert!(check("036000291453").is_err());
        assert!(check("96385075").is_err());
        assert!(check("10614141000416").is_err());
    }

    #[test]
    fn scientific_notation_is_called_out() {
        for code in ["3.65275E+11", "5,90123E+12", "4E13", "4.006381e12"] {
            let e = check(code).unwrap_err();
            assert!(matches!(e, GtinError::ScientificNotation(_)), "{code}");
            let message = e.to_string();
            assert!(message.contains("scientific notation"), "{message}");
            assert!(
                message.contains("digits of the code were lost"),
                "{message}"
            );
            assert!(message.contains("export the column as text"), "{message}");
        }
    }

    #[test]
    fn letters_and_spaces_are_not_digits() {
        assert!(matches!(
            check("40063813339AB"),
            Err(GtinError::NotDigits { found: 'A', .. })
        ));
        assert!(matches!(
            check(" 4006381333931"),
            Err(GtinError::NotDigits { found: ' ', .. })
        ));
        assert!(matches!(check("E123"), Err(GtinError::NotDigits { .. })));
    }

    #[test]
    fn wrong_lengths() {
        for code in ["", "1234567", "123456789", "12345678901", "123456789012345"] {
            assert!(
                matches!(check(code), Err(GtinError::Length { .. })),
                "{code}"
            );
        }
        // An UPC-A read as a number by a spreadsheet loses its leading zero.
        let e = check("36000291452").unwrap_err().to_string();
        assert!(e.contains("has 11") && e.contains("leading zero"), "{e}");
    }

    #[test]
    fn check_digit_of_a_body() {
        assert_eq!(check_digit(&[4, 0, 0, 6, 3, 8, 1, 3, 3, 3, 9, 3]), 1);
        assert_eq!(check_digit(&[9, 6, 3, 8, 5, 0, 7]), 4);
    }
}
