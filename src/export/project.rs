//! Projection: one product (its own values over those of its models) turned into a channel's
//! item, field by field, in the channel's scope, locale and currency.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::definition::{ChannelDefinition, Source, Transform};
use super::transform;
use crate::catalog::values::{ALL_CHANNELS, ALL_LOCALES, get_value};
use crate::catalog::{Attribute, Structure, ValueDoc};
use crate::store::models::StoredModel;
use crate::store::products::StoredProduct;

/// A product as an export sees it: its own state and the chain of models above it.
pub struct Subject<'a> {
    pub stored: &'a StoredProduct,
    /// Root model first.
    pub chain: Vec<&'a StoredModel>,
    /// Its own categories and its models'.
    pub categories: BTreeSet<String>,
}

impl<'a> Subject<'a> {
    pub fn new(stored: &'a StoredProduct, models: &'a HashMap<i64, StoredModel>) -> Self {
        let chain = crate::service::reads::ancestors_of(stored.parent_id, models);
        let mut categories = stored.product.categories.clone();
        for m in &chain {
            categories.extend(m.model.categories.iter().cloned());
        }
        Subject {
            stored,
            chain,
            categories,
        }
    }

    pub fn sku(&self) -> &str {
        &self.stored.product.sku
    }

    /// The root model's code: the variant group.
    pub fn group(&self) -> Option<&str> {
        self.chain.first().map(|m| m.model.code.as_str())
    }

    /// The value an attribute shows in a scope and locale: the product's own, else the nearest
    /// model's.
    pub fn value(&self, attribute: &Attribute, scope: &str, locale: &str) -> Option<&'a Value> {
        let scope = if attribute.scopable {
            scope
        } else {
            ALL_CHANNELS
        };
        let locale = if attribute.localizable {
            locale
        } else {
            ALL_LOCALES
        };
        let own: &'a ValueDoc = &self.stored.product.values;
        get_value(own, &attribute.code, scope, locale).or_else(|| {
            self.chain
                .iter()
                .rev()
                .find_map(|m| get_value(&m.model.values, &attribute.code, scope, locale))
        })
    }

    /// Every value, the product's own over its models', for the full-product formats.
    pub fn merged_values(&self) -> ValueDoc {
        let mut merged = self.stored.product.values.clone();
        for m in self.chain.iter().rev() {
            for (attribute, scopes) in &m.model.values {
                let slot = merged.entry(attribute.clone()).or_default();
                for (scope, locales) in scopes {
                    let by_locale = slot.entry(scope.clone()).or_default();
                    for (locale, data) in locales {
                        by_locale
                            .entry(locale.clone())
                            .or_insert_with(|| data.clone());
                    }
                }
            }
        }
        merged
    }
}

/// One rendered product: its field values (aligned with the definition's fields; `Null` when
/// empty) and, for variants, the group and the axes that tell the variants apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub sku: String,
    pub group: Option<String>,
    /// Axis label and value label in the channel's locale, e.g. (`Size`, `M`).
    pub axes: Vec<(String, String)>,
    pub values: Vec<Value>,
}

impl Item {
    pub fn get<'a>(&'a self, def: &ChannelDefinition, name: &str) -> Option<&'a Value> {
        def.fields
            .iter()
            .position(|f| f.name == name)
            .map(|i| &self.values[i])
            .filter(|v| !v.is_null())
    }
}

/// Projects subjects onto one channel; holds what every product shares.
pub struct Projector<'a> {
    pub structure: &'a Structure,
    pub def: &'a ChannelDefinition,
    /// Each field's source attribute, looked up once.
    attributes: Vec<Option<&'a Attribute>>,
}

impl<'a> Projector<'a> {
    pub fn new(structure: &'a Structure, def: &'a ChannelDefinition) -> Self {
        let attributes = def
            .fields
            .iter()
            .map(|f| match &f.source {
                Source::Attribute(a) => structure.attribute(a),
                _ => None,
            })
            .collect();
        Projector {
            structure,
            def,
            attributes,
        }
    }

    pub fn project(&self, subject: &Subject<'_>) -> Item {
        let values = self
            .def
            .fields
            .iter()
            .zip(&self.attributes)
            .map(|(field, attribute)| {
                let attribute = *attribute;
                let mut v = match attribute {
                    Some(a) => subject
                        .value(a, &self.def.scope, &self.def.locale)
                        .cloned()
                        .unwrap_or(Value::Null),
                    None => self.source(subject, &field.source),
                };
                for t in &field.transforms {
                    v = self.apply(subject, attribute, t, v);
                }
                if transform::is_empty(&v) {
                    Value::Null
                } else {
                    v
                }
            })
            .collect();
        Item {
            sku: subject.sku().to_string(),
            group: subject.group().map(str::to_string),
            axes: self.axes(subject),
            values,
        }
    }

    fn axes(&self, subject: &Subject<'_>) -> Vec<(String, String)> {
        let Some(root) = subject.chain.first() else {
            return Vec::new();
        };
        let Some(variant) = self
            .structure
            .family_variants
            .get(&root.model.family_variant)
        else {
            return Vec::new();
        };
        let locale = &self.def.locale;
        variant
            .levels
            .iter()
            .flat_map(|l| l.axes.iter())
            .filter_map(|axis| {
                let attribute = self.structure.attribute(axis)?;
                let label = attribute
                    .labels
                    .get(locale)
                    .cloned()
                    .unwrap_or_else(|| attribute.code.clone());
                let value = subject.value(attribute, &self.def.scope, locale)?;
                let shown = transform::display(
                    self.structure,
                    attribute,
                    value,
                    locale,
                    &self.def.currency,
                );
                Some((label, shown))
            })
            .collect()
    }

    fn source(&self, subject: &Subject<'_>, source: &Source) -> Value {
        let product = &subject.stored.product;
        match source {
            Source::Attribute(code) => self
                .structure
                .attribute(code)
                .and_then(|a| subject.value(a, &self.def.scope, &self.def.locale))
                .cloned()
                .unwrap_or(Value::Null),
            Source::Property(p) => match p.as_str() {
                "sku" => Value::String(product.sku.clone()),
                "family" => product.family.clone().map_or(Value::Null, Value::String),
                "enabled" => Value::Bool(product.enabled),
                "categories" => Value::Array(
                    subject
                        .categories
                        .iter()
                        .cloned()
                        .map(Value::String)
                        .collect(),
                ),
                "parent" => product.parent.clone().map_or(Value::Null, Value::String),
                "group" => subject
                    .group()
                    .map_or(Value::Null, |g| Value::String(g.to_string())),
                "values" => serde_json::to_value(subject.merged_values()).unwrap_or(Value::Null),
                _ => Value::Null,
            },
            Source::Template(t) => Value::String(self.template(subject, t)),
            Source::Value(v) => v.clone(),
        }
    }

    fn template(&self, subject: &Subject<'_>, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let Some(end) = after.find('}') else {
                rest = &rest[start..];
                break;
            };
            let name = &after[..end];
            if name == "sku" {
                out.push_str(subject.sku());
            } else if let Some(attribute) = self.structure.attribute(name)
                && let Some(v) = subject.value(attribute, &self.def.scope, &self.def.locale)
            {
                out.push_str(&transform::display(
                    self.structure,
                    attribute,
                    v,
                    &self.def.locale,
                    &self.def.currency,
                ));
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        // Placeholders without a value leave doubled or trailing spaces behind.
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn apply(
        &self,
        subject: &Subject<'_>,
        attribute: Option<&Attribute>,
        t: &Transform,
        v: Value,
    ) -> Value {
        let locale = &self.def.locale;
        match t {
            Transform::Default { value } => {
                if transform::is_empty(&v) {
                    value.clone()
                } else {
                    v
                }
            }
            _ if v.is_null() => v,
            Transform::StripHtml => match &v {
                Value::String(s) => Value::String(transform::strip_html(s)),
                _ => v,
            },
            Transform::Truncate { max, ellipsis } => match &v {
                Value::String(s) => Value::String(transform::truncate_words(
                    s,
                    *max,
                    ellipsis.as_deref().unwrap_or(""),
                )),
                _ => v,
            },
            Transform::OptionLabel => match (attribute, &v) {
                (Some(a), Value::String(code)) => Value::String(
                    transform::option_label(self.structure, &a.code, code, locale).to_string(),
                ),
                (Some(a), Value::Array(codes)) => Value::Array(
                    codes
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|c| {
                            Value::String(
                                transform::option_label(self.structure, &a.code, c, locale)
                                    .to_string(),
                            )
                        })
                        .collect(),
                ),
                _ => v,
            },
            Transform::Unit {
                unit,
                decimals,
                with_symbol,
            } => attribute
                .and_then(|a| transform::convert_unit(a, &v, unit, *decimals, *with_symbol))
                .unwrap_or(Value::Null),
            Transform::Price { decimals, style } => {
                transform::price(&v, &self.def.currency, *decimals, *style).unwrap_or(Value::Null)
            }
            Transform::Number { decimals } => {
                transform::number(&v, *decimals).unwrap_or(Value::Null)
            }
            Transform::CategoryMap { table, default } => self
                .map_category(subject, &v, table)
                .or_else(|| default.clone())
                .unwrap_or(Value::Null),
            Transform::CategoryPath => self.category_path(&v),
            Transform::Map { table, default } => {
                let key = transform::text(&v);
                table
                    .get(key.as_ref())
                    .or(default.as_ref())
                    .cloned()
                    .unwrap_or(v)
            }
            Transform::Join { separator } => match &v {
                Value::Array(items) => Value::String(
                    items
                        .iter()
                        .map(|i| transform::text(i).into_owned())
                        .collect::<Vec<_>>()
                        .join(separator),
                ),
                _ => v,
            },
            Transform::Url { prefix } => match &v {
                Value::String(s) => Value::String(format!("{prefix}{s}")),
                Value::Array(items) => Value::Array(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|s| Value::String(format!("{prefix}{s}")))
                        .collect(),
                ),
                _ => v,
            },
        }
    }

    /// The most specific mapping among the categories: for each category the nearest mapped
    /// ancestor, the deepest of those winning.
    fn map_category(
        &self,
        _subject: &Subject<'_>,
        v: &Value,
        table: &std::collections::BTreeMap<String, Value>,
    ) -> Option<Value> {
        let codes: Vec<&str> = match v {
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            Value::String(s) => vec![s.as_str()],
            _ => return None,
        };
        let mut best: Option<(usize, &Value)> = None;
        for code in codes {
            let path = self.structure.category_path(code);
            for (depth, c) in path.iter().enumerate().rev() {
                if let Some(mapped) = table.get(c) {
                    if best.is_none_or(|(d, _)| depth > d) {
                        best = Some((depth, mapped));
                    }
                    break;
                }
            }
        }
        best.map(|(_, v)| v.clone())
    }

    /// The deepest category as the path of its labels below the tree's root (`A > B`).
    fn category_path(&self, v: &Value) -> Value {
        let codes: Vec<&str> = match v {
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            Value::String(s) => vec![s.as_str()],
            _ => return Value::Null,
        };
        let deepest = codes
            .into_iter()
            .map(|c| self.structure.category_path(c))
            .max_by_key(Vec::len);
        let Some(path) = deepest else {
            return Value::Null;
        };
        let shown: Vec<String> = path
            .iter()
            .skip(usize::from(path.len() > 1))
            .map(|code| {
                self.structure
                    .categories
                    .get(code)
                    .and_then(|c| c.labels.get(&self.def.locale))
                    .cloned()
                    .unwrap_or_else(|| code.clone())
            })
            .collect();
        Value::String(shown.join(" > "))
    }
}
