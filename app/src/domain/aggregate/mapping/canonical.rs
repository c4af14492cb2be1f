//! A column's canonical name, matched however a file spells it.

use std::collections::BTreeMap;

use super::Kind;
use crate::domain::import::Problem;
use crate::domain::institution::InstitutionCode;

pub(super) fn same_name(header: &str, name: &str) -> bool {
    header
        .trim()
        .replace([' ', '-'], "_")
        .eq_ignore_ascii_case(name)
}

/// The canonical rows of a file: variables in order, every value checked and recoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Canonical {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Canonical {
    /// The rows per year (the `year` values were checked by [`apply`]), each part with the
    /// same header.
    pub fn by_year(&self) -> BTreeMap<i32, Canonical> {
        let mut out: BTreeMap<i32, Canonical> = BTreeMap::new();
        let Some(at) = self.header.iter().position(|h| h == "year") else {
            return out;
        };
        for row in &self.rows {
            if let Ok(year) = row[at].parse() {
                out.entry(year)
                    .or_insert_with(|| Canonical {
                        header: self.header.clone(),
                        rows: Vec::new(),
                    })
                    .rows
                    .push(row.clone());
            }
        }
        out
    }

    /// As CSV (`,` separated; canonical values never hold a comma, quote or line break).
    pub fn to_csv(&self) -> String {
        let mut out = self.header.join(",");
        out.push('\n');
        for r in &self.rows {
            out.push_str(&r.join(","));
            out.push('\n');
        }
        out
    }
}

pub(super) fn message(nl: String, en: String) -> Problem {
    Problem::Message { nl, en }
}

/// Checks one cell against its variable and gives the canonical value.
pub(super) fn canonical(kind: Kind, raw: &str) -> Result<String, Problem> {
    let v = raw.trim();
    match kind {
        Kind::Year => match v.parse::<i64>() {
            Ok(y) if (2000..=2100).contains(&y) => Ok(y.to_string()),
            _ => Err(message(
                format!("‘{v}’ is geen jaartal."),
                format!("‘{v}’ is not a year."),
            )),
        },
        Kind::Institution => InstitutionCode::parse(v)
            .map(|c| c.to_string())
            .ok_or_else(|| {
                message(
                    format!("‘{v}’ is geen instellingscode (twee cijfers en twee letters)."),
                    format!("‘{v}’ is not an institution code (two digits, two letters)."),
                )
            }),
        Kind::Category(codes) => {
            if let Some(c) = codes.iter().find(|c| c.eq_ignore_ascii_case(v)) {
                Ok((*c).to_owned())
            } else {
                Err(message(
                    format!(
                        "‘{v}’ is geen toegestane waarde ({}); hercodeer het in de koppeling.",
                        codes.join(", ")
                    ),
                    format!(
                        "‘{v}’ is not an allowed value ({}); recode it in the mapping.",
                        codes.join(", ")
                    ),
                ))
            }
        }
        Kind::Integer { .. } if v.is_empty() => Ok(String::new()),
        Kind::Integer { min, max } => match v.parse::<i64>() {
            Ok(x) if (min..=max).contains(&x) => Ok(x.to_string()),
            _ => Err(message(
                format!("‘{v}’ is geen geheel getal van {min} tot en met {max}."),
                format!("‘{v}’ is not a whole number from {min} to {max}."),
            )),
        },
        Kind::Weight => {
            let dotted = v.replace(',', ".");
            match dotted.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Ok(dotted),
                _ => Err(message(
                    format!("‘{v}’ is geen gewicht (een getal van 0 of meer)."),
                    format!("‘{v}’ is not a weight (a number of 0 or more)."),
                )),
            }
        }
    }
}
