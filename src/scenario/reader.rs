//! A typed reader over a parsed TOML table that knows where it is.
//!
//! Every accessor checks the type of one key and, on failure, returns an
//! [`Error::Scenario`] naming the file, the dotted key path, the value seen and what is
//! allowed. Unknown keys are refused by [`Node::only`], so a misspelt key is an error,
//! never silently ignored.

use super::schema::Table as Keys;
use crate::error::{Error, Result};
use toml::{Table, Value};

/// One table of the scenario, with its file name and dotted path for error messages.
#[derive(Clone)]
pub(crate) struct Node<'a> {
    file: &'a str,
    path: String,
    table: &'a Table,
}

/// A short rendering of a TOML value for error messages (at most about 80 characters).
pub(crate) fn show(value: &Value) -> String {
    let text = match value {
        Value::String(s) => format!("{s:?}"),
        Value::Table(t) => {
            let inner: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{k} = {}", show(v)))
                .collect();
            format!("{{ {} }}", inner.join(", "))
        }
        // A float far from 1 in scientific notation (TOML writes 1e-320 with 320 zeros).
        Value::Float(x) if *x != 0.0 && x.is_finite() && !(1e-4..1e15).contains(&x.abs()) => {
            format!("{x:e}")
        }
        other => other.to_string(),
    };
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(77).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// The TOML type name of a value, for "expected a number, got a string" messages.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

impl<'a> Node<'a> {
    /// The root node of a scenario file.
    pub(crate) fn root(file: &'a str, table: &'a Table) -> Self {
        Node {
            file,
            path: String::new(),
            table,
        }
    }

    /// The dotted path of key `k` inside this table.
    pub(crate) fn key(&self, k: &str) -> String {
        if self.path.is_empty() {
            k.to_string()
        } else {
            format!("{}.{k}", self.path)
        }
    }

    /// An error about key `k` of this table.
    pub(crate) fn error(
        &self,
        k: &str,
        problem: impl Into<String>,
        value: impl Into<String>,
        allowed: impl Into<String>,
    ) -> Error {
        Error::Scenario {
            file: self.file.to_string(),
            key: self.key(k),
            problem: problem.into(),
            value: value.into(),
            allowed: allowed.into(),
        }
    }

    /// An error about the value of key `k`, which is present.
    pub(crate) fn bad_value(&self, k: &str, problem: &str, allowed: impl Into<String>) -> Error {
        let value = self
            .table
            .get(k)
            .map(show)
            .unwrap_or_else(|| "(missing)".into());
        self.error(k, problem, value, allowed)
    }

    /// An error about this table as a whole (e.g. `control.low` with two forms), showing it.
    pub(crate) fn bad_self(&self, problem: &str, allowed: impl Into<String>) -> Error {
        Error::Scenario {
            file: self.file.to_string(),
            key: self.path.clone(),
            problem: problem.to_string(),
            value: show(&Value::Table(self.table.clone())),
            allowed: allowed.into(),
        }
    }

    /// Refuses any key the table does not accept (its keys in [`schema`](super::schema)).
    pub(crate) fn only(&self, table: &Keys) -> Result<()> {
        self.only_names(table.keys)
    }

    /// Refuses any key not in `allowed`: for tables keyed by names the file chose (strata,
    /// hypotheses), which [`schema`](super::schema) cannot list.
    pub(crate) fn only_names(&self, allowed: &[&str]) -> Result<()> {
        for (k, v) in self.table {
            if !allowed.contains(&k.as_str()) {
                return Err(self.error(
                    k,
                    "unknown key",
                    show(v),
                    format!("one of {}", allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }

    /// The keys of this table, in the table's order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = String> + '_ {
        self.table.keys().cloned()
    }

    /// Whether key `k` is present.
    pub(crate) fn has(&self, k: &str) -> bool {
        self.table.contains_key(k)
    }

    /// The raw value of key `k`.
    pub(crate) fn raw(&self, k: &str) -> Option<&'a Value> {
        self.table.get(k)
    }

    fn wrong_type(&self, k: &str, v: &Value, expected: &str) -> Error {
        self.error(
            k,
            format!("expected {expected}, found {}", type_name(v)),
            show(v),
            expected.to_string(),
        )
    }

    fn missing(&self, k: &str, expected: &str) -> Error {
        self.error(
            k,
            "required key is missing",
            "(missing)",
            expected.to_string(),
        )
    }

    /// Sub-table `k`, if present; an error if `k` is not a table.
    pub(crate) fn table(&self, k: &str) -> Result<Option<Node<'a>>> {
        match self.table.get(k) {
            None => Ok(None),
            Some(Value::Table(t)) => Ok(Some(Node {
                file: self.file,
                path: self.key(k),
                table: t,
            })),
            Some(v) => Err(self.wrong_type(k, v, "a table")),
        }
    }

    /// A node for a value known to be a table, at an explicit path (array elements).
    pub(crate) fn child(&self, path: String, table: &'a Table) -> Node<'a> {
        Node {
            file: self.file,
            path,
            table,
        }
    }

    /// A number (integer or float), if present; must be finite.
    pub(crate) fn f64(&self, k: &str) -> Result<Option<f64>> {
        match self.table.get(k) {
            None => Ok(None),
            Some(Value::Float(x)) if x.is_finite() => Ok(Some(*x)),
            Some(Value::Integer(i)) => Ok(Some(*i as f64)),
            Some(v) => Err(self.wrong_type(k, v, "a finite number")),
        }
    }

    /// A number checked by `ok`, else an error saying `allowed`.
    pub(crate) fn f64_where(
        &self,
        k: &str,
        allowed: &str,
        ok: impl Fn(f64) -> bool,
    ) -> Result<Option<f64>> {
        match self.f64(k)? {
            Some(x) if !ok(x) => Err(self.bad_value(k, "value out of range", allowed)),
            other => Ok(other),
        }
    }

    /// A required number checked by `ok`.
    pub(crate) fn req_f64_where(
        &self,
        k: &str,
        allowed: &str,
        ok: impl Fn(f64) -> bool,
    ) -> Result<f64> {
        self.f64_where(k, allowed, ok)?
            .ok_or_else(|| self.missing(k, allowed))
    }

    /// A non-negative integer, if present.
    pub(crate) fn uint(&self, k: &str) -> Result<Option<u64>> {
        match self.table.get(k) {
            None => Ok(None),
            Some(Value::Integer(i)) if *i >= 0 => Ok(Some(*i as u64)),
            Some(Value::Integer(_)) => Err(self.bad_value(k, "negative", "a whole number >= 0")),
            Some(Value::Float(x)) if x.fract() == 0.0 && *x >= 0.0 && *x < 9.0e15 => {
                Ok(Some(*x as u64))
            }
            Some(v) => Err(self.wrong_type(k, v, "a whole number")),
        }
    }

    /// A string, if present.
    pub(crate) fn str(&self, k: &str) -> Result<Option<&'a str>> {
        match self.table.get(k) {
            None => Ok(None),
            Some(Value::String(s)) => {
                if let Some(c) = s
                    .chars()
                    .find(|&c| c.is_control() && c != '\n' && c != '\t')
                {
                    return Err(self.error(
                        k,
                        format!("a control character ({:?}) in the text", c),
                        format!("{s:?}"),
                        "printable text (tabs and line breaks allowed)",
                    ));
                }
                Ok(Some(s.as_str()))
            }
            Some(v) => Err(self.wrong_type(k, v, "a string")),
        }
    }

    /// A required string.
    pub(crate) fn req_str(&self, k: &str, allowed: &str) -> Result<&'a str> {
        self.str(k)?.ok_or_else(|| self.missing(k, allowed))
    }

    /// An array, if present.
    pub(crate) fn array(&self, k: &str) -> Result<Option<&'a [Value]>> {
        match self.table.get(k) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a.as_slice())),
            Some(v) => Err(self.wrong_type(k, v, "an array")),
        }
    }

    /// An array of finite numbers, if present.
    pub(crate) fn f64_array(&self, k: &str) -> Result<Option<Vec<f64>>> {
        let Some(items) = self.array(k)? else {
            return Ok(None);
        };
        items
            .iter()
            .map(|v| match v {
                Value::Float(x) if x.is_finite() => Ok(*x),
                Value::Integer(i) => Ok(*i as f64),
                _ => {
                    Err(self.bad_value(k, "not an array of numbers", "an array of finite numbers"))
                }
            })
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    /// An array of strings, if present.
    pub(crate) fn str_array(&self, k: &str) -> Result<Option<Vec<String>>> {
        let Some(items) = self.array(k)? else {
            return Ok(None);
        };
        items
            .iter()
            .map(|v| match v {
                Value::String(s) if s.chars().any(char::is_control) => Err(self.error(
                    k,
                    "a control character in a name",
                    format!("{s:?}"),
                    "an array of printable names",
                )),
                Value::String(s) => Ok(s.clone()),
                _ => Err(self.bad_value(k, "not an array of strings", "an array of strings")),
            })
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }
}

/// The indices of the stratum `names` given at key `key` of `node`, in the order given; an
/// error for a name given twice or unknown, saying what is allowed (`allowed`: for a repeated
/// name, for an unknown one).
pub(crate) fn stratum_indices(
    node: &Node,
    key: &str,
    names: &[String],
    strata: &[String],
    allowed: [&str; 2],
) -> Result<Vec<usize>> {
    let mut idx = Vec::with_capacity(names.len());
    for n in names {
        match strata.iter().position(|s| s == n) {
            Some(i) if !idx.contains(&i) => idx.push(i),
            Some(_) => {
                return Err(node.bad_value(key, &format!("stratum {n:?} named twice"), allowed[0]));
            }
            None => {
                return Err(node.bad_value(key, &format!("unknown stratum {n:?}"), allowed[1]));
            }
        }
    }
    Ok(idx)
}

/// The `allowed` part of a usage error from the sequential module's name parsers.
pub(crate) fn usage_allowed(error: &Error) -> String {
    match error {
        Error::Usage { allowed, .. } => allowed.clone(),
        other => other.to_string(),
    }
}
