//! Google Merchant Center RSS 2.0: `<item>`s in one `<channel>`, Google's attributes in the
//! `g:` namespace (title, description and link as plain RSS elements, as Google's examples do).
//! Text is escaped and characters XML 1.0 forbids are dropped, so the feed is always well-formed.

use serde_json::Value;

use crate::export::definition::ChannelDefinition;
use crate::export::project::Item;
use crate::export::transform::text;

use super::Renderer;

/// Appends `s` escaped for XML text and attribute values.
pub fn escape(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let replacement: Option<&[u8]> = match c {
            '&' => Some(b"&amp;"),
            '<' => Some(b"&lt;"),
            '>' => Some(b"&gt;"),
            '"' => Some(b"&quot;"),
            '\'' => Some(b"&apos;"),
            '\t' | '\n' | '\r' => None,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => Some(b""),
            _ => None,
        };
        if let Some(r) = replacement {
            out.extend_from_slice(&bytes[start..i]);
            out.extend_from_slice(r);
            start = i + c.len_utf8();
        }
    }
    out.extend_from_slice(&bytes[start..]);
}

/// RSS elements Google reads without the namespace.
const PLAIN: [&str; 3] = ["title", "description", "link"];

pub struct GoogleXml {
    /// Opening and closing tags per field, precomputed.
    tags: Vec<(String, String)>,
    names: Vec<String>,
    title: String,
    link: String,
    description: String,
}

impl GoogleXml {
    pub fn new(def: &ChannelDefinition) -> Self {
        let tags = def
            .fields
            .iter()
            .map(|f| {
                let name = if PLAIN.contains(&f.name.as_str()) {
                    f.name.clone()
                } else {
                    format!("g:{}", f.name)
                };
                (format!("<{name}>"), format!("</{name}>"))
            })
            .collect();
        GoogleXml {
            tags,
            names: def.fields.iter().map(|f| f.name.clone()).collect(),
            title: def.title.clone().unwrap_or_else(|| def.label.clone()),
            link: def.link.clone().unwrap_or_default(),
            description: def.label.clone(),
        }
    }
}

fn element(out: &mut Vec<u8>, open: &str, close: &str, v: &Value) {
    match v {
        Value::Null => {}
        // Repeated attributes (additional_image_link, product_detail) are repeated elements.
        Value::Array(items) => {
            for i in items {
                element(out, open, close, i);
            }
        }
        // Grouped attributes (shipping, tax) are nested `g:` elements.
        Value::Object(fields) => {
            out.extend_from_slice(open.as_bytes());
            for (k, v) in fields {
                let (o, c) = (format!("<g:{k}>"), format!("</g:{k}>"));
                element(out, &o, &c, v);
            }
            out.extend_from_slice(close.as_bytes());
        }
        other => {
            out.extend_from_slice(open.as_bytes());
            escape(out, &text(other));
            out.extend_from_slice(close.as_bytes());
        }
    }
}

impl Renderer for GoogleXml {
    fn begin(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:g=\"http://base.google.com/ns/1.0\">\n<channel>\n<title>",
        );
        escape(out, &self.title);
        out.extend_from_slice(b"</title>\n<link>");
        escape(out, &self.link);
        out.extend_from_slice(b"</link>\n<description>");
        escape(out, &self.description);
        out.extend_from_slice(b"</description>\n");
    }

    fn group(&mut self, out: &mut Vec<u8>, items: &[Item]) {
        debug_assert!(self.names.len() == self.tags.len());
        for item in items {
            out.extend_from_slice(b"<item>\n");
            for ((open, close), v) in self.tags.iter().zip(&item.values) {
                if !v.is_null() {
                    element(out, open, close, v);
                    out.push(b'\n');
                }
            }
            out.extend_from_slice(b"</item>\n");
        }
    }

    fn end(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"</channel>\n</rss>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        let mut out = Vec::new();
        escape(&mut out, "Tom & Jerry <b>\"1\" 'x'\u{1}\u{b}ok\tz");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Tom &amp; Jerry &lt;b&gt;&quot;1&quot; &apos;x&apos;ok\tz"
        );
    }
}
