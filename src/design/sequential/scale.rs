//! The z scale and the hazard-ratio scale, given the number of events and the allocation.
//!
//! Under the log-rank test with d events and allocation r:1 (treatment : control), the log
//! hazard ratio estimate has variance about (1 + r)^2 / (r d) (Schoenfeld 1981), so with z > 0
//! favouring treatment: z = -ln(hr) sqrt(d r / (1 + r)^2) and hr = exp(-z / sqrt(d r / (1 + r)^2)).

/// The information d r / (1 + r)^2 of `events` events with allocation `allocation` : 1.
fn information(events: f64, allocation: f64) -> f64 {
    events * allocation / ((1.0 + allocation) * (1.0 + allocation))
}

/// Hazard ratio at a z bound: hr = exp(-z / sqrt(events r / (1 + r)^2)).
pub fn hr_from_z(z: f64, events: f64, allocation: f64) -> f64 {
    (-z / information(events, allocation).sqrt()).exp()
}

/// z threshold of a hazard ratio: z = -ln(hr) sqrt(events r / (1 + r)^2).
pub fn z_from_hr(hr: f64, events: f64, allocation: f64) -> f64 {
    -hr.ln() * information(events, allocation).sqrt()
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let z = super::z_from_hr(0.7, 220.0, 2.0);
        assert!((super::hr_from_z(z, 220.0, 2.0) - 0.7).abs() < 1e-14);
        // 1:1, 100 events: sqrt(25) = 5
        assert!((super::z_from_hr((-0.4f64).exp(), 100.0, 1.0) - 2.0).abs() < 1e-14);
    }
}
