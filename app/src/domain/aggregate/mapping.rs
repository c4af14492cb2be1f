//! From a source's file to canonical variables: a column mapping per source (file column →
//! variable) with value recoding (such as `Vrouw` → `vrouw`), saved and reused next year. Every
//! cell is checked against its variable; the result is a canonical CSV that the engine reads, or
//! every problem with its line and file column.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::import::{ImportProblem, Problem, Table};
use crate::domain::institution::InstitutionCode;

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

/// The canonical variables of student survey micro-data (JOB-monitor style), in the layout of
/// `../shared/bench/gen.py`'s `students.csv`.
pub const STUDENT_VARIABLES: [Variable; 14] = [
    var("year", Kind::Year, true),
    var("brin", Kind::Institution, true),
    var(
        "sector",
        Kind::Category(&[
            "economie",
            "techniek",
            "zorg_welzijn",
            "groen",
            "ict_creatief",
            "horeca_toerisme",
        ]),
        true,
    ),
    var("level", Kind::Integer { min: 1, max: 4 }, true),
    var("path", Kind::Category(&["BOL", "BBL"]), true),
    var("gender", Kind::Category(&["man", "vrouw", "anders"]), true),
    var(
        "age_band",
        Kind::Category(&["<18", "18-20", "21-26", ">26"]),
        true,
    ),
    var(
        "migration",
        Kind::Category(&["none", "western", "non_western"]),
        true,
    ),
    var("disability", Kind::Category(&["ja", "nee"]), false),
    var("feels_safe", Kind::Integer { min: 1, max: 5 }, true),
    var("bullied", Kind::Integer { min: 0, max: 1 }, true),
    var("discriminated", Kind::Integer { min: 0, max: 1 }, true),
    var("sexual_harassment", Kind::Integer { min: 0, max: 1 }, true),
    var("weight", Kind::Weight, false),
];

/// Job groups of staff.
pub const JOB_GROUPS: [&str; 3] = ["onderwijzend", "onderwijsondersteunend", "management"];

/// The canonical variables of staff survey micro-data.
pub const STAFF_VARIABLES: [Variable; 8] = [
    var("year", Kind::Year, true),
    var("brin", Kind::Institution, true),
    var("job_group", Kind::Category(&JOB_GROUPS), true),
    var("gender", Kind::Category(&["man", "vrouw", "anders"]), true),
    var(
        "age_band",
        Kind::Category(&["<30", "30-44", "45-59", "60+"]),
        true,
    ),
    var("feels_safe", Kind::Integer { min: 1, max: 5 }, true),
    var("unwanted_behaviour", Kind::Integer { min: 0, max: 1 }, true),
    var("weight", Kind::Weight, false),
];

/// Incident categories; a registration's own categories are recoded to these in the mapping.
pub const INCIDENT_CATEGORIES: [&str; 9] = [
    "aggression",
    "cyber",
    "sexual",
    "discrimination",
    "theft",
    "vandalism",
    "weapons",
    "drugs",
    "other",
];

/// The canonical variables of incident registrations: counts per institution, year and
/// category (a file of single incidents has count 1 on every line).
pub const INCIDENT_VARIABLES: [Variable; 4] = [
    var("year", Kind::Year, true),
    var("brin", Kind::Institution, true),
    var("category", Kind::Category(&INCIDENT_CATEGORIES), true),
    var(
        "count",
        Kind::Integer {
            min: 0,
            max: 1_000_000,
        },
        true,
    ),
];

/// The canonical variables of the institution register's yearly counts (DUO open data): students
/// per learning path. DUO masks counts under 5 as `<5`: recode that in the mapping (`<5 = 2`).
pub const REGISTER_VARIABLES: [Variable; 5] = [
    var("year", Kind::Year, true),
    var("brin", Kind::Institution, true),
    var(
        "bol_vt",
        Kind::Integer {
            min: 0,
            max: 1_000_000,
        },
        true,
    ),
    var(
        "bol_dt",
        Kind::Integer {
            min: 0,
            max: 1_000_000,
        },
        true,
    ),
    var(
        "bbl",
        Kind::Integer {
            min: 0,
            max: 1_000_000,
        },
        true,
    ),
];

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

fn same_name(header: &str, name: &str) -> bool {
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

fn message(nl: String, en: String) -> Problem {
    Problem::Message { nl, en }
}

/// Checks one cell against its variable and gives the canonical value.
fn canonical(kind: Kind, raw: &str) -> Result<String, Problem> {
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

/// Applies `mapping` to `table`: the canonical rows, or every problem (a required variable
/// without a column, a mapped column missing from the file, every cell that does not fit).
pub fn apply(
    table: &Table,
    variables: &[Variable],
    mapping: &Mapping,
) -> Result<Canonical, Vec<ImportProblem>> {
    apply_with(table, variables, mapping, &mut |_| {})
}

/// How many rows [`apply_with`] checks between two reports of progress.
pub const PROGRESS_STEP: usize = 5_000;

/// [`apply`], telling `progress` how many rows it has checked every [`PROGRESS_STEP`] rows.
pub fn apply_with(
    table: &Table,
    variables: &[Variable],
    mapping: &Mapping,
    progress: &mut dyn FnMut(usize),
) -> Result<Canonical, Vec<ImportProblem>> {
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for v in variables {
        let Some(column) = mapping.columns.get(v.name) else {
            if v.required {
                problems.push(ImportProblem::file(message(
                    format!("Variabele {} is aan geen kolom gekoppeld.", v.name),
                    format!("Variable {} is not mapped to a column.", v.name),
                )));
            }
            continue;
        };
        match table.header.iter().position(|h| h.trim() == column.trim()) {
            Some(i) => columns.push((v, i, column)),
            None => problems.push(ImportProblem::file(Problem::MissingColumn {
                column: column.clone(),
            })),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::with_capacity(table.rows.len());
    for (done, (line, cells)) in table.rows.iter().enumerate() {
        if done % PROGRESS_STEP == 0 {
            progress(done);
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if cells.len() != table.header.len() {
            // At the first column the line lacks, or the first one too many.
            problems.push(ImportProblem {
                line: *line,
                column: Some(
                    table
                        .header
                        .get(cells.len())
                        .cloned()
                        .unwrap_or_else(|| format!("({})", table.header.len() + 1)),
                ),
                problem: Problem::WrongFieldCount {
                    expected: table.header.len(),
                    found: cells.len(),
                },
            });
            continue;
        }
        let mut row = Vec::with_capacity(columns.len());
        for (v, i, column) in &columns {
            let raw = cells[*i].trim();
            let recoded = mapping
                .recode
                .get(v.name)
                .and_then(|r| r.get(raw))
                .map_or(raw, String::as_str);
            match canonical(v.kind, recoded) {
                Ok(value) => row.push(value),
                Err(problem) => problems.push(ImportProblem {
                    line: *line,
                    column: Some((*column).clone()),
                    problem,
                }),
            }
        }
        rows.push(row);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Canonical {
        header: columns.iter().map(|(v, _, _)| v.name.to_owned()).collect(),
        rows,
    })
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

/// The values of `column` in `table` that `kind` (a category) does not allow as they are and
/// `recode` does not translate: what the user still has to recode. At most 30, sorted.
pub fn unknown_values(
    table: &Table,
    column: &str,
    kind: Kind,
    recode: Option<&BTreeMap<String, String>>,
) -> Vec<String> {
    let Kind::Category(codes) = kind else {
        return Vec::new();
    };
    let Some(at) = table.header.iter().position(|h| h.trim() == column.trim()) else {
        return Vec::new();
    };
    let mut out = std::collections::BTreeSet::new();
    for (_, cells) in &table.rows {
        let Some(v) = cells.get(at).map(|c| c.trim()) else {
            continue;
        };
        let translated = recode.and_then(|r| r.get(v)).map_or(v, String::as_str);
        if !v.is_empty() && !codes.iter().any(|c| c.eq_ignore_ascii_case(translated)) {
            out.insert(v.to_owned());
            if out.len() == 30 {
                break;
            }
        }
    }
    out.into_iter().collect()
}

/// A recoding as text, one `file value = canonical value` per line.
pub fn recode_text(recode: &BTreeMap<String, String>) -> String {
    recode
        .iter()
        .map(|(from, to)| format!("{from} = {to}\n"))
        .collect()
}

/// Reads [`recode_text`]: blank lines are skipped; a line without `=` is refused with its number.
pub fn parse_recode_text(text: &str) -> Result<BTreeMap<String, String>, usize> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (from, to) = line.split_once('=').ok_or(i + 1)?;
        let (from, to) = (from.trim(), to.trim());
        if from.is_empty() {
            return Err(i + 1);
        }
        out.insert(from.to_owned(), to.to_owned());
    }
    Ok(out)
}
