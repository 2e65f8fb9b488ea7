//! The search box: a small query language parsed here, never by tantivy's parser, so its errors
//! can say what to fix. Words must all match (`linen shirt`), `"quoted words"` match as a
//! phrase, a trailing `*` matches by prefix (`shir*`), a leading `-` excludes (`-red`).
//! Each word is looked for in the text of the searched locale's language, in text that belongs
//! to no locale, and in identifiers (SKU, GTIN, codes) by prefix.

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Index, Term};

use super::analyzers::{self, Lang};
use super::schema::Fields;

/// How much an identifier match outweighs a word in a text: a SKU typed in is what one wants.
const IDENTIFIER_BOOST: f32 = 4.0;
const EXACT_SKU_BOOST: f32 = 10.0;

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Word {
        text: String,
        prefix: bool,
        negated: bool,
    },
    Phrase {
        text: String,
        negated: bool,
    },
}

impl Clause {
    fn negated(&self) -> bool {
        match self {
            Clause::Word { negated, .. } | Clause::Phrase { negated, .. } => *negated,
        }
    }
}

/// Why a query cannot be read, with the character position (from 1) it was found at.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot read the query at character {position}: {problem}")]
pub struct ParseError {
    pub position: usize,
    pub problem: String,
}

fn error(position: usize, problem: &str) -> ParseError {
    ParseError {
        position: position + 1,
        problem: problem.to_string(),
    }
}

pub fn parse(text: &str) -> Result<Vec<Clause>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut clauses = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let negated = chars[i] == '-';
        if negated {
            i += 1;
            if i >= chars.len() || chars[i].is_whitespace() {
                return Err(error(
                    start,
                    "a `-` must be followed by the word or phrase to exclude",
                ));
            }
        }
        if chars[i] == '"' {
            let open = i;
            i += 1;
            let body_start = i;
            while i < chars.len() && chars[i] != '"' {
                i += 1;
            }
            if i >= chars.len() {
                return Err(error(
                    open,
                    "this quote is never closed; add a closing `\"`",
                ));
            }
            let body: String = chars[body_start..i].iter().collect();
            i += 1;
            if body.trim().is_empty() {
                return Err(error(open, "a quoted phrase is empty"));
            }
            clauses.push(Clause::Phrase {
                text: body.trim().to_string(),
                negated,
            });
            continue;
        }
        let word_start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '"' {
            i += 1;
        }
        if i < chars.len() && chars[i] == '"' {
            return Err(error(
                i,
                "a quote must start a phrase, not end a word; put a space before it",
            ));
        }
        let word: String = chars[word_start..i].iter().collect();
        let (body, prefix) = match word.strip_suffix('*') {
            Some(body) => (body, true),
            None => (word.as_str(), false),
        };
        if let Some(pos) = body.find('*') {
            let at = word_start + body[..pos].chars().count();
            return Err(error(at, "`*` is only allowed at the end of a word"));
        }
        if body.is_empty() {
            return Err(error(word_start, "`*` must follow the beginning of a word"));
        }
        clauses.push(Clause::Word {
            text: body.to_string(),
            prefix,
            negated,
        });
    }
    Ok(clauses)
}

/// Where a query looks: the language fields of one locale, or of all.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Locale(Lang),
    Everywhere,
}

impl Scope {
    pub fn langs(self) -> Vec<Lang> {
        match self {
            Scope::Locale(Lang::Plain) => vec![Lang::Plain],
            Scope::Locale(lang) => vec![lang, Lang::Plain],
            Scope::Everywhere => Lang::ALL.to_vec(),
        }
    }
}

/// The tantivy query of parsed clauses; None when there is nothing to match on (no clauses).
pub fn build(
    index: &Index,
    fields: &Fields,
    scope: Scope,
    clauses: &[Clause],
) -> Option<Box<dyn Query>> {
    if clauses.is_empty() {
        return None;
    }
    let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for clause in clauses {
        let occur = if clause.negated() {
            Occur::MustNot
        } else {
            Occur::Must
        };
        // A word with no term in any field (only punctuation, say) cannot match: an empty
        // disjunction matches nothing, as a required clause should.
        parts.push((occur, Box::new(clause_query(index, fields, scope, clause))));
    }
    if parts.iter().all(|(o, _)| *o == Occur::MustNot) {
        parts.push((Occur::Must, Box::new(AllQuery)));
    }
    Some(Box::new(BooleanQuery::new(parts)))
}

fn clause_query(index: &Index, fields: &Fields, scope: Scope, clause: &Clause) -> BooleanQuery {
    let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    match clause {
        Clause::Word {
            text,
            prefix: false,
            ..
        }
        | Clause::Phrase { text, .. } => {
            for lang in scope.langs() {
                let terms = analyzers::terms(index, lang.query_analyzer(), text);
                if let Some(q) = terms_query(fields.text(lang), &terms) {
                    any.push((Occur::Should, q));
                }
            }
        }
        Clause::Word {
            text, prefix: true, ..
        } => {
            let folded = analyzers::terms(index, Lang::Plain.analyzer(), text);
            if let [word] = folded.as_slice() {
                let pattern = format!("{}.*", regex::escape(word));
                for lang in scope.langs() {
                    if let Ok(q) = RegexQuery::from_pattern(&pattern, fields.text(lang)) {
                        any.push((Occur::Should, Box::new(q)));
                    }
                }
            }
        }
    }
    let lowered = match clause {
        Clause::Word { text, .. } | Clause::Phrase { text, .. } => text.to_lowercase(),
    };
    any.push((
        Occur::Should,
        Box::new(BoostQuery::new(
            Box::new(TermQuery::new(
                Term::from_field_text(fields.identifiers, &lowered),
                IndexRecordOption::Basic,
            )),
            IDENTIFIER_BOOST,
        )),
    ));
    any.push((
        Occur::Should,
        Box::new(BoostQuery::new(
            Box::new(TermQuery::new(
                Term::from_field_text(fields.sku, &lowered),
                IndexRecordOption::Basic,
            )),
            EXACT_SKU_BOOST,
        )),
    ));
    BooleanQuery::new(any)
}

/// One term, or a phrase of several (a word the analyzer splits, such as `t-shirt` or a
/// Chinese compound).
fn terms_query(field: Field, terms: &[String]) -> Option<Box<dyn Query>> {
    match terms {
        [] => None,
        [one] => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, one),
            IndexRecordOption::WithFreqs,
        ))),
        many => Some(Box::new(PhraseQuery::new(
            many.iter()
                .map(|t| Term::from_field_text(field, t))
                .collect(),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Clause {
        Clause::Word {
            text: text.into(),
            prefix: false,
            negated: false,
        }
    }

    #[test]
    fn words_phrases_prefixes_exclusions() {
        assert_eq!(
            parse(r#"linen "white shirt" shir* -red"#).unwrap(),
            vec![
                word("linen"),
                Clause::Phrase {
                    text: "white shirt".into(),
                    negated: false
                },
                Clause::Word {
                    text: "shir".into(),
                    prefix: true,
                    negated: false
                },
                Clause::Word {
                    text: "red".into(),
                    prefix: false,
                    negated: true
                },
            ]
        );
        assert_eq!(parse("  ").unwrap(), vec![]);
        assert_eq!(
            parse("TS-CLASSIC-WHITE-M").unwrap(),
            vec![word("TS-CLASSIC-WHITE-M")]
        );
    }

    #[test]
    fn unreadable_queries_say_where() {
        let e = parse(r#"shirt "white"#).unwrap_err();
        assert_eq!(e.position, 7);
        assert!(e.to_string().contains("never closed"), "{e}");
        assert!(
            parse("sh*rt")
                .unwrap_err()
                .problem
                .contains("end of a word")
        );
        assert!(parse("- red").is_err());
        assert!(parse("*").is_err());
        assert!(parse(r#""""#).is_err());
        assert!(parse(r#"a"b""#).is_err());
    }
}
