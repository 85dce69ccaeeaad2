//! The house: src/ is grouped into folders by layer, data flow one way through them, and no
//! module depends on itself through others (no cycle).
//!
//! The test reads every file of src/ (comments, strings and `#[cfg(test)]` modules left out),
//! collects the paths each one names (`use` trees and `crate::`, `super::`, `self::` or child
//! module paths in the code), resolves each path to the file that defines it (following `pub
//! use` re-exports, which are a folder's front and not a dependency of their own), and checks:
//! - the graph of files has no cycle (Tarjan's strongly connected components);
//! - a file uses only its own layer or the layers before it, in the order of [`LAYERS`], which
//!   is the order of src/lib.rs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first: a module may use modules of its own layer and of earlier ones.
/// `error` (the crate's error type) may be used by all.
const LAYERS: &[&str] = &[
    "error",
    "stats",
    "analysis",
    "design",
    "scenario",
    "model",
    "simulation",
    "analytic",
    "study",
    "output",
];

/// A module: its path from the crate root (`["model", "prior"]`; empty for lib.rs).
type Module = Vec<String>;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Punct(char),
}

/// The tokens of Rust source that matter for paths: identifiers, `::` and punctuation, with
/// comments, string and character literals and lifetimes removed.
fn tokens(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if ch == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if ch == 'r' && (c.get(i + 1) == Some(&'#') || c.get(i + 1) == Some(&'"')) {
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(Token::Ident("r".into()));
                i += 1;
                continue;
            }
            j += 1;
            'raw: while j < c.len() {
                if c[j] == '"' && (0..hashes).all(|h| c.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break 'raw;
                }
                j += 1;
            }
            i = j;
        } else if ch == '\'' {
            // A character literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if c.get(i + 1) == Some(&'\\') {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if c.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Token::Ident(c[start..i].iter().collect()));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push(Token::PathSep);
            i += 2;
        } else {
            if !ch.is_whitespace() {
                out.push(Token::Punct(ch));
            }
            i += 1;
        }
    }
    out
}

/// One file, read.
struct File {
    /// Child modules it declares (`mod x;`).
    children: BTreeSet<String>,
    /// Paths of its `use` declarations (non-public) and of the code.
    uses: Vec<Vec<String>>,
    /// Paths it re-exports (`pub use`), by the name they are exported as.
    exports: Vec<(String, Vec<String>)>,
}

fn ident(t: Option<&Token>) -> Option<&str> {
    match t {
        Some(Token::Ident(s)) => Some(s),
        _ => None,
    }
}

/// Expands the use tree starting at `toks[*i]` into full paths (with the exported name),
/// advancing `*i` past it.
fn use_tree(
    toks: &[Token],
    i: &mut usize,
    prefix: &[String],
    out: &mut Vec<(String, Vec<String>)>,
) {
    let mut path = prefix.to_vec();
    loop {
        match toks.get(*i) {
            Some(Token::Ident(s)) if s == "as" => {
                *i += 1;
                let alias = ident(toks.get(*i)).unwrap_or("_").to_string();
                *i += 1;
                out.push((alias, path));
                return;
            }
            Some(Token::Ident(s)) => {
                path.push(s.clone());
                *i += 1;
            }
            Some(Token::PathSep) => *i += 1,
            Some(Token::Punct('*')) => {
                *i += 1;
                out.push(("*".into(), path));
                return;
            }
            Some(Token::Punct('{')) => {
                *i += 1;
                loop {
                    match toks.get(*i) {
                        Some(Token::Punct('}')) => {
                            *i += 1;
                            return;
                        }
                        Some(Token::Punct(',')) => *i += 1,
                        None => return,
                        _ => use_tree(toks, i, &path, out),
                    }
                }
            }
            _ => {
                let name = match path.last().map(String::as_str) {
                    Some("self") => {
                        path.pop();
                        path.last().cloned().unwrap_or_default()
                    }
                    Some(last) => last.to_string(),
                    None => String::new(),
                };
                if path.last().map(String::as_str) == Some("self") {
                    path.pop();
                }
                out.push((name, path));
                return;
            }
        }
    }
}

fn read(src: &str) -> File {
    let toks = tokens(src);
    let mut file = File {
        children: BTreeSet::new(),
        uses: Vec::new(),
        exports: Vec::new(),
    };
    let mut i = 0;
    while i < toks.len() {
        // `#[cfg(test)]`: the unit tests, at the end of a file, are not the module's dependencies.
        if toks[i] == Token::Punct('#')
            && toks.get(i + 1) == Some(&Token::Punct('['))
            && ident(toks.get(i + 2)) == Some("cfg")
            && toks.get(i + 3) == Some(&Token::Punct('('))
            && ident(toks.get(i + 4)) == Some("test")
        {
            break;
        }
        match &toks[i] {
            Token::Ident(s) if s == "mod" => {
                if let (Some(name), Some(Token::Punct(';'))) =
                    (ident(toks.get(i + 1)), toks.get(i + 2))
                {
                    file.children.insert(name.to_string());
                }
                i += 2;
            }
            Token::Ident(s) if s == "use" => {
                let public = i >= 1 && ident(toks.get(i - 1)) == Some("pub")
                    || i >= 4
                        && toks[i - 1] == Token::Punct(')')
                        && ident(toks.get(i - 4)) == Some("pub");
                i += 1;
                let mut tree = Vec::new();
                use_tree(&toks, &mut i, &[], &mut tree);
                if public {
                    file.exports.extend(tree);
                } else {
                    file.uses.extend(tree.into_iter().map(|(_, p)| p));
                }
            }
            Token::Ident(first)
                if toks.get(i + 1) == Some(&Token::PathSep)
                    && (i == 0 || toks[i - 1] != Token::PathSep) =>
            {
                let mut path = vec![first.clone()];
                let mut j = i + 1;
                while toks.get(j) == Some(&Token::PathSep) {
                    match ident(toks.get(j + 1)) {
                        Some(s) => path.push(s.to_string()),
                        None => break,
                    }
                    j += 2;
                }
                file.uses.push(path);
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    file
}

/// The module of a source file, from its path under src/.
fn module_of(rel: &Path) -> Option<Module> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?;
    match (parts.is_empty(), stem) {
        (true, "main") => return None,
        (true, "lib") => {}
        (_, "mod") => {}
        _ => parts.push(stem.to_string()),
    }
    Some(parts)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The crate's modules and the files each depends on.
struct Graph {
    edges: BTreeMap<Module, BTreeSet<Module>>,
}

impl Graph {
    fn of(src: &Path) -> Graph {
        let mut paths = Vec::new();
        walk(src, &mut paths);
        let mut files = BTreeMap::new();
        for p in &paths {
            if let Some(m) = module_of(p.strip_prefix(src).expect("under src")) {
                let text = std::fs::read_to_string(p).expect("a readable source file");
                files.insert(m, read(&text));
            }
        }
        let absolute = |m: &Module, path: &[String]| -> Option<Vec<String>> {
            let head = path.first()?;
            match head.as_str() {
                "crate" => Some(path[1..].to_vec()),
                "self" => Some(m.iter().cloned().chain(path[1..].iter().cloned()).collect()),
                "super" => {
                    let mut base = m.clone();
                    let mut rest = path;
                    while rest.first().map(String::as_str) == Some("super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                    Some(base.into_iter().chain(rest.iter().cloned()).collect())
                }
                name if files[m].children.contains(name) => {
                    Some(m.iter().cloned().chain(path.iter().cloned()).collect())
                }
                _ => None,
            }
        };
        let mut exports: BTreeMap<(Module, String), Vec<String>> = BTreeMap::new();
        for (m, f) in &files {
            for (name, path) in &f.exports {
                if let Some(a) = absolute(m, path) {
                    exports.insert((m.clone(), name.clone()), a);
                }
            }
        }
        fn resolve(
            path: &[String],
            files: &BTreeMap<Module, File>,
            exports: &BTreeMap<(Module, String), Vec<String>>,
            depth: usize,
        ) -> Option<Module> {
            for k in (0..=path.len()).rev() {
                let m: Module = path[..k].to_vec();
                if files.contains_key(&m) {
                    if k < path.len()
                        && depth < 16
                        && let Some(t) = exports.get(&(m.clone(), path[k].clone()))
                    {
                        let full: Vec<String> = t
                            .iter()
                            .cloned()
                            .chain(path[k + 1..].iter().cloned())
                            .collect();
                        if let Some(r) = resolve(&full, files, exports, depth + 1) {
                            return Some(r);
                        }
                    }
                    return Some(m);
                }
            }
            None
        }
        let mut edges = BTreeMap::new();
        for (m, f) in &files {
            let mut to = BTreeSet::new();
            for path in &f.uses {
                if let Some(a) = absolute(m, path)
                    && let Some(r) = resolve(&a, &files, &exports, 0)
                    && &r != m
                    && !r.is_empty()
                {
                    to.insert(r);
                }
            }
            edges.insert(m.clone(), to);
        }
        Graph { edges }
    }

    /// The strongly connected components of more than one module (Tarjan 1972).
    fn cycles(&self) -> Vec<Vec<Module>> {
        struct State<'a> {
            graph: &'a Graph,
            index: BTreeMap<&'a Module, usize>,
            low: BTreeMap<&'a Module, usize>,
            stack: Vec<&'a Module>,
            on: BTreeSet<&'a Module>,
            next: usize,
            out: Vec<Vec<Module>>,
        }
        fn visit<'a>(s: &mut State<'a>, v: &'a Module) {
            s.index.insert(v, s.next);
            s.low.insert(v, s.next);
            s.next += 1;
            s.stack.push(v);
            s.on.insert(v);
            for w in &s.graph.edges[v] {
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let lw = s.low[w];
                    let lv = s.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if s.on.contains(w) {
                    let iw = s.index[w];
                    let lv = s.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
            if s.low[v] == s.index[v] {
                let mut component = Vec::new();
                loop {
                    let w = s.stack.pop().unwrap();
                    s.on.remove(w);
                    component.push(w.clone());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    s.out.push(component);
                }
            }
        }
        let mut s = State {
            graph: self,
            index: BTreeMap::new(),
            low: BTreeMap::new(),
            stack: Vec::new(),
            on: BTreeSet::new(),
            next: 0,
            out: Vec::new(),
        };
        for v in self.edges.keys() {
            if !s.index.contains_key(v) {
                visit(&mut s, v);
            }
        }
        s.out
    }
}

fn name(m: &Module) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

fn src_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_module_depends_on_itself_through_others() {
    let graph = Graph::of(&src_dir());
    let cycles: Vec<String> = graph
        .cycles()
        .iter()
        .map(|c| {
            let members: BTreeSet<&Module> = c.iter().collect();
            let edges: Vec<String> = c
                .iter()
                .flat_map(|a| {
                    graph.edges[a]
                        .iter()
                        .filter(|b| members.contains(b))
                        .map(move |b| format!("{} -> {}", name(a), name(b)))
                })
                .collect();
            edges.join(", ")
        })
        .collect();
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}");
}

#[test]
fn every_module_uses_only_its_layer_and_the_layers_before_it() {
    let graph = Graph::of(&src_dir());
    let layer = |m: &Module| -> Option<usize> {
        LAYERS
            .iter()
            .position(|l| m.first().map(String::as_str) == Some(l))
    };
    let mut wrong = Vec::new();
    for (a, tos) in &graph.edges {
        if a.is_empty() {
            continue; // lib.rs declares and re-exports.
        }
        let la = layer(a).unwrap_or_else(|| panic!("src/{} is in no layer of LAYERS", name(a)));
        for b in tos {
            let lb = layer(b).unwrap_or_else(|| panic!("{} is in no layer", name(b)));
            if lb > la {
                wrong.push(format!(
                    "{} ({}) uses {} ({})",
                    name(a),
                    LAYERS[la],
                    name(b),
                    LAYERS[lb]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "uses against the layer order: {wrong:#?}");
}

#[test]
fn the_reader_sees_the_dependencies_it_must() {
    // The checks above are only as good as the reader: on a known file it must find the uses
    // through `use` trees, re-exports and paths in the code, and skip comments and strings.
    let graph = Graph::of(&src_dir());
    let deps = |m: &str| -> BTreeSet<String> {
        let key: Module = m.split("::").map(str::to_string).collect();
        graph.edges[&key].iter().map(name).collect()
    };
    let engine = deps("simulation::engine");
    // `Ties` comes through the re-export of analysis/mod.rs from analysis/cox.rs.
    for expected in [
        "simulation::engine::outcome",
        "model",
        "stats::rng",
        "analysis::cox",
    ] {
        assert!(
            engine.contains(expected),
            "simulation::engine uses {expected}: {engine:?}"
        );
    }
    // `crate::analysis::Analyzer` is re-exported by analysis/mod.rs from analysis/table.rs.
    let outcome = deps("simulation::engine::outcome");
    assert!(outcome.contains("analysis::table"), "{outcome:?}");
    let toks = read(
        "// crate::a::b\nlet s = \"crate::c::d\"; let x = crate::e::f; use crate::g::{h, i::j};",
    );
    assert_eq!(
        toks.uses,
        vec![
            vec!["crate".to_string(), "e".into(), "f".into()],
            vec!["crate".to_string(), "g".into(), "h".into()],
            vec!["crate".to_string(), "g".into(), "i".into(), "j".into()],
        ]
    );
}
