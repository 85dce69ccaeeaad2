//! The analyses a design (or `enrichsim analyze --test`) may select, by name, and what each
//! returns.
//!
//! | name | statistic |
//! | --- | --- |
//! | `logrank`, `stratified_logrank` | log-rank (`logrank.rs`) |
//! | `fh(rho,gamma)`, `stratified_fh(rho,gamma)` | Fleming-Harrington weighted log-rank (`weighted.rs`) |
//! | `maxcombo`, `maxcombo(r1,g1;r2,g2;...)` and `stratified_` forms | the largest of several FH statistics, `maxcombo` alone meaning FH(0,0), FH(0,1), FH(1,0), FH(1,1) (`maxcombo.rs`) |
//! | `rmst(tau)`, `stratified_rmst(tau)` | difference in restricted mean survival time to `tau` months (`rmst.rs`) |
//! | `milestone(t)`, `stratified_milestone(t)` | difference in Kaplan-Meier survival at `t` months (`milestone.rs`) |
//! | `slope`, `stratified_slope` | difference in ALSFRS-R slopes, linear mixed model by REML (`function/slope.rs`) |
//! | `mmrm(t)`, `stratified_mmrm(t)` | difference in ALSFRS-R change from baseline at visit `t`, MMRM by REML (`function/mmrm.rs`) |
//! | `cafs(t)`, `stratified_cafs(t)` | the joint rank test of survival and ALSFRS-R change to `t` months (`function/cafs.rs`) |
//!
//! Every statistic is oriented so that `z > 0` favours the treatment arm, and `p` is one-sided
//! (small when `z` is large).

use crate::error::{Error, Result};
use std::fmt;

/// Most components a MaxCombo test may combine (the multivariate normal p-value is computed
/// exactly, by a recursion whose cost grows quickly with the dimension).
pub const MAX_COMBO: usize = 4;

/// Every allowed test name, for error messages.
pub const TEST_NAMES: &str = "logrank, stratified_logrank, fh(rho,gamma), maxcombo, \
maxcombo(rho1,gamma1;rho2,gamma2;...), rmst(tau), milestone(t), slope, mmrm(t), cafs(t), and \
stratified_fh(...), stratified_maxcombo, stratified_rmst(...), stratified_milestone(...), \
stratified_slope, stratified_mmrm(...), stratified_cafs(...); rho, gamma >= 0, tau and t > 0 \
months, 2 to 4 MaxCombo components";

/// The exponents of a Fleming-Harrington weight `S(t-)^rho (1 - S(t-))^gamma`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FhWeight {
    /// Exponent of `S(t-)`: weight on early differences.
    pub rho: f64,
    /// Exponent of `1 - S(t-)`: weight on late differences.
    pub gamma: f64,
}

impl FhWeight {
    /// FH(rho, gamma).
    pub const fn new(rho: f64, gamma: f64) -> Self {
        FhWeight { rho, gamma }
    }

    /// The weight at a pooled left-continuous survival `s = S(t-)`. `0^0 = 1`.
    #[inline]
    pub fn weight(&self, s: f64) -> f64 {
        power(s, self.rho) * power(1.0 - s, self.gamma)
    }
}

/// `x^e` with the common exponents 0 and 1 exact and cheap (`0^0 = 1`).
#[inline]
fn power(x: f64, e: f64) -> f64 {
    if e == 0.0 {
        1.0
    } else if e == 1.0 {
        x
    } else {
        x.powf(e)
    }
}

/// The components of `maxcombo` without a list: FH(0,0), FH(0,1), FH(1,0), FH(1,1)
/// (Lee 2007; Karrison 2016; the "MaxCombo" of the Cross-Pharma NPH working group).
pub const MAXCOMBO_DEFAULT: [FhWeight; 4] = [
    FhWeight::new(0.0, 0.0),
    FhWeight::new(0.0, 1.0),
    FhWeight::new(1.0, 0.0),
    FhWeight::new(1.0, 1.0),
];

/// Which statistic a [`Test`] computes.
#[derive(Clone, Debug, PartialEq)]
pub enum TestKind {
    /// The log-rank test.
    Logrank,
    /// Fleming-Harrington weighted log-rank FH(rho, gamma).
    Fh(FhWeight),
    /// The maximum of several FH statistics (2 to [`MAX_COMBO`]), in the order given.
    MaxCombo(Vec<FhWeight>),
    /// Difference (treatment - control) in restricted mean survival time to `tau` months.
    Rmst {
        /// Truncation time, months.
        tau: f64,
    },
    /// Difference (treatment - control) in Kaplan-Meier survival at `time` months.
    Milestone {
        /// Milestone time, months.
        time: f64,
    },
    /// Difference (treatment - control) in the slope of the function score, by a linear mixed
    /// model with a random intercept and slope per patient (REML).
    Slope,
    /// Difference (treatment - control) in the change of the function score from baseline at
    /// the visit `at` months, by a mixed model for repeated measures (REML, unstructured).
    Mmrm {
        /// The visit, months after randomisation.
        at: f64,
    },
    /// The Finkelstein-Schoenfeld joint rank test of survival and function (CAFS), followed to
    /// `horizon` months.
    Cafs {
        /// Follow-up of the comparison, months after randomisation (a visit).
        horizon: f64,
    },
}

impl TestKind {
    /// Whether the statistic reads the function scores (ALSFRS-R visits), not only survival.
    pub fn is_function(&self) -> bool {
        matches!(
            self,
            TestKind::Slope | TestKind::Mmrm { .. } | TestKind::Cafs { .. }
        )
    }

    /// The visit the statistic needs (mmrm's and cafs's time), if any.
    pub fn visit(&self) -> Option<f64> {
        match self {
            TestKind::Mmrm { at } => Some(*at),
            TestKind::Cafs { horizon } => Some(*horizon),
            _ => None,
        }
    }
}

/// A test of treatment versus control, stratified or not.
#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    /// The statistic.
    pub kind: TestKind,
    /// Computed within the analysis strata and combined (see each statistic).
    pub stratified: bool,
}

impl Test {
    /// The unstratified log-rank test.
    pub fn logrank() -> Self {
        Test {
            kind: TestKind::Logrank,
            stratified: false,
        }
    }

    /// The stratified log-rank test.
    pub fn stratified_logrank() -> Self {
        Test {
            kind: TestKind::Logrank,
            stratified: true,
        }
    }

    /// Whether this is the (stratified or not) log-rank test.
    pub fn is_logrank(&self) -> bool {
        matches!(self.kind, TestKind::Logrank)
    }

    /// Parses a test name (see the module documentation); spaces are ignored and names are
    /// case-insensitive. `option` names the option or key in the error.
    pub fn parse(name: &str) -> std::result::Result<Test, String> {
        let compact: String = name
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        let (stratified, rest) = match compact.strip_prefix("stratified_") {
            Some(r) => (true, r),
            None => (false, compact.as_str()),
        };
        let (head, args) = match rest.find('(') {
            Some(i) => {
                let Some(inner) = rest[i + 1..].strip_suffix(')') else {
                    return Err(format!("unbalanced parentheses in {name:?}"));
                };
                (&rest[..i], Some(inner))
            }
            None => (rest, None),
        };
        let number =
            |s: &str, what: &str, ok: &dyn Fn(f64) -> bool| -> std::result::Result<f64, String> {
                match s.parse::<f64>() {
                    Ok(x) if x.is_finite() && ok(x) => Ok(x),
                    _ => Err(format!("{what} {s:?} in {name:?} is not allowed")),
                }
            };
        let pair = |s: &str| -> std::result::Result<FhWeight, String> {
            let parts: Vec<&str> = s.split(',').collect();
            if parts.len() != 2 {
                return Err(format!("{name:?}: FH weights need two numbers, rho,gamma"));
            }
            Ok(FhWeight::new(
                number(parts[0], "rho", &|x| x >= 0.0)?,
                number(parts[1], "gamma", &|x| x >= 0.0)?,
            ))
        };
        let kind = match (head, args) {
            ("logrank", None) => TestKind::Logrank,
            ("fh", Some(a)) => TestKind::Fh(pair(a)?),
            ("maxcombo", None) => TestKind::MaxCombo(MAXCOMBO_DEFAULT.to_vec()),
            ("maxcombo", Some(a)) => {
                let comps = a
                    .split(';')
                    .map(pair)
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                if !(2..=MAX_COMBO).contains(&comps.len()) {
                    return Err(format!(
                        "{name:?}: MaxCombo needs 2 to {MAX_COMBO} components"
                    ));
                }
                for (i, c) in comps.iter().enumerate() {
                    if comps[..i].contains(c) {
                        return Err(format!("{name:?}: a component is repeated"));
                    }
                }
                TestKind::MaxCombo(comps)
            }
            ("rmst", Some(a)) => TestKind::Rmst {
                tau: number(a, "tau", &|x| x > 0.0)?,
            },
            ("milestone", Some(a)) => TestKind::Milestone {
                time: number(a, "milestone time", &|x| x > 0.0)?,
            },
            ("slope", None) => TestKind::Slope,
            ("mmrm", Some(a)) => TestKind::Mmrm {
                at: number(a, "visit time", &|x| x > 0.0)?,
            },
            ("cafs", Some(a)) => TestKind::Cafs {
                horizon: number(a, "follow-up time", &|x| x > 0.0)?,
            },
            _ => return Err(format!("unknown test {name:?}")),
        };
        Ok(Test { kind, stratified })
    }

    /// [`Test::parse`] as a usage error of a command-line option.
    pub fn parse_option(option: &str, name: &str) -> Result<Test> {
        Test::parse(name)
            .map_err(|problem| Error::usage(option, format!("{name:?} ({problem})"), TEST_NAMES))
    }
}

impl fmt::Display for Test {
    /// The canonical name, e.g. `stratified_fh(0,1)`, `maxcombo`, `rmst(18)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.stratified {
            f.write_str("stratified_")?;
        }
        match &self.kind {
            TestKind::Logrank => f.write_str("logrank"),
            TestKind::Fh(w) => write!(f, "fh({},{})", w.rho, w.gamma),
            TestKind::MaxCombo(c) if c[..] == MAXCOMBO_DEFAULT[..] => f.write_str("maxcombo"),
            TestKind::MaxCombo(c) => {
                let parts: Vec<String> =
                    c.iter().map(|w| format!("{},{}", w.rho, w.gamma)).collect();
                write!(f, "maxcombo({})", parts.join(";"))
            }
            TestKind::Rmst { tau } => write!(f, "rmst({tau})"),
            TestKind::Milestone { time } => write!(f, "milestone({time})"),
            TestKind::Slope => f.write_str("slope"),
            TestKind::Mmrm { at } => write!(f, "mmrm({at})"),
            TestKind::Cafs { horizon } => write!(f, "cafs({horizon})"),
        }
    }
}

/// An estimated difference (treatment - control) with its standard error and 95% Wald interval.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// Treatment-arm value (RMST in months, or survival probability); stratum-weighted when
    /// stratified.
    pub treatment: f64,
    /// Control-arm value.
    pub control: f64,
    /// Difference, treatment - control.
    pub difference: f64,
    /// Standard error of the difference.
    pub se: f64,
    /// Lower 95% limit, `difference - 1.959964 se`.
    pub lower: f64,
    /// Upper 95% limit.
    pub upper: f64,
}

/// The outcome of a [`Test`] on one data set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TestResult {
    /// The standardised statistic, `> 0` favouring treatment (for MaxCombo: the largest
    /// component's z). 0 when undefined (no information).
    pub z: f64,
    /// One-sided p-value (for MaxCombo: from the joint normal law of the components). 1 when
    /// the statistic is undefined.
    pub p: f64,
    /// For RMST and milestone tests: the estimated difference.
    pub estimate: Option<Estimate>,
}

impl TestResult {
    /// The result reported when the statistic is undefined (no events, zero variance).
    pub(crate) fn undefined() -> Self {
        TestResult {
            z: 0.0,
            p: 1.0,
            estimate: None,
        }
    }
}

impl super::Analyzer {
    /// Runs `test` on the loaded data.
    pub fn evaluate(&mut self, test: &Test) -> TestResult {
        let s = test.stratified;
        match &test.kind {
            TestKind::Logrank => {
                let lr = self.logrank(s);
                if lr.variance > 0.0 {
                    TestResult {
                        z: lr.z,
                        p: crate::stats::normal::sf(lr.z),
                        estimate: None,
                    }
                } else {
                    TestResult::undefined()
                }
            }
            TestKind::Fh(w) => self.weighted_logrank(s, *w),
            TestKind::MaxCombo(weights) => self.maxcombo_result(s, weights),
            TestKind::Rmst { tau } => self.rmst(s, *tau),
            TestKind::Milestone { time } => self.milestone(s, *time),
            // The survival data alone cannot give them: `function::FunctionAnalyzer` evaluates
            // them on the visits (every caller routes them there).
            TestKind::Slope | TestKind::Mmrm { .. } | TestKind::Cafs { .. } => {
                TestResult::undefined()
            }
        }
    }

    /// The decision of `test` at one-sided level `alpha` (`z_alpha = Phi^{-1}(1 - alpha)`):
    /// `(z, p <= alpha)`, the same decision as [`Analyzer::evaluate`] but without the
    /// multivariate normal integral of MaxCombo where the answer is already known.
    pub fn decide(&mut self, test: &Test, alpha: f64, z_alpha: f64) -> (f64, bool) {
        match &test.kind {
            TestKind::MaxCombo(weights) => {
                self.maxcombo_decision(test.stratified, weights, alpha, z_alpha)
            }
            TestKind::Logrank => {
                let z = self.logrank(test.stratified).z;
                (z, z >= z_alpha)
            }
            _ => {
                let r = self.evaluate(test);
                (r.z, r.p <= alpha)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in [
            "logrank",
            "stratified_logrank",
            "fh(0,1)",
            "stratified_fh(0.5,2)",
            "maxcombo",
            "stratified_maxcombo",
            "maxcombo(0,0;0,1)",
            "rmst(18)",
            "stratified_rmst(18.5)",
            "milestone(12)",
            "stratified_milestone(12)",
            "slope",
            "stratified_slope",
            "mmrm(12)",
            "stratified_mmrm(12)",
            "cafs(12)",
            "stratified_cafs(18)",
        ] {
            let t = Test::parse(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(t.to_string(), name);
        }
        assert_eq!(Test::parse(" FH( 1 , 0 ) ").unwrap().to_string(), "fh(1,0)");
        assert_eq!(
            Test::parse("maxcombo(0,0;0,1;1,0;1,1)")
                .unwrap()
                .to_string(),
            "maxcombo"
        );
    }

    #[test]
    fn bad_names_are_refused() {
        for name in [
            "",
            "wilcoxon",
            "fh",
            "fh(1)",
            "fh(-1,0)",
            "fh(0,1",
            "rmst",
            "rmst(0)",
            "rmst(-3)",
            "milestone(nan)",
            "maxcombo(0,0)",
            "maxcombo(0,0;0,0)",
            "maxcombo(0,0;0,1;1,0;1,1;2,2)",
            "stratified_",
            "logrank(1)",
            "slope(12)",
            "mmrm",
            "mmrm(0)",
            "cafs",
            "cafs(-1)",
        ] {
            assert!(Test::parse(name).is_err(), "{name:?} accepted");
        }
    }

    #[test]
    fn fh_weights() {
        let w = FhWeight::new(0.0, 1.0);
        assert_eq!(w.weight(1.0), 0.0);
        assert_eq!(FhWeight::new(0.0, 0.0).weight(0.0), 1.0);
        assert!((FhWeight::new(0.5, 2.0).weight(0.64) - 0.8 * 0.36 * 0.36).abs() < 1e-15);
    }
}
