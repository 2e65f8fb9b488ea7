//! Which character encoding a supplier's file is in, and a reader that turns it into UTF-8 as it
//! streams. A byte-order mark decides first, then UTF-16 without one (Excel's "Unicode text"),
//! then strict UTF-8, then a statistical guess among the legacy encodings suppliers use.

use std::io::Read;

use encoding_rs::Encoding;
use serde::Serialize;

use crate::error::{Error, Result};

/// How much of the file the detection looks at.
pub const SAMPLE_BYTES: usize = 64 * 1024;

/// The encoding a file is read with and how it was decided.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Detected {
    #[serde(serialize_with = "encoding_name")]
    pub encoding: &'static Encoding,
    pub how: Decided,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decided {
    /// Named by the caller or the profile.
    Given,
    ByteOrderMark,
    /// Every byte of the sample is valid UTF-8.
    ValidUtf8,
    /// NUL bytes on every other position: UTF-16 without a byte-order mark.
    Utf16Pattern,
    /// A guess from letter statistics (the file is not UTF-8).
    Guessed,
}

fn encoding_name<S: serde::Serializer>(
    e: &&'static Encoding,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(e.name())
}

impl Detected {
    pub fn name(&self) -> &'static str {
        self.encoding.name()
    }
}

/// Resolves an encoding label as people write them (`cp1250`, `windows-1251`, `koi8-r`,
/// `latin2`, `gbk`, `big5`, `sjis`, `utf-16le`); `auto` or nothing means detect.
pub fn parse_label(label: &str) -> Result<Option<&'static Encoding>> {
    let l = label.trim().to_ascii_lowercase();
    if l.is_empty() || l == "auto" {
        return Ok(None);
    }
    let alias = match l.as_str() {
        "cp1250" | "win1250" => "windows-1250",
        "cp1251" | "win1251" => "windows-1251",
        "cp1252" | "win1252" => "windows-1252",
        "latin2" | "iso8859-2" => "iso-8859-2",
        "sjis" | "shift-jis" | "cp932" => "shift_jis",
        "gb18030" => "gb18030",
        "utf16" | "utf-16" => "utf-16le",
        other => other,
    };
    Encoding::for_label(alias.as_bytes())
        .map(Some)
        .ok_or_else(|| {
            Error::BadRequest(format!(
                "unknown encoding {label:?}; use a name such as utf-8, utf-16le, windows-1250, \
                 windows-1251, windows-1252, iso-8859-2, koi8-r, gbk, gb18030, big5 or shift_jis"
            ))
        })
}

/// Decides the encoding of a file from its first bytes.
pub fn detect(sample: &[u8], given: Option<&'static Encoding>) -> Detected {
    if let Some(encoding) = given {
        return Detected {
            encoding,
            how: Decided::Given,
        };
    }
    if let Some((encoding, _)) = Encoding::for_bom(sample) {
        return Detected {
            encoding,
            how: Decided::ByteOrderMark,
        };
    }
    if let Some(encoding) = utf16_without_bom(sample) {
        return Detected {
            encoding,
            how: Decided::Utf16Pattern,
        };
    }
    if valid_utf8_prefix(sample) {
        return Detected {
            encoding: encoding_rs::UTF_8,
            how: Decided::ValidUtf8,
        };
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(sample, sample.len() < SAMPLE_BYTES);
    Detected {
        encoding: detector.guess(None, true),
        how: Decided::Guessed,
    }
}

/// UTF-8 up to a character the sample may have cut in two.
fn valid_utf8_prefix(sample: &[u8]) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && sample.len() - e.valid_up_to() < 4,
    }
}

/// Text in UTF-16 has a NUL in one of each byte pair for ASCII characters (delimiters, digits,
/// Latin headers); legacy encodings and UTF-8 text have none.
fn utf16_without_bom(sample: &[u8]) -> Option<&'static Encoding> {
    let pairs = sample.len() / 2;
    if pairs < 4 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    if odd * 10 >= pairs * 3 && even * 20 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= pairs * 3 && odd * 20 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Reads `input` as UTF-8 text: the byte-order mark is dropped and invalid sequences become
/// U+FFFD (which the row checks then report).
pub fn utf8_reader<R: Read>(input: R, detected: Detected) -> impl Read {
    encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(detected.encoding))
        .bom_override(true)
        .strip_bom(true)
        .build(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str, label: &str) -> Vec<u8> {
        let encoding = Encoding::for_label(label.as_bytes()).unwrap();
        let (bytes, _, lossy) = encoding.encode(text);
        assert!(!lossy, "{label} cannot encode the sample");
        bytes.into_owned()
    }

    fn decoded(bytes: &[u8]) -> (String, Detected) {
        let detected = detect(&bytes[..bytes.len().min(SAMPLE_BYTES)], None);
        let mut out = String::new();
        utf8_reader(bytes, detected)
            .read_to_string(&mut out)
            .unwrap();
        (out, detected)
    }

    const POLISH: &str =
        "sku;nazwa;kolor\nA-1;Żółta łódź z żaglem;czerwony\nA-2;Gęś świeża, źdźbło;zielony\n";
    const RUSSIAN: &str = "sku;название;цвет\nA-1;Красный свитер из шерсти;красный\nA-2;Синяя куртка для зимы;синий\n";

    #[test]
    fn legacy_encodings_are_guessed_and_decoded() {
        for (text, label) in [(POLISH, "windows-1250"), (RUSSIAN, "windows-1251")] {
            let (out, detected) = decoded(&encode(text, label));
            assert_eq!(detected.how, Decided::Guessed);
            assert_eq!(out, text, "{label}");
        }
        let (out, _) = decoded(&encode(RUSSIAN, "koi8-r"));
        assert_eq!(out, RUSSIAN);
    }

    #[test]
    fn chinese_and_japanese_legacy_encodings() {
        let chinese =
            "sku,名称,颜色\nA-1,红色羊毛衫,红色\nA-2,蓝色冬季夹克,蓝色\nA-3,绿色棉质衬衫,绿色\n";
        let (out, _) = decoded(&encode(chinese, "gbk"));
        assert_eq!(out, chinese);
        let traditional =
            "sku,名稱,顏色\nA-1,紅色羊毛衫,紅色\nA-2,藍色冬季夾克,藍色\nA-3,綠色棉質襯衫,綠色\n";
        let (out, _) = decoded(&encode(traditional, "big5"));
        assert_eq!(out, traditional);
        let japanese =
            "sku,名前,色\nA-1,赤いセーター,赤\nA-2,青い冬のジャケット,青\nA-3,緑の綿のシャツ,緑\n";
        let (out, _) = decoded(&encode(japanese, "shift_jis"));
        assert_eq!(out, japanese);
    }

    #[test]
    fn byte_order_marks_and_utf16_without_one() {
        let text = "sku,name\nA-1,Zoë\n";
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(text.as_bytes());
        let (out, detected) = decoded(&with_bom);
        assert_eq!((out.as_str(), detected.how), (text, Decided::ByteOrderMark));

        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut utf16_bom = vec![0xFF, 0xFE];
        utf16_bom.extend_from_slice(&utf16);
        assert_eq!(decoded(&utf16_bom).0, text);
        let (out, detected) = decoded(&utf16);
        assert_eq!((out.as_str(), detected.how), (text, Decided::Utf16Pattern));
    }

    #[test]
    fn utf8_cut_mid_character_is_still_utf8() {
        let text = "name\nŻółć".repeat(10);
        let bytes = text.as_bytes();
        assert_eq!(
            detect(&bytes[..bytes.len() - 1], None).how,
            Decided::ValidUtf8
        );
    }

    #[test]
    fn labels_people_write() {
        assert_eq!(
            parse_label("cp1250").unwrap(),
            Some(encoding_rs::WINDOWS_1250)
        );
        assert_eq!(parse_label("KOI8-R").unwrap(), Some(encoding_rs::KOI8_R));
        assert_eq!(
            parse_label("latin2").unwrap(),
            Some(encoding_rs::ISO_8859_2)
        );
        assert_eq!(parse_label("auto").unwrap(), None);
        let err = parse_label("ebcdic-37").unwrap_err().to_string();
        assert!(err.contains("unknown encoding"), "{err}");
    }
}
