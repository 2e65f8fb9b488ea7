//! Answering a search: the request checked against the structure, one tantivy pass collecting
//! the page, the total and the facet counts, then the page's products read from the database
//! with snippets cut from their text.

use std::collections::HashMap;

use tantivy::collector::{Count, FacetCollector, FacetCounts, FruitHandle, MultiCollector};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query};
use tantivy::{Searcher, SnippetGenerator};

use super::analyzers::Lang;
use super::collector::{After, KeyValue, Ranked, SortKey, SortSpec, SortedTop};
use super::collector::{decode_cursor, encode_cursor};
use super::directory::{OpenIndex, internal};
use super::document::{self, Source};
use super::filters;
use super::query::{self, Scope};
use super::request::{
    FacetResult, FacetValue, Filters, Highlight, Hit, SearchPage, SearchRequest, SortField,
};
use super::schema;
use crate::catalog::{AttributeType, Structure, values};
use crate::error::{Error, FieldError, Result};
use crate::service::Catalog;
use crate::service::reads::ancestors_of;
use crate::store;

/// Snippets per hit at most.
const MAX_HIGHLIGHTS: usize = 5;

struct Plan {
    query: Box<dyn Query>,
    text_query: Option<Box<dyn Query>>,
    scope: Scope,
    spec: SortSpec,
    after: Option<After>,
    facet_roots: Vec<tantivy::schema::Facet>,
}

fn plan(open: &OpenIndex, structure: &Structure, req: &SearchRequest) -> Result<Plan> {
    let mut errors = Vec::new();
    if let Some(locale) = &req.locale {
        if !structure.locales.contains_key(locale) {
            errors.push(FieldError::not_found(
                "locale",
                format!("unknown locale {locale:?}"),
            ));
        }
    }
    if let Some(channel) = &req.channel {
        if !structure.channels.contains_key(channel) {
            errors.push(FieldError::not_found(
                "channel",
                format!("unknown channel {channel:?}"),
            ));
        }
    }
    let scope = match &req.locale {
        Some(l) => Scope::Locale(Lang::of_locale(l)),
        None => Scope::Everywhere,
    };
    let text_query = match query::parse(req.text.as_deref().unwrap_or_default()) {
        Ok(clauses) => query::build(&open.index, &open.fields, scope, &clauses),
        Err(e) => {
            errors.push(FieldError::invalid("text", e.to_string()));
            None
        }
    };
    let filter_queries = match filters::build(structure, &open.fields, &req.filters, "filters") {
        Ok(q) => q,
        Err(e) => {
            errors.extend(e);
            Vec::new()
        }
    };
    let mut facet_roots = Vec::new();
    for (i, f) in req.facets.iter().enumerate() {
        match filters::facet_root(structure, f, &format!("facets.{i}")) {
            Ok(root) => facet_roots.push(root),
            Err(e) => errors.push(e),
        }
    }
    let spec = match sort_spec(structure, req, text_query.is_some()) {
        Ok(spec) => Some(spec),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let after = match (&spec, &req.after) {
        (Some(spec), Some(cursor)) => match decode_cursor(spec, cursor) {
            Ok(after) => Some(after),
            Err(message) => {
                errors.push(FieldError::invalid("after", message));
                None
            }
        },
        _ => None,
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(q) = &text_query {
        parts.push((Occur::Must, q.box_clone()));
    }
    parts.extend(filter_queries.into_iter().map(|q| (Occur::Must, q)));
    let query: Box<dyn Query> = if parts.is_empty() {
        Box::new(AllQuery)
    } else {
        Box::new(BooleanQuery::new(parts))
    };
    Ok(Plan {
        query,
        text_query,
        scope,
        spec: spec.expect("checked above"),
        after,
        facet_roots,
    })
}

fn sort_spec(
    structure: &Structure,
    req: &SearchRequest,
    has_text: bool,
) -> Result<SortSpec, FieldError> {
    let descending = req.sort.descending;
    let key = match &req.sort.field {
        SortField::Relevance if has_text => {
            return Ok(SortSpec {
                key: SortKey::Score,
                descending: true,
            });
        }
        SortField::Relevance => SortKey::Id,
        SortField::Sku => SortKey::Text(schema::SKU.to_string()),
        SortField::Updated => SortKey::Updated,
        SortField::Label => match &req.locale {
            Some(locale) => SortKey::Text(schema::label_column(locale)),
            None => {
                return Err(FieldError::invalid(
                    "sort.field",
                    "sorting by label needs the locale of the labels",
                ));
            }
        },
        SortField::Attribute(code) => {
            let Some(attribute) = structure.attribute(code) else {
                return Err(FieldError::not_found(
                    "sort.attribute",
                    format!("unknown attribute {code:?}"),
                ));
            };
            match attribute.kind {
                AttributeType::Number | AttributeType::Metric | AttributeType::Date => {
                    SortKey::Number(schema::number_column(code, None))
                }
                AttributeType::PriceCollection => match &req.sort.currency {
                    Some(c) => SortKey::Number(schema::number_column(code, Some(c))),
                    None => {
                        return Err(FieldError::invalid(
                            "sort.currency",
                            format!("sorting by price {code} needs a currency"),
                        ));
                    }
                },
                other => {
                    return Err(FieldError::invalid(
                        "sort.attribute",
                        format!(
                            "attribute {code} of type {} cannot be sorted by: use a number, metric, price or date",
                            other.as_str()
                        ),
                    ));
                }
            }
        }
    };
    Ok(SortSpec { key, descending })
}

pub(super) fn run(
    open: &OpenIndex,
    position: i64,
    structure: &Structure,
    catalog: &Catalog,
    req: &SearchRequest,
) -> Result<SearchPage> {
    let plan = plan(open, structure, req)?;
    let searcher = open.reader.searcher();
    let top = SortedTop {
        spec: plan.spec.clone(),
        after: plan.after.clone(),
        limit: req.first,
    };
    let mut facets = MultiCollector::new();
    let handles: Vec<FruitHandle<FacetCounts>> = plan
        .facet_roots
        .iter()
        .map(|root| {
            let mut c = FacetCollector::for_field("facets");
            c.add_facet(root.clone());
            facets.add_collector(c)
        })
        .collect();
    let (mut ranked, total, mut facet_fruits) = searcher
        .search(&plan.query, &(top, Count, facets))
        .map_err(internal)?;
    let has_next_page = ranked.len() > req.first;
    ranked.truncate(req.first);

    let facets = handles
        .into_iter()
        .zip(&plan.facet_roots)
        .zip(&req.facets)
        .map(|((handle, root), request)| {
            let counts = handle.extract(&mut facet_fruits);
            let mut values: Vec<FacetValue> = counts
                .get(root.clone())
                .map(|(facet, count)| FacetValue {
                    value: facet
                        .to_path()
                        .last()
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                    count,
                })
                .collect();
            values.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            values.truncate(request.limit);
            FacetResult {
                request: request.clone(),
                values,
            }
        })
        .collect();

    let hits = hits(&searcher, &plan, open, structure, catalog, req, ranked)?;
    Ok(SearchPage {
        hits,
        total: total as u64,
        facets,
        has_next_page,
        position,
    })
}

/// The page's products from the database, in rank order; a product deleted since the index
/// last caught up is left out.
fn hits(
    searcher: &Searcher,
    plan: &Plan,
    open: &OpenIndex,
    structure: &Structure,
    catalog: &Catalog,
    req: &SearchRequest,
    ranked: Vec<Ranked>,
) -> Result<Vec<Hit>> {
    let ids: Vec<i64> = ranked.iter().map(|r| r.id as i64).collect();
    let mut products: HashMap<i64, _> = catalog
        .db()
        .read(|c| store::products::find_by_ids(c, &ids))?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let parents: Vec<i64> = products.values().filter_map(|p| p.parent_id).collect();
    let models = catalog.model_chains(&parents)?;
    let generators = match (&plan.text_query, req.highlight) {
        (Some(q), true) => snippet_generators(searcher, open, plan.scope, q.as_ref())?,
        _ => Vec::new(),
    };
    let mut out = Vec::with_capacity(ranked.len());
    for r in ranked {
        let Some(product) = products.remove(&(r.id as i64)) else {
            continue;
        };
        let highlights = if generators.is_empty() {
            Vec::new()
        } else {
            let source = Source {
                product: &product,
                chain: ancestors_of(product.parent_id, &models),
                suppliers: &[],
            };
            highlights(structure, &source, &generators, req.channel.as_deref())
        };
        out.push(Hit {
            cursor: encode_cursor(&plan.spec, &r.key, r.id),
            score: r.score,
            highlights,
            product,
        });
    }
    Ok(out)
}

fn snippet_generators(
    searcher: &Searcher,
    open: &OpenIndex,
    scope: Scope,
    query: &dyn Query,
) -> Result<Vec<(Lang, SnippetGenerator)>> {
    let mut out = Vec::new();
    for lang in scope.langs() {
        let generator =
            SnippetGenerator::create(searcher, query, open.fields.text(lang)).map_err(internal)?;
        out.push((lang, generator));
    }
    Ok(out)
}

fn highlights(
    structure: &Structure,
    source: &Source<'_>,
    generators: &[(Lang, SnippetGenerator)],
    channel: Option<&str>,
) -> Vec<Highlight> {
    let values = source.values();
    let mut out = Vec::new();
    for text in document::texts(structure, &values) {
        if out.len() >= MAX_HIGHLIGHTS {
            break;
        }
        let visible = values::visible_in(
            text.scope.as_deref().unwrap_or(values::ALL_CHANNELS),
            values::ALL_LOCALES,
            channel,
            None,
        );
        if !visible {
            continue;
        }
        let Some((_, generator)) = generators.iter().find(|(l, _)| *l == text.lang) else {
            continue;
        };
        let snippet = generator.snippet(&text.text);
        if !snippet.highlighted().is_empty() {
            out.push(Highlight {
                attribute: text.attribute,
                locale: text.locale,
                channel: text.scope,
                snippet: snippet.to_html(),
            });
        }
    }
    out
}

pub(super) fn ids(
    open: &OpenIndex,
    structure: &Structure,
    filters: &Filters,
    after: i64,
    limit: usize,
) -> Result<(Vec<i64>, bool, u64)> {
    let queries =
        filters::build(structure, &open.fields, filters, "filter").map_err(Error::Invalid)?;
    let query: Box<dyn Query> = if queries.is_empty() {
        Box::new(AllQuery)
    } else {
        Box::new(BooleanQuery::new(
            queries.into_iter().map(|q| (Occur::Must, q)).collect(),
        ))
    };
    let top = SortedTop {
        spec: SortSpec {
            key: SortKey::Id,
            descending: false,
        },
        after: (after > 0).then_some(After {
            key: Some(KeyValue::Number(after as f64)),
            id: after as u64,
        }),
        limit,
    };
    let searcher = open.reader.searcher();
    let (mut ranked, total) = searcher.search(&query, &(top, Count)).map_err(internal)?;
    let more = ranked.len() > limit;
    ranked.truncate(limit);
    Ok((
        ranked.into_iter().map(|r| r.id as i64).collect(),
        more,
        total as u64,
    ))
}

/// The tantivy part of a search alone (query, page, count, facets; no database, no
/// highlights): what `pim bench search` compares the HTTP latency with. Returns the total.
pub fn tantivy_only(open: &OpenIndex, structure: &Structure, req: &SearchRequest) -> Result<u64> {
    let plan = plan(open, structure, req)?;
    let searcher = open.reader.searcher();
    let top = SortedTop {
        spec: plan.spec.clone(),
        after: plan.after.clone(),
        limit: req.first,
    };
    let mut facets = MultiCollector::new();
    for root in &plan.facet_roots {
        let mut c = FacetCollector::for_field("facets");
        c.add_facet(root.clone());
        facets.add_collector(c);
    }
    let (_, total, _) = searcher
        .search(&plan.query, &(top, Count, facets))
        .map_err(internal)?;
    Ok(total as u64)
}
