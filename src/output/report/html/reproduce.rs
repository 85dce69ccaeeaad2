//! Reproducibility: enrichsim's version and commit, the command line, seed, replicates, the
//! scenario files' SHA-256 and full text, the threads and the wall time.

use super::markup::esc;
use crate::study::report::Report;
use std::fmt::Write;

/// The section.
pub(super) fn section(out: &mut String, report: &Report) {
    let o = &report.options;
    out.push_str("<section id=\"reproducibility\">\n<h2>Reproducibility</h2>\n");
    out.push_str("<p>Every number above is reproduced by the same enrichsim, command and files, for any thread count: each replicate draws from its own random streams (seed, replicate), so the same command gives the same bytes, less the wall-time lines. Each table's numbers are those the commands below print as JSON.</p>\n");
    out.push_str("<div class=\"wide\"><table class=\"reproduce\">\n<tbody>\n");
    let mut row = |label: &str, value: String, class: &str| {
        let class = if class.is_empty() {
            String::new()
        } else {
            format!(" class=\"{class}\"")
        };
        let _ = writeln!(out, "<tr{class}><td>{label}</td><td>{value}</td></tr>");
    };
    row("enrichsim version", esc(report.version), "");
    row(
        "built from commit",
        format!("<code>{}</code>", esc(report.commit)),
        "",
    );
    row(
        "command",
        format!("<code>{}</code>", esc(&o.command)),
        "command",
    );
    row("seed", o.seed.to_string(), "");
    row("replicates per run", o.reps.to_string(), "");
    row(
        "replicates drawn in the Kaplan-Meier and accrual figures",
        o.picture_reps.min(o.reps).to_string(),
        "",
    );
    row("worker threads", report.threads.to_string(), "machine");
    row(
        "wall time, seconds",
        format!("{:.1}", report.elapsed_s),
        "timing",
    );
    out.push_str("</tbody></table></div>\n");
    out.push_str("<h3>The same numbers, command by command</h3>\n<ul>\n");
    let sets: String = o
        .sets
        .iter()
        .map(|s| format!(" --set {}", shell_word(s)))
        .collect();
    for (k, s) in report.scenarios.iter().enumerate() {
        let file = shell_word(&s.file.path);
        let common = format!("{file}{sets} --reps {} --seed {}", o.reps, o.seed);
        let _ = writeln!(
            out,
            "<li>{}: <code>enrichsim run {common} --format json</code> (run-{n}); <code>enrichsim run {common} --global-null --format json</code> (null-{n}); <code>enrichsim design {file}{sets} --format json</code> (design-{n}); <code>enrichsim validate {file}{sets} --format json</code> (validate-{n})</li>",
            esc(&s.summary.scenario),
            n = k + 1,
            common = esc(&common),
            file = esc(&file),
            sets = esc(&sets),
        );
    }
    out.push_str("</ul>\n<h3>Scenario files</h3>\n");
    for s in &report.scenarios {
        let _ = writeln!(
            out,
            "<h4>{}</h4>\n<p class=\"muted\">SHA-256 <code>{}</code>, {} bytes</p>\n<pre>{}</pre>",
            esc(&s.file.path),
            s.sha256,
            s.file.text.len(),
            esc(&s.file.text)
        );
    }
    out.push_str("</section>\n");
}

/// A word as a POSIX shell reads it: as is when it holds only safe characters, else in single
/// quotes.
pub fn shell_word(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn words_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(shell_word("scenarios/a.toml"), "scenarios/a.toml");
        assert_eq!(
            shell_word("design.sample_size=600"),
            "design.sample_size=600"
        );
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
