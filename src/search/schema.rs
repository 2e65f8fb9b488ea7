//! The index schema: a fixed set of fields whatever the catalog's attributes, so 20,000
//! attributes fit and a new attribute needs no rebuild. Attribute values live in facet paths
//! (`/attr/color/red`), in JSON fast fields keyed by attribute code, and in one text field per
//! language.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, JsonObjectOptions, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use super::analyzers::{IDENTIFIER, Lang};

/// Bumped whenever documents change shape; an index of another version is rebuilt on open.
pub const SCHEMA_VERSION: u32 = 2;

/// Facet roots: `/family/<code>`, `/category/<root>/…/<code>`, `/enabled/<bool>`,
/// `/attr/<attribute>/<option or bool>`, `/completeness/<channel>/<locale>/<band>`,
/// `/rule/<code>` (a quality rule the product fails) and `/supplier/<code>`.
pub const FAMILY: &str = "family";
pub const CATEGORY: &str = "category";
pub const ENABLED: &str = "enabled";
pub const ATTRIBUTE: &str = "attr";
pub const COMPLETENESS: &str = "completeness";
pub const RULE: &str = "rule";
pub const SUPPLIER: &str = "supplier";

#[derive(Debug, Clone)]
pub struct Fields {
    /// The product's database id: the tie-breaker of every sort.
    pub id: Field,
    /// The case-folded SKU: the document's key, exact SKU filters and the SKU sort.
    pub sku: Field,
    /// The SKU and identifier-like values, by prefix.
    pub identifiers: Field,
    /// Text values per language, in `Lang::ALL` order.
    pub text: Vec<(Lang, Field)>,
    /// Hierarchical facets: family, categories with their ancestors, options, booleans, enabled.
    pub facets: Field,
    /// Codes of the product's categories and all their ancestors: the category filter.
    pub categories: Field,
    /// Codes of the product models above the product.
    pub models: Field,
    /// Code of the product model directly above the product.
    pub parent: Field,
    /// Codes of the attributes that have a value.
    pub attributes: Field,
    /// Numbers, metrics (in one unit), prices (per currency) and dates (days since 1970) as
    /// f64, keyed by attribute code: range filters and sorts.
    pub numbers: Field,
    /// The lowercased label per locale, for sorting.
    pub labels: Field,
    /// Completeness percent keyed `<channel>.<locale>`: the completeness filter.
    pub completeness: Field,
    /// Last change, microseconds since 1970.
    pub updated: Field,
}

pub const NUMBERS: &str = "num";
pub const LABELS: &str = "label";
pub const COMPLETENESS_PERCENT: &str = "complete";
pub const UPDATED: &str = "updated";
pub const ID: &str = "id";
pub const SKU: &str = "sku";

fn text_field_name(lang: Lang) -> String {
    format!("text_{}", lang.code())
}

pub fn build() -> Schema {
    let mut b = Schema::builder();
    b.add_u64_field(ID, FAST);
    b.add_text_field(SKU, STRING | FAST);
    b.add_text_field(
        "identifiers",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(IDENTIFIER)
                .set_index_option(IndexRecordOption::Basic),
        ),
    );
    for lang in Lang::ALL {
        b.add_text_field(
            &text_field_name(lang),
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(lang.analyzer())
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
    }
    b.add_facet_field("facets", FacetOptions::default());
    b.add_text_field("categories", STRING);
    b.add_text_field("models", STRING);
    b.add_text_field("parent", STRING);
    b.add_text_field("attributes", STRING);
    b.add_json_field(NUMBERS, JsonObjectOptions::default().set_fast(None));
    b.add_json_field(LABELS, JsonObjectOptions::default().set_fast(None));
    b.add_json_field(
        COMPLETENESS_PERCENT,
        JsonObjectOptions::default().set_fast(None),
    );
    b.add_i64_field(UPDATED, FAST | INDEXED);
    b.build()
}

pub fn fields(schema: &Schema) -> tantivy::Result<Fields> {
    Ok(Fields {
        id: schema.get_field(ID)?,
        sku: schema.get_field(SKU)?,
        identifiers: schema.get_field("identifiers")?,
        text: Lang::ALL
            .iter()
            .map(|l| Ok((*l, schema.get_field(&text_field_name(*l))?)))
            .collect::<tantivy::Result<_>>()?,
        facets: schema.get_field("facets")?,
        categories: schema.get_field("categories")?,
        models: schema.get_field("models")?,
        parent: schema.get_field("parent")?,
        attributes: schema.get_field("attributes")?,
        numbers: schema.get_field(NUMBERS)?,
        labels: schema.get_field(LABELS)?,
        completeness: schema.get_field(COMPLETENESS_PERCENT)?,
        updated: schema.get_field(UPDATED)?,
    })
}

impl Fields {
    pub fn text(&self, lang: Lang) -> Field {
        self.text
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, f)| *f)
            .expect("every language has a text field")
    }
}

/// The fast-field column of a number attribute (`num.weight`) or of a price in one currency
/// (`num.price.EUR`).
pub fn number_column(attribute: &str, currency: Option<&str>) -> String {
    match currency {
        Some(c) => format!("{NUMBERS}.{attribute}.{c}"),
        None => format!("{NUMBERS}.{attribute}"),
    }
}

/// The fast-field column of a product's completeness percent in a channel and locale.
pub fn completeness_column(channel: &str, locale: &str) -> String {
    format!("{COMPLETENESS_PERCENT}.{channel}.{locale}")
}

pub fn label_column(locale: &str) -> String {
    format!("{LABELS}.{locale}")
}
