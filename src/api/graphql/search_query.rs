//! The `search` query: words in any language, filters, facet counts, sorts and cursor paging,
//! answered by the search index; and the attribute filters the `products` listing shares.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};

use super::inputs::ProductFilterInput;
use super::product_query::page_size;
use super::product_types::{PageInfo, ProductConnection, ProductObj, product_edges};
use super::query::structure;
use super::structure_types::pick;
use super::{blocking, require, to_graphql};
use crate::auth::Action;
use crate::catalog::Structure;
use crate::error::Error;
use crate::search::{self, Search};
use crate::service::reads;
use crate::store::products::StoredProduct;

#[derive(Default)]
pub struct SearchQuery;

/// A condition on one attribute's values, in any channel and locale.
#[derive(InputObject, Clone, Default)]
pub struct AttributeFilterInput {
    pub attribute: String,
    /// Select and multi-select attributes: any of these option codes.
    pub options: Option<Vec<String>>,
    /// Boolean attributes.
    pub equals: Option<bool>,
    /// Number, metric, price and date attributes: the smallest value, inclusive, as a decimal
    /// string (dates as `YYYY-MM-DD`).
    pub min: Option<String>,
    /// The largest value, inclusive.
    pub max: Option<String>,
    /// Price attributes: the currency of `min` and `max` (required).
    pub currency: Option<String>,
    /// Metric attributes: the unit of `min` and `max` (default: the attribute's default unit).
    pub unit: Option<String>,
    /// Whether the product has a value of the attribute at all.
    pub exists: Option<bool>,
}

impl From<AttributeFilterInput> for search::AttributeFilter {
    fn from(f: AttributeFilterInput) -> Self {
        search::AttributeFilter {
            attribute: f.attribute,
            options: f.options,
            equals: f.equals,
            min: f.min,
            max: f.max,
            currency: f.currency,
            unit: f.unit,
            exists: f.exists,
        }
    }
}

/// The filters of a `products` or `search` request, as the search layer takes them.
pub(crate) fn filters(f: ProductFilterInput) -> search::Filters {
    search::Filters {
        families: f.families,
        categories: f.categories,
        enabled: f.enabled,
        updated_since: f.updated_since,
        skus: f.skus,
        parent: f.parent,
        attributes: f
            .attributes
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        completeness: f.completeness.map(|c| search::CompletenessFilter {
            channel: c.channel,
            locale: c.locale,
            below: c.below,
        }),
        failing_rule: f.failing_rule,
        suppliers: f.suppliers,
        completeness_bands: f.completeness_bands.map(|b| search::CompletenessBands {
            channel: b.channel,
            locale: b.locale,
            bands: b.bands,
        }),
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum SearchFacetKind {
    Family,
    /// Children of a category (or the roots of the trees); counts include products below.
    Category,
    Enabled,
    /// Options of a select or multi-select attribute, or true/false of a boolean one.
    Attribute,
    /// Completeness bands `0-49`, `50-79`, `80-99` and `100` in a channel and locale.
    Completeness,
    /// Quality rules the products fail.
    Rule,
    /// Suppliers whose feeds carried the products.
    Supplier,
}

#[derive(InputObject, Clone)]
pub struct SearchFacetInput {
    pub kind: SearchFacetKind,
    /// The attribute of an ATTRIBUTE facet.
    pub attribute: Option<String>,
    /// COMPLETENESS facets: the channel (default: the search's channel).
    pub channel: Option<String>,
    /// COMPLETENESS facets: the locale (default: the search's locale).
    pub locale: Option<String>,
    /// CATEGORY facets: count the children of this category instead of the tree roots.
    pub category: Option<String>,
    /// The most values returned, the most frequent first.
    #[graphql(default = 50)]
    pub limit: i32,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum SearchSortField {
    /// Best match first; with no text, in creation order.
    Relevance,
    Sku,
    Updated,
    /// A number, metric, price (give `currency`) or date attribute.
    Attribute,
    /// The label in the request's locale; the SKU for products without one.
    Label,
}

#[derive(InputObject, Clone)]
pub struct SearchSortInput {
    pub field: SearchSortField,
    pub attribute: Option<String>,
    pub currency: Option<String>,
    #[graphql(default)]
    pub descending: bool,
}

/// One matched fragment of a value: HTML-escaped text with the matched words in `<b>`.
#[derive(SimpleObject)]
#[graphql(name = "SearchHighlight")]
pub struct HighlightObj {
    attribute: String,
    locale: Option<String>,
    channel: Option<String>,
    snippet: String,
}

#[derive(SimpleObject)]
#[graphql(name = "SearchHit")]
pub struct HitObj {
    /// Pass as `after` to continue after this hit.
    cursor: String,
    /// Relevance (0 when the request has no text).
    score: f64,
    product: ProductObj,
    highlights: Vec<HighlightObj>,
}

#[derive(SimpleObject)]
#[graphql(name = "SearchFacetValue")]
pub struct FacetValueObj {
    /// A family, category, option, quality rule or supplier code, `true` / `false`, or a
    /// completeness band.
    value: String,
    /// The value's label in the request's locale.
    label: String,
    count: i64,
}

#[derive(SimpleObject)]
#[graphql(name = "SearchFacet")]
pub struct FacetObj {
    kind: SearchFacetKind,
    attribute: Option<String>,
    category: Option<String>,
    channel: Option<String>,
    locale: Option<String>,
    values: Vec<FacetValueObj>,
}

#[derive(SimpleObject)]
#[graphql(name = "SearchResult")]
pub struct SearchResultObj {
    /// Products matching text and filters, all pages together.
    total: i64,
    hits: Vec<HitObj>,
    facets: Vec<FacetObj>,
    page_info: PageInfo,
    /// The change-log position the index reflected: writes up to it are searchable.
    position: i64,
}

fn facet_label(
    s: &Structure,
    facet: &search::FacetResult,
    value: &str,
    locale: Option<&str>,
) -> String {
    match facet.request.kind {
        search::FacetKind::Family => s
            .families
            .get(value)
            .map_or_else(|| value.to_string(), |f| pick(&f.labels, value, locale)),
        search::FacetKind::Category => s
            .categories
            .get(value)
            .map_or_else(|| value.to_string(), |c| pick(&c.labels, value, locale)),
        search::FacetKind::Attribute => facet
            .request
            .attribute
            .as_deref()
            .and_then(|a| s.option(a, value))
            .map_or_else(|| value.to_string(), |o| pick(&o.labels, value, locale)),
        search::FacetKind::Rule => s
            .quality_rules
            .get(value)
            .map_or_else(|| value.to_string(), |r| pick(&r.labels, value, locale)),
        search::FacetKind::Enabled
        | search::FacetKind::Completeness
        | search::FacetKind::Supplier => value.to_string(),
    }
}

#[Object]
impl SearchQuery {
    /// Products found by words (in `locale`'s language, or in every language), narrowed by
    /// filters, with facet counts, sorted, `first` at a time after the cursor `after`.
    /// Words must all match; `"a phrase"`, `prefix*` and `-excluded` are understood; SKUs and
    /// GTINs match by prefix. Writes are searchable within a second.
    #[allow(clippy::too_many_arguments)]
    async fn search(
        &self,
        ctx: &Context<'_>,
        text: Option<String>,
        locale: Option<String>,
        channel: Option<String>,
        filters: Option<ProductFilterInput>,
        facets: Option<Vec<SearchFacetInput>>,
        sort: Option<SearchSortInput>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<SearchResultObj> {
        require(ctx, Action::ReadCatalog)?;
        let limit = page_size(first)? as usize;
        let s = structure(ctx).await?;
        let sort = match sort {
            None => search::Sort::default(),
            Some(sort) => search::Sort {
                field: match sort.field {
                    SearchSortField::Relevance => search::SortField::Relevance,
                    SearchSortField::Sku => search::SortField::Sku,
                    SearchSortField::Updated => search::SortField::Updated,
                    SearchSortField::Label => search::SortField::Label,
                    SearchSortField::Attribute => {
                        search::SortField::Attribute(sort.attribute.unwrap_or_default())
                    }
                },
                descending: sort.descending,
                currency: sort.currency,
            },
        };
        let request = search::SearchRequest {
            text,
            locale: locale.clone(),
            channel: channel.clone(),
            filters: filters.map(self::filters).unwrap_or_default(),
            facets: facets
                .unwrap_or_default()
                .into_iter()
                .map(|f| search::FacetRequest {
                    kind: match f.kind {
                        SearchFacetKind::Family => search::FacetKind::Family,
                        SearchFacetKind::Category => search::FacetKind::Category,
                        SearchFacetKind::Enabled => search::FacetKind::Enabled,
                        SearchFacetKind::Attribute => search::FacetKind::Attribute,
                        SearchFacetKind::Completeness => search::FacetKind::Completeness,
                        SearchFacetKind::Rule => search::FacetKind::Rule,
                        SearchFacetKind::Supplier => search::FacetKind::Supplier,
                    },
                    attribute: f.attribute,
                    channel: f.channel.or_else(|| channel.clone()),
                    locale: f.locale.or_else(|| locale.clone()),
                    category: f.category,
                    limit: f.limit.clamp(1, 1000) as usize,
                })
                .collect(),
            sort,
            first: limit,
            after,
            highlight: ctx.look_ahead().field("hits").field("highlights").exists(),
        };
        let structure_for_search = s.clone();
        let page = run(ctx, move |search| {
            search.search(&structure_for_search, &request)
        })
        .await?;
        let end_cursor = page.hits.last().map(|h| h.cursor.clone());
        let facets = page
            .facets
            .iter()
            .map(|f| FacetObj {
                kind: match f.request.kind {
                    search::FacetKind::Family => SearchFacetKind::Family,
                    search::FacetKind::Category => SearchFacetKind::Category,
                    search::FacetKind::Enabled => SearchFacetKind::Enabled,
                    search::FacetKind::Attribute => SearchFacetKind::Attribute,
                    search::FacetKind::Completeness => SearchFacetKind::Completeness,
                    search::FacetKind::Rule => SearchFacetKind::Rule,
                    search::FacetKind::Supplier => SearchFacetKind::Supplier,
                },
                attribute: f.request.attribute.clone(),
                category: f.request.category.clone(),
                channel: f.request.channel.clone(),
                locale: f.request.locale.clone(),
                values: f
                    .values
                    .iter()
                    .map(|v| FacetValueObj {
                        label: facet_label(&s, f, &v.value, locale.as_deref()),
                        value: v.value.clone(),
                        count: v.count as i64,
                    })
                    .collect(),
            })
            .collect();
        Ok(SearchResultObj {
            total: page.total as i64,
            facets,
            page_info: PageInfo {
                has_next_page: page.has_next_page,
                end_cursor,
            },
            position: page.position,
            hits: page
                .hits
                .into_iter()
                .map(|h| HitObj {
                    cursor: h.cursor,
                    score: f64::from(h.score),
                    highlights: h
                        .highlights
                        .into_iter()
                        .map(|x| HighlightObj {
                            attribute: x.attribute,
                            locale: x.locale,
                            channel: x.channel,
                            snippet: x.snippet,
                        })
                        .collect(),
                    product: ProductObj {
                        s: s.clone(),
                        p: h.product,
                    },
                })
                .collect(),
        })
    }
}

/// Runs blocking search work on the blocking pool, like `blocking` does for the catalog.
pub(crate) async fn run<T: Send + 'static>(
    ctx: &Context<'_>,
    f: impl FnOnce(&Search) -> Result<T, Error> + Send + 'static,
) -> async_graphql::Result<T> {
    let search = ctx.data_unchecked::<Arc<Search>>().clone();
    actix_web::rt::task::spawn_blocking(move || f(&search))
        .await
        .map_err(|e| Error::Internal(format!("worker failed: {e}")))
        .and_then(|r| r)
        .map_err(to_graphql)
}

/// The `products` listing with filters only the index can answer (attribute values): the
/// index gives the page's ids in creation order and the count, the database the products.
pub(crate) async fn products(
    ctx: &Context<'_>,
    filter: ProductFilterInput,
    after: i64,
    limit: i64,
) -> async_graphql::Result<ProductConnection> {
    let s = structure(ctx).await?;
    let structure_for_search = s.clone();
    let filters = filters(filter);
    let (ids, more, total) = run(ctx, move |search| {
        search.product_ids(&structure_for_search, &filters, after, limit as usize)
    })
    .await?;
    let wanted = ids.clone();
    let found = blocking(ctx, move |c| {
        c.db()
            .read(|conn| crate::store::products::find_by_ids(conn, &wanted))
    })
    .await?;
    let mut by_id: HashMap<i64, StoredProduct> = found.into_iter().map(|p| (p.id, p)).collect();
    let page: Vec<StoredProduct> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
    Ok(ProductConnection {
        edges: product_edges(&s, page),
        has_next_page: more,
        query: reads::ProductQuery::default(),
        total: Some(total as i64),
    })
}
