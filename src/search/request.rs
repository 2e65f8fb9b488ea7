//! What a caller asks of the search layer and what it gets back, independent of GraphQL.

use chrono::NaiveDateTime;

use crate::store::products::StoredProduct;

/// Filters shared by `search` and the `products` listing; every one given narrows the result.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub families: Option<Vec<String>>,
    /// Products in these categories or below them (through their product models too).
    pub categories: Option<Vec<String>>,
    pub enabled: Option<bool>,
    pub updated_since: Option<NaiveDateTime>,
    pub skus: Option<Vec<String>>,
    /// Variant products directly below this product model.
    pub parent: Option<String>,
    pub attributes: Vec<AttributeFilter>,
    /// Products whose completeness in a channel and locale is below a percent.
    pub completeness: Option<CompletenessFilter>,
    /// Products failing this quality rule (in any channel and locale).
    pub failing_rule: Option<String>,
    /// Products carried by any of these suppliers' feeds.
    pub suppliers: Option<Vec<String>>,
    /// Products in any of these completeness bands in a channel and locale.
    pub completeness_bands: Option<CompletenessBands>,
}

#[derive(Debug, Clone)]
pub struct CompletenessBands {
    pub channel: String,
    pub locale: String,
    /// Band names as `quality::completeness::BANDS` has them.
    pub bands: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CompletenessFilter {
    pub channel: String,
    pub locale: String,
    /// Percent, 1 to 100: products below it match.
    pub below: u8,
}

/// A condition on one attribute's values (in any channel and locale).
#[derive(Debug, Clone, Default)]
pub struct AttributeFilter {
    pub attribute: String,
    /// Select and multi-select: any of these options.
    pub options: Option<Vec<String>>,
    /// Boolean attributes.
    pub equals: Option<bool>,
    /// Numbers, metrics, prices and dates: inclusive bounds, as decimal strings (dates as
    /// `YYYY-MM-DD`).
    pub min: Option<String>,
    pub max: Option<String>,
    /// Prices: the currency the bounds are in (required).
    pub currency: Option<String>,
    /// Metrics: the unit the bounds are in (default: the attribute's default unit).
    pub unit: Option<String>,
    /// Whether the product has a value of this attribute at all.
    pub exists: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacetKind {
    Family,
    Category,
    Enabled,
    /// Options of a select or multi-select attribute, or true/false of a boolean one.
    Attribute,
    /// Completeness bands (`0-49`, `50-79`, `80-99`, `100`) in a channel and locale.
    Completeness,
    /// Quality rules the products fail.
    Rule,
    /// Suppliers whose feeds carried the products.
    Supplier,
}

#[derive(Debug, Clone)]
pub struct FacetRequest {
    pub kind: FacetKind,
    pub attribute: Option<String>,
    /// Completeness facets: the channel and locale (default: the request's).
    pub channel: Option<String>,
    pub locale: Option<String>,
    /// Category facets count the children of this category (default: the roots of the trees);
    /// a child's count includes every product below it.
    pub category: Option<String>,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SortField {
    /// Best match first; with no text, in the order products were created.
    #[default]
    Relevance,
    Sku,
    Updated,
    /// A number, metric, price (with a currency) or date attribute.
    Attribute(String),
    /// The product's label in the request's locale (its SKU when it has none).
    Label,
}

#[derive(Debug, Clone, Default)]
pub struct Sort {
    pub field: SortField,
    pub descending: bool,
    pub currency: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub text: Option<String>,
    pub locale: Option<String>,
    pub channel: Option<String>,
    pub filters: Filters,
    pub facets: Vec<FacetRequest>,
    pub sort: Sort,
    pub first: usize,
    pub after: Option<String>,
    /// Whether to cut highlighted snippets out of the hits' text.
    pub highlight: bool,
}

/// One matched fragment of one value, as HTML with the matched words in `<b>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Highlight {
    pub attribute: String,
    pub locale: Option<String>,
    pub channel: Option<String>,
    pub snippet: String,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub product: StoredProduct,
    pub score: f32,
    pub cursor: String,
    pub highlights: Vec<Highlight>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FacetValue {
    /// An option or family code, a category code, or `true`/`false`.
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone)]
pub struct FacetResult {
    pub request: FacetRequest,
    pub values: Vec<FacetValue>,
}

#[derive(Debug, Clone)]
pub struct SearchPage {
    pub hits: Vec<Hit>,
    pub total: u64,
    pub facets: Vec<FacetResult>,
    pub has_next_page: bool,
    /// The change-log position the index reflected when it answered.
    pub position: i64,
}
