//! `--set key.path=value`: override one value of a scenario before it is checked.
//!
//! The value is read as TOML (`400`, `0.7`, `"logrank"`, `[1, 2]`, `{ events = 300 }`); a bare
//! word that is not valid TOML (`logrank`) is taken as a string. The path descends through
//! tables, creating missing ones, and through arrays by index (`enrolment.rate.1.per_month`).
//! The overridden scenario then goes through the same checks as the file, so a misspelt key is
//! still refused as unknown.

use crate::error::{Error, Result};
use toml::{Table, Value};

/// Parses the value part of an override as TOML; a bare word (`logrank`) that is not TOML is
/// taken as a string. A value that looks like TOML (it starts with `[`, `{`, a quote, a digit,
/// a sign or a dot) and does not parse is an error with TOML's own message, never a string.
fn parse_value(text: &str) -> std::result::Result<Value, String> {
    let trimmed = text.trim();
    match toml::from_str::<Table>(&format!("v = {trimmed}")) {
        Ok(mut t) => Ok(t.remove("v").unwrap_or(Value::String(trimmed.to_string()))),
        Err(e) => {
            let looks_like_toml = trimmed
                .chars()
                .next()
                .is_none_or(|c| "[{\"'+-.".contains(c) || c.is_ascii_digit());
            if looks_like_toml {
                let message = e.message().trim().replace('\n', " ");
                Err(if trimmed.is_empty() {
                    "an empty value".to_string()
                } else {
                    format!("not valid TOML ({message})")
                })
            } else {
                Ok(Value::String(trimmed.to_string()))
            }
        }
    }
}

/// Applies one `key.path=value` assignment to the parsed scenario table.
pub fn apply(table: &mut Table, file: &str, assignment: &str) -> Result<()> {
    let bad = |key: &str, problem: &str, allowed: &str| Error::Scenario {
        file: format!("{file} (--set {assignment})"),
        key: key.to_string(),
        problem: problem.to_string(),
        value: assignment.to_string(),
        allowed: allowed.to_string(),
    };
    let Some((path, value)) = assignment.split_once('=') else {
        return Err(bad(assignment, "an override needs `=`", "key.path=value"));
    };
    let segments: Vec<&str> = path.trim().split('.').map(str::trim).collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(bad(
            path,
            "empty key segment",
            "dotted keys such as design.sample_size",
        ));
    }
    let value = parse_value(value).map_err(|problem| {
        bad(
            path.trim(),
            &problem,
            "a TOML value: 400, 0.7, \"text\", [1, 2], { events = 300 }, or a bare word for a string",
        )
    })?;
    let mut slot: &mut Table = table;
    let mut depth = 0;
    // Descend through tables, creating the missing ones.
    while depth + 1 < segments.len() {
        let seg = segments[depth];
        let entry = slot
            .entry(seg.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        match entry {
            Value::Table(t) => slot = t,
            Value::Array(items) => {
                // An array element: the next segment is its index.
                let here = segments[..=depth].join(".");
                let idx_seg = segments[depth + 1];
                let len = items.len();
                let idx = idx_seg
                    .parse::<usize>()
                    .ok()
                    .filter(|i| *i < len)
                    .ok_or_else(|| {
                        bad(
                            &here,
                            "array index out of range",
                            &format!("an index 0..{len}"),
                        )
                    })?;
                if depth + 2 == segments.len() {
                    items[idx] = value;
                    return Ok(());
                }
                match &mut items[idx] {
                    Value::Table(t) => slot = t,
                    _ => {
                        return Err(bad(
                            &format!("{here}.{idx}"),
                            "cannot descend into a plain value",
                            "a table",
                        ));
                    }
                }
                depth += 1;
            }
            _ => {
                let here = segments[..=depth].join(".");
                return Err(bad(
                    &here,
                    "cannot descend into a plain value",
                    "a table or array",
                ));
            }
        }
        depth += 1;
    }
    slot.insert(segments[segments.len() - 1].to_string(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn sets_nested_values_and_parses_toml() {
        let mut t = table("[design]\nsample_size = 360\n[effect]\nhazard_ratio = { low = 0.6 }\n");
        apply(&mut t, "f.toml", "design.sample_size=400").unwrap();
        apply(&mut t, "f.toml", "effect.hazard_ratio.low = 0.7").unwrap();
        apply(&mut t, "f.toml", "design.test=logrank").unwrap();
        assert_eq!(t["design"]["sample_size"].as_integer(), Some(400));
        assert_eq!(t["effect"]["hazard_ratio"]["low"].as_float(), Some(0.7));
        assert_eq!(t["design"]["test"].as_str(), Some("logrank"));
    }

    #[test]
    fn indexes_arrays() {
        let mut t = table(
            "[enrolment]\nrate = [ { from = 0.0, per_month = 10.0 }, { from = 6.0, per_month = 25.0 } ]\n",
        );
        apply(&mut t, "f.toml", "enrolment.rate.1.per_month=30").unwrap();
        assert_eq!(
            t["enrolment"]["rate"][1]["per_month"].as_integer(),
            Some(30)
        );
        assert!(apply(&mut t, "f.toml", "enrolment.rate.5.per_month=30").is_err());
    }

    #[test]
    fn refuses_malformed_assignments() {
        let mut t = table("name = \"x\"\n");
        assert!(apply(&mut t, "f.toml", "design.sample_size").is_err());
        assert!(apply(&mut t, "f.toml", "design..x=1").is_err());
        assert!(apply(&mut t, "f.toml", "name.x=1").is_err());
    }
}
