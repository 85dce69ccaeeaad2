//! The CAFS joint rank test against R: tests/r/oracle_cafs.R simulates 300 patients (two
//! strata, quarter-month survival times with ties at and around the 12-month horizon, whole-number
//! ALSFRS-R changes at 12 months, some missing), writes them as tests/data/oracles/cafs-dataset.csv
//! and computes the Finkelstein-Schoenfeld (1999) scores pair by pair (O(n^2)) into
//! cafs.expected.json, unstratified and stratified. `cafs::test` must give every score `U_i` and
//! the win counts exactly, and `T`, `Var`, `z`, `p`, the win probability and the win ratio to
//! 1e-12 relative.

use crate::common::*;
use enrichsim::analysis::function::cafs::{self, CafsWorkspace};
use serde_json::Value;

const REL: f64 = 1e-12;
const ORACLE: &str = "cafs.expected.json";
const DATA: &str = "cafs-dataset.csv";

struct Data {
    time: Vec<f64>,
    death: Vec<bool>,
    change: Vec<f64>,
    treated: Vec<bool>,
    stratum: Vec<u32>,
}

fn read_data() -> Data {
    let path = oracle(DATA);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id,arm,stratum,months,death,change"),
        "header of {DATA}"
    );
    let mut d = Data {
        time: vec![],
        death: vec![],
        change: vec![],
        treated: vec![],
        stratum: vec![],
    };
    for (row, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 6, "line {}: {line}", row + 2);
        assert_eq!(f[0].parse::<usize>().unwrap(), row + 1);
        d.treated.push(match f[1] {
            "treatment" => true,
            "control" => false,
            other => panic!("line {}: arm {other}", row + 2),
        });
        d.stratum.push(f[2].parse().unwrap());
        d.time.push(f[3].parse().unwrap());
        d.death.push(match f[4] {
            "1" => true,
            "0" => false,
            other => panic!("line {}: death {other}", row + 2),
        });
        d.change.push(if f[5] == "NA" {
            f64::NAN
        } else {
            f[5].parse().unwrap()
        });
    }
    d
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in the oracle"))
}

fn check(stratified: bool, key: &str) {
    let o = oracle_json(ORACLE);
    let d = read_data();
    assert_eq!(d.time.len() as f64, num(&o, "n"));
    let horizon = num(&o, "horizon");
    let mut ws = CafsWorkspace::default();
    let r = cafs::test(
        &d.time, &d.death, &d.change, &d.treated, &d.stratum, horizon, stratified, &mut ws,
    );
    let want = &o[key];
    let scores: Vec<i64> = want["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as i64)
        .collect();
    assert_eq!(ws.scores(), &scores[..], "{key}: scores U_i");
    assert_eq!(r.wins as f64, num(want, "wins"), "{key}: wins");
    assert_eq!(r.losses as f64, num(want, "losses"), "{key}: losses");
    assert_eq!(r.ties as f64, num(want, "ties"), "{key}: ties");
    assert_eq!(r.statistic, num(want, "statistic"), "{key}: T");
    assert_close!(r.variance, num(want, "variance"), REL);
    assert_close!(r.z, num(want, "z"), REL);
    assert_close!(r.p, num(want, "p"), REL);
    assert_close!(r.win_probability, num(want, "win_probability"), REL);
    assert_close!(r.win_ratio, num(want, "win_ratio"), REL);
    // Reusing the workspace gives the same answer.
    let again = cafs::test(
        &d.time, &d.death, &d.change, &d.treated, &d.stratum, horizon, stratified, &mut ws,
    );
    assert_eq!(again, r);
}

#[test]
fn unstratified_matches_r() {
    check(false, "unstratified");
}

#[test]
fn stratified_matches_r() {
    check(true, "stratified");
}

#[test]
fn the_data_set_has_the_ties_it_is_meant_to_test() {
    let o = oracle_json(ORACLE);
    let d = read_data();
    let h = num(&o, "horizon");
    let n = d.time.len();
    let dead = (0..n).filter(|&i| d.death[i] && d.time[i] <= h).count();
    let alive = (0..n)
        .filter(|&i| d.time[i] >= h && !(d.death[i] && d.time[i] == h))
        .count();
    let seen = (0..n)
        .filter(|&i| d.time[i] >= h && !(d.death[i] && d.time[i] == h) && !d.change[i].is_nan())
        .count();
    assert_eq!(dead as f64, num(&o, "deaths_by_horizon"));
    assert_eq!(alive as f64, num(&o, "alive_at_horizon"));
    assert_eq!(seen as f64, num(&o, "changes_observed"));
    assert_eq!(
        d.treated.iter().filter(|&&t| t).count() as f64,
        num(&o, "treated")
    );
}
