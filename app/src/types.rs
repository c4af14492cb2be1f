//! The data server functions return, which the backend builds: plain data, apart from the
//! database entities (re-exported by [`crate::api`]).

use serde::{Deserialize, Serialize};

use crate::domain::aggregate::kinds::SourceKind;
use crate::domain::import::ImportProblem;
use crate::domain::{InstitutionKind, Region, Role, SizeBand};
use crate::i18n::Lang;

/// The logged-in user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Institution codes a coordinator is bound to; empty for other roles.
    pub institutions: Vec<String>,
}

impl Me {
    pub fn is(&self, role: Role) -> bool {
        self.role == role
    }

    /// Whether this user may see the institution with this code.
    pub fn may_see_institution(&self, code: &str) -> bool {
        match self.role {
            Role::Admin | Role::Researcher => true,
            Role::Coordinator => self.institutions.iter().any(|c| c == code),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub has_password: bool,
    pub institutions: Vec<String>,
    /// The language mails are written in: `nl` or `en`.
    pub language: String,
    /// May export special-category and identifying items (researchers).
    pub special_access: bool,
}

/// A one-time link for setting a password, shown once to the admin who asked for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PasswordLink {
    pub email: String,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstitutionRow {
    pub code: String,
    pub name: String,
    pub municipality: String,
    pub province: String,
    pub kind: InstitutionKind,
    pub bolvt: i32,
    pub boldt: i32,
    pub bbl: i32,
    pub total: i64,
    pub size_band: SizeBand,
    pub region: Region,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: String,
    pub ip: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportRunView {
    pub id: i32,
    /// `institutions` or `questionnaire`.
    pub kind: String,
    pub file_name: String,
    pub applied: bool,
    pub created: i32,
    pub updated: i32,
    pub problems: Vec<ImportProblem>,
    pub at: String,
}

/// A token just made, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub name: String,
    pub token: String,
    pub expires_at: String,
}

/// What a plain form post of a section could not save: the messages, and the values as they were
/// typed so the form shows them again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SurveyNotice {
    /// Random; the page it is meant for carries it in its address (`?melding=`).
    pub id: u64,
    pub response_id: i32,
    pub messages: Vec<String>,
    pub values: std::collections::BTreeMap<String, String>,
}

/// How the import of an upload ended (`Failed`: something went wrong on the server, logged).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum UploadOutcome {
    /// Per year: rows and whether the snapshot is new.
    Stored(Vec<(i32, i32, bool)>),
    Refused(Vec<crate::domain::import::ImportProblem>),
    /// The file corrects years that have a snapshot in use: what would change; nothing stored.
    Confirm(Vec<crate::domain::aggregate::snapshot::YearChange>),
    /// A replacement was asked for without a reason (or with one over 500 characters).
    ReasonMissing,
    Failed,
}

/// A published figure: value, 95% interval where there is one, n.
pub type Shown = (f64, Option<(f64, f64)>, u64);

/// One indicator on a fact sheet: the institution, its type and the country; `None` where
/// suppressed or absent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FactRow {
    pub indicator: String,
    pub label: String,
    pub own: Option<Shown>,
    pub own_before: Option<f64>,
    pub same_type: Option<Shown>,
    pub national: Option<Shown>,
    /// The institution differs from the rest of the country (significant at 95%).
    pub differs: bool,
}

/// One source's figures on a fact sheet, of its newest year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FactSource {
    pub name: String,
    pub kind: String,
    pub year: i64,
    pub rows: Vec<FactRow>,
}

/// An institution's own figures beside those of its type and the country.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FactSheetView {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub sources: Vec<FactSource>,
    pub thresholds: crate::domain::aggregate::Thresholds,
}

/// A fact sheet's figure as it is shown: a share in percent, an incident rate as it is.
pub fn fact_value(kind: &str, v: f64) -> String {
    if kind == SourceKind::Incidents.as_str() {
        format!("{v:.1}")
    } else {
        format!("{:.1}%", v * 100.0)
    }
}

/// A fact sheet's cell: the figure with its interval and n, or that it is not shown.
pub fn fact_cell(kind: &str, shown: Option<Shown>, lang: Lang) -> String {
    match shown {
        Some((v, Some((l, h)), n)) => format!(
            "{} ({} – {}; n = {n})",
            fact_value(kind, v),
            fact_value(kind, l),
            fact_value(kind, h)
        ),
        Some((v, None, n)) => format!("{} (n = {n})", fact_value(kind, v)),
        None => lang.pick("niet getoond", "not shown").to_owned(),
    }
}

impl FactSource {
    /// The length of a figure's bar, 0 to 1: a share is its own length; an incident rate is
    /// scaled to the largest rate of the source.
    pub fn bar_scale(&self) -> impl Fn(f64) -> f64 + Copy {
        let shares = self.kind != SourceKind::Incidents.as_str();
        let largest = self
            .rows
            .iter()
            .flat_map(|r| [r.own, r.same_type, r.national])
            .flatten()
            .map(|(v, _, _)| v)
            .fold(0.0_f64, f64::max);
        move |v: f64| {
            let part = if shares {
                v
            } else {
                v / largest.max(f64::EPSILON)
            };
            part.clamp(0.0, 1.0)
        }
    }
}
