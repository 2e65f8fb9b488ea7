//! Refusing to delete what stored values still hold (an attribute, an option, an asset): the
//! refusal says how many products and product models hold it and names the first few.

use crate::error::{Error, FieldError, Result};
use crate::store::Conn;
use crate::store::usage::{self, Usage, ValueMatch};

/// A conflict on `field` when any product or product model holds `wanted`; `subject` names
/// what was to be deleted (`attribute color`).
pub(super) fn refuse_if_held(
    conn: &mut Conn<'_>,
    field: &str,
    subject: &str,
    wanted: &ValueMatch,
) -> Result<()> {
    let usage = usage::holding(conn, wanted)?;
    if usage.is_empty() {
        return Ok(());
    }
    Err(Error::field(FieldError::conflict(
        field,
        message(subject, &usage),
    )))
}

fn message(subject: &str, usage: &Usage) -> String {
    let mut holders = Vec::new();
    if usage.products > 0 {
        holders.push(counted(usage.products, "product", &usage.skus));
    }
    if usage.models > 0 {
        holders.push(counted(usage.models, "product model", &usage.model_codes));
    }
    format!(
        "{subject} is still used by {}: remove it from their values first",
        holders.join(" and ")
    )
}

/// `3 products (A, B, C)`, or `7 products (A, B, C, D, E, …)` when only some are named.
fn counted(count: i64, noun: &str, examples: &[String]) -> String {
    let plural = if count == 1 { "" } else { "s" };
    let more = if (examples.len() as i64) < count {
        ", …"
    } else {
        ""
    };
    format!("{count} {noun}{plural} ({}{more})", examples.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_counts_and_examples() {
        let usage = Usage {
            products: 7,
            models: 1,
            skus: ["A", "B", "C", "D", "E"].map(String::from).to_vec(),
            model_codes: vec!["M".into()],
        };
        assert_eq!(
            message("option red of attribute color", &usage),
            "option red of attribute color is still used by 7 products (A, B, C, D, E, …) and \
             1 product model (M): remove it from their values first"
        );
        let one = Usage {
            products: 1,
            skus: vec!["A".into()],
            ..Usage::default()
        };
        assert_eq!(
            message("attribute size", &one),
            "attribute size is still used by 1 product (A): remove it from their values first"
        );
    }
}
