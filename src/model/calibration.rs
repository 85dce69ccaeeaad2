//! Checking a resolved model against published survival figures (`[calibration]`), for
//! `enrichsim validate`.
//!
//! The model's figure is the survival of a mixture of true strata in one arm,
//! `S_mix(t) = sum_i w_i S_i(t)`, with `w_i` the true prevalences (`"screened"`: an all-comers
//! trial) or the randomised mix P(true i | measured stratum eligible) (`"randomised"`). A count
//! `x` alive of `n` is compared through its 95% Wilson score interval (Wilson 1927; Newcombe,
//! Stat Med 1998, method 3): the model is "inside" when its `S_mix(t)` lies in the interval,
//! i.e. when the published count does not reject it at the two-sided 5% level by the score test.

use crate::scenario::{CalibrationArm, CalibrationObserved, CalibrationPopulation};

/// The 95% Wilson score interval of a binomial proportion, `x` successes of `n >= 1`
/// ([`crate::stats::descriptive::wilson`]:
/// `(p + z^2 / (2n) ± z sqrt(p (1 - p) / n + z^2 / (4 n^2))) / (1 + z^2 / n)`,
/// `p = x / n`, `z = Phi^{-1}(0.975)`), the set of `pi` the score test
/// `|p - pi| / sqrt(pi (1 - pi) / n) <= z` does not reject, with its ends exactly 0 at
/// `x = 0` and 1 at `x = n`. Returns `(lower, upper)`.
pub fn wilson_interval(x: u32, n: u32) -> (f64, f64) {
    let (lower, upper) = crate::stats::descriptive::wilson(f64::from(x), f64::from(n));
    (
        if x == 0 { 0.0 } else { lower },
        if x == n { 1.0 } else { upper },
    )
}

/// Whether a model agrees with a published figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The model's value lies in the figure's interval (or within its tolerance).
    Inside,
    /// It does not.
    Outside,
    /// The figure is a proportion without a count or tolerance: nothing to check against.
    NoInterval,
}

impl Verdict {
    /// The word shown in reports.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Inside => "inside",
            Verdict::Outside => "outside",
            Verdict::NoInterval => "no interval",
        }
    }
}

/// One published figure against the model.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TargetCheck {
    /// The arm.
    pub arm: CalibrationArm,
    /// Months after randomisation.
    pub months: f64,
    /// The mix of strata the model's value is computed for.
    pub population: CalibrationPopulation,
    /// The model's survival, `S_mix(months)` in `arm`.
    pub model: f64,
    /// The published proportion alive (`alive / of`, or `survival`).
    pub target: f64,
    /// Patients alive, when the figure is a count.
    pub alive: Option<u32>,
    /// Patients followed, when the figure is a count.
    pub of: Option<u32>,
    /// How the interval was made: `"wilson_95"`, `"tolerance"` or `"none"`.
    pub interval: &'static str,
    /// Lower end of the interval (Wilson, or target - tolerance), if any.
    pub lower: Option<f64>,
    /// Upper end of the interval, if any.
    pub upper: Option<f64>,
    /// model - target.
    pub difference: f64,
    /// Inside or outside the interval.
    pub verdict: Verdict,
    /// Where the figure comes from.
    pub source: Option<String>,
}

impl TargetCheck {
    /// Checks the model's value `model` against `observed`.
    pub fn new(
        arm: CalibrationArm,
        months: f64,
        population: CalibrationPopulation,
        observed: &CalibrationObserved,
        model: f64,
        source: Option<String>,
    ) -> TargetCheck {
        let target = observed.proportion();
        let (interval, alive, of, bounds) = match *observed {
            CalibrationObserved::Count { alive, of } => (
                "wilson_95",
                Some(alive),
                Some(of),
                Some(wilson_interval(alive, of)),
            ),
            CalibrationObserved::Survival {
                tolerance: Some(d), ..
            } => (
                "tolerance",
                None,
                None,
                Some(((target - d).max(0.0), (target + d).min(1.0))),
            ),
            CalibrationObserved::Survival {
                tolerance: None, ..
            } => ("none", None, None, None),
        };
        let verdict = match bounds {
            Some((lo, hi)) if (lo..=hi).contains(&model) => Verdict::Inside,
            Some(_) => Verdict::Outside,
            None => Verdict::NoInterval,
        };
        TargetCheck {
            arm,
            months,
            population,
            model,
            target,
            alive,
            of,
            interval,
            lower: bounds.map(|b| b.0),
            upper: bounds.map(|b| b.1),
            difference: model - target,
            verdict,
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_newcombe_1998() {
        // Newcombe (1998), Stat Med 17:857-872, Table II, method 3 (score, no continuity
        // correction), to the 4 decimals published.
        for (x, n, lo, hi) in [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ] {
            let (l, h) = wilson_interval(x, n);
            assert!((l - lo).abs() < 5e-5, "{x}/{n}: lower {l} vs {lo}");
            assert!((h - hi).abs() < 5e-5, "{x}/{n}: upper {h} vs {hi}");
        }
    }

    /// `Phi^{-1}(0.975)`.
    const Z_975: f64 = 1.959_963_984_540_054;

    #[test]
    fn wilson_ends_are_where_the_score_test_is_at_its_bound() {
        // At each end pi, (p - pi)^2 = z^2 pi (1 - pi) / n exactly.
        for (x, n) in [(61u32, 110u32), (3, 7), (99, 100)] {
            let p = f64::from(x) / f64::from(n);
            let (l, h) = wilson_interval(x, n);
            for pi in [l, h] {
                let score = (p - pi).powi(2) / (pi * (1.0 - pi) / f64::from(n));
                assert!(
                    (score - Z_975 * Z_975).abs() < 1e-9,
                    "{x}/{n} at {pi}: {score}"
                );
            }
        }
        assert_eq!(wilson_interval(5, 5).1, 1.0);
    }

    #[test]
    fn verdicts() {
        let count = CalibrationObserved::Count { alive: 61, of: 110 };
        let screened = CalibrationPopulation::Screened;
        let arm = CalibrationArm::Control;
        let inside = TargetCheck::new(arm, 21.0, screened, &count, 0.56, None);
        assert_eq!(inside.verdict, Verdict::Inside);
        assert_eq!(inside.interval, "wilson_95");
        let outside = TargetCheck::new(arm, 21.0, screened, &count, 0.70, None);
        assert_eq!(outside.verdict, Verdict::Outside);
        let tol = CalibrationObserved::Survival {
            survival: 0.5,
            tolerance: Some(0.02),
        };
        let c = TargetCheck::new(arm, 12.0, screened, &tol, 0.515, None);
        assert_eq!(c.verdict, Verdict::Inside);
        assert!((c.lower.unwrap() - 0.48).abs() < 1e-15);
        let bare = CalibrationObserved::Survival {
            survival: 0.5,
            tolerance: None,
        };
        let c = TargetCheck::new(arm, 12.0, screened, &bare, 0.6, None);
        assert_eq!(c.verdict, Verdict::NoInterval);
        assert!((c.difference - 0.1).abs() < 1e-15);
    }
}
