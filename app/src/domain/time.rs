//! Dates and times as people in the Netherlands read them. Rounds open and close at a local time in
//! Europe/Amsterdam: CET (UTC+1) in winter, CEST (UTC+2) from the last Sunday of March 01:00 UTC
//! to the last Sunday of October 01:00 UTC, the EU rule in force since 1996.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .unwrap_or(NaiveDate::MIN);
    let last = next.pred_opt().unwrap_or(next);
    let back = last.weekday().num_days_from_sunday();
    last - Duration::days(i64::from(back))
}

/// The moments (UTC) summer time starts and ends in `year`.
fn summer(year: i32) -> (NaiveDateTime, NaiveDateTime) {
    let one = NaiveTime::from_hms_opt(1, 0, 0).unwrap_or(NaiveTime::MIN);
    (
        last_sunday(year, 3).and_time(one),
        last_sunday(year, 10).and_time(one),
    )
}

/// The offset from UTC in hours at a UTC moment.
fn offset_at(utc: NaiveDateTime) -> i64 {
    let (start, end) = summer(utc.year());
    if utc >= start && utc < end {
        2
    } else {
        1
    }
}

/// The local time in Amsterdam of a UTC moment.
pub fn to_local(utc: DateTime<Utc>) -> NaiveDateTime {
    let naive = utc.naive_utc();
    naive + Duration::hours(offset_at(naive))
}

/// The UTC moment of a local Amsterdam time. In the hour that does not exist (spring) and the hour
/// that happens twice (autumn) the earlier reading (summer time) is taken.
pub fn from_local(local: NaiveDateTime) -> DateTime<Utc> {
    let as_summer = local - Duration::hours(2);
    let utc = if offset_at(as_summer) == 2 {
        as_summer
    } else {
        local - Duration::hours(1)
    };
    DateTime::from_naive_utc_and_offset(utc, Utc)
}

/// Today's date in Amsterdam.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    to_local(now).date()
}

/// A UTC moment written as local time, `25-11-2026 17:00`.
pub fn format_local(utc: DateTime<Utc>) -> String {
    to_local(utc).format("%d-%m-%Y %H:%M").to_string()
}

/// Reads the value of an `<input type="datetime-local">` (`2026-11-25T17:00`) as Amsterdam time.
pub fn parse_local(input: &str) -> Option<DateTime<Utc>> {
    let input = input.trim();
    NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(input, "%Y-%m-%d %H:%M"))
        .ok()
        .map(from_local)
}

/// The value for an `<input type="datetime-local">`.
pub fn input_value(utc: DateTime<Utc>) -> String {
    to_local(utc).format("%Y-%m-%dT%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
    }

    #[test]
    fn winter_is_utc_plus_one_and_summer_utc_plus_two() {
        assert_eq!(
            from_local(at("2026-01-15 12:00")).naive_utc(),
            at("2026-01-15 11:00")
        );
        assert_eq!(
            from_local(at("2026-07-15 12:00")).naive_utc(),
            at("2026-07-15 10:00")
        );
        assert_eq!(
            to_local(from_local(at("2026-11-25 17:00"))),
            at("2026-11-25 17:00")
        );
    }

    #[test]
    fn summer_time_starts_and_ends_on_the_last_sundays_at_one_utc() {
        assert_eq!(
            last_sunday(2026, 3),
            NaiveDate::from_ymd_opt(2026, 3, 29).expect("d")
        );
        assert_eq!(
            last_sunday(2026, 10),
            NaiveDate::from_ymd_opt(2026, 10, 25).expect("d")
        );
        let before = DateTime::from_naive_utc_and_offset(at("2026-03-29 00:59"), Utc);
        let after = DateTime::from_naive_utc_and_offset(at("2026-03-29 01:00"), Utc);
        assert_eq!(to_local(before), at("2026-03-29 01:59"));
        assert_eq!(to_local(after), at("2026-03-29 03:00"));
        let end = DateTime::from_naive_utc_and_offset(at("2026-10-25 01:00"), Utc);
        assert_eq!(to_local(end), at("2026-10-25 02:00"));
    }

    #[test]
    fn form_values_are_read_as_local_time() {
        let utc = parse_local("2026-12-01T09:30").expect("parsed");
        assert_eq!(utc.naive_utc(), at("2026-12-01 08:30"));
        assert_eq!(input_value(utc), "2026-12-01T09:30");
        assert!(parse_local("morgen").is_none());
    }
}
