//! The `sequential` module's user-facing API: names, errors and the report.

use enrichsim::Error;
use enrichsim::design::sequential::{
    BoundaryOptions, DesignKind, DesignSpec, Futility, GroupSequentialDesign, SpendingFunction,
    boundaries_report, hr_from_z, z_from_hr,
};

fn usage_text(e: Error) -> String {
    assert!(matches!(e, Error::Usage { .. }), "{e:?}");
    e.to_string()
}

#[test]
fn names_are_rpact_codes_or_descriptive_case_insensitive() {
    let p = |n: &str| DesignKind::parse(n, None, None, None).expect(n);
    assert_eq!(p("OF"), DesignKind::WangTsiatis { delta: 0.0 });
    assert_eq!(p("obf"), DesignKind::WangTsiatis { delta: 0.0 });
    assert_eq!(p("p"), DesignKind::WangTsiatis { delta: 0.5 });
    assert_eq!(p("Pocock"), DesignKind::WangTsiatis { delta: 0.5 });
    assert_eq!(
        p("asOF"),
        DesignKind::Spending(SpendingFunction::LanDeMetsObf)
    );
    assert_eq!(
        p("LDOBF"),
        DesignKind::Spending(SpendingFunction::LanDeMetsObf)
    );
    assert_eq!(
        p("asp"),
        DesignKind::Spending(SpendingFunction::LanDeMetsPocock)
    );
    assert_eq!(
        p("ldpocock"),
        DesignKind::Spending(SpendingFunction::LanDeMetsPocock)
    );
    assert_eq!(
        p("hsd:-4"),
        DesignKind::Spending(SpendingFunction::HwangShihDeCani { gamma: -4.0 })
    );
    assert_eq!(
        DesignKind::parse("asHSD", Some(1.0), None, None).expect("gamma option"),
        DesignKind::Spending(SpendingFunction::HwangShihDeCani { gamma: 1.0 })
    );
    assert_eq!(
        p("KD:3"),
        DesignKind::Spending(SpendingFunction::KimDeMets { rho: 3.0 })
    );
    assert_eq!(
        DesignKind::parse("asKD", None, Some(2.0), None).expect("rho option"),
        DesignKind::Spending(SpendingFunction::KimDeMets { rho: 2.0 })
    );
    assert_eq!(
        DesignKind::parse("WT", None, None, Some(0.25)).expect("delta"),
        DesignKind::WangTsiatis { delta: 0.25 }
    );
    assert_eq!(p("asOF").code(), "asOF");
    assert_eq!(p("pocock").code(), "P");
}

#[test]
fn bad_names_and_parameters_say_what_is_allowed() {
    let e = usage_text(DesignKind::parse("lan-demets", None, None, None).unwrap_err());
    assert!(
        e.contains("--spending") && e.contains("asOF") && e.contains("hsd:GAMMA"),
        "{e}"
    );
    let e = usage_text(DesignKind::parse("hsd", None, None, None).unwrap_err());
    assert!(e.contains("gamma"), "{e}");
    let e = usage_text(DesignKind::parse("kd:-1", None, None, None).unwrap_err());
    assert!(e.contains("rho > 0"), "{e}");
    let e = usage_text(DesignKind::parse("hsd:abc", None, None, None).unwrap_err());
    assert!(e.contains("number"), "{e}");
    let e = usage_text(DesignKind::parse("hsd:-4", Some(-2.0), None, None).unwrap_err());
    assert!(e.contains("twice"), "{e}");
    let e = usage_text(DesignKind::parse("WT", None, None, None).unwrap_err());
    assert!(e.contains("delta"), "{e}");
    let e = usage_text(DesignKind::parse("obf:2", None, None, None).unwrap_err());
    assert!(e.contains("allowed"), "{e}");
}

#[test]
fn timing_must_increase_within_zero_and_one() {
    let kind = DesignKind::Spending(SpendingFunction::LanDeMetsObf);
    for bad in [
        vec![0.5, 0.5, 1.0],
        vec![0.0, 1.0],
        vec![0.6, 0.4, 1.0],
        vec![0.5, 1.2],
        vec![],
    ] {
        let e = GroupSequentialDesign::new(DesignSpec::new(kind, 0.025), bad.clone()).unwrap_err();
        let e = usage_text(e);
        assert!(
            e.contains("--timing") && e.contains("strictly increasing") || bad.is_empty(),
            "{e}"
        );
    }
    // the last look need not be at 1
    let d = GroupSequentialDesign::new(DesignSpec::new(kind, 0.025), vec![0.4, 0.8]).expect("ok");
    assert!((d.alpha_spent()[1] - 0.025).abs() < 1e-12);
    for alpha in [0.0, 0.5, f64::NAN] {
        assert!(GroupSequentialDesign::new(DesignSpec::new(kind, alpha), vec![1.0]).is_err());
    }
    let mut spec = DesignSpec::new(kind, 0.025);
    spec.futility = Futility::BetaSpending(SpendingFunction::LanDeMetsObf);
    let e = usage_text(GroupSequentialDesign::new(spec, vec![0.5, 1.0]).unwrap_err());
    assert!(e.contains("power"), "{e}");
}

#[test]
fn hazard_ratio_scale() {
    // 1:1, 400 events: information 100, z = -ln(hr) * 10
    assert!((z_from_hr(0.8, 400.0, 1.0) - (-(0.8f64).ln() * 10.0)).abs() < 1e-14);
    assert!((hr_from_z(1.96, 400.0, 1.0) - (-0.196f64).exp()).abs() < 1e-14);
}

#[test]
fn report_has_the_interface_fields() {
    let opts = BoundaryOptions {
        looks: 3,
        spending: "asOF".into(),
        power: Some(0.9),
        futility: Some("beta:hsd:-2".into()),
        events: Some(300.0),
        ..BoundaryOptions::default()
    };
    let r = boundaries_report(&opts).expect("report");
    let json = serde_json::to_value(&r).expect("json");
    for key in [
        "looks",
        "timing",
        "z",
        "nominal_p",
        "alpha_spent",
        "spending",
        "alpha",
        "inflation_factor",
        "drift",
        "power",
        "efficacy_prob_h0",
        "efficacy_prob_h1",
        "futility_prob_h0",
        "futility_prob_h1",
        "futility_z",
        "expected_information_h0",
        "expected_information_h1",
        "hr_at_bound",
        "hr_at_futility",
    ] {
        assert!(json.get(key).is_some(), "missing {key}: {json}");
    }
    assert_eq!(json["looks"], 3);
    assert_eq!(json["z"].as_array().map(|a| a.len()), Some(3));
    let h1: f64 = r.efficacy_prob_h1.as_ref().expect("h1").iter().sum();
    assert!((h1 - 0.9).abs() < 1e-9);
    // HR at the bound from z and the events at that look
    let hr = r.hr_at_bound.as_ref().expect("hr");
    assert!((hr[0] - hr_from_z(r.z[0], 100.0, 1.0)).abs() < 1e-12);
    let text = r.to_text();
    assert!(
        text.contains("Lan-DeMets O'Brien-Fleming") && text.contains("inflation factor"),
        "{text}"
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.trim_start().starts_with(char::is_numeric))
            .count(),
        3
    );
    let md = r.to_markdown();
    assert!(md.contains("| look |") && md.contains("---:"), "{md}");
    assert!(
        md.contains("P(eff\\|H0)"),
        "pipes in headers are escaped: {md}"
    );
    // without power: no H1 fields
    let plain = boundaries_report(&BoundaryOptions::default()).expect("plain");
    let json = serde_json::to_value(&plain).expect("json");
    assert!(json.get("inflation_factor").is_none() && json.get("efficacy_prob_h1").is_none());
    assert!(json.get("futility_z").is_none());
}

#[test]
fn report_options_errors() {
    let bad = |o: BoundaryOptions| usage_text(boundaries_report(&o).unwrap_err());
    let e = bad(BoundaryOptions {
        looks: 0,
        ..Default::default()
    });
    assert!(e.contains("--looks"), "{e}");
    let e = bad(BoundaryOptions {
        timing: Some(vec![0.5, 1.0]),
        ..Default::default()
    });
    assert!(e.contains("--timing") && e.contains("one per look"), "{e}");
    let e = bad(BoundaryOptions {
        futility: Some("hr:1.0".into()),
        ..Default::default()
    });
    assert!(e.contains("--events"), "{e}");
    let e = bad(BoundaryOptions {
        futility: Some("z:0,1,2".into()),
        ..Default::default()
    });
    assert!(e.contains("per interim"), "{e}");
    let e = bad(BoundaryOptions {
        futility: Some("sometimes".into()),
        ..Default::default()
    });
    assert!(e.contains("--futility") && e.contains("asOF"), "{e}");
    let e = bad(BoundaryOptions {
        spending: "xyz".into(),
        ..Default::default()
    });
    assert!(e.contains("--spending"), "{e}");
    // HR futility threshold converts to z with the events at each interim
    let r = boundaries_report(&BoundaryOptions {
        futility: Some("hr:1.0".into()),
        events: Some(300.0),
        ..Default::default()
    })
    .expect("hr futility");
    let fz = r.futility_z.expect("futility z");
    assert!(fz[0].abs() < 1e-12 && fz[1].abs() < 1e-12);
}
