//! From a source's file to canonical variables: a column mapping per source (file column →
//! variable) with value recoding (such as `Vrouw` → `vrouw`), saved and reused next year. Every
//! cell is checked against its variable; the result is a canonical CSV that the engine reads, or
//! every problem with its line and file column.

mod apply;
mod canonical;
mod catalogue;
mod recode;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use canonical::{canonical, message, same_name};

pub use apply::{apply, apply_with, PROGRESS_STEP};
pub use canonical::Canonical;
pub use catalogue::{
    INCIDENT_CATEGORIES, INCIDENT_VARIABLES, JOB_GROUPS, REGISTER_VARIABLES, STAFF_VARIABLES,
    STUDENT_VARIABLES,
};
pub use recode::{parse_recode_text, recode_text, unknown_values};

/// What values a canonical variable takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A year, 2000–2100.
    Year,
    /// An institution code (instellingscode / BRIN).
    Institution,
    /// One of these codes.
    Category(&'static [&'static str]),
    /// A whole number in a range; empty means no answer.
    Integer { min: i64, max: i64 },
    /// A non-negative number (a weight); decimal comma or point.
    Weight,
}

/// A canonical variable of a source kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Variable {
    pub name: &'static str,
    pub kind: Kind,
    /// Must be mapped (optional ones may be left out of a file).
    pub required: bool,
}

const fn var(name: &'static str, kind: Kind, required: bool) -> Variable {
    Variable {
        name,
        kind,
        required,
    }
}

/// How a source's files map to canonical variables; saved with the source.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    /// Canonical variable → file column.
    pub columns: BTreeMap<String, String>,
    /// Canonical variable → (file value → canonical value).
    pub recode: BTreeMap<String, BTreeMap<String, String>>,
}

impl Mapping {
    /// The mapping that takes every column named like a variable (case and spaces ignored).
    pub fn by_name(header: &[String], variables: &[Variable]) -> Mapping {
        let columns = variables
            .iter()
            .filter_map(|v| {
                header
                    .iter()
                    .find(|h| same_name(h, v.name))
                    .map(|h| (v.name.to_owned(), h.clone()))
            })
            .collect();
        Mapping {
            columns,
            recode: BTreeMap::new(),
        }
    }
}

impl Kind {
    /// What the variable takes, for people.
    pub fn describe(self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        match (self, lang) {
            (Kind::Year, Lang::Nl) => "jaartal".into(),
            (Kind::Year, Lang::En) => "year".into(),
            (Kind::Institution, Lang::Nl) => "instellingscode (BRIN)".into(),
            (Kind::Institution, Lang::En) => "institution code (BRIN)".into(),
            (Kind::Category(codes), _) => codes.join(", "),
            (Kind::Integer { min, max }, Lang::Nl) => format!("geheel getal {min}–{max}"),
            (Kind::Integer { min, max }, Lang::En) => format!("whole number {min}–{max}"),
            (Kind::Weight, Lang::Nl) => "gewicht (getal ≥ 0)".into(),
            (Kind::Weight, Lang::En) => "weight (number ≥ 0)".into(),
        }
    }
}
