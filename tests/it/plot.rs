//! Power-curve plots: the SVG is parsed as XML and must hold one band and one line per value of
//! the second key, markers, the legend entries, the axis titles with units and the target line;
//! the PNG must be a PNG of the documented size. Bad `--plot` requests are refused before work.

use crate::common::*;

use std::path::Path;
use tempfile::TempDir;

/// Runs a small sweep (3 sample sizes x 2 hazard ratios) with `--plot path`.
fn sweep_with_plot(path: &Path) {
    let out = enrichsim()
        .arg("sweep")
        .arg(scenario_path("phase3-enriched.toml"))
        .args(["--set", "design.analysis={ after_last = 18.0 }"])
        .args(["--vary", "design.sample_size=300:500:100"])
        .args(["--vary", "effect.hazard_ratio.low=0.55,0.75"])
        .args([
            "--reps",
            "200",
            "--target-power",
            "0.9",
            "--quiet",
            "--plot",
        ])
        .arg(path)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn svg_has_curves_bands_legend_axis_titles_and_target() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("power.svg");
    sweep_with_plot(&path);
    let text = std::fs::read_to_string(&path).expect("the plot is written");
    let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("960"));
    let elements = |name: &str| {
        doc.descendants()
            .filter(|n| n.tag_name().name() == name)
            .collect::<Vec<_>>()
    };
    let texts: Vec<String> = elements("text")
        .iter()
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect();
    for expected in [
        "Sample size (patients randomised)",
        "HR low = 0.55",
        "HR low = 0.75",
        "95% Monte Carlo interval",
        "target power 0.9",
        "IL-2LD Phase 3, enriched for low and moderate pNFH",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "no text {expected:?} in {texts:?}"
        );
    }
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Power (") && t.contains("α = 0.025")),
        "no y axis title in {texts:?}"
    );
    for tick in ["300", "400", "500", "0.9", "1.0"] {
        assert!(
            texts.iter().any(|t| t == tick),
            "no tick {tick} in {texts:?}"
        );
    }
    // One shaded band (polygon) per curve, with a translucent fill.
    let bands = elements("polygon");
    assert_eq!(bands.len(), 2, "bands");
    for band in &bands {
        let opacity: f64 = band
            .attribute("opacity")
            .or(band.attribute("fill-opacity"))
            .and_then(|o| o.parse().ok())
            .unwrap_or(1.0);
        assert!(opacity < 0.5, "band opacity {opacity}");
    }
    // Lines: two curves of three points each, two legend samples, the dashed target and its
    // legend sample, among the axes and grid lines.
    let lines = elements("polyline");
    let three_point = lines
        .iter()
        .filter(|l| {
            l.attribute("points")
                .is_some_and(|p| p.split_whitespace().count() == 3)
        })
        .count();
    assert!(three_point >= 2, "curves of 3 points: {three_point}");
    // Markers: six points.
    assert!(elements("circle").len() >= 6, "markers");
}

#[test]
fn png_is_written_at_twice_the_svg_size() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("power.png");
    sweep_with_plot(&path);
    let bytes = std::fs::read(&path).expect("the plot is written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1920, 1280));
    assert!(bytes.len() > 20_000, "a drawn image, not a blank one");
    // No temporary file left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn bad_plot_requests_are_refused_before_work() {
    let dir = TempDir::new().unwrap();
    let scenario = scenario_path("phase3-enriched.toml");
    let cases: [(&[&str], &[&str]); 3] = [
        (
            &[
                "--vary",
                "design.sample_size=300,400",
                "--plot",
                "power.pdf",
            ],
            &["--plot", "power.pdf", ".svg or .png"],
        ),
        (
            &[
                "--vary",
                "design.test=logrank,stratified_logrank",
                "--plot",
                "p.svg",
            ],
            &["--plot", "design.test=logrank", "numeric"],
        ),
        (
            &[
                "--vary",
                "design.sample_size=300,400",
                "--plot",
                "p.svg",
                "--shard",
                "0/2",
            ],
            &["--plot", "--shard", "merge"],
        ),
    ];
    for (args, expected) in cases {
        let line = fails_with_one_line(
            enrichsim()
                .current_dir(dir.path())
                .arg("sweep")
                .arg(&scenario)
                .args(args),
        );
        assert_mentions(&line, expected, &format!("{args:?}"));
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
