//! Filters and facets checked against the structure and turned into tantivy queries: facet
//! terms for families, options, booleans and enabled; category codes (ancestors included, so a
//! category matches its whole subtree); fast-field ranges for numbers, metrics, prices and dates.
//! Errors name the offending input field, as the write path's do.

use std::ops::RangeInclusive;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EmptyScorer, EnableScoring, Explanation, Occur, Query,
    RangeQuery, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use super::document::{bool_str, date_days, facet};
use super::request::{AttributeFilter, FacetKind, FacetRequest, Filters};
use super::schema::{
    self, ATTRIBUTE, CATEGORY, COMPLETENESS, ENABLED, FAMILY, Fields, RULE, SUPPLIER, UPDATED,
};
use crate::catalog::codes::sku_key;
use crate::catalog::{Attribute, AttributeType, Structure, measure};
use crate::error::FieldError;
use crate::quality::completeness::BANDS;

/// Required clauses that narrow without scoring.
pub fn build(
    structure: &Structure,
    fields: &Fields,
    filters: &Filters,
    path: &str,
) -> Result<Vec<Box<dyn Query>>, Vec<FieldError>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    let mut errors = Vec::new();
    let at = |name: &str| format!("{path}.{name}");
    if let Some(families) = &filters.families {
        out.push(any_of(
            families
                .iter()
                .map(|f| Term::from_facet(fields.facets, &facet(FAMILY, &[f]))),
        ));
    }
    if let Some(categories) = &filters.categories {
        out.push(any_of(
            categories
                .iter()
                .map(|c| Term::from_field_text(fields.categories, c)),
        ));
    }
    if let Some(enabled) = filters.enabled {
        out.push(any_of([Term::from_facet(
            fields.facets,
            &facet(ENABLED, &[bool_str(enabled)]),
        )]));
    }
    if let Some(since) = filters.updated_since {
        out.push(Box::new(RangeQuery::new_i64_bounds(
            UPDATED.to_string(),
            std::ops::Bound::Included(since.and_utc().timestamp_micros()),
            std::ops::Bound::Unbounded,
        )));
    }
    if let Some(skus) = &filters.skus {
        out.push(any_of(
            skus.iter()
                .map(|s| Term::from_field_text(fields.sku, &sku_key(s))),
        ));
    }
    if let Some(parent) = &filters.parent {
        out.push(any_of([Term::from_field_text(fields.parent, parent)]));
    }
    if let Some(c) = &filters.completeness {
        match structure.check_channel_locale(&c.channel, &c.locale, &at("completeness")) {
            Ok(()) => out.push(Box::new(ColumnRangeQuery {
                column: schema::completeness_column(&c.channel, &c.locale),
                min: 0.0,
                max: f64::from(c.below) - 0.5,
            })),
            Err(e) => errors.push(e),
        }
    }
    if let Some(b) = &filters.completeness_bands {
        let path = at("completenessBands");
        let unknown = b
            .bands
            .iter()
            .find(|band| !BANDS.iter().any(|(name, _, _)| name == band));
        match (
            structure.check_channel_locale(&b.channel, &b.locale, &path),
            unknown,
        ) {
            (Err(e), _) => errors.push(e),
            (Ok(()), Some(band)) => errors.push(FieldError::invalid(
                format!("{path}.bands"),
                format!("unknown completeness band {band:?}: use 0-49, 50-79, 80-99 or 100"),
            )),
            (Ok(()), None) => out.push(any_of(b.bands.iter().map(|band| {
                Term::from_facet(
                    fields.facets,
                    &facet(COMPLETENESS, &[&b.channel, &b.locale, band]),
                )
            }))),
        }
    }
    if let Some(rule) = &filters.failing_rule {
        if structure.quality_rules.contains_key(rule) {
            out.push(any_of([Term::from_facet(
                fields.facets,
                &facet(RULE, &[rule]),
            )]));
        } else {
            errors.push(FieldError::not_found(
                at("failingRule"),
                format!("unknown quality rule {rule:?}"),
            ));
        }
    }
    if let Some(suppliers) = &filters.suppliers {
        out.push(any_of(suppliers.iter().map(|s| {
            Term::from_facet(fields.facets, &facet(SUPPLIER, &[s]))
        })));
    }
    for (i, f) in filters.attributes.iter().enumerate() {
        match attribute_filter(structure, fields, f, &at(&format!("attributes.{i}"))) {
            Ok(queries) => out.extend(queries),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(out
            .into_iter()
            .map(|q| Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>)
            .collect())
    } else {
        Err(errors)
    }
}

/// Matches documents holding any of the terms.
fn any_of(terms: impl IntoIterator<Item = Term>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        terms
            .into_iter()
            .map(|t| {
                (
                    Occur::Should,
                    Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
                )
            })
            .collect(),
    ))
}

fn attribute_filter(
    structure: &Structure,
    fields: &Fields,
    f: &AttributeFilter,
    path: &str,
) -> Result<Vec<Box<dyn Query>>, Vec<FieldError>> {
    let Some(attribute) = structure.attribute(&f.attribute) else {
        return Err(vec![FieldError::not_found(
            format!("{path}.attribute"),
            format!("unknown attribute {:?}", f.attribute),
        )]);
    };
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    let mut errors = Vec::new();
    let refuse = |field: &str, what: &str| {
        FieldError::invalid(
            format!("{path}.{field}"),
            format!(
                "{what} cannot filter attribute {} of type {}",
                attribute.code,
                attribute.kind.as_str()
            ),
        )
    };
    if let Some(exists) = f.exists {
        let has = any_of([Term::from_field_text(fields.attributes, &attribute.code)]);
        out.push(if exists {
            has
        } else {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(tantivy::query::AllQuery)),
                (Occur::MustNot, has),
            ]))
        });
    }
    if let Some(options) = &f.options {
        if attribute.kind.has_options() {
            for code in options {
                if structure.option(&attribute.code, code).is_none() {
                    errors.push(FieldError::not_found(
                        format!("{path}.options"),
                        format!("unknown option {code:?} of attribute {}", attribute.code),
                    ));
                }
            }
            out.push(any_of(options.iter().map(|o| {
                Term::from_facet(fields.facets, &facet(ATTRIBUTE, &[&attribute.code, o]))
            })));
        } else {
            errors.push(refuse("options", "options"));
        }
    }
    if let Some(equals) = f.equals {
        if attribute.kind == AttributeType::Boolean {
            out.push(any_of([Term::from_facet(
                fields.facets,
                &facet(ATTRIBUTE, &[&attribute.code, bool_str(equals)]),
            )]));
        } else {
            errors.push(refuse("equals", "true or false"));
        }
    }
    if f.min.is_some() || f.max.is_some() {
        match range(attribute, f, path) {
            Ok(Some(q)) => out.push(Box::new(q)),
            Ok(None) => errors.push(refuse("min", "a range")),
            Err(e) => errors.push(e),
        }
    } else if f.currency.is_some() || f.unit.is_some() {
        errors.push(FieldError::invalid(
            format!("{path}.min"),
            "a currency or unit needs min or max",
        ));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The range query of a number, metric, price or date filter; None for other types.
fn range(
    attribute: &Attribute,
    f: &AttributeFilter,
    path: &str,
) -> Result<Option<ColumnRangeQuery>, FieldError> {
    let column = match attribute.kind {
        AttributeType::Number | AttributeType::Metric | AttributeType::Date => {
            if f.currency.is_some() {
                return Err(FieldError::invalid(
                    format!("{path}.currency"),
                    format!("attribute {} is not a price", attribute.code),
                ));
            }
            schema::number_column(&attribute.code, None)
        }
        AttributeType::PriceCollection => {
            let Some(currency) = &f.currency else {
                return Err(FieldError::invalid(
                    format!("{path}.currency"),
                    format!(
                        "a price range needs the currency of attribute {}",
                        attribute.code
                    ),
                ));
            };
            schema::number_column(&attribute.code, Some(currency))
        }
        _ => return Ok(None),
    };
    if f.unit.is_some() && attribute.kind != AttributeType::Metric {
        return Err(FieldError::invalid(
            format!("{path}.unit"),
            format!("attribute {} is not a metric", attribute.code),
        ));
    }
    let bound = |value: &Option<String>, name: &str| -> Result<Option<f64>, FieldError> {
        let Some(text) = value else { return Ok(None) };
        let field = format!("{path}.{name}");
        if attribute.kind == AttributeType::Date {
            return date_days(text).map(Some).ok_or_else(|| {
                FieldError::invalid(
                    field,
                    format!("{text:?} is not a date in the form YYYY-MM-DD"),
                )
            });
        }
        let amount = Decimal::from_str(text.trim())
            .map_err(|_| FieldError::invalid(&field, format!("{text:?} is not a number")))?;
        let amount = match (&f.unit, attribute.kind) {
            (Some(unit), AttributeType::Metric) => {
                let family = attribute
                    .metric_family
                    .as_deref()
                    .and_then(measure::family)
                    .ok_or_else(|| FieldError::invalid(&field, "unknown measurement family"))?;
                let target = attribute
                    .default_unit
                    .as_deref()
                    .unwrap_or(family.standard_unit);
                measure::convert(family, amount, unit, target)
                    .map_err(|e| FieldError::invalid(format!("{path}.unit"), e.to_string()))?
            }
            _ => amount,
        };
        Ok(amount.to_f64())
    };
    let min = bound(&f.min, "min")?.unwrap_or(f64::NEG_INFINITY);
    let max = bound(&f.max, "max")?.unwrap_or(f64::INFINITY);
    Ok(Some(ColumnRangeQuery { column, min, max }))
}

/// The facet whose children a request counts.
pub fn facet_root(
    structure: &Structure,
    request: &FacetRequest,
    path: &str,
) -> Result<Facet, FieldError> {
    match request.kind {
        FacetKind::Family => Ok(facet(FAMILY, &[])),
        FacetKind::Enabled => Ok(facet(ENABLED, &[])),
        FacetKind::Rule => Ok(facet(RULE, &[])),
        FacetKind::Supplier => Ok(facet(SUPPLIER, &[])),
        FacetKind::Completeness => {
            let (Some(channel), Some(locale)) = (&request.channel, &request.locale) else {
                return Err(FieldError::invalid(
                    path,
                    "a completeness facet needs a channel and a locale (of the facet or of the search)",
                ));
            };
            structure.check_channel_locale(channel, locale, path)?;
            Ok(facet(COMPLETENESS, &[channel, locale]))
        }
        FacetKind::Category => match &request.category {
            None => Ok(facet(CATEGORY, &[])),
            Some(code) if structure.categories.contains_key(code) => {
                let p = structure.category_path(code);
                let segments: Vec<&str> = p.iter().map(String::as_str).collect();
                Ok(facet(CATEGORY, &segments))
            }
            Some(code) => Err(FieldError::not_found(
                format!("{path}.category"),
                format!("unknown category {code:?}"),
            )),
        },
        FacetKind::Attribute => {
            let Some(code) = &request.attribute else {
                return Err(FieldError::invalid(
                    format!("{path}.attribute"),
                    "an attribute facet needs the attribute",
                ));
            };
            match structure.attribute(code) {
                Some(a) if a.kind.has_options() || a.kind == AttributeType::Boolean => {
                    Ok(facet(ATTRIBUTE, &[code]))
                }
                Some(a) => Err(FieldError::invalid(
                    format!("{path}.attribute"),
                    format!(
                        "attribute {code} of type {} has no facet: use a select, multi-select or boolean attribute",
                        a.kind.as_str()
                    ),
                )),
                None => Err(FieldError::not_found(
                    format!("{path}.attribute"),
                    format!("unknown attribute {code:?}"),
                )),
            }
        }
    }
}

/// Documents whose f64 fast-field column (an attribute in `num`) has a value in
/// `min..=max`. tantivy's own range query does not reach into JSON fields, so this reads the
/// column directly, one segment at a time.
#[derive(Debug, Clone)]
pub struct ColumnRangeQuery {
    pub column: String,
    pub min: f64,
    pub max: f64,
}

impl Query for ColumnRangeQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl ColumnRangeQuery {
    fn docs(&self, reader: &SegmentReader) -> tantivy::Result<Vec<DocId>> {
        let Some(column) = reader.fast_fields().column_opt::<f64>(&self.column)? else {
            return Ok(Vec::new());
        };
        let mut docs = Vec::new();
        let range: RangeInclusive<f64> = self.min..=self.max;
        column.get_docids_for_value_range(range, 0..reader.max_doc(), &mut docs);
        docs.sort_unstable();
        docs.dedup();
        Ok(docs)
    }
}

impl Weight for ColumnRangeQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = self.docs(reader)?;
        if docs.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(DocList {
            docs,
            at: 0,
            score: boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.docs(reader)?.binary_search(&doc).is_ok() {
            Ok(Explanation::new("value in range", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} has no value of {} in range",
                self.column
            )))
        }
    }
}

/// A sorted list of documents as a scorer, every one scoring the same.
struct DocList {
    docs: Vec<DocId>,
    at: usize,
    score: Score,
}

impl DocSet for DocList {
    fn advance(&mut self) -> DocId {
        self.at += 1;
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        self.docs.len() as u32
    }
}

impl Scorer for DocList {
    fn score(&mut self) -> Score {
        self.score
    }
}
