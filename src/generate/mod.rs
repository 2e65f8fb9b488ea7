//! A deterministic synthetic catalog of any size, for benchmarks and load tests: several families,
//! four locales, variants, prices in three currencies, metrics, categories. The same seed and size
//! always give the same catalog.

mod rng;
mod vocabulary;

pub mod csv_feed;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::catalog::product::{ModelPatch, Patch, ProductPatch};
use crate::catalog::structure::Entity;
use crate::catalog::values::ValueInput;
use crate::catalog::{
    Attribute, AttributeGroup, AttributeOption, AttributeType, Category, Channel, Constraints,
    Currency, Family, FamilyVariant, Locale, VariantLevel,
};
pub use rng::Rng;
use vocabulary::{ADJECTIVES, BRANDS, COLORS, COUNTRIES, MATERIALS, NOUNS, SEASONS, SIZES};

pub const LOCALES: [&str; 4] = ["en_US", "de_DE", "fr_FR", "pl_PL"];
pub const CURRENCIES: [&str; 3] = ["EUR", "USD", "PLN"];
pub const CHANNEL: &str = "ecommerce";
/// Families of generated products; `apparel` products are variants of models, five sizes each.
pub const FAMILIES: [&str; 8] = [
    "apparel",
    "shoes",
    "electronics",
    "furniture",
    "food",
    "toys",
    "books",
    "garden",
];
const TOP_CATEGORIES: usize = 10;
const SUB_CATEGORIES: usize = 10;
/// Variants per apparel model.
pub const VARIANTS_PER_MODEL: usize = 5;

fn labels(en: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("en_US".to_string(), en.to_string())])
}

fn attribute(code: &str, kind: AttributeType, group: &str) -> Attribute {
    Attribute {
        code: code.into(),
        kind,
        group: group.into(),
        sort_order: 0,
        labels: labels(&code.replace('_', " ")),
        localizable: false,
        scopable: false,
        unique: false,
        metric_family: None,
        default_unit: None,
        constraints: Constraints::default(),
    }
}

/// The structure every generated catalog uses.
pub fn structure() -> Vec<Entity> {
    let mut out = Vec::new();
    out.extend(LOCALES.iter().map(|l| {
        Entity::Locale(Locale {
            code: l.to_string(),
            label: l.to_string(),
        })
    }));
    out.extend(CURRENCIES.iter().map(|c| {
        Entity::Currency(Currency {
            code: c.to_string(),
            label: c.to_string(),
        })
    }));
    out.push(Entity::Category(Category {
        code: "master".into(),
        parent: None,
        sort_order: 0,
        labels: labels("Master"),
    }));
    for top in 0..TOP_CATEGORIES {
        let code = format!("cat_{top}");
        out.push(Entity::Category(Category {
            code: code.clone(),
            parent: Some("master".into()),
            sort_order: top as i32,
            labels: labels(&code),
        }));
        for sub in 0..SUB_CATEGORIES {
            let sub_code = format!("cat_{top}_{sub}");
            out.push(Entity::Category(Category {
                code: sub_code.clone(),
                parent: Some(code.clone()),
                sort_order: sub as i32,
                labels: labels(&sub_code),
            }));
        }
    }
    out.push(Entity::Channel(Channel {
        code: CHANNEL.into(),
        labels: labels("E-commerce"),
        locales: LOCALES.iter().map(|l| l.to_string()).collect(),
        currencies: CURRENCIES.iter().map(|c| c.to_string()).collect(),
        category_tree: "master".into(),
    }));
    for (i, group) in ["general", "marketing", "technical"].iter().enumerate() {
        out.push(Entity::AttributeGroup(AttributeGroup {
            code: group.to_string(),
            sort_order: i as i32,
            labels: labels(group),
        }));
    }
    let mut attributes = vec![attribute("sku", AttributeType::Identifier, "general")];
    let mut name = attribute("name", AttributeType::Text, "marketing");
    name.localizable = true;
    let mut description = attribute("description", AttributeType::Textarea, "marketing");
    description.localizable = true;
    description.scopable = true;
    let mut ean = attribute("ean", AttributeType::Text, "general");
    ean.unique = true;
    ean.constraints.regex = Some("^[0-9]{13}$".into());
    let mut price = attribute("price", AttributeType::PriceCollection, "marketing");
    price.constraints.negative_allowed = Some(false);
    let metric = |code: &str, family: &str, unit: &str| {
        let mut a = attribute(code, AttributeType::Metric, "technical");
        a.metric_family = Some(family.into());
        a.default_unit = Some(unit.into());
        a.constraints.negative_allowed = Some(false);
        a
    };
    let mut warranty = attribute("warranty_years", AttributeType::Number, "technical");
    warranty.constraints.decimals_allowed = Some(false);
    attributes.extend([
        name,
        description,
        ean,
        price,
        attribute("brand", AttributeType::SimpleSelect, "marketing"),
        attribute("color", AttributeType::SimpleSelect, "marketing"),
        attribute("size", AttributeType::SimpleSelect, "general"),
        attribute("material", AttributeType::MultiSelect, "technical"),
        metric("weight", "Weight", "KILOGRAM"),
        metric("length", "Length", "CENTIMETER"),
        metric("power", "Power", "WATT"),
        warranty,
        attribute("release_date", AttributeType::Date, "general"),
        attribute("waterproof", AttributeType::Boolean, "technical"),
        attribute("rating", AttributeType::Number, "marketing"),
        attribute("main_image", AttributeType::Image, "marketing"),
        attribute("manufacturer_sku", AttributeType::Text, "general"),
        attribute("country_of_origin", AttributeType::SimpleSelect, "general"),
        attribute("season", AttributeType::SimpleSelect, "marketing"),
        metric("package_weight", "Weight", "KILOGRAM"),
        metric("package_length", "Length", "CENTIMETER"),
        metric("package_width", "Length", "CENTIMETER"),
        metric("package_height", "Length", "CENTIMETER"),
        attribute("eco_label", AttributeType::Boolean, "marketing"),
        attribute("min_order_qty", AttributeType::Number, "general"),
    ]);
    out.extend(attributes.into_iter().map(Entity::Attribute));
    let options = |attribute: &str, codes: &[&str]| -> Vec<Entity> {
        codes
            .iter()
            .enumerate()
            .map(|(i, code)| {
                Entity::AttributeOption(AttributeOption {
                    attribute: attribute.into(),
                    code: code.to_string(),
                    sort_order: i as i32,
                    labels: labels(code),
                })
            })
            .collect()
    };
    out.extend(options("brand", &BRANDS));
    out.extend(options("color", &COLORS));
    out.extend(options("size", &SIZES));
    out.extend(options("material", &MATERIALS));
    out.extend(options("country_of_origin", &COUNTRIES));
    out.extend(options("season", &SEASONS));
    let common = [
        "sku",
        "name",
        "description",
        "ean",
        "price",
        "brand",
        "color",
        "material",
        "weight",
        "release_date",
        "rating",
        "main_image",
        "manufacturer_sku",
        "country_of_origin",
        "season",
        "package_weight",
        "package_length",
        "package_width",
        "package_height",
        "eco_label",
        "min_order_qty",
    ];
    for family in FAMILIES {
        let mut attrs: Vec<String> = common.iter().map(|s| s.to_string()).collect();
        match family {
            "apparel" | "shoes" => attrs.push("size".into()),
            "electronics" => {
                attrs.extend(["power".into(), "warranty_years".into(), "length".into()])
            }
            "furniture" | "garden" => attrs.extend(["length".into(), "waterproof".into()]),
            _ => {}
        }
        out.push(Entity::Family(Family {
            code: family.into(),
            labels: labels(family),
            attributes: attrs,
            label_attribute: Some("name".into()),
            image_attribute: Some("main_image".into()),
            requirements: BTreeMap::from([(
                CHANNEL.to_string(),
                vec![
                    "sku".into(),
                    "name".into(),
                    "description".into(),
                    "price".into(),
                ],
            )]),
        }));
    }
    out.push(Entity::FamilyVariant(FamilyVariant {
        code: "apparel_by_size".into(),
        family: "apparel".into(),
        labels: labels("Apparel by size"),
        levels: vec![VariantLevel {
            axes: vec!["size".into()],
            attributes: vec!["sku".into(), "size".into(), "ean".into(), "price".into()],
        }],
    }));
    out
}

fn value(attribute: &str, locale: Option<&str>, channel: Option<&str>, data: Value) -> ValueInput {
    ValueInput {
        attribute: attribute.into(),
        locale: locale.map(Into::into),
        channel: channel.map(Into::into),
        data,
    }
}

/// The SKU of product `i`.
pub fn sku(i: u64) -> String {
    format!("GEN-{i:08}")
}

/// A valid EAN-13 unique to `i`: a fixed prefix, the number, and the GS1 check digit.
pub fn ean(i: u64) -> String {
    let body = format!("40{:010}", i % 10_000_000_000);
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(pos, b)| u32::from(b - b'0') * if pos % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// Whether product `i` is an apparel variant, and of which model.
pub fn model_of(i: u64) -> Option<u64> {
    (FAMILIES[(i as usize / VARIANTS_PER_MODEL) % FAMILIES.len()] == "apparel")
        .then_some(i / VARIANTS_PER_MODEL as u64)
}

/// The models of products `products`, each once, in order.
pub fn models_of(products: std::ops::Range<u64>) -> Vec<u64> {
    let models: std::collections::BTreeSet<u64> = products.filter_map(model_of).collect();
    models.into_iter().collect()
}

pub fn model_code(m: u64) -> String {
    format!("gen_model_{m:07}")
}

fn family_of(i: u64) -> &'static str {
    FAMILIES[(i as usize / VARIANTS_PER_MODEL) % FAMILIES.len()]
}

fn description(rng: &mut Rng, locale: &str, name: &str) -> String {
    let mut text = format!("{name}. ");
    let words = vocabulary::words(locale);
    while text.len() < 360 {
        text.push_str(words[rng.below(words.len())]);
        text.push(' ');
    }
    text.truncate(text.trim_end().len());
    text.push('.');
    text
}

/// The shared values of apparel model `m`.
pub fn model(seed: u64, m: u64) -> ModelPatch {
    let mut rng = Rng::new(seed ^ 0x6d6f_6465_6c00 ^ m);
    let noun = NOUNS[rng.below(NOUNS.len())];
    let adjective = ADJECTIVES[rng.below(ADJECTIVES.len())];
    let mut values = Vec::new();
    for locale in LOCALES {
        let name = format!(
            "{} {} {m}",
            vocabulary::translate(adjective, locale),
            vocabulary::translate(noun, locale)
        );
        values.push(value(
            "description",
            Some(locale),
            Some(CHANNEL),
            json!(description(&mut rng, locale, &name)),
        ));
        values.push(value("name", Some(locale), None, json!(name)));
    }
    values.push(value(
        "brand",
        None,
        None,
        json!(BRANDS[rng.below(BRANDS.len())]),
    ));
    values.push(value(
        "color",
        None,
        None,
        json!(COLORS[rng.below(COLORS.len())]),
    ));
    values.push(value(
        "material",
        None,
        None,
        json!([MATERIALS[rng.below(MATERIALS.len())]]),
    ));
    values.push(value(
        "weight",
        None,
        None,
        json!({"amount": format!("0.{}", 100 + rng.below(800)), "unit": "KILOGRAM"}),
    ));
    values.push(value(
        "release_date",
        None,
        None,
        json!(format!(
            "202{}-{:02}-{:02}",
            rng.below(6),
            1 + rng.below(12),
            1 + rng.below(28)
        )),
    ));
    logistics(&mut rng, m, &mut values);
    ModelPatch {
        code: model_code(m),
        family_variant: Some("apparel_by_size".into()),
        parent: Patch::Clear,
        categories: Some(vec![category(&mut rng)]),
        values,
    }
}

/// Supply-chain values every generated product or model carries.
fn logistics(rng: &mut Rng, reference: u64, values: &mut Vec<ValueInput>) {
    let cm =
        |rng: &mut Rng| json!({"amount": (5 + rng.below(120)).to_string(), "unit": "CENTIMETER"});
    values.push(value(
        "manufacturer_sku",
        None,
        None,
        json!(format!(
            "MFR-{:X}",
            reference.wrapping_mul(2_654_435_761) % 0xFF_FFFF
        )),
    ));
    values.push(value(
        "country_of_origin",
        None,
        None,
        json!(COUNTRIES[rng.below(COUNTRIES.len())]),
    ));
    values.push(value(
        "season",
        None,
        None,
        json!(SEASONS[rng.below(SEASONS.len())]),
    ));
    values.push(value(
        "package_weight",
        None,
        None,
        json!({"amount": format!("{}.{}", rng.below(30), rng.below(100)), "unit": "KILOGRAM"}),
    ));
    values.push(value("package_length", None, None, cm(rng)));
    values.push(value("package_width", None, None, cm(rng)));
    values.push(value("package_height", None, None, cm(rng)));
    values.push(value("eco_label", None, None, json!(rng.below(3) == 0)));
    values.push(value("min_order_qty", None, None, json!(1 + rng.below(10))));
}

fn category(rng: &mut Rng) -> String {
    format!(
        "cat_{}_{}",
        rng.below(TOP_CATEGORIES),
        rng.below(SUB_CATEGORIES)
    )
}

fn prices(rng: &mut Rng) -> Value {
    let cents = 499 + rng.below(50_000) as u64;
    let eur = format!("{}.{:02}", cents / 100, cents % 100);
    let usd_cents = cents * 108 / 100;
    let pln_cents = cents * 43 / 10;
    json!([
        {"amount": eur, "currency": "EUR"},
        {"amount": format!("{}.{:02}", pln_cents / 100, pln_cents % 100), "currency": "PLN"},
        {"amount": format!("{}.{:02}", usd_cents / 100, usd_cents % 100), "currency": "USD"},
    ])
}

/// Product `i` of the catalog with this seed.
pub fn product(seed: u64, i: u64) -> ProductPatch {
    let mut rng = Rng::new(seed ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let family = family_of(i);
    let mut values = vec![
        value("ean", None, None, json!(ean(i))),
        value("price", None, None, prices(&mut rng)),
    ];
    if let Some(m) = model_of(i) {
        values.push(value(
            "size",
            None,
            None,
            json!(SIZES[(i % VARIANTS_PER_MODEL as u64) as usize]),
        ));
        return ProductPatch {
            sku: sku(i),
            family: Patch::Set(family.into()),
            parent: Patch::Set(model_code(m)),
            enabled: Some(true),
            categories: Some(Vec::new()),
            values,
            associations: Vec::new(),
        };
    }
    let noun = NOUNS[rng.below(NOUNS.len())];
    let adjective = ADJECTIVES[rng.below(ADJECTIVES.len())];
    for locale in LOCALES {
        let name = format!(
            "{} {} {i}",
            vocabulary::translate(adjective, locale),
            vocabulary::translate(noun, locale)
        );
        // Every 12th product misses its Polish description, so completeness has something to show.
        if !(locale == "pl_PL" && i % 12 == 0) {
            values.push(value(
                "description",
                Some(locale),
                Some(CHANNEL),
                json!(description(&mut rng, locale, &name)),
            ));
        }
        values.push(value("name", Some(locale), None, json!(name)));
    }
    values.push(value(
        "brand",
        None,
        None,
        json!(BRANDS[rng.below(BRANDS.len())]),
    ));
    values.push(value(
        "color",
        None,
        None,
        json!(COLORS[rng.below(COLORS.len())]),
    ));
    values.push(value(
        "material",
        None,
        None,
        json!([
            MATERIALS[rng.below(MATERIALS.len())],
            MATERIALS[rng.below(MATERIALS.len())]
        ]),
    ));
    values.push(value(
        "weight",
        None,
        None,
        json!({"amount": format!("{}.{}", rng.below(40), rng.below(1000)), "unit": "KILOGRAM"}),
    ));
    values.push(value(
        "release_date",
        None,
        None,
        json!(format!(
            "202{}-{:02}-{:02}",
            rng.below(6),
            1 + rng.below(12),
            1 + rng.below(28)
        )),
    ));
    values.push(value(
        "rating",
        None,
        None,
        json!(format!("{}.{}", 1 + rng.below(4), rng.below(10))),
    ));
    logistics(&mut rng, i, &mut values);
    match family {
        "shoes" => values.push(value(
            "size",
            None,
            None,
            json!(SIZES[rng.below(SIZES.len())]),
        )),
        "electronics" => {
            values.push(value(
                "power",
                None,
                None,
                json!({"amount": (5 + rng.below(2000)).to_string(), "unit": "WATT"}),
            ));
            values.push(value("warranty_years", None, None, json!(1 + rng.below(5))));
            values.push(value(
                "length",
                None,
                None,
                json!({"amount": (10 + rng.below(90)).to_string(), "unit": "CENTIMETER"}),
            ));
        }
        "furniture" | "garden" => {
            values.push(value(
                "length",
                None,
                None,
                json!({"amount": (30 + rng.below(250)).to_string(), "unit": "CENTIMETER"}),
            ));
            values.push(value("waterproof", None, None, json!(rng.below(2) == 1)));
        }
        _ => {}
    }
    ProductPatch {
        sku: sku(i),
        family: Patch::Set(family.into()),
        parent: Patch::Clear,
        enabled: Some(rng.below(20) != 0),
        categories: Some(vec![category(&mut rng), category(&mut rng)]),
        values,
        associations: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic() {
        assert_eq!(product(7, 42), product(7, 42));
        assert_ne!(product(7, 42), product(8, 42));
        assert_eq!(model(7, 3), model(7, 3));
    }

    #[test]
    fn eans_have_check_digits() {
        // 4006381333931 is a known valid EAN-13.
        let digits: Vec<u32> = "4006381333931"
            .chars()
            .map(|c| c.to_digit(10).unwrap())
            .collect();
        let sum: u32 = digits[..12]
            .iter()
            .enumerate()
            .map(|(i, d)| d * if i % 2 == 0 { 1 } else { 3 })
            .sum();
        assert_eq!((10 - sum % 10) % 10, digits[12]);
        let e = ean(123);
        assert_eq!(e.len(), 13);
        assert_ne!(ean(1), ean(2));
    }

    #[test]
    fn apparel_variants_share_models() {
        let variants: Vec<u64> = (0..200).filter(|i| model_of(*i).is_some()).collect();
        assert!(!variants.is_empty());
        assert_eq!(variants.len() % VARIANTS_PER_MODEL, 0);
    }
}
