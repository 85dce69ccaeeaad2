//! The page: head (style sheet, embedded font), contents, the designs side by side, each
//! design's sections and the reproducibility block.

use super::markup::{anchor, base64, esc, num};
use super::{assumptions, characteristics, design, figures, reproduce};
use crate::study::report::{Report, ScenarioReport};
use std::fmt::Write;

static FONT: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");

/// The page's style sheet: readable at 360 px, wide tables scroll, figures scale, print
/// starts each scenario on a new page.
const STYLE: &str = r#"
:root { --ink: #1a1a1a; --muted: #555; --rule: #d0d0d0; --band: #f4f6f8; --accent: #0072b2; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font-family: "DejaVu Sans", sans-serif; color: var(--ink); margin: 0 auto; max-width: 62rem;
  padding: 0.8rem; line-height: 1.45; font-size: 15px; }
svg text { font-family: "DejaVu Sans", sans-serif; }
h1 { font-size: 1.5rem; margin: 0.6rem 0 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 2px solid var(--accent); padding-bottom: 0.2rem; }
h3 { font-size: 1.08rem; margin-top: 1.6rem; }
h4 { font-size: 0.98rem; margin: 1.1rem 0 0.3rem; }
h4.toml { font-family: "DejaVu Sans Mono", monospace; }
p, li { max-width: 48rem; }
.muted, figcaption, .note { color: var(--muted); font-size: 0.9rem; }
.wide { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.4rem 0 0.8rem; }
table { border-collapse: collapse; font-size: 0.88rem; min-width: 60%; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.22rem 0.5rem; text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.t { min-width: 12rem; }
td.v, th.v { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.group th { background: #e8edf2; text-align: left; }
td .sub { color: var(--muted); font-size: 0.8rem; }
td.src { color: var(--muted); font-size: 0.82rem; min-width: 14rem; }
code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: 0.8rem; }
pre { background: var(--band); padding: 0.6rem; overflow-x: auto; white-space: pre; }
figure { margin: 0.8rem 0 1.4rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; max-width: 60rem; display: block; }
nav ol { padding-left: 1.3rem; }
@media print {
  body { max-width: none; font-size: 11pt; }
  section.scenario { break-before: page; page-break-before: always; }
  .wide { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Renders the report as one HTML page.
pub fn render_report(report: &Report) -> String {
    let mut out = String::with_capacity(1 << 21);
    let title = match report.scenarios.as_slice() {
        [one] => format!("Simulation report: {}", one.summary.scenario),
        many => format!("Simulation report: {} designs", many.len()),
    };
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    let _ = writeln!(out, "<title>{}</title>", esc(&title));
    let _ = writeln!(
        out,
        "<style>\n@font-face {{ font-family: \"DejaVu Sans\"; src: url(data:font/ttf;base64,{}) format(\"truetype\"); }}{STYLE}</style>",
        base64(FONT)
    );
    out.push_str("</head>\n<body>\n<header>\n");
    let _ = writeln!(out, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(
        out,
        "<p class=\"muted\">enrichsim {}: {} replicates per run, seed {}; each design also simulated under the global null (no effect in any stratum). Monte Carlo standard errors (SE) are sqrt(p(1 - p)/R).</p>",
        esc(report.version),
        report.options.reps,
        report.options.seed
    );
    out.push_str("</header>\n");
    contents(&mut out, report);
    overview(&mut out, report);
    for (i, s) in report.scenarios.iter().enumerate() {
        scenario(&mut out, i + 1, s, report);
    }
    reproduce::section(&mut out, report);
    out.push_str("</body>\n</html>\n");
    out
}

/// The table of contents.
fn contents(out: &mut String, report: &Report) {
    out.push_str("<nav id=\"contents\">\n<h2>Contents</h2>\n<ol>\n");
    if report.scenarios.len() > 1 {
        out.push_str("<li><a href=\"#overview\">The designs side by side</a></li>\n");
    }
    for (i, s) in report.scenarios.iter().enumerate() {
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">{}</a> (<a href=\"#{}\">design</a>, <a href=\"#{}\">assumptions</a>, <a href=\"#{}\">operating characteristics</a>, <a href=\"#{}\">figures</a>)</li>",
            anchor(i + 1, ""),
            esc(&s.summary.scenario),
            anchor(i + 1, "design"),
            anchor(i + 1, "assumptions"),
            anchor(i + 1, "oc"),
            anchor(i + 1, "figures"),
        );
    }
    out.push_str("<li><a href=\"#reproducibility\">Reproducibility</a></li>\n</ol>\n</nav>\n");
}

/// With several designs, their headline figures side by side.
fn overview(out: &mut String, report: &Report) {
    if report.scenarios.len() < 2 {
        return;
    }
    out.push_str("<section id=\"overview\">\n<h2>The designs side by side</h2>\n");
    out.push_str("<p class=\"muted\">Power: the primary hypothesis rejected under the scenario's assumptions (assurance where a prior is given); type I error: the same design under the global null. Means over replicates.</p>\n");
    out.push_str("<div class=\"wide\"><table class=\"overview\">\n<thead><tr><th>design</th><th class=\"v\">power</th><th class=\"v\">SE</th><th class=\"v\">type I error</th><th class=\"v\">SE</th><th class=\"v\">deaths</th><th class=\"v\">randomised</th><th class=\"v\">screened</th><th class=\"v\">months</th></tr></thead>\n<tbody>\n");
    for (i, s) in report.scenarios.iter().enumerate() {
        let (run, null) = (format!("run-{}", i + 1), format!("null-{}", i + 1));
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#{}\">{}</a></td><td class=\"v\">{}</td><td class=\"v\">{}</td><td class=\"v\">{}</td><td class=\"v\">{}</td><td class=\"v\">{}</td><td class=\"v\">{}</td><td class=\"v\">{}</td><td class=\"v\">{}</td></tr>",
            anchor(i + 1, ""),
            esc(&s.summary.scenario),
            num(&run, "/power", s.summary.power, 4),
            num(&run, "/power_se", s.summary.power_se, 4),
            num(&null, "/reject_any", s.null_summary.reject_any, 4),
            num(&null, "/reject_any_se", s.null_summary.reject_any_se, 4),
            num(&run, "/events_mean", s.summary.events_mean, 1),
            num(&run, "/randomised_mean", s.summary.randomised_mean, 1),
            num(&run, "/screened_mean", s.summary.screened_mean, 1),
            num(&run, "/duration_mean", s.summary.duration_mean, 1),
        );
    }
    out.push_str("</tbody></table></div>\n</section>\n");
}

/// One scenario's sections.
fn scenario(out: &mut String, k: usize, s: &ScenarioReport, report: &Report) {
    let _ = writeln!(
        out,
        "<section class=\"scenario\" id=\"{}\">\n<h2>{}. {}</h2>",
        anchor(k, ""),
        k,
        esc(&s.summary.scenario)
    );
    let _ = writeln!(
        out,
        "<p class=\"muted\">Scenario file <code>{}</code> (SHA-256 <code>{}</code>).</p>",
        esc(&s.file.path),
        &s.sha256[..16]
    );
    if let Some(d) = &s.study.scenario.description {
        for para in d.split("\n\n").filter(|p| !p.trim().is_empty()) {
            let _ = writeln!(out, "<p>{}</p>", esc(para.trim()));
        }
    }
    design::section(out, k, s);
    assumptions::section(out, k, s);
    characteristics::section(out, k, s);
    figures::section(out, k, s, report);
    out.push_str("</section>\n");
}
