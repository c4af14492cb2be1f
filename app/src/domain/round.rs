//! Where a round stands in time: the one answer to "is this round open".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A round is planned before it opens, open from its opening moment up to (not including) its
/// closing moment, and closed from then on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoundPhase {
    Planned,
    Open,
    Closed,
}

impl RoundPhase {
    /// The phase at `now` of a round open from `opens_at` until `closes_at`.
    pub fn at(opens_at: DateTime<Utc>, closes_at: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        if now < opens_at {
            RoundPhase::Planned
        } else if now < closes_at {
            RoundPhase::Open
        } else {
            RoundPhase::Closed
        }
    }

    /// The name in the research API (`planned`, `open`, `closed`).
    pub fn as_str(self) -> &'static str {
        match self {
            RoundPhase::Planned => "planned",
            RoundPhase::Open => "open",
            RoundPhase::Closed => "closed",
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::RoundPhase;

    #[test]
    fn open_from_the_opening_moment_until_just_before_closing() {
        let opens = Utc
            .with_ymd_and_hms(2026, 1, 12, 8, 0, 0)
            .single()
            .expect("time");
        let closes = opens + Duration::days(14);
        let second = Duration::seconds(1);
        assert_eq!(
            RoundPhase::at(opens, closes, opens - second),
            RoundPhase::Planned
        );
        assert_eq!(RoundPhase::at(opens, closes, opens), RoundPhase::Open);
        assert_eq!(
            RoundPhase::at(opens, closes, closes - second),
            RoundPhase::Open
        );
        assert_eq!(RoundPhase::at(opens, closes, closes), RoundPhase::Closed);
        assert_eq!(RoundPhase::Open.as_str(), "open");
    }
}
