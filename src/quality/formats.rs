//! Formats a text value can be held to: a web address, an e-mail address, text without HTML.
//! Pure checks returning the message shown to the catalog manager.

use validator::{ValidateEmail, ValidateUrl};

/// An absolute `http` or `https` address with a host, as shops and marketplaces can link to.
pub fn check_url(s: &str) -> Result<(), String> {
    let rest = strip_prefix_ignore_case(s, "https://")
        .or_else(|| strip_prefix_ignore_case(s, "http://"))
        .ok_or_else(|| {
            format!("{s:?} is not a web address: it must start with http:// or https://")
        })?;
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "{s:?} is not a valid URL: it contains spaces or control characters"
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_and_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if host_and_port.starts_with('[') {
        host_and_port.split(']').next().unwrap_or_default()
    } else {
        host_and_port.split(':').next().unwrap_or_default()
    };
    if host.is_empty() {
        return Err(format!("{s:?} is not a valid URL: it has no host"));
    }
    if !s.validate_url() {
        return Err(format!("{s:?} is not a valid URL"));
    }
    Ok(())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// An address as HTML forms accept it: `local@domain`, no display name, no spaces.
pub fn check_email(s: &str) -> Result<(), String> {
    if s.validate_email() {
        Ok(())
    } else {
        Err(format!("{s:?} is not a valid e-mail address"))
    }
}

/// The first HTML tag, comment or doctype in `s`, as browsers would read one: `<` directly
/// followed by a letter, `/` and a letter, or `!`, up to the next `>`. A lone `<` as in
/// `a < b` is text.
pub fn first_html_tag(s: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(offset) = s[from..].find('<') {
        let start = from + offset;
        let rest = &s.as_bytes()[start + 1..];
        let opens = match rest.first() {
            Some(b'/') => rest.get(1).is_some_and(u8::is_ascii_alphabetic),
            Some(b'!') => true,
            Some(c) => c.is_ascii_alphabetic(),
            None => false,
        };
        if opens {
            if let Some(end) = s[start..].find('>') {
                return Some(&s[start..=start + end]);
            }
        }
        from = start + 1;
    }
    None
}

/// Refuses text holding HTML, quoting the tag found.
pub fn check_no_html(s: &str) -> Result<(), String> {
    match first_html_tag(s) {
        None => Ok(()),
        Some(tag) => {
            let shown: String = tag.chars().take(40).collect();
            let more = if shown.len() < tag.len() { "…" } else { "" };
            Err(format!("HTML is not allowed here; found {shown}{more}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_need_http_and_a_host() {
        for ok in [
            "https://example.com",
            "http://example.com/shop/item?id=1#top",
            "HTTPS://Example.com:8443/a",
            "https://user@example.com/",
            "http://[2001:db8::1]/x",
            "https://bücher.example/ä",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
        for (bad, words) in [
            ("example.com", "must start with http"),
            ("ftp://example.com/file", "must start with http"),
            ("mailto:a@example.com", "must start with http"),
            ("https://", "no host"),
            ("https:///path", "no host"),
            ("https://exa mple.com", "spaces"),
            (" https://example.com", "must start with http"),
            ("https://example.com:port/", "not a valid URL"),
        ] {
            let e = check_url(bad).unwrap_err();
            assert!(e.contains(words), "{bad}: {e}");
        }
    }

    #[test]
    fn emails() {
        for ok in ["jan.kowalski@example.pl", "a+tag@sub.example.com"] {
            assert_eq!(check_email(ok), Ok(()), "{ok}");
        }
        for bad in [
            "jan",
            "jan@",
            "@example.com",
            "jan kowalski@example.com",
            "Jan <jan@example.com>",
        ] {
            assert!(
                check_email(bad).unwrap_err().contains("not a valid e-mail"),
                "{bad}"
            );
        }
    }

    #[test]
    fn html_tags_are_found_and_lone_brackets_are_text() {
        assert_eq!(first_html_tag("Soft <b>linen</b>"), Some("<b>"));
        assert_eq!(first_html_tag("line<br/>break"), Some("<br/>"));
        assert_eq!(first_html_tag("end</p>"), Some("</p>"));
        assert_eq!(first_html_tag("<!-- note -->"), Some("<!-- note -->"));
        assert_eq!(
            first_html_tag(r#"<a href="https://x.example">x</a>"#),
            Some(r#"<a href="https://x.example">"#)
        );
        for text in ["a < b and c > d", "<3 cotton", "size <10", "x <", "1<2", ""] {
            assert_eq!(first_html_tag(text), None, "{text}");
        }
        assert_eq!(check_no_html("plain text"), Ok(()));
        let e = check_no_html("Soft <strong>linen</strong>").unwrap_err();
        assert!(
            e.contains("HTML is not allowed") && e.contains("<strong>"),
            "{e}"
        );
    }
}
