//! `enrichsim report`: the HTML is well-formed, has its sections, every number it takes from a
//! run or a design equals that command's JSON (run with the same flags), every figure is there
//! with its axes and legend, the scenario files are carried with their SHA-256, and the same
//! command gives the same bytes less the wall time, for any thread count.

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const REPS: &str = "300";
const SEED: &str = "7";

const FAMILY: [&str; 3] = [
    "phase3-enriched-sequential.toml",
    "phase3-allcomers-hierarchical.toml",
    "phase3-enriched-prior.toml",
];

fn report(dir: &Path, name: &str, scenarios: &[&str], extra: &[&str]) -> String {
    let out = dir.join(name);
    stdout_of(
        enrichsim()
            .arg("report")
            .args(scenarios.iter().map(|s| scenario_path(s)))
            .args([
                "--reps",
                REPS,
                "--seed",
                SEED,
                "--picture-reps",
                "60",
                "--quiet",
            ])
            .args(extra)
            .arg("-o")
            .arg(&out),
    );
    std::fs::read_to_string(out).unwrap()
}

/// The JSON documents a report's numbers are taken from, by `data-src` name.
fn sources(scenarios: &[&str]) -> BTreeMap<String, Value> {
    let mut docs = BTreeMap::new();
    for (i, s) in scenarios.iter().enumerate() {
        let path = scenario_path(s);
        let k = i + 1;
        let json = |args: &[&str]| -> Value {
            serde_json::from_str(&stdout_of(
                enrichsim().args(args).arg(&path).args(["--format", "json"]),
            ))
            .unwrap()
        };
        let sim = ["--reps", REPS, "--seed", SEED, "--quiet"];
        docs.insert(format!("run-{k}"), json(&[&["run"][..], &sim].concat()));
        docs.insert(
            format!("null-{k}"),
            json(&[&["run", "--global-null"][..], &sim].concat()),
        );
        docs.insert(format!("design-{k}"), json(&["design"]));
        docs.insert(format!("validate-{k}"), json(&["validate"]));
    }
    docs
}

/// The page's lines that may differ between runs of the same command (wall time), and with
/// another thread count (the threads, the command line).
fn stable(html: &str, threads_too: bool) -> String {
    html.lines()
        .filter(|l| {
            !l.contains("class=\"timing\"")
                && !(threads_too
                    && (l.contains("class=\"machine\"") || l.contains("class=\"command\"")))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses the page as XML (it is written to be well-formed; its `<!DOCTYPE html>` is a DTD to
/// the parser).
fn parse(html: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(html, options).expect("the report is well-formed XML")
}

/// Asserts two pages equal, showing the first line that differs (not the megabyte page).
fn assert_same(a: &str, b: &str, what: &str) {
    if a != b {
        let (i, (x, y)) = a
            .lines()
            .zip(b.lines())
            .enumerate()
            .find(|(_, (x, y))| x != y)
            .unwrap_or((0, ("(length)", "(length)")));
        let cut = |s: &str| s.chars().take(300).collect::<String>();
        panic!("{what}: line {} differs:\n{}\n{}", i + 1, cut(x), cut(y));
    }
}

fn text_of(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap_or(""))
        .collect()
}

#[test]
fn every_number_of_the_report_is_the_json_of_the_same_run() {
    let dir = tempfile::TempDir::new().unwrap();
    let html = report(dir.path(), "r.html", &FAMILY, &[]);
    let doc = parse(&html);
    let docs = sources(&FAMILY);
    let mut checked = BTreeMap::<String, usize>::new();
    for n in doc.descendants().filter(|n| n.has_attribute("data-json")) {
        let src = n.attribute("data-src").unwrap();
        let pointer = n.attribute("data-json").unwrap();
        let json = docs
            .get(src)
            .unwrap_or_else(|| panic!("unknown data-src {src}"));
        let value = json
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{src}: no {pointer}"));
        let shown = text_of(n);
        let expected = match value.as_f64() {
            None => {
                assert!(
                    value.is_null() && shown == "NA",
                    "{src} {pointer}: {shown} vs {value}"
                );
                continue;
            }
            Some(x) => {
                let decimals = shown.split_once('.').map_or(0, |(_, f)| f.len());
                format!("{x:.decimals$}")
            }
        };
        assert_eq!(shown, expected, "{src} {pointer}");
        *checked
            .entry(src.split('-').next().unwrap().to_string())
            .or_default() += 1;
    }
    // Every kind of source is used, with enough numbers to matter.
    assert!(checked["run"] >= 3 * 25, "{checked:?}");
    assert!(checked["null"] >= 3 * 20, "{checked:?}");
    assert!(checked["design"] >= 3 * 5, "{checked:?}");
    assert!(checked["validate"] >= 3, "{checked:?}");
    // In the operating-characteristics tables every number is tagged.
    for table in doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("oc"))
    {
        for td in table.descendants().filter(|n| n.has_tag_name("td")) {
            let untagged: String = td
                .children()
                .filter(|c| c.is_text())
                .map(|c| c.text().unwrap_or(""))
                .collect();
            let label = td.prev_sibling_element().is_none();
            assert!(
                label || !untagged.chars().any(|c| c.is_ascii_digit()),
                "untagged number in an OC cell: {untagged:?}"
            );
        }
    }
}

#[test]
fn the_report_has_its_sections_files_and_figures() {
    let dir = tempfile::TempDir::new().unwrap();
    let html = report(
        dir.path(),
        "r.html",
        &FAMILY[..2],
        &["--vary", "design.sample_size=400,600"],
    );
    let doc = parse(&html);
    let ids: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("id"))
        .collect();
    for k in 1..=2 {
        for part in ["", "-design", "-assumptions", "-oc", "-figures"] {
            let id = format!("s{k}{part}");
            assert!(ids.contains(&id.as_str()), "no section {id}");
            // and the contents link to it
            assert!(
                html.contains(&format!("href=\"#{id}\""))
                    || part.is_empty() && html.contains(&format!("href=\"#s{k}\""))
            );
        }
    }
    assert!(ids.contains(&"reproducibility") && ids.contains(&"overview"));
    // The scenario files, whole, with their SHA-256.
    let pres: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("pre"))
        .map(text_of)
        .collect();
    for s in &FAMILY[..2] {
        let text = std::fs::read_to_string(scenario_path(s)).unwrap();
        assert!(pres.contains(&text), "{s} not carried whole");
        use sha2::Digest;
        let hash: String = sha2::Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(html.contains(&hash), "{s}: no SHA-256 {hash}");
    }
    // The sources of the assumptions are carried over beside their values.
    assert!(html.contains("docs/mirocals.md: ~21% above 3700, ~9% below 750 pg/mL"));
    // Every figure: an inline SVG with a title, axis labels and a legend named on the figure.
    let figures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("figure"))
        .collect();
    let kinds: Vec<&str> = figures
        .iter()
        .filter_map(|f| f.attribute("data-plot"))
        .collect();
    // The bounds figure only for a design with interim analyses (the sequential one).
    assert_eq!(
        kinds.iter().filter(|k| **k == "boundaries").count(),
        1,
        "{kinds:?}"
    );
    for kind in ["accrual", "hr", "power"] {
        assert_eq!(
            kinds.iter().filter(|k| **k == kind).count(),
            2,
            "{kind}: one per scenario ({kinds:?})"
        );
    }
    // Kaplan-Meier: all randomised, then each eligible measured stratum (2 in the enriched
    // design, 3 in the all-comers one).
    assert_eq!(
        kinds.iter().filter(|k| **k == "km").count(),
        3 + 4,
        "{kinds:?}"
    );
    // (the axis descriptions and legend entries each kind of figure must show)
    let labels = |kind: &str| -> (Vec<&str>, Vec<&str>) {
        match kind {
            "boundaries" => (vec!["deaths", "z", "hazard ratio"], vec!["efficacy"]),
            "km" => (
                vec!["months since randomisation", "survival probability"],
                vec![
                    "treatment (median over replicates)",
                    "control (median over replicates)",
                    "95% band (2.5-97.5% of replicates)",
                ],
            ),
            "accrual" => (
                vec!["months since the first screening", "patients (cumulative)"],
                vec![
                    "randomised, simulated median",
                    "deaths, simulated median",
                    "randomised, expected (closed form)",
                    "deaths, expected (closed form)",
                    "analysis times (simulated median)",
                ],
            ),
            "hr" => (
                vec!["estimated hazard ratio (treatment / control)", "replicates"],
                vec!["replicates per bin"],
            ),
            "power" => (
                vec!["Sample size (patients randomised)", "Power"],
                vec!["95% Monte Carlo interval"],
            ),
            other => panic!("unknown figure kind {other}"),
        }
    };
    for f in &figures {
        let kind = f.attribute("data-plot").unwrap();
        let svg = f
            .children()
            .find(|c| c.has_tag_name("svg"))
            .expect("an inline svg");
        let texts: Vec<String> = svg
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| text_of(n).trim().to_string())
            .collect();
        let (axes, legend) = labels(kind);
        for label in axes.iter().chain(&legend) {
            assert!(
                texts.iter().any(|t| t == label || t.starts_with(label)),
                "{kind}: no {label:?} in {texts:?}"
            );
        }
        assert!(f.children().any(|c| c.has_tag_name("figcaption")));
    }
    // No network: nothing is loaded from anywhere.
    for n in doc.descendants() {
        for a in ["src", "href"] {
            if let Some(v) = n.attribute(a) {
                assert!(v.starts_with('#'), "external reference {a}={v}");
            }
        }
    }
    assert!(!html.contains("url(http") && !html.contains("<link") && !html.contains("<script"));
}

#[test]
fn the_same_command_gives_the_same_bytes_for_any_thread_count() {
    let dir = tempfile::TempDir::new().unwrap();
    let scenarios = ["phase3-enriched-sequential.toml"];
    let one = report(dir.path(), "a.html", &scenarios, &["--threads", "1"]);
    let again = report(dir.path(), "a.html", &scenarios, &["--threads", "1"]);
    let three = report(dir.path(), "c.html", &scenarios, &["--threads", "3"]);
    assert_same(
        &stable(&one, false),
        &stable(&again, false),
        "the same command",
    );
    assert_same(
        &stable(&one, true),
        &stable(&three, true),
        "1 and 3 threads",
    );
    // only the lines said to vary are left out
    assert_eq!(one.lines().count() - stable(&one, false).lines().count(), 1);
}

#[test]
fn bad_report_flags_get_one_line_and_write_nothing() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("r.txt");
    let line = fails_with_one_line(
        enrichsim()
            .arg("report")
            .arg(scenario_path("phase3-enriched.toml"))
            .arg("-o")
            .arg(&out),
    );
    assert_mentions(&line, &["--output", "r.txt", ".html"], "not .html");
    let out = dir.path().join("r.html");
    let line = fails_with_one_line(
        enrichsim()
            .arg("report")
            .arg(scenario_path("phase3-enriched.toml"))
            .args([
                "--vary",
                "design.randomisation=simple,stratified_blocks",
                "-o",
            ])
            .arg(&out),
    );
    assert_mentions(
        &line,
        &["--vary", "design.randomisation"],
        "non-numeric x axis",
    );
    let line = fails_with_one_line(
        enrichsim()
            .arg("report")
            .arg(scenario_path("phase3-enriched.toml"))
            .args(["--set", "design.sample_size=-4", "-o"])
            .arg(&out),
    );
    assert_mentions(&line, &["design.sample_size"], "bad --set");
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary left"
    );
}
