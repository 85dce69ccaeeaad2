//! Analyses of function (ALSFRS-R) measured at repeated visits, alone or with survival.
//!
//! The data of one analysis are a [`Visits`] table: patients one after another, each with its
//! visits in ascending time, the first at time 0 (the baseline). Every analysis here reads it
//! and nothing else (CAFS also reads the survival columns of the same patients):
//!
//! * `slope.rs`: the linear mixed model with a random intercept and slope per patient, fitted
//!   by REML; the treatment x time coefficient is the difference in slopes;
//! * `mmrm.rs`: change from baseline at a visit by a mixed model for repeated measures with an
//!   unstructured covariance across visits, fitted by REML;
//! * `cafs.rs`: the Finkelstein-Schoenfeld joint rank test of survival and function (CAFS).

mod analyzer;
pub use analyzer::FunctionAnalyzer;
pub mod cafs;
pub mod mmrm;
pub mod slope;

/// Repeated measurements of one data cut: patient `i`'s visits are the rows
/// `start[i]..start[i + 1]` of `time` and `score`, in ascending time, the first at time 0 (the
/// baseline). Buffers are reused: [`Visits::clear`] keeps the capacity.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Visits {
    /// Row offsets, one more than there are patients (`start[0] = 0`).
    pub start: Vec<u32>,
    /// Visit time, months after randomisation (0 at baseline).
    pub time: Vec<f64>,
    /// Score at the visit (ALSFRS-R: a whole number 0 to 48).
    pub score: Vec<f64>,
    /// Per patient: treatment arm (true = treatment).
    pub treated: Vec<bool>,
    /// Per patient: analysis stratum (0-based).
    pub stratum: Vec<u32>,
}

impl Visits {
    /// Empties the table, keeping its buffers.
    pub fn clear(&mut self) {
        self.start.clear();
        self.start.push(0);
        self.time.clear();
        self.score.clear();
        self.treated.clear();
        self.stratum.clear();
    }

    /// Number of patients.
    pub fn patients(&self) -> usize {
        self.treated.len()
    }

    /// Starts a new patient; its visits follow by [`Visits::push_visit`].
    pub fn push_patient(&mut self, treated: bool, stratum: u32) {
        if self.start.is_empty() {
            self.start.push(0);
        }
        self.treated.push(treated);
        self.stratum.push(stratum);
        self.start.push(self.time.len() as u32);
    }

    /// Adds a patient with all their visits (`times` and `scores` of the same length).
    pub fn push_patient_with(
        &mut self,
        treated: bool,
        stratum: u32,
        times: &[f64],
        scores: &[f64],
    ) {
        self.push_patient(treated, stratum);
        self.time.extend_from_slice(times);
        self.score.extend_from_slice(scores);
        *self.start.last_mut().expect("pushed above") = self.time.len() as u32;
    }

    /// Adds a visit to the last patient started.
    pub fn push_visit(&mut self, time: f64, score: f64) {
        self.time.push(time);
        self.score.push(score);
        *self.start.last_mut().expect("push_patient first") = self.time.len() as u32;
    }

    /// The rows of patient `i`.
    pub fn rows(&self, i: usize) -> std::ops::Range<usize> {
        self.start[i] as usize..self.start[i + 1] as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patients_and_rows() {
        let mut v = Visits::default();
        v.clear();
        v.push_patient(true, 0);
        v.push_visit(0.0, 40.0);
        v.push_visit(3.0, 38.0);
        v.push_patient(false, 1);
        v.push_visit(0.0, 44.0);
        assert_eq!(v.patients(), 2);
        assert_eq!(v.rows(0), 0..2);
        assert_eq!(v.rows(1), 2..3);
        v.clear();
        assert_eq!(v.patients(), 0);
        assert_eq!(v.start, vec![0]);
    }
}
