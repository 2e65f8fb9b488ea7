//! Akeneo structure files converted and saved into a fresh catalog: the reference exports in
//! `../shared/reference/akeneo/` go in whole, a second save changes nothing, broken files are
//! refused with file, line and column.

use std::path::{Path, PathBuf};

use pim::catalog::structure::{Entity, EntityKind};
use pim::import::akeneo::structure::read_structure;
use pim::service::ItemStatus;
use pim::store::changes::Origin;

use crate::common::TestApp;
use crate::conformance;

conformance!(
    catalog_modeling_migrates,
    footwear_migrates,
    technical_migrates,
    broken_file_is_refused_before_anything_is_saved
);

fn reference(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference/akeneo")
        .join(name)
}

fn origin() -> Origin {
    Origin::new("test", "akeneo import")
}

/// Rows of each counted file that become entities: the file's rows minus the documented skips.
struct Expected {
    attributes: usize,
    options: usize,
    families: usize,
    family_variants: usize,
    categories: usize,
    channels: usize,
}

/// Converts and saves a reference export, checks what the catalog holds, saves it again.
fn migrate(app: &TestApp, name: &str, expected: Expected) -> Vec<String> {
    let import = read_structure(&reference(name)).unwrap();
    let total = import.entities.len();
    let saved = app
        .state
        .catalog
        .save_entities(import.entities.clone(), &origin())
        .unwrap();
    assert_eq!(saved.len(), total);
    assert!(
        saved.iter().all(|r| r.status == ItemStatus::Created),
        "{name}: {saved:?}"
    );
    let structure = app.state.catalog.structure().unwrap();
    assert_eq!(structure.attributes.len(), expected.attributes, "{name}");
    let options: usize = structure.options.values().map(|o| o.len()).sum();
    assert_eq!(options, expected.options, "{name}");
    assert_eq!(structure.families.len(), expected.families, "{name}");
    assert_eq!(
        structure.family_variants.len(),
        expected.family_variants,
        "{name}"
    );
    assert_eq!(structure.categories.len(), expected.categories, "{name}");
    assert_eq!(structure.channels.len(), expected.channels, "{name}");
    // The catalog holds exactly what was converted.
    let mut stored: Vec<(EntityKind, String)> = structure
        .entities()
        .iter()
        .map(|e| (e.kind(), e.key()))
        .collect();
    let mut converted: Vec<(EntityKind, String)> = import
        .entities
        .iter()
        .map(|e| (e.kind(), e.key()))
        .collect();
    stored.sort_by_key(|(k, key)| (k.as_str(), key.clone()));
    converted.sort_by_key(|(k, key)| (k.as_str(), key.clone()));
    assert_eq!(stored, converted, "{name}");

    // Importing the same export again is a no-op: nothing changes, no change event.
    let head = app.change_head();
    let again = read_structure(&reference(name)).unwrap();
    assert_eq!(again.entities, import.entities);
    let saved = app
        .state
        .catalog
        .save_entities(again.entities, &origin())
        .unwrap();
    assert!(
        saved.iter().all(|r| r.status == ItemStatus::Unchanged),
        "{name}: {saved:?}"
    );
    assert_eq!(app.change_head(), head, "{name}");
    import.warnings
}

async fn catalog_modeling_migrates(app: TestApp) {
    let warnings = migrate(
        &app,
        "catalog_modeling",
        Expected {
            attributes: 27,
            options: 53,
            families: 3,
            family_variants: 8,
            categories: 30,
            channels: 3,
        },
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("COMPATIBILITY is two-way"))
    );
    let structure = app.state.catalog.structure().unwrap();
    // Akeneo's variant rules: axes join their level, the identifier and the unique ean go to the
    // variant products.
    let variant = &structure.family_variants["clothing_colorsize"];
    assert_eq!(variant.levels.len(), 1);
    assert_eq!(variant.levels[0].axes, ["color", "size"]);
    for attribute in ["color", "size", "sku", "ean", "variation_name"] {
        assert!(
            variant.levels[0].attributes.iter().any(|a| a == attribute),
            "{attribute} in {:?}",
            variant.levels[0].attributes
        );
    }
    let clothing = &structure.families["clothing"];
    assert_eq!(clothing.label_attribute.as_deref(), Some("variation_name"));
    assert_eq!(clothing.image_attribute.as_deref(), Some("variation_image"));
    assert!(clothing.requirements["print"].iter().any(|a| a == "ean"));
    let description = &structure.attributes["description"];
    assert_eq!(description.kind.as_str(), "rich_text");
    assert!(description.localizable && description.scopable);
    assert_eq!(structure.category_path("master_accessories_belts").len(), 3);
    let ecommerce = &structure.channels["ecommerce"];
    assert_eq!(ecommerce.category_tree, "master");
    assert_eq!(ecommerce.currencies, ["USD", "EUR"]);
    assert_eq!(
        structure.locales.keys().collect::<Vec<_>>(),
        ["de_DE", "en_US", "fr_FR"]
    );
}

async fn footwear_migrates(app: TestApp) {
    // Five reference data attributes (heel_color, sole_color, cap_color, sole_fabric,
    // lace_fabric) are left out; the files hold no options for them.
    let warnings = migrate(
        &app,
        "footwear",
        Expected {
            attributes: 22,
            options: 38,
            families: 5,
            family_variants: 0,
            categories: 5,
            channels: 2,
        },
    );
    for skipped in [
        "heel_color",
        "sole_color",
        "cap_color",
        "sole_fabric",
        "lace_fabric",
    ] {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(&format!("attribute {skipped} not imported"))),
            "{skipped}: {warnings:?}"
        );
    }
    let structure = app.state.catalog.structure().unwrap();
    let heels = &structure.families["heels"];
    assert!(!heels.attributes.iter().any(|a| a == "heel_color"));
    assert!(
        !heels
            .requirements
            .values()
            .flatten()
            .any(|a| a == "sole_color")
    );
    assert_eq!(
        structure.families["sandals"].image_attribute.as_deref(),
        Some("side_view")
    );
    let length = &structure.attributes["length"];
    assert_eq!(length.metric_family.as_deref(), Some("Length"));
    assert_eq!(length.default_unit.as_deref(), Some("CENTIMETER"));
    assert_eq!(structure.channels["mobile"].locales, ["en_US", "fr_FR"]);
}

async fn technical_migrates(app: TestApp) {
    // Two reference data attributes are left out.
    let warnings = migrate(
        &app,
        "technical",
        Expected {
            attributes: 28,
            options: 23,
            families: 4,
            family_variants: 2,
            categories: 7,
            channels: 3,
        },
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("a_ref_data_simple_select"))
    );
    let structure = app.state.catalog.structure().unwrap();
    assert_eq!(
        structure.attributes["a_regexp"]
            .constraints
            .regex
            .as_deref(),
        Some("[0-9]+")
    );
    let negative = &structure.attributes["a_number_float_negative"].constraints;
    assert_eq!(negative.min.map(|d| d.to_string()).as_deref(), Some("-250"));
    assert_eq!(negative.negative_allowed, Some(true));
    assert_eq!(
        structure.attributes["an_image"].constraints.max_file_bytes,
        Some(500_000_000)
    );
    assert_eq!(
        structure.channels["ecommerce_china"].category_tree,
        "master_china"
    );
    assert!(structure.currencies.contains_key("CNY"));
    let variant = &structure.family_variants["familyVariantA1"];
    assert_eq!(variant.levels[1].axes, ["a_yes_no"]);
    assert!(variant.levels[1].attributes.iter().any(|a| a == "sku"));
}

async fn broken_file_is_refused_before_anything_is_saved(app: TestApp) {
    let dir = tempfile::TempDir::new().unwrap();
    for entry in std::fs::read_dir(reference("technical")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    // A BOM in front of the first header is fine.
    let categories = std::fs::read(dir.path().join("categories.csv")).unwrap();
    let mut with_bom = b"\xef\xbb\xbf".to_vec();
    with_bom.extend(categories);
    std::fs::write(dir.path().join("categories.csv"), with_bom).unwrap();
    let import = read_structure(dir.path()).unwrap();
    assert!(import.entities.iter().any(|e| e.key() == "categoryA1"));

    // Line 6 of attributes.csv: a_metric's `localizable` says "yes".
    let path = dir.path().join("attributes.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    assert!(lines[5].starts_with("a_metric;"));
    lines[5] = lines[5].replace(";attributeGroupB;0;", ";attributeGroupB;yes;");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let error = read_structure(dir.path()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("attributes.csv line 6, column localizable")
            && message.contains("\"yes\""),
        "{message}"
    );
    assert_eq!(error.code().as_str(), "VALIDATION");
    let structure = app.state.catalog.structure().unwrap();
    assert!(structure.entities().is_empty());

    // A family naming an attribute the export does not define.
    std::fs::write(&path, text).unwrap();
    let families = dir.path().join("families.csv");
    let text = std::fs::read_to_string(&families).unwrap();
    std::fs::write(
        &families,
        text.replace(
            "a_date,a_file,a_localizable_image,sku;",
            "a_date,a_fiel,a_localizable_image,sku;",
        ),
    )
    .unwrap();
    let message = read_structure(dir.path()).unwrap_err().to_string();
    assert!(
        message.contains("families.csv line 3, column attributes: unknown attribute a_fiel"),
        "{message}"
    );
    // Nothing of it reached the catalog: the conversion fails before saving.
    assert!(
        !app.state
            .catalog
            .structure()
            .unwrap()
            .entities()
            .iter()
            .any(|e| matches!(e, Entity::Family(_)))
    );
}
