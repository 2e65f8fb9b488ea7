//! Words the synthetic catalog is made of, with their German, French and Polish forms.

pub const BRANDS: [&str; 12] = [
    "acme",
    "northwind",
    "contoso",
    "fabrikam",
    "globex",
    "initech",
    "umbrella",
    "stark",
    "wayne",
    "tyrell",
    "cyberdyne",
    "wonka",
];
pub const COLORS: [&str; 10] = [
    "red", "blue", "green", "black", "white", "grey", "yellow", "orange", "purple", "brown",
];
pub const SIZES: [&str; 6] = ["xs", "s", "m", "l", "xl", "xxl"];
pub const MATERIALS: [&str; 8] = [
    "cotton", "linen", "wool", "steel", "oak", "plastic", "glass", "leather",
];
pub const COUNTRIES: [&str; 8] = ["cn", "de", "pl", "it", "vn", "tr", "pt", "us"];
pub const SEASONS: [&str; 4] = ["spring", "summer", "autumn", "winter"];
pub const NOUNS: [&str; 10] = [
    "shirt", "lamp", "chair", "kettle", "backpack", "jacket", "table", "speaker", "blanket",
    "bottle",
];
pub const ADJECTIVES: [&str; 8] = [
    "classic", "modern", "light", "compact", "premium", "soft", "sturdy", "elegant",
];

/// (English, German, French, Polish).
const DICTIONARY: [(&str, &str, &str, &str); 18] = [
    ("shirt", "Hemd", "chemise", "koszula"),
    ("lamp", "Lampe", "lampe", "lampa"),
    ("chair", "Stuhl", "chaise", "krzesło"),
    ("kettle", "Wasserkocher", "bouilloire", "czajnik"),
    ("backpack", "Rucksack", "sac à dos", "plecak"),
    ("jacket", "Jacke", "veste", "kurtka"),
    ("table", "Tisch", "table", "stół"),
    ("speaker", "Lautsprecher", "enceinte", "głośnik"),
    ("blanket", "Decke", "couverture", "koc"),
    ("bottle", "Flasche", "bouteille", "butelka"),
    ("classic", "klassisch", "classique", "klasyczny"),
    ("modern", "modern", "moderne", "nowoczesny"),
    ("light", "leicht", "léger", "lekki"),
    ("compact", "kompakt", "compact", "kompaktowy"),
    ("premium", "hochwertig", "haut de gamme", "premium"),
    ("soft", "weich", "doux", "miękki"),
    ("sturdy", "robust", "robuste", "solidny"),
    ("elegant", "elegant", "élégant", "elegancki"),
];

pub fn translate(word: &'static str, locale: &str) -> &'static str {
    let Some(entry) = DICTIONARY.iter().find(|e| e.0 == word) else {
        return word;
    };
    match locale {
        "de_DE" => entry.1,
        "fr_FR" => entry.2,
        "pl_PL" => entry.3,
        _ => entry.0,
    }
}

const EN: [&str; 16] = [
    "durable",
    "everyday",
    "design",
    "quality",
    "comfortable",
    "practical",
    "materials",
    "crafted",
    "reliable",
    "finish",
    "perfect",
    "gift",
    "easy",
    "care",
    "made",
    "home",
];
const DE: [&str; 16] = [
    "langlebig",
    "Alltag",
    "Design",
    "Qualität",
    "bequem",
    "praktisch",
    "Materialien",
    "gefertigt",
    "zuverlässig",
    "Oberfläche",
    "perfekt",
    "Geschenk",
    "einfach",
    "Pflege",
    "hergestellt",
    "Zuhause",
];
const FR: [&str; 16] = [
    "durable",
    "quotidien",
    "design",
    "qualité",
    "confortable",
    "pratique",
    "matériaux",
    "fabriqué",
    "fiable",
    "finition",
    "parfait",
    "cadeau",
    "facile",
    "entretien",
    "conçu",
    "maison",
];
const PL: [&str; 16] = [
    "trwały",
    "codzienny",
    "wzornictwo",
    "jakość",
    "wygodny",
    "praktyczny",
    "materiały",
    "wykonany",
    "niezawodny",
    "wykończenie",
    "idealny",
    "prezent",
    "łatwy",
    "pielęgnacja",
    "zrobiony",
    "dom",
];

pub fn words(locale: &str) -> &'static [&'static str] {
    match locale {
        "de_DE" => &DE,
        "fr_FR" => &FR,
        "pl_PL" => &PL,
        _ => &EN,
    }
}
