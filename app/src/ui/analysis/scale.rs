//! The axes of a chart: a linear scale from data to pixels.

use super::percent;
use crate::api::analysis::ReportRow;

/// What a report's values are: shares (0–1), rates per 1,000 or counts, up to a highest value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Scale {
    Share,
    Rate(f64),
    Count(f64),
}

impl Scale {
    pub(super) fn of(rows: &[ReportRow]) -> Scale {
        let highest = rows.iter().filter_map(|r| r.rate).fold(0.0, f64::max);
        let top = if highest > 0.0 { highest * 1.15 } else { 1.0 };
        if rows.iter().any(|r| r.indicator.starts_with("register:")) {
            Scale::Count(top)
        } else if rows.iter().any(|r| r.rate.is_some()) {
            Scale::Rate(top)
        } else {
            Scale::Share
        }
    }

    /// Where `v` lies between 0 and the top of the scale.
    pub(super) fn fraction(self, v: f64) -> f64 {
        match self {
            Scale::Share => v.clamp(0.0, 1.0),
            Scale::Rate(top) | Scale::Count(top) => (v / top).clamp(0.0, 1.0),
        }
    }

    pub(super) fn format(self, v: f64) -> String {
        match self {
            Scale::Share => percent(v),
            Scale::Rate(_) => format!("{v:.1}"),
            Scale::Count(_) => format!("{v:.0}"),
        }
    }

    /// The value at fraction `t` of the scale.
    pub(super) fn at(self, t: f64) -> f64 {
        match self {
            Scale::Share => t,
            Scale::Rate(top) | Scale::Count(top) => t * top,
        }
    }
}

/// A published value with its interval (shares have one).
pub(super) type Point = (f64, Option<(f64, f64)>);

/// A row's published value; `None` when suppressed.
pub(super) fn point(r: &ReportRow) -> Option<Point> {
    r.share
        .map(|(s, l, h)| (s, Some((l, h))))
        .or(r.rate.map(|v| (v, None)))
}
