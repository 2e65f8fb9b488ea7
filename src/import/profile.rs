//! Mapping profiles: how one supplier's columns become our products. Stored per supplier with
//! versions and exchanged as JSON files (`schema/import-profile.schema.json` documents them).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::transform::Transform;

/// Where the data of one product field comes from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// A column of the file, by its header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Several columns joined, e.g. `"{Brand} {Model}"`; `{{` and `}}` are literal braces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// A constant, the same for every row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Applied in order to the text before it is read as the field's type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transforms: Vec<Transform>,
    /// The supplier's words for our codes (`Rot` → `red`); looked up after the transforms,
    /// exactly first and then ignoring case.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dictionary: BTreeMap<String, String>,
}

/// One attribute value filled from a source.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueMapping {
    pub attribute: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// The channel of a scopable attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// For a price collection: the currency of this column's amounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// For a metric: the unit of this column's amounts, unless the cell or `unit_column` says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// For a metric: a column holding each row's unit (a unit code or symbol, e.g. `kg`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_column: Option<String>,
    /// For a metric: convert amounts into this unit before storing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub convert_to: Option<String>,
    /// For lists (multi-selects, references): the separator between items (default: the
    /// profile's `list_separator`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub separator: Option<String>,
    /// For dates: the supplier's format in strftime notation, e.g. `%d.%m.%Y`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transforms: Vec<Transform>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dictionary: BTreeMap<String, String>,
}

impl ValueMapping {
    /// The value's source, as for the other fields (`column`, `template`, `value`,
    /// `transforms`, `dictionary` sit beside `attribute` in the file).
    pub fn source(&self) -> Source {
        Source {
            column: self.column.clone(),
            template: self.template.clone(),
            value: self.value.clone(),
            transforms: self.transforms.clone(),
            dictionary: self.dictionary.clone(),
        }
    }
}

/// What happens to a select value that matches no option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownOptions {
    #[default]
    Reject,
    /// A new option is created, its code made from the value and its label the value.
    Create,
}

/// What happens to an image or file cell naming a file that was not sent with the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingFiles {
    /// The row is rejected.
    #[default]
    Reject,
    /// The value is left out and the run notes how many were.
    Skip,
}

/// Values a variant row gives for attributes its product model holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InheritedValues {
    /// Equal to the model's: left out; different: the row is rejected, saying where to change it.
    #[default]
    Check,
    /// Always left out, as Akeneo's own import does.
    Ignore,
}

/// What the rows of a file are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rows {
    #[default]
    Products,
    /// Product models: `sku` gives the model's code, `family_variant` its family variant.
    ProductModels,
}

/// A whole profile. Every field but `sku` is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "is_products")]
    pub rows: Rows,
    /// `auto` (default) or an encoding name (`windows-1250`, `koi8-r`, `gbk`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// `auto` (default), `,`, `;`, `tab` or `|`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Numbers written `12,50`; detected from the file when not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal_comma: Option<bool>,
    /// Our SKU: usually the supplier's article number, often with a `prefix` transform.
    pub sku: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<Source>,
    /// The product model a variant belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Source>,
    /// Category codes, split by `list_separator`; dictionary entries map each item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Source>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<Source>,
    /// For product models: the family variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_variant: Option<Source>,
    /// Association type → the associated SKUs, split by `list_separator`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub associations: BTreeMap<String, Source>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ValueMapping>,
    #[serde(default)]
    pub unknown_options: UnknownOptions,
    #[serde(default)]
    pub missing_files: MissingFiles,
    #[serde(default)]
    pub inherited_values: InheritedValues,
    /// All rows or none: one rejected row stops the whole import before anything is written.
    #[serde(default)]
    pub all_or_nothing: bool,
    /// Columns deliberately not imported (others not mapped are reported once as unused).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    #[serde(default = "comma", skip_serializing_if = "is_comma")]
    pub list_separator: String,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            rows: Rows::Products,
            encoding: None,
            delimiter: None,
            decimal_comma: None,
            sku: Source::default(),
            family: None,
            parent: None,
            categories: None,
            enabled: None,
            family_variant: None,
            associations: BTreeMap::new(),
            values: Vec::new(),
            unknown_options: UnknownOptions::Reject,
            missing_files: MissingFiles::Reject,
            inherited_values: InheritedValues::Check,
            all_or_nothing: false,
            ignore: Vec::new(),
            list_separator: comma(),
        }
    }
}

fn is_products(rows: &Rows) -> bool {
    *rows == Rows::Products
}

fn comma() -> String {
    ",".into()
}

fn is_comma(s: &str) -> bool {
    s == ","
}

impl Profile {
    pub fn from_json(text: &str) -> Result<Profile, String> {
        serde_json::from_str(text).map_err(|e| format!("mapping profile: {e}"))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("profiles serialize")
    }

    /// Every column the profile reads.
    pub fn columns(&self) -> Vec<&str> {
        let mut out = Vec::new();
        let sources = [
            Some(&self.sku),
            self.family.as_ref(),
            self.parent.as_ref(),
            self.categories.as_ref(),
            self.enabled.as_ref(),
            self.family_variant.as_ref(),
        ];
        for source in sources
            .into_iter()
            .flatten()
            .chain(self.associations.values())
        {
            source.columns_into(&mut out);
        }
        for mapping in &self.values {
            if let Some(column) = &mapping.column {
                out.push(column);
            }
            if let Some(template) = &mapping.template {
                out.extend(template_columns(template));
            }
            if let Some(unit) = &mapping.unit_column {
                out.push(unit);
            }
        }
        out
    }
}

impl Source {
    pub fn column(name: &str) -> Source {
        Source {
            column: Some(name.to_string()),
            ..Source::default()
        }
    }

    pub fn constant(value: &str) -> Source {
        Source {
            value: Some(value.to_string()),
            ..Source::default()
        }
    }

    fn columns_into<'a>(&'a self, out: &mut Vec<&'a str>) {
        if let Some(column) = &self.column {
            out.push(column);
        }
        if let Some(template) = &self.template {
            out.extend(template_columns(template));
        }
    }
}

/// The column names a template refers to, in order.
pub fn template_columns(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        if rest[start..].starts_with("{{") {
            rest = &rest[start + 2..];
            continue;
        }
        let Some(len) = rest[start + 1..].find('}') else {
            break;
        };
        out.push(&rest[start + 1..start + 1 + len]);
        rest = &rest[start + 2 + len..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_file_round_trips() {
        let text = r#"{
            "encoding": "windows-1250",
            "delimiter": ";",
            "sku": {"column": "Nr art.", "transforms": [{"op": "trim"}, {"op": "prefix", "text": "PL-"}]},
            "family": {"value": "shirts"},
            "values": [
                {"attribute": "name", "locale": "pl_PL", "column": "Nazwa"},
                {"attribute": "color", "column": "Kolor", "dictionary": {"czerwony": "red"}},
                {"attribute": "price", "currency": "PLN", "column": "Cena"},
                {"attribute": "title", "locale": "en_US", "template": "{Marka} {Nazwa}"}
            ],
            "unknown_options": "create"
        }"#;
        let profile = Profile::from_json(text).unwrap();
        assert_eq!(profile.values.len(), 4);
        assert_eq!(profile.unknown_options, UnknownOptions::Create);
        assert_eq!(Profile::from_json(&profile.to_json()).unwrap(), profile);
        assert_eq!(
            profile.columns(),
            ["Nr art.", "Nazwa", "Kolor", "Cena", "Marka", "Nazwa"]
        );
    }

    #[test]
    fn unknown_fields_are_refused_by_name() {
        let err = Profile::from_json(r#"{"sku": {"column": "a"}, "colums": []}"#).unwrap_err();
        assert!(err.contains("colums"), "{err}");
    }

    /// The JSON Schema in `schema/` names exactly the fields the code reads.
    #[test]
    fn the_schema_file_matches_the_profile_fields() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schema/import-profile.schema.json")).unwrap();
        let keys = |v: &serde_json::Value| -> Vec<String> {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        let source = Source {
            column: Some("a".into()),
            template: Some("{a}".into()),
            value: Some("x".into()),
            transforms: vec![Transform::Trim],
            dictionary: [("a".to_string(), "b".to_string())].into(),
        };
        let mapping = ValueMapping {
            attribute: "a".into(),
            locale: Some("en_US".into()),
            scope: Some("web".into()),
            currency: Some("EUR".into()),
            unit: Some("GRAM".into()),
            unit_column: Some("u".into()),
            convert_to: Some("KILOGRAM".into()),
            separator: Some("|".into()),
            date_format: Some("%d".into()),
            column: source.column.clone(),
            template: source.template.clone(),
            value: source.value.clone(),
            transforms: source.transforms.clone(),
            dictionary: source.dictionary.clone(),
        };
        let full = Profile {
            rows: Rows::ProductModels,
            encoding: Some("auto".into()),
            delimiter: Some(";".into()),
            decimal_comma: Some(true),
            sku: source.clone(),
            family: Some(source.clone()),
            parent: Some(source.clone()),
            categories: Some(source.clone()),
            enabled: Some(source.clone()),
            family_variant: Some(source.clone()),
            associations: [("x_sell".to_string(), source.clone())].into(),
            values: vec![mapping],
            unknown_options: UnknownOptions::Create,
            missing_files: MissingFiles::Skip,
            inherited_values: InheritedValues::Ignore,
            all_or_nothing: true,
            ignore: vec!["c".into()],
            list_separator: "|".into(),
        };
        let json = serde_json::to_value(&full).unwrap();
        assert_eq!(keys(&json), keys(&schema["properties"]));
        assert_eq!(
            keys(&json["sku"]),
            keys(&schema["$defs"]["source"]["properties"])
        );
        assert_eq!(
            keys(&json["values"][0]),
            keys(&schema["$defs"]["value"]["properties"])
        );
        let ops: Vec<&str> = schema["$defs"]["transform"]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["properties"]["op"]["const"].as_str().unwrap())
            .collect();
        for op in ops {
            let mut t = serde_json::json!({"op": op, "pattern": "a", "with": "b", "text": "t", "value": "v", "max": 1});
            let fields = &schema["$defs"]["transform"]["oneOf"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["properties"]["op"]["const"] == op)
                .unwrap()["properties"];
            t.as_object_mut()
                .unwrap()
                .retain(|k, _| fields.get(k).is_some());
            serde_json::from_value::<Transform>(t.clone()).unwrap_or_else(|e| panic!("{t}: {e}"));
        }
    }

    #[test]
    fn template_columns_skip_escaped_braces() {
        assert_eq!(template_columns("{A} {{x}} {B}-{C}"), ["A", "B", "C"]);
    }
}
