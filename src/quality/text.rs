//! Text measures for quality rules: HTML stripped to its visible text, characters and words.

/// The visible text of possibly-HTML content: tags removed, common entities decoded, runs of
/// whitespace kept as they are.
pub fn visible_text(s: &str) -> String {
    if !s.contains(['<', '&']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            _ => out.push(c),
        }
    }
    for (entity, text) in [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&amp;", "&"),
    ] {
        if out.contains(entity) {
            out = out.replace(entity, text);
        }
    }
    out
}

/// Characters of the visible text, surrounding whitespace not counted.
pub fn char_count(s: &str) -> usize {
    visible_text(s).trim().chars().count()
}

/// Words of the visible text, separated by whitespace.
pub fn word_count(s: &str) -> usize {
    visible_text(s).split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_measured_by_what_readers_see() {
        assert_eq!(visible_text("<p>Soft &amp; warm</p>").trim(), "Soft & warm");
        assert_eq!(word_count("<ul><li>one</li><li>two</li></ul> three"), 3);
        assert_eq!(char_count("  plain  "), 5);
        assert_eq!(word_count(""), 0);
    }
}
