//! Codes and labels shared by every structure entity: what a valid code looks like.

use std::collections::BTreeMap;

use crate::error::FieldError;

/// Labels per locale code.
pub type Labels = BTreeMap<String, String>;

pub const MAX_CODE_LEN: usize = 100;

/// Codes of structure entities: lowercase-first ASCII words joined by `_`, as Akeneo exports them.
pub fn check_code(field: &str, code: &str) -> Result<(), FieldError> {
    let valid = !code.is_empty()
        && code.len() <= MAX_CODE_LEN
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && code
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if valid {
        Ok(())
    } else {
        Err(FieldError::invalid(
            field,
            format!(
                "invalid code {code:?}: use 1 to {MAX_CODE_LEN} letters, digits, '_' or '-', starting with a letter or digit"
            ),
        ))
    }
}

/// A code made from a word a supplier wrote (`Dark Red` → `dark_red`, `Żółty` → `zolty`);
/// `None` when nothing of it is usable.
pub fn option_code_from(word: &str) -> Option<String> {
    let mut code = String::new();
    for c in word.trim().chars().flat_map(char::to_lowercase) {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.is_empty() && !code.ends_with('_') {
            code.push('_');
        }
    }
    let code = code.trim_end_matches('_');
    let code: String = code.chars().take(MAX_CODE_LEN).collect();
    (!code.is_empty()).then_some(code)
}

/// The plain Latin letter of a common accented one; others unchanged.
fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ł' | 'ľ' => 'l',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ß' => 's',
        'ť' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ů' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other => other,
    }
}

/// Locale codes look like `en_US`, `zh_CN` or `sr_Latn_RS`.
pub fn check_locale_code(field: &str, code: &str) -> Result<(), FieldError> {
    let mut parts = code.split('_');
    let language = parts.next().unwrap_or_default();
    let ok_language =
        (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_lowercase());
    let rest: Vec<&str> = parts.collect();
    let ok_rest = !rest.is_empty()
        && rest.len() <= 2
        && rest
            .iter()
            .all(|p| (2..=4).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if ok_language && ok_rest {
        Ok(())
    } else {
        Err(FieldError::invalid(
            field,
            format!("invalid locale code {code:?}: expected a form like en_US"),
        ))
    }
}

/// Currency codes are ISO 4217: three uppercase letters.
pub fn check_currency_code(field: &str, code: &str) -> Result<(), FieldError> {
    if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(FieldError::invalid(
            field,
            format!("invalid currency code {code:?}: expected three uppercase letters (ISO 4217)"),
        ))
    }
}

/// SKUs are free text within reason: no control characters, no surrounding spaces.
pub fn check_sku(field: &str, sku: &str) -> Result<(), FieldError> {
    if sku.is_empty() || sku.chars().count() > 255 {
        return Err(FieldError::invalid(
            field,
            "sku must have 1 to 255 characters",
        ));
    }
    if sku.trim() != sku || sku.chars().any(char::is_control) {
        return Err(FieldError::invalid(
            field,
            format!("sku {sku:?} has surrounding spaces or control characters"),
        ));
    }
    Ok(())
}

/// The case-folded form under which SKUs are unique.
pub fn sku_key(sku: &str) -> String {
    sku.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(check_code("code", "main_color").is_ok());
        assert!(check_code("code", "size-eu").is_ok());
        assert!(check_code("code", "").is_err());
        assert!(check_code("code", "has space").is_err());
        assert!(check_code("code", "_lead").is_err());
        assert!(check_code("code", &"a".repeat(101)).is_err());
    }

    #[test]
    fn locales_and_currencies() {
        assert!(check_locale_code("l", "en_US").is_ok());
        assert!(check_locale_code("l", "sr_Latn_RS").is_ok());
        assert!(check_locale_code("l", "english").is_err());
        assert!(check_currency_code("c", "EUR").is_ok());
        assert!(check_currency_code("c", "eur").is_err());
    }

    #[test]
    fn skus_fold_case() {
        assert_eq!(sku_key("Shirt-XL"), sku_key("SHIRT-xl"));
        assert!(check_sku("sku", " A").is_err());
        assert!(check_sku("sku", "A\tB").is_err());
    }
}
