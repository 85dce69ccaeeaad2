//! The page's markup helpers: escaping, tagged numbers, JSON-pointer tokens, anchors, and
//! base64 for the embedded font.

/// Escapes text for HTML/XML content and attribute values.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // (control characters other than tab and newline are not allowed in XML)
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A number from a JSON document: `value` shown with `decimals` decimals (`NA` for NaN),
/// tagged with its document and pointer.
pub(super) fn num(src: &str, pointer: &str, value: f64, decimals: usize) -> String {
    format!(
        "<span class=\"n\" data-src=\"{}\" data-json=\"{}\">{}</span>",
        esc(src),
        esc(pointer),
        crate::output::report::fmt(value, decimals)
    )
}

/// A JSON pointer token (RFC 6901: `~` as `~0`, `/` as `~1`).
pub(super) fn token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Standard base64 (RFC 4648, with padding), for the embedded font.
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> shift & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The anchor of scenario `k` (1-based) and of its sections.
pub(super) fn anchor(k: usize, part: &str) -> String {
    if part.is_empty() {
        format!("s{k}")
    } else {
        format!("s{k}-{part}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        for (input, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), encoded);
        }
    }

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            esc("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;"
        );
        assert_eq!(esc("x\u{1}y"), "xy");
        assert_eq!(token("a/b~c"), "a~1b~0c");
    }
}
