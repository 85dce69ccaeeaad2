//! `[function]`: the ALSFRS-R trajectories simulated beside survival (optional).
//!
//! ```toml
//! [function]
//! visits = [0, 3, 6, 9, 12, 15, 18, 21]   # months after randomisation, the first 0 (baseline)
//! baseline = { mean = 38.0, sd = 5.0 }     # score at randomisation (true, before noise)
//! noise_sd = 2.0                           # measurement noise at each visit
//! curvature = 0.0                          # points/month^2 added to the decline
//! death_correlation = 0.5                  # rate of decline vs latent risk of death
//! decline = { low = { mean = 0.7, sd = 0.45 }, moderate = { mean = 0.9, sd = 0.5 }, high = { mean = 1.3, sd = 0.6 } }
//! [function.effect]
//! slowing = { low = 0.23, moderate = 0.23, high = 0.0 }
//! delay = 0.0
//! ```

use super::reader::Node;
use super::schema;
use crate::error::Result;

/// Most scheduled visits (baseline included).
pub const MAX_VISITS: usize = 32;
/// Largest standard deviation of the baseline score and of the measurement noise, points.
pub const MAX_SCORE_SD: f64 = 48.0;
/// Largest mean or SD of a rate of decline, points per month (the whole scale in a month).
pub const MAX_DECLINE: f64 = 48.0;

/// A normal law given by its mean and standard deviation.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct MeanSd {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (>= 0).
    pub sd: f64,
}

/// `[function]`, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionSpec {
    /// Scheduled visits, months after randomisation: the first 0, strictly ascending.
    pub visits: Vec<f64>,
    /// The true score at randomisation.
    pub baseline: MeanSd,
    /// SD of the measurement noise at a visit, points.
    pub noise_sd: f64,
    /// Points per month^2 added to the decline (`c` in `r t + c t^2`).
    pub curvature: f64,
    /// Correlation of the rate of decline with the latent risk of death, in [-1, 1].
    pub death_correlation: f64,
    /// Control-arm rate of decline per TRUE stratum, points per month (positive: the score
    /// falls), in `strata` order.
    pub decline: Vec<MeanSd>,
    /// Fraction by which treatment slows the decline, per TRUE stratum.
    pub slowing: Vec<f64>,
    /// Months after randomisation before the slowing starts.
    pub delay: f64,
    /// `[function.prior]`: the slowing drawn once per replicate (None: fixed).
    pub prior: Option<SlowingPrior>,
}

/// `[function.prior]`: the slowing of each stratum it covers drawn once per replicate,
/// `f_s = clamp(mu_s + sigma_s Z, -1, 1)` with one standard normal `Z` per replicate shared by
/// the strata, `mu_s` the entry's estimate and `sigma_s = (upper - lower) / (2 z_((1 + level)/2))`.
#[derive(Clone, Debug, PartialEq)]
pub struct SlowingPrior {
    /// Per stratum (in `strata` order): `(mu, sigma)`, or None for a stratum the prior does not
    /// cover (it keeps `[function.effect]`'s slowing).
    pub entries: Vec<Option<(f64, f64)>>,
}

impl FunctionSpec {
    /// Whether `t` is one of the scheduled post-baseline visits.
    pub fn has_visit(&self, t: f64) -> bool {
        self.visits[1..].contains(&t)
    }
}

fn read_mean_sd(node: &Node, what: &str, mean_ok: (f64, f64), sd_max: f64) -> Result<MeanSd> {
    node.only(&schema::MEAN_SD)?;
    let mean_allowed = format!("{what} in [{}, {}]", mean_ok.0, mean_ok.1);
    let mean = node.req_f64_where("mean", &mean_allowed, |x| {
        (mean_ok.0..=mean_ok.1).contains(&x)
    })?;
    let sd = node
        .f64_where(
            "sd",
            &format!("a standard deviation in [0, {sd_max}]"),
            |x| (0.0..=sd_max).contains(&x),
        )?
        .unwrap_or(0.0);
    Ok(MeanSd { mean, sd })
}

/// Reads `[function]` for the stratum names `strata`.
pub(crate) fn read_function(node: &Node, strata: &[String]) -> Result<FunctionSpec> {
    node.only(&schema::FUNCTION)?;
    let visits_allowed = format!(
        "2 to {MAX_VISITS} visit times in months, the first 0 (the baseline), strictly ascending, the last at most 1200"
    );
    let visits = node.f64_array("visits")?.ok_or_else(|| {
        node.error(
            "visits",
            "required key is missing",
            "(missing)",
            &visits_allowed,
        )
    })?;
    if !(2..=MAX_VISITS).contains(&visits.len())
        || visits[0] != 0.0
        || visits.windows(2).any(|w| w[1] <= w[0])
        || visits[visits.len() - 1] > 1200.0
    {
        return Err(node.bad_value("visits", "not a visit schedule", visits_allowed));
    }
    let baseline = match node.table("baseline")? {
        Some(b) => read_mean_sd(&b, "a score", (0.0, 48.0), MAX_SCORE_SD)?,
        None => {
            return Err(node.error(
                "baseline",
                "required key is missing",
                "(missing)",
                "a table { mean, sd } of the score at randomisation",
            ));
        }
    };
    let noise_sd = node
        .f64_where(
            "noise_sd",
            &format!("a standard deviation in [0, {MAX_SCORE_SD}] points"),
            |x| (0.0..=MAX_SCORE_SD).contains(&x),
        )?
        .unwrap_or(2.0);
    let curvature = node
        .f64_where("curvature", "points per month^2 in [-1, 1]", |x| {
            (-1.0..=1.0).contains(&x)
        })?
        .unwrap_or(0.0);
    let death_correlation = node
        .f64_where("death_correlation", "a correlation in [-1, 1]", |x| {
            (-1.0..=1.0).contains(&x)
        })?
        .unwrap_or(0.0);
    let decline_allowed = "a table { mean, sd } of points lost per month, for every stratum, or a table with one such entry per stratum";
    let decline_node = node.table("decline")?.ok_or_else(|| {
        node.error(
            "decline",
            "required key is missing",
            "(missing)",
            decline_allowed,
        )
    })?;
    let rate = (-MAX_DECLINE, MAX_DECLINE);
    let decline = if decline_node.has("mean") || decline_node.has("sd") {
        vec![read_mean_sd(&decline_node, "points per month", rate, MAX_DECLINE)?; strata.len()]
    } else {
        let allowed: Vec<&str> = strata.iter().map(String::as_str).collect();
        decline_node.only_names(&allowed)?;
        let mut out = Vec::with_capacity(strata.len());
        for s in strata {
            let entry = decline_node.table(s)?.ok_or_else(|| {
                decline_node.error(
                    s,
                    "no rate of decline for this stratum",
                    "(missing)",
                    decline_allowed,
                )
            })?;
            out.push(read_mean_sd(&entry, "points per month", rate, MAX_DECLINE)?);
        }
        out
    };
    let (slowing, delay) = match node.table("effect")? {
        None => (vec![0.0; strata.len()], 0.0),
        Some(e) => {
            e.only(&schema::FUNCTION_EFFECT)?;
            let allowed =
                "a fraction of the decline in [-1, 1] (0.23: 23% slower; negative: faster)";
            let ok = |x: f64| (-1.0..=1.0).contains(&x);
            let slowing = match e.raw("slowing").is_some_and(toml::Value::is_table) {
                true => {
                    let t = e.table("slowing")?.expect("checked to be a table");
                    let names: Vec<&str> = strata.iter().map(String::as_str).collect();
                    t.only_names(&names)?;
                    let mut out = Vec::with_capacity(strata.len());
                    for s in strata {
                        out.push(t.f64_where(s, allowed, ok)?.ok_or_else(|| {
                            t.error(s, "no slowing for this stratum", "(missing)", allowed)
                        })?);
                    }
                    out
                }
                false => vec![e.req_f64_where("slowing", allowed, ok)?; strata.len()],
            };
            let delay = e
                .f64_where("delay", "months >= 0", |x| x >= 0.0)?
                .unwrap_or(0.0);
            (slowing, delay)
        }
    };
    let prior = match node.table("prior")? {
        None => None,
        Some(p) => Some(read_slowing_prior(&p, strata)?),
    };
    Ok(FunctionSpec {
        visits,
        baseline,
        noise_sd,
        curvature,
        death_correlation,
        decline,
        slowing,
        delay,
        prior,
    })
}

/// One `{ estimate, lower, upper }` slowing entry, as `(mu, sigma)` for the level `level`.
fn read_slowing_entry(node: &Node, z: f64) -> Result<(f64, f64)> {
    node.only(&schema::SLOWING_ENTRY)?;
    let allowed = "a fraction of the decline in [-1, 1]";
    let ok = |x: f64| (-1.0..=1.0).contains(&x);
    let estimate = node.req_f64_where("estimate", allowed, ok)?;
    let lower = node.req_f64_where("lower", allowed, ok)?;
    let upper = node.req_f64_where("upper", allowed, ok)?;
    if !(lower <= estimate && estimate <= upper) {
        return Err(node.bad_value(
            "estimate",
            &format!("not within its interval [{lower}, {upper}]"),
            "lower <= estimate <= upper",
        ));
    }
    Ok((estimate, (upper - lower) / (2.0 * z)))
}

/// Reads `[function.prior]`.
fn read_slowing_prior(node: &Node, strata: &[String]) -> Result<SlowingPrior> {
    node.only(&schema::FUNCTION_PRIOR)?;
    let level = node
        .f64_where("level", "a level strictly between 0 and 1", |x| {
            x > 0.0 && x < 1.0
        })?
        .unwrap_or(0.95);
    let z = crate::stats::normal::quantile(0.5 + level / 2.0);
    let allowed = "a table { estimate, lower, upper } for every stratum, or a table of such entries keyed by stratum name";
    let table = node
        .table("slowing")?
        .ok_or_else(|| node.error("slowing", "required key is missing", "(missing)", allowed))?;
    let entries = if table.has("estimate") || table.has("lower") || table.has("upper") {
        vec![Some(read_slowing_entry(&table, z)?); strata.len()]
    } else {
        let names: Vec<&str> = strata.iter().map(String::as_str).collect();
        table.only_names(&names)?;
        let mut out = Vec::with_capacity(strata.len());
        for s in strata {
            out.push(match table.table(s)? {
                Some(entry) => Some(read_slowing_entry(&entry, z)?),
                None => None,
            });
        }
        if out.iter().all(Option::is_none) {
            return Err(node.bad_value("slowing", "no entry", allowed));
        }
        out
    };
    Ok(SlowingPrior { entries })
}
