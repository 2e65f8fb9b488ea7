//! Conversion rules, on small files written inline.

use rust_decimal::Decimal;

use super::*;
use crate::catalog::structure::EntityKind;
use crate::catalog::{AttributeType, TextValidation, VariantLevel};

fn convert_texts(files: &[(&'static str, &str)]) -> Result<StructureImport> {
    let parsed = files
        .iter()
        .map(|(name, text)| {
            let file = FlatFile::parse(name.to_string(), text.as_bytes()).unwrap();
            (*name, file)
        })
        .collect();
    convert(parsed)
}

fn entities_of(import: &StructureImport, kind: EntityKind) -> Vec<&Entity> {
    import
        .entities
        .iter()
        .filter(|e| e.kind() == kind)
        .collect()
}

fn attribute<'a>(import: &'a StructureImport, code: &str) -> &'a Attribute {
    import
        .entities
        .iter()
        .find_map(|e| match e {
            Entity::Attribute(a) if a.code == code => Some(a),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no attribute {code}"))
}

fn family<'a>(import: &'a StructureImport, code: &str) -> &'a Family {
    import
        .entities
        .iter()
        .find_map(|e| match e {
            Entity::Family(f) if f.code == code => Some(f),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no family {code}"))
}

fn variant<'a>(import: &'a StructureImport, code: &str) -> Option<&'a FamilyVariant> {
    import.entities.iter().find_map(|e| match e {
        Entity::FamilyVariant(v) if v.code == code => Some(v),
        _ => None,
    })
}

fn warned(import: &StructureImport, part: &str) -> bool {
    import.warnings.iter().any(|w| w.contains(part))
}

fn error_text(files: &[(&'static str, &str)]) -> String {
    convert_texts(files).unwrap_err().to_string()
}

const ATTRIBUTES: &str = "code;type;group;localizable;scopable;unique;wysiwyg_enabled;metric_family;default_metric_unit;reference_data_name;max_characters;validation_rule;validation_regexp;number_min;decimals_allowed;date_min;allowed_extensions;max_file_size;label-en_US
sku;pim_catalog_identifier;erp;0;0;1;;;;;;regexp;/^[A-Z0-9-]+$/i;;;;;;SKU
name;pim_catalog_text;marketing;1;0;0;;;;;80;;;;;;;;Name
description;pim_catalog_textarea;marketing;1;1;0;1;;;;;;;;;;;;
notes;pim_catalog_textarea;marketing;0;0;0;0;;;;;;;;;;;;
ean;pim_catalog_text;erp;0;0;1;;;;;;;;;;;;;
website;pim_catalog_text;marketing;0;0;0;;;;;;url;;;;;;;
weight;pim_catalog_metric;erp;0;0;0;;Weight;GRAM;;;;;0;1;;;;
release;pim_catalog_date;erp;0;0;0;;;;;;;;;;2020-01-01T00:00:00+00:00;;;
picture;pim_catalog_image;marketing;0;0;0;;;;;;;;;;;.PNG,jpg;2;
color;pim_catalog_simpleselect;marketing;0;0;0;;;;;;;;;;;;;
size;pim_catalog_simpleselect;marketing;0;0;0;;;;;;;;;;;;;
fabric;pim_reference_data_simpleselect;marketing;0;0;0;;;;fabrics;;;;;;;;;
";

const OPTIONS: &str = "attribute;code;sort_order;label-en_US
color;red;1;Red
color;blue;2;Blue
size;s;1;S
size;m;2;M
fabric;cotton;1;Cotton
fabric;wool;2;Wool
";

#[test]
fn attribute_types_and_settings_map() {
    let import = convert_texts(&[
        (
            "attribute_groups.csv",
            "code;sort_order\nerp;1\nmarketing;2\n",
        ),
        ("attributes.csv", ATTRIBUTES),
        ("attribute_options.csv", OPTIONS),
    ])
    .unwrap();
    let sku = attribute(&import, "sku");
    assert_eq!(sku.kind, AttributeType::Identifier);
    assert_eq!(sku.constraints.regex.as_deref(), Some("(?i)^[A-Z0-9-]+$"));
    assert_eq!(sku.labels["en_US"], "SKU");
    let name = attribute(&import, "name");
    assert!(name.localizable && !name.scopable);
    assert_eq!(name.constraints.max_length, Some(80));
    assert_eq!(
        attribute(&import, "description").kind,
        AttributeType::RichText
    );
    assert_eq!(attribute(&import, "notes").kind, AttributeType::Textarea);
    assert!(attribute(&import, "ean").unique);
    assert_eq!(
        attribute(&import, "website").constraints.validation,
        Some(TextValidation::Url)
    );
    let weight = attribute(&import, "weight");
    assert_eq!(weight.metric_family.as_deref(), Some("Weight"));
    assert_eq!(weight.default_unit.as_deref(), Some("GRAM"));
    assert_eq!(weight.constraints.min, Some(Decimal::ZERO));
    assert_eq!(weight.constraints.decimals_allowed, Some(true));
    assert_eq!(
        attribute(&import, "release").constraints.min_date,
        chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
    );
    let picture = attribute(&import, "picture");
    assert_eq!(
        picture.constraints.allowed_extensions,
        Some(vec!["png".to_string(), "jpg".to_string()])
    );
    assert_eq!(picture.constraints.max_file_bytes, Some(2_000_000));
    // Reference data has no pim equivalent: the attribute and its options are left out, said so.
    assert_eq!(entities_of(&import, EntityKind::Attribute).len(), 11);
    assert_eq!(entities_of(&import, EntityKind::AttributeOption).len(), 4);
    assert!(warned(&import, "attribute fabric not imported"));
    assert!(warned(
        &import,
        "2 options of attribute fabric not imported"
    ));
}

#[test]
fn families_drop_left_out_attributes_and_keep_akeneo_rules() {
    let import = convert_texts(&[
        ("categories.csv", "code;parent\nmaster;\n"),
        (
            "channels.csv",
            "code;locales;currencies;tree\necommerce;en_US;EUR;master\nprint;en_US;EUR;master\n",
        ),
        ("attributes.csv", ATTRIBUTES),
        (
            "families.csv",
            "code;attributes;attribute_as_label;attribute_as_image;requirements-ecommerce;requirements-print;label-en_US;comment
shirts;name,name,color,size,ean,fabric,picture,weight;name;picture;name,fabric,website;;Shirts;
mugs;sku,name,notes;notes;color;;;;
",
        ),
    ])
    .unwrap();
    let shirts = family(&import, "shirts");
    // The identifier joins every family and every channel's requirements; duplicates go.
    assert_eq!(
        shirts.attributes,
        [
            "sku", "name", "color", "size", "ean", "picture", "weight", "website"
        ]
    );
    assert_eq!(shirts.requirements["ecommerce"], ["sku", "name", "website"]);
    assert_eq!(shirts.requirements["print"], ["sku"]);
    assert_eq!(shirts.label_attribute.as_deref(), Some("name"));
    assert_eq!(shirts.image_attribute.as_deref(), Some("picture"));
    assert_eq!(shirts.labels["en_US"], "Shirts");
    assert!(warned(
        &import,
        "family shirts lacks the identifier attribute sku"
    ));
    assert!(warned(
        &import,
        "website is required on channel ecommerce but not in family shirts"
    ));
    assert!(warned(
        &import,
        "family shirts leaves out attributes that are not imported: fabric"
    ));
    let mugs = family(&import, "mugs");
    assert_eq!(mugs.label_attribute.as_deref(), Some("notes"));
    assert_eq!(mugs.image_attribute, None);
    assert!(warned(
        &import,
        "attribute_as_image color of family mugs not imported"
    ));
    assert!(warned(
        &import,
        "families.csv: columns not imported, pim has no such field: comment"
    ));
    // Without a group file the groups are left for the catalog to have.
    assert!(entities_of(&import, EntityKind::AttributeGroup).is_empty());
}

#[test]
fn variant_levels_are_completed_as_akeneo_does() {
    let families = "code;attributes
shirts;sku,name,color,size,ean,weight,picture,fabric
";
    let variants = "code;family;variant-axes_1;variant-axes_2;variant-attributes_1;variant-attributes_2;label-en_US
by_color_size;shirts;color;size;picture,ean;weight,fabric;By color and size
by_size;shirts;size;;weight;;
by_fabric;shirts;fabric;;;;
by_name;shirts;name;;;;
";
    let import = convert_texts(&[
        ("attributes.csv", ATTRIBUTES),
        ("families.csv", families),
        ("family_variants.csv", variants),
    ])
    .unwrap();
    let two = variant(&import, "by_color_size").unwrap();
    assert_eq!(
        two.levels,
        [
            VariantLevel {
                axes: vec!["color".into()],
                attributes: vec!["color".into(), "picture".into()],
            },
            VariantLevel {
                axes: vec!["size".into()],
                attributes: vec!["size".into(), "weight".into(), "sku".into(), "ean".into()],
            },
        ]
    );
    assert_eq!(two.labels["en_US"], "By color and size");
    assert!(warned(
        &import,
        "attribute ean of family variant by_color_size moves"
    ));
    assert!(warned(
        &import,
        "family variant by_color_size leaves out attributes that are not imported: fabric"
    ));
    let one = variant(&import, "by_size").unwrap();
    assert_eq!(one.levels[0].attributes, ["size", "weight", "sku", "ean"]);
    assert!(variant(&import, "by_fabric").is_none());
    assert!(warned(
        &import,
        "family variant by_fabric not imported: its axis fabric is not imported"
    ));
    assert!(variant(&import, "by_name").is_none());
    assert!(warned(&import, "its axis name is of type text"));
}

#[test]
fn categories_come_parents_first_in_file_order() {
    let import = convert_texts(&[(
        "categories.csv",
        "code;parent;label-en_US\nshirts;clothing;Shirts\nmaster;;Master\nshoes;master;\nclothing;master;Clothing\nsale;;\n",
    )])
    .unwrap();
    let order: Vec<(String, i32)> = import
        .entities
        .iter()
        .map(|e| match e {
            Entity::Category(c) => (c.code.clone(), c.sort_order),
            _ => unreachable!(),
        })
        .collect();
    let expected = [
        ("master", 0),
        ("shoes", 0),
        ("clothing", 1),
        ("shirts", 0),
        ("sale", 1),
    ];
    let expected: Vec<(String, i32)> = expected.iter().map(|(c, n)| (c.to_string(), *n)).collect();
    assert_eq!(order, expected);
}

#[test]
fn channels_get_their_locales_currencies_and_tree() {
    let import = convert_texts(&[
        ("categories.csv", "code;parent\nmaster;\nsub;master\n"),
        (
            "channels.csv",
            "code;label-en_US;locales;currencies;tree;conversion_units
web;Web;en_US,de_DE;EUR,USD;master;
print;Print;fr_FR;EUR;;weight:KILOGRAM
china;China;zh_CN;CNY;china_tree;
",
        ),
        ("locales.csv", "code\nen_US\nde_DE\nfr_FR\nja_JP\n"),
        (
            "currencies.csv",
            "code;activated\nEUR;1\nUSD;0\nJPY;0\nGBP;1\n",
        ),
    ])
    .unwrap();
    let locales: Vec<String> = entities_of(&import, EntityKind::Locale)
        .iter()
        .map(|e| e.key())
        .collect();
    assert_eq!(locales, ["en_US", "de_DE", "fr_FR", "zh_CN"]);
    assert!(warned(&import, "locales.csv: 1 locales not imported"));
    assert!(warned(
        &import,
        "locale zh_CN is used by a channel but not listed"
    ));
    let currencies: Vec<String> = entities_of(&import, EntityKind::Currency)
        .iter()
        .map(|e| e.key())
        .collect();
    assert_eq!(currencies, ["EUR", "USD", "GBP", "CNY"]);
    let channels: Vec<&Channel> = import
        .entities
        .iter()
        .filter_map(|e| match e {
            Entity::Channel(c) => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(channels[0].category_tree, "master");
    assert_eq!(channels[0].labels["en_US"], "Web");
    assert_eq!(channels[1].category_tree, "master");
    assert!(warned(
        &import,
        "channel print has no category tree; it gets the first tree of categories.csv, master"
    ));
    assert!(warned(
        &import,
        "conversion units of channel print not imported"
    ));
    assert_eq!(channels[2].category_tree, "china_tree");
    assert!(warned(
        &import,
        "category tree china_tree of channel china is not in categories.csv"
    ));
    assert!(
        entities_of(&import, EntityKind::Category)
            .iter()
            .any(|e| e.key() == "china_tree")
    );
    let e = error_text(&[
        ("categories.csv", "code;parent\nmaster;\nsub;master\n"),
        ("channels.csv", "code;locales;tree\nweb;en_US;sub\n"),
    ]);
    assert!(
        e.contains("channels.csv line 2, column tree: category sub is not the root"),
        "{e}"
    );
}

#[test]
fn broken_files_name_file_line_and_column() {
    let cases: [(&[(&'static str, &str)], &str); 10] = [
        (
            &[(
                "attributes.csv",
                "code;type;number_min;number_max\nsize;pim_catalog_number;10;2\n",
            )],
            "attributes.csv line 2, column number_min: 10 is above number_max 2",
        ),
        (
            &[(
                "attributes.csv",
                "code;type;localizable\nname;pim_catalog_text;maybe\n",
            )],
            "attributes.csv line 2, column localizable: expected 1 or 0",
        ),
        (
            &[(
                "attributes.csv",
                "code;type\nname;pim_catalog_text\nbad code;pim_catalog_text\n",
            )],
            "attributes.csv line 3, column code: invalid code",
        ),
        (
            &[("attributes.csv", "code;label-en_US\nname;Name\n")],
            "attributes.csv line 1, column type: the column is missing",
        ),
        (
            &[("categories.csv", "code;parent\nmaster;\nshirts;clothing\n")],
            "categories.csv line 3, column parent: unknown category clothing",
        ),
        (
            &[("categories.csv", "code;parent\na;b\nb;a\n")],
            "categories.csv line 2, column parent: category a is its own ancestor",
        ),
        (
            &[
                ("attributes.csv", "code;type\nname;pim_catalog_text\n"),
                ("attribute_options.csv", "code;attribute\nred;color\n"),
            ],
            "attribute_options.csv line 2, column attribute: unknown attribute color",
        ),
        (
            &[
                ("attributes.csv", "code;type\nsku;pim_catalog_identifier\n"),
                (
                    "families.csv",
                    "code;attributes\nshirts;sku\nmugs;sku,colour\n",
                ),
            ],
            "families.csv line 3, column attributes: unknown attribute colour",
        ),
        (
            &[
                (
                    "attributes.csv",
                    "code;type\nsku;pim_catalog_identifier\ncolor;pim_catalog_simpleselect\n",
                ),
                ("families.csv", "code;attributes\nshirts;sku\n"),
                (
                    "family_variants.csv",
                    "code;family;variant-axes_1\nby_color;shirts;color\n",
                ),
            ],
            "family_variants.csv line 2, column variant-axes_1: attribute color is not in family shirts",
        ),
        (
            &[("channels.csv", "code;locales;tree\nweb;;master\n")],
            "channels.csv line 2, column locales: a channel needs at least one locale",
        ),
    ];
    for (files, expected) in cases {
        let e = error_text(files);
        assert!(e.contains(expected), "expected {expected:?} in {e:?}");
    }
}

#[test]
fn a_channel_without_tree_gets_master() {
    let channels = ("channels.csv", "code;locales;tree\nweb;en_US;\n");
    let import = convert_texts(&[("categories.csv", "code;parent\n"), channels]).unwrap();
    let keys: Vec<String> = import.entities.iter().map(Entity::key).collect();
    assert_eq!(keys, ["master", "web"]);
    assert!(warned(&import, "it gets a new empty tree, master"));
    // Without categories.csv the catalog's own master is meant: nothing is created.
    let import = convert_texts(&[channels]).unwrap();
    let keys: Vec<String> = import.entities.iter().map(Entity::key).collect();
    assert_eq!(keys, ["web"]);
    assert!(warned(&import, "which the catalog must hold"));
}

#[test]
fn files_without_activation_keep_every_locale_when_no_channel_says_otherwise() {
    let import = convert_texts(&[("locales.csv", "code\nen_US\nfr_FR\n")]).unwrap();
    assert_eq!(entities_of(&import, EntityKind::Locale).len(), 2);
    assert!(import.warnings.is_empty());
}

#[test]
fn reference_catalogs_convert() {
    for name in ["catalog_modeling", "footwear", "technical"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/reference/akeneo")
            .join(name);
        let import = read_structure(&dir).unwrap();
        assert_eq!(import.files.len(), 10, "{name}");
        // In the order the entities refer to each other.
        let kinds: Vec<usize> = import
            .entities
            .iter()
            .map(|e| EntityKind::ALL.iter().position(|k| *k == e.kind()).unwrap())
            .collect();
        assert!(kinds.windows(2).all(|w| w[0] <= w[1]), "{name}");
        let mut structure = crate::catalog::Structure::default();
        for entity in &import.entities {
            let checked = crate::catalog::structure_rules::check(&structure, entity);
            assert!(checked.is_ok(), "{name} {}: {checked:?}", entity.key());
            structure = structure.with(entity.clone());
        }
        assert!(warned(&import, "groups.csv skipped"), "{name}");
    }
}

#[test]
fn not_a_directory_is_refused() {
    let e = read_structure(Path::new("/nonexistent/akeneo")).unwrap_err();
    assert!(e.to_string().contains("is not a directory"), "{e}");
}
