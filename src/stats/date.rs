//! Calendar dates: ISO 8601 `YYYY-MM-DD` read and written, day numbers, and months.
//!
//! A date is its day number, days since 1970-01-01 in the proleptic Gregorian calendar, by
//! Hinnant's `days_from_civil` and `civil_from_days` algorithms (H. Hinnant, "chrono-Compatible
//! Low-Level Date Algorithms", 2013), exact for every year. A month is the mean Gregorian month,
//! 365.25 / 12 = 30.4375 days, so that a time in months between two dates is
//! `(day2 - day1) / 30.4375`.

/// Days in a month: the mean Julian month, 365.25 / 12.
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// The day number (days since 1970-01-01) of year `y`, month `m` (1-12), day `d` (1-31).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` of year `y`.
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// What an ISO date may be: the message's `allowed`.
pub const DATE_ALLOWED: &str = "a date YYYY-MM-DD (e.g. 2025-03-31), years 1900 to 2999";

/// Parses `YYYY-MM-DD` (exactly 4, 2 and 2 digits, a real day of the month, years 1900 to
/// 2999) into its day number, or says what is wrong.
pub fn parse(text: &str) -> Result<i64, String> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) {
        return Err("is not a date YYYY-MM-DD".into());
    }
    if !digits(8..10) {
        return Err("is not a date YYYY-MM-DD".into());
    }
    let y: i64 = text[0..4]
        .parse()
        .map_err(|_| "is not a date".to_string())?;
    let m: u32 = text[5..7]
        .parse()
        .map_err(|_| "is not a date".to_string())?;
    let d: u32 = text[8..10]
        .parse()
        .map_err(|_| "is not a date".to_string())?;
    if !(1900..=2999).contains(&y) {
        return Err(format!("has year {y}, out of range"));
    }
    if !(1..=12).contains(&m) {
        return Err(format!("has month {m}, which does not exist"));
    }
    if d == 0 || d > days_in_month(y, m) {
        return Err(format!("has day {d}, which month {m} of {y} does not have"));
    }
    Ok(days_from_civil(y, m, d))
}

/// The ISO form `YYYY-MM-DD` of a day number.
pub fn format(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The day `months` calendar months after `day`, on the same day of the month (the month's
/// last day when it is shorter: 2025-01-31 plus one month is 2025-02-28).
pub fn add_months(day: i64, months: i64) -> i64 {
    let (y, m, d) = civil_from_days(day);
    let index = y * 12 + i64::from(m) - 1 + months;
    let (y2, m2) = (index.div_euclid(12), (index.rem_euclid(12) + 1) as u32);
    days_from_civil(y2, m2, d.min(days_in_month(y2, m2)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(parse("2024-02-29"), Ok(19_782));
        for z in (-30_000..60_000).step_by(7) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(format(19_782), "2024-02-29");
        assert_eq!(
            format(add_months(parse("2025-01-31").unwrap(), 1)),
            "2025-02-28"
        );
        assert_eq!(
            format(add_months(parse("2024-11-15").unwrap(), 3)),
            "2025-02-15"
        );
    }

    #[test]
    fn bad_dates_are_refused() {
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "24-01-01",
            "2024/01/01",
            "2024-1-01",
            "01/02/2024",
            "",
            "1800-01-01",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
