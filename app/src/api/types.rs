//! What server functions return: plain data, apart from the database entities.

use serde::{Deserialize, Serialize};

use crate::domain::import::ImportProblem;
use crate::domain::{InstitutionKind, Region, Role, SizeBand};

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
