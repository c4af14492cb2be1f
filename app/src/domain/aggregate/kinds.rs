//! The kinds of data source the module merges, as data: their canonical variables, the row
//! breakdowns and indicators their figures have, and what a report offers for them. Shared by
//! the server (import, figures) and the browser (the report form).

use serde::{Deserialize, Serialize};

use super::mapping::{self, Variable};
use super::{Condition, Indicator};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Student survey micro-data (JOB-monitor style).
    Students,
    /// Staff survey micro-data.
    Staff,
    /// Incident registrations: counts per institution, year and category.
    Incidents,
    /// The institution register's counts per year (DUO): the year's size band and the
    /// denominators of incident rates.
    Register,
}

/// The figure of a register source: students (all learning paths), a count.
pub const REGISTER_STUDENTS: &str = "register:students";

/// Breakdowns every kind has: from the institution code and the register.
const INSTITUTION_LEVEL: [&str; 5] = ["national", "type", "size_band", "region", "brin"];

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [
        SourceKind::Students,
        SourceKind::Staff,
        SourceKind::Incidents,
        SourceKind::Register,
    ];

    pub fn parse(s: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Students => "students",
            SourceKind::Staff => "staff",
            SourceKind::Incidents => "incidents",
            SourceKind::Register => "register",
        }
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        lang.pick(
            match self {
                SourceKind::Students => "Studentenenquête (microdata, zoals de JOB-monitor)",
                SourceKind::Staff => "Personeelsenquête (microdata)",
                SourceKind::Incidents => "Incidentregistratie (aantallen per categorie)",
                SourceKind::Register => "Instellingsregister per jaar (DUO-aantallen studenten)",
            },
            match self {
                SourceKind::Students => "Student survey (micro-data, like the JOB-monitor)",
                SourceKind::Staff => "Staff survey (micro-data)",
                SourceKind::Incidents => "Incident registration (counts per category)",
                SourceKind::Register => "Institution register per year (DUO student counts)",
            },
        )
    }

    pub fn variables(self) -> &'static [Variable] {
        match self {
            SourceKind::Students => &mapping::STUDENT_VARIABLES,
            SourceKind::Staff => &mapping::STAFF_VARIABLES,
            SourceKind::Incidents => &mapping::INCIDENT_VARIABLES,
            SourceKind::Register => &mapping::REGISTER_VARIABLES,
        }
    }

    /// Breakdowns read from each row of micro-data: required, and used where the file has them.
    pub fn row_breakdowns(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            SourceKind::Students => (
                &super::STUDENT_ROW_BREAKDOWNS,
                &super::OPTIONAL_ROW_BREAKDOWNS,
            ),
            SourceKind::Staff => (&["brin", "job_group", "gender", "age_band"], &[]),
            SourceKind::Incidents | SourceKind::Register => (&["brin"], &[]),
        }
    }

    /// The share indicators of micro-data (none for incidents and the register: their figures
    /// are counts).
    pub fn indicators(self) -> Vec<Indicator> {
        match self {
            SourceKind::Students => super::student_indicators(),
            SourceKind::Staff => vec![
                Indicator::new("staff_feels_safe", "feels_safe", Condition::AtLeast(4.0)),
                Indicator::new(
                    "staff_unwanted_behaviour",
                    "unwanted_behaviour",
                    Condition::Equals(1.0),
                ),
            ],
            SourceKind::Incidents | SourceKind::Register => Vec::new(),
        }
    }

    /// The indicators a report of this kind offers.
    pub fn report_indicators(self) -> Vec<String> {
        match self {
            SourceKind::Register => vec![REGISTER_STUDENTS.to_owned()],
            SourceKind::Incidents => mapping::INCIDENT_CATEGORIES
                .iter()
                .map(|c| format!("incidents:{c}"))
                .collect(),
            _ => self.indicators().into_iter().map(|i| i.name).collect(),
        }
    }

    /// The breakdowns a report of this kind offers (beside the questionnaire's).
    pub fn report_breakdowns(self) -> Vec<&'static str> {
        let (required, optional) = self.row_breakdowns();
        INSTITUTION_LEVEL
            .iter()
            .chain(required.iter().filter(|b| **b != "brin"))
            .chain(optional)
            .copied()
            .collect()
    }

    /// Breakdowns that can be crossed: those of the rows.
    pub fn crossable(self, breakdown: &str) -> bool {
        let (required, optional) = self.row_breakdowns();
        matches!(self, SourceKind::Students | SourceKind::Staff)
            && (required.contains(&breakdown) || optional.contains(&breakdown))
    }
}
