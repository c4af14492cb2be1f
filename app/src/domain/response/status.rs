//! A response's status.

use serde::{Deserialize, Serialize};

/// Where one institution's response stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseStatus {
    NotStarted,
    InProgress,
    Submitted,
    Reopened,
}

impl ResponseStatus {
    pub const ALL: [ResponseStatus; 4] = [
        ResponseStatus::NotStarted,
        ResponseStatus::InProgress,
        ResponseStatus::Submitted,
        ResponseStatus::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResponseStatus::NotStarted => "not_started",
            ResponseStatus::InProgress => "in_progress",
            ResponseStatus::Submitted => "submitted",
            ResponseStatus::Reopened => "reopened",
        }
    }

    pub fn parse(s: &str) -> Option<ResponseStatus> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether coordinators can still change answers (while the round is open).
    pub fn editable(self) -> bool {
        self != ResponseStatus::Submitted
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            ResponseStatus::NotStarted => lang.pick("Niet begonnen", "Not started"),
            ResponseStatus::InProgress => lang.pick("Bezig", "In progress"),
            ResponseStatus::Submitted => lang.pick("Ingediend", "Submitted"),
            ResponseStatus::Reopened => lang.pick("Heropend", "Reopened"),
        }
    }
}
