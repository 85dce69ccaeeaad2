//! The comments of a scenario file, attached to what they annotate: the sources and reasons a
//! trialist wrote beside each assumption ("docs/mirocals.md: ...", "assumed: ..."), so a report
//! can carry them over next to the values.
//!
//! A comment block belongs to the key or table header that follows it (blank lines between
//! them allowed), except that a block between a table's header and its first key introduces
//! the table; a comment after a value on the same line, or inside a value that spans lines
//! (an array, an inline table, a `"""` string), belongs to that key. The comments before the
//! file's first key or table are the file's own header.

/// One `key = value` of the file with its comments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key as written (dotted or quoted keys kept verbatim).
    pub key: String,
    /// The value as written, comments removed, the lines of a multi-line value joined by
    /// newlines.
    pub value: String,
    /// The comment lines about it, `#` and one space removed, in file order.
    pub comments: Vec<String>,
}

/// A table of the file (`[name]`; the root table has the name "").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableNotes {
    /// The table's name as written between the brackets ("" for the root table).
    pub name: String,
    /// The comment lines before its header.
    pub comments: Vec<String>,
    /// Its keys in file order.
    pub entries: Vec<Entry>,
}

/// A scenario file's keys and tables with their comments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Annotated {
    /// The comment lines before the first key or table.
    pub header: Vec<String>,
    /// The tables in file order, the root table first.
    pub tables: Vec<TableNotes>,
}

/// Where a scan is within a value that spans lines.
#[derive(Clone, Copy, Debug, Default)]
struct Scan {
    /// Open `[` and `{` outside strings.
    depth: i32,
    /// Inside a `"""` or `'''` string (its delimiter).
    multiline: Option<&'static str>,
}

/// Splits a line into its code and its comment (without `#`), minding strings, and updates
/// the scan's bracket depth and multi-line string state.
fn split_comment<'a>(line: &'a str, scan: &mut Scan) -> (&'a str, Option<&'a str>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(delim) = scan.multiline {
            match line[i..].find(delim) {
                Some(j) => {
                    i += j + 3;
                    scan.multiline = None;
                    continue;
                }
                None => return (line, None),
            }
        }
        match bytes[i] {
            b'#' => return (&line[..i], Some(&line[i + 1..])),
            b'"' | b'\'' => {
                let quote = bytes[i];
                let triple = if quote == b'"' { "\"\"\"" } else { "'''" };
                if line[i..].starts_with(triple) {
                    scan.multiline = Some(triple);
                    i += 3;
                    continue;
                }
                // A one-line string: skip to its closing quote (escapes only in basic strings).
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    if quote == b'"' && bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'[' | b'{' => {
                scan.depth += 1;
                i += 1;
            }
            b']' | b'}' => {
                scan.depth -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    (line, None)
}

/// A comment's text: the `#` already removed, one leading space and trailing spaces trimmed.
fn comment_text(c: &str) -> String {
    c.strip_prefix(' ').unwrap_or(c).trim_end().to_string()
}

/// Reads the keys, tables and comments of scenario text (already checked to be valid TOML:
/// on other text the result is best effort, never a panic).
pub fn annotate(text: &str) -> Annotated {
    let mut out = Annotated {
        header: Vec::new(),
        tables: vec![TableNotes {
            name: String::new(),
            comments: Vec::new(),
            entries: Vec::new(),
        }],
    };
    let mut pending: Vec<String> = Vec::new();
    let mut seen_item = false;
    let mut scan = Scan::default();
    // The entry whose value is still open (spans lines).
    let mut open = false;
    for line in text.lines() {
        let continuing = open;
        let (code, comment) = split_comment(line, &mut scan);
        let code_trimmed = code.trim();
        if continuing {
            let table = out
                .tables
                .last_mut()
                .expect("the root table is always there");
            if let Some(entry) = table.entries.last_mut() {
                if !code_trimmed.is_empty() || scan.multiline.is_some() {
                    entry.value.push('\n');
                    entry.value.push_str(code.trim_end());
                }
                if let Some(c) = comment {
                    entry.comments.push(comment_text(c));
                }
            }
            open = scan.depth > 0 || scan.multiline.is_some();
            continue;
        }
        if code_trimmed.is_empty() {
            if let Some(c) = comment {
                pending.push(comment_text(c));
            }
            continue;
        }
        if !seen_item {
            out.header = std::mem::take(&mut pending);
            seen_item = true;
        }
        if code_trimmed.starts_with('[') {
            let name = code_trimmed
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim()
                .to_string();
            // a header's own brackets are not a value's
            scan.depth = 0;
            let mut comments = std::mem::take(&mut pending);
            comments.extend(comment.map(comment_text));
            out.tables.push(TableNotes {
                name,
                comments,
                entries: Vec::new(),
            });
            continue;
        }
        let (key, value) = match code.split_once('=') {
            Some((k, v)) => (k.trim().to_string(), v.trim().to_string()),
            None => (code_trimmed.to_string(), String::new()),
        };
        let table = out
            .tables
            .last_mut()
            .expect("the root table is always there");
        // A block between a table's header and its first key introduces the table.
        if table.entries.is_empty() && !table.name.is_empty() {
            table.comments.append(&mut pending);
        }
        let mut comments = std::mem::take(&mut pending);
        comments.extend(comment.map(comment_text));
        table.entries.push(Entry {
            key,
            value,
            comments,
        });
        open = scan.depth > 0 || scan.multiline.is_some();
    }
    if !seen_item {
        out.header = pending;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"# A scenario.
# Sources in docs/x.md.
name = "x # not a comment"
description = """
two # lines
of text"""

[control]
# calibrated to the placebo arm
low = { median = 30.6 }   # docs/x.md:12
high = { median = 12.2 }

# a block about the prior

[prior]
# about the entries
entries = [
  { a = 1 },   # first
  { a = 2 },
]
discount = 0.66 # ln(0.65)/ln(0.52)
"#;

    #[test]
    fn comments_are_attached_to_the_key_or_table_they_annotate() {
        let a = annotate(TEXT);
        assert_eq!(a.header, ["A scenario.", "Sources in docs/x.md."]);
        let root = &a.tables[0];
        assert_eq!(root.entries[0].key, "name");
        assert_eq!(root.entries[0].value, "\"x # not a comment\"");
        assert!(root.entries[0].comments.is_empty());
        assert_eq!(root.entries[1].key, "description");
        assert_eq!(root.entries[1].value, "\"\"\"\ntwo # lines\nof text\"\"\"");
        assert!(root.entries[1].comments.is_empty());
        let control = &a.tables[1];
        assert_eq!(control.name, "control");
        assert_eq!(control.comments, ["calibrated to the placebo arm"]);
        assert_eq!(control.entries[0].comments, ["docs/x.md:12"]);
        assert_eq!(control.entries[0].value, "{ median = 30.6 }");
        assert!(control.entries[1].comments.is_empty());
        let prior = &a.tables[2];
        assert_eq!(
            prior.comments,
            ["a block about the prior", "about the entries"]
        );
        assert_eq!(prior.entries[0].key, "entries");
        assert_eq!(prior.entries[0].comments, ["first"]);
        assert_eq!(prior.entries[0].value.lines().count(), 4);
        assert_eq!(prior.entries[1].key, "discount");
        assert_eq!(prior.entries[1].comments, ["ln(0.65)/ln(0.52)"]);
    }

    #[test]
    fn every_shipped_scenario_is_annotated_without_losing_a_key() {
        for entry in std::fs::read_dir("scenarios").unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let parsed: toml::Table = text.parse().unwrap();
            let a = annotate(&text);
            let root_keys: Vec<&str> = a.tables[0].entries.iter().map(|e| e.key.as_str()).collect();
            for (key, value) in &parsed {
                assert!(
                    value.is_table() || root_keys.contains(&key.as_str()),
                    "{}: {key}",
                    path.display()
                );
            }
        }
    }
}
