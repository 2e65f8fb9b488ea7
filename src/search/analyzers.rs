//! Text analysis: one analyzer per language the catalog writes in, a plain one for every other
//! locale, and the identifier analyzer behind exact and prefix matches on SKUs and GTINs.
//! Indexing and querying run the same analyzers, so a word matches its own inflections.

use std::sync::LazyLock;

use jieba_rs::Jieba;
use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Longer tokens are dropped: they are base64 blobs or URLs, never words someone types.
const MAX_TOKEN_BYTES: usize = 40;
/// Identifier prefixes are indexed up to this many characters.
const MAX_IDENTIFIER_PREFIX: usize = 48;
/// Identifier parts (after `-`, `_`, `/`, `.` or a space) whose prefixes are indexed too.
const MAX_IDENTIFIER_PARTS: usize = 8;

/// The languages with their own analyzer; `Plain` serves every other locale and values that
/// belong to no locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    English,
    German,
    French,
    Russian,
    Polish,
    Chinese,
    Plain,
}

impl Lang {
    pub const ALL: [Lang; 7] = [
        Lang::English,
        Lang::German,
        Lang::French,
        Lang::Russian,
        Lang::Polish,
        Lang::Chinese,
        Lang::Plain,
    ];

    /// The language of a locale code such as `pl_PL`; `Plain` for those without an analyzer.
    pub fn of_locale(locale: &str) -> Lang {
        match locale.split(['_', '-']).next().unwrap_or_default() {
            "en" => Lang::English,
            "de" => Lang::German,
            "fr" => Lang::French,
            "ru" => Lang::Russian,
            "pl" => Lang::Polish,
            "zh" => Lang::Chinese,
            _ => Lang::Plain,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::English => "en",
            Lang::German => "de",
            Lang::French => "fr",
            Lang::Russian => "ru",
            Lang::Polish => "pl",
            Lang::Chinese => "zh",
            Lang::Plain => "plain",
        }
    }

    /// The index-time analyzer's name, also the text field's tokenizer.
    pub fn analyzer(self) -> &'static str {
        match self {
            Lang::English => "pim_en",
            Lang::German => "pim_de",
            Lang::French => "pim_fr",
            Lang::Russian => "pim_ru",
            Lang::Polish => "pim_pl",
            Lang::Chinese => "pim_zh",
            Lang::Plain => "pim_plain",
        }
    }

    /// The analyzer for query words: the index one, except for Chinese, where a query is cut
    /// into whole words while documents are also cut into the shorter words inside them.
    pub fn query_analyzer(self) -> &'static str {
        match self {
            Lang::Chinese => "pim_zh_query",
            other => other.analyzer(),
        }
    }
}

pub const IDENTIFIER: &str = "pim_identifier";

/// Registers every analyzer on an index; tantivy keeps analyzers in memory only, so this runs
/// on each open.
pub fn register(index: &Index) {
    let manager = index.tokenizers();
    manager.register(Lang::English.analyzer(), stemmed(Language::English, true));
    manager.register(Lang::German.analyzer(), stemmed(Language::German, false));
    manager.register(Lang::French.analyzer(), stemmed(Language::French, false));
    manager.register(Lang::Russian.analyzer(), stemmed(Language::Russian, false));
    manager.register(
        Lang::Polish.analyzer(),
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(PolishStemmer)
            .filter(AsciiFoldingFilter)
            .build(),
    );
    manager.register(Lang::Chinese.analyzer(), chinese(true));
    manager.register(Lang::Chinese.query_analyzer(), chinese(false));
    manager.register(Lang::Plain.analyzer(), plain());
    manager.register(
        IDENTIFIER,
        TextAnalyzer::from(IdentifierTokenizer::default()),
    );
}

/// Diacritics are folded after stemming (the stemmers know their language's letters), except
/// for English, where folding first turns `café` into a word the stemmer can handle.
fn stemmed(language: Language, fold_first: bool) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser);
    if fold_first {
        base.filter(AsciiFoldingFilter)
            .filter(Stemmer::new(language))
            .build()
    } else {
        match language {
            // Cyrillic has nothing to fold.
            Language::Russian => base.filter(Stemmer::new(language)).build(),
            _ => base
                .filter(Stemmer::new(language))
                .filter(AsciiFoldingFilter)
                .build(),
        }
    }
}

fn plain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn chinese(search_mode: bool) -> TextAnalyzer {
    TextAnalyzer::builder(ChineseTokenizer {
        search_mode,
        stream: ListTokenStream::default(),
    })
    .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
    .filter(LowerCaser)
    .build()
}

/// The analyzed terms of `text`, as the index holds them.
pub fn terms(index: &Index, analyzer: &str, text: &str) -> Vec<String> {
    let Some(mut analyzer) = index.tokenizers().get(analyzer) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// Polish has no stemmer in tantivy; this filter runs the Snowball Polish algorithm (from the
/// `snowstem` crate) on each lowercased token.
#[derive(Clone)]
pub struct PolishStemmer;

static POLISH: LazyLock<snowstem::Stemmer> =
    LazyLock::new(|| snowstem::Stemmer::create(snowstem::Algorithm::Polish));

impl TokenFilter for PolishStemmer {
    type Tokenizer<T: Tokenizer> = PolishStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> PolishStemmerFilter<T> {
        PolishStemmerFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct PolishStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for PolishStemmerFilter<T> {
    type TokenStream<'a> = PolishStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PolishStemmerStream {
            tail: self.inner.token_stream(text),
            buffer: String::new(),
        }
    }
}

pub struct PolishStemmerStream<S> {
    tail: S,
    buffer: String,
}

impl<S: TokenStream> TokenStream for PolishStemmerStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        POLISH.stem_into(&self.tail.token().text, &mut self.buffer);
        std::mem::swap(&mut self.tail.token_mut().text, &mut self.buffer);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The segmenter's dictionary ships inside the `jieba-rs` crate: nothing is downloaded.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Chinese word segmentation (jieba). In search mode the longer words are also cut into the
/// dictionary words they contain, so a query for part of a compound finds it.
#[derive(Clone)]
struct ChineseTokenizer {
    search_mode: bool,
    stream: ListTokenStream,
}

impl Tokenizer for ChineseTokenizer {
    type TokenStream<'a> = &'a mut ListTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> &'a mut ListTokenStream {
        let words = if self.search_mode {
            JIEBA.cut_for_search(text, true)
        } else {
            JIEBA.cut(text, true)
        };
        self.stream.reset();
        for (position, word) in words
            .into_iter()
            .filter(|w| w.word.chars().any(char::is_alphanumeric))
            .enumerate()
        {
            self.stream.tokens.push(Token {
                offset_from: word.byte_start,
                offset_to: word.byte_end,
                position,
                text: word.word.to_string(),
                position_length: 1,
            });
        }
        &mut self.stream
    }
}

/// Identifiers (SKUs, GTINs, manufacturer codes): every prefix of the lowercased value, and of
/// each part after a separator, so `TS-CLASSIC-WHITE-M` is found by `ts-cla`, `classic-w` or
/// `white`. A query looks the lowercased fragment up as one term.
#[derive(Clone, Default)]
struct IdentifierTokenizer {
    stream: ListTokenStream,
}

impl Tokenizer for IdentifierTokenizer {
    type TokenStream<'a> = &'a mut ListTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> &'a mut ListTokenStream {
        self.stream.reset();
        let lower = text.trim().to_lowercase();
        let starts: Vec<usize> = std::iter::once(0)
            .chain(
                lower
                    .char_indices()
                    .zip(lower.char_indices().skip(1))
                    .filter(|((_, c), (_, next))| !c.is_alphanumeric() && next.is_alphanumeric())
                    .map(|(_, (i, _))| i),
            )
            .take(MAX_IDENTIFIER_PARTS)
            .collect();
        let mut position = 0;
        for start in starts {
            let part = &lower[start..];
            for (end, _) in part
                .char_indices()
                .skip(1)
                .chain(std::iter::once((part.len(), ' ')))
                .take(MAX_IDENTIFIER_PREFIX)
            {
                self.stream.tokens.push(Token {
                    offset_from: 0,
                    offset_to: text.len(),
                    position,
                    text: part[..end].to_string(),
                    position_length: 1,
                });
                position += 1;
            }
        }
        &mut self.stream
    }
}

/// A token stream over tokens computed up front.
#[derive(Clone, Default)]
pub struct ListTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl ListTokenStream {
    fn reset(&mut self) {
        self.tokens.clear();
        self.next = 0;
    }
}

impl TokenStream for &mut ListTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::Schema;

    fn index() -> Index {
        let index = Index::create_in_ram(Schema::builder().build());
        register(&index);
        index
    }

    #[test]
    fn languages_of_locales() {
        assert_eq!(Lang::of_locale("pl_PL"), Lang::Polish);
        assert_eq!(Lang::of_locale("zh_CN"), Lang::Chinese);
        assert_eq!(Lang::of_locale("es_ES"), Lang::Plain);
    }

    #[test]
    fn stemming_per_language() {
        let index = index();
        let en = |t| terms(&index, Lang::English.analyzer(), t);
        assert_eq!(en("Shirts"), en("shirt"));
        let ru = |t| terms(&index, Lang::Russian.analyzer(), t);
        assert_eq!(ru("рубашки"), ru("рубашка"));
        let de = |t| terms(&index, Lang::German.analyzer(), t);
        assert_eq!(de("Häuser"), de("Haus"));
        let pl = |t| terms(&index, Lang::Polish.analyzer(), t);
        assert_eq!(pl("koszule"), pl("koszula"));
        assert_eq!(pl("krzesła"), pl("krzesło"));
    }

    #[test]
    fn chinese_is_segmented() {
        let index = index();
        let doc = terms(&index, Lang::Chinese.analyzer(), "经典白色衬衫");
        let query = terms(&index, Lang::Chinese.query_analyzer(), "衬衫");
        assert_eq!(query, vec!["衬衫"]);
        assert!(doc.contains(&"衬衫".to_string()), "{doc:?}");
        assert!(doc.contains(&"白色".to_string()), "{doc:?}");
    }

    #[test]
    fn identifiers_by_prefix_and_part() {
        let index = index();
        let t = terms(&index, IDENTIFIER, "TS-Classic-White-M");
        for wanted in [
            "t",
            "ts-cla",
            "ts-classic-white-m",
            "classic",
            "white-m",
            "m",
        ] {
            assert!(t.contains(&wanted.to_string()), "{wanted} in {t:?}");
        }
        assert!(!t.contains(&"lassic".to_string()));
    }
}
