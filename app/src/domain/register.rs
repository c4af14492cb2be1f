//! Rows of a DUO-style institution register file, checked all at once.
//!
//! The file reader (server side) turns CSV or XLSX into a [`Table`]; this module maps its columns,
//! checks every row and returns either every record or every problem, with line and column.

use std::collections::HashMap;

use super::import::{normalise, ImportProblem, Problem, Table};
use super::institution::{InstitutionCode, InstitutionKind};

/// One institution as the register file describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct RegisterRecord {
    pub line: usize,
    pub code: InstitutionCode,
    pub name: String,
    pub municipality: String,
    pub province: String,
    /// Only when the file has a type column.
    pub kind: Option<InstitutionKind>,
    pub bolvt: i32,
    pub boldt: i32,
    pub bbl: i32,
}

/// Accepted header names per field, after normalising (upper case, single spaces).
const CODE: &[&str] = &["INSTELLINGSCODE", "BRIN NUMMER", "BRINNUMMER", "BRIN"];
const NAME: &[&str] = &["INSTELLINGSNAAM", "NAAM INSTELLING", "NAAM"];
const MUNICIPALITY: &[&str] = &[
    "GEMEENTE",
    "GEMEENTENAAM",
    "GEMEENTE INSTELLING",
    "PLAATSNAAM",
];
const PROVINCE: &[&str] = &["PROVINCIE INSTELLING", "PROVINCIE"];
const BOLVT: &[&str] = &["BOLVT", "BOL VT"];
const BOLDT: &[&str] = &["BOLDT", "BOL DT"];
const BBL: &[&str] = &["BBL"];
const KIND: &[&str] = &["SOORT INSTELLING", "TYPE INSTELLING", "TYPE", "SOORT"];

struct Columns {
    index: HashMap<&'static str, usize>,
    names: Vec<String>,
}

impl Columns {
    fn find(header: &[String], problems: &mut Vec<ImportProblem>) -> Columns {
        let normalised: Vec<String> = header.iter().map(|h| normalise(h)).collect();
        let mut index = HashMap::new();
        let required = [CODE, NAME, MUNICIPALITY, PROVINCE, BOLVT, BOLDT, BBL];
        for aliases in required.iter().chain(std::iter::once(&KIND)) {
            match normalised
                .iter()
                .position(|h| aliases.contains(&h.as_str()))
            {
                Some(i) => {
                    index.insert(aliases[0], i);
                }
                None if !std::ptr::eq(*aliases, KIND) => problems.push(ImportProblem {
                    line: 1,
                    column: Some(aliases[0].to_owned()),
                    problem: Problem::MissingColumn {
                        column: aliases[0].to_owned(),
                    },
                }),
                None => {}
            }
        }
        Columns {
            index,
            names: normalised,
        }
    }

    fn cell<'a>(&self, row: &'a [String], field: &'static str) -> Option<(&'a str, &str)> {
        let i = *self.index.get(field)?;
        Some((
            row.get(i).map(|s| s.trim()).unwrap_or(""),
            self.names[i].as_str(),
        ))
    }
}

/// Parses a count as DUO writes it: digits, optionally with `.` as thousands separator; the masked
/// `<5` and an empty cell count as 0.
fn parse_count(raw: &str) -> Option<i32> {
    let raw = raw.trim();
    if raw.is_empty() || raw == "<5" {
        return Some(0);
    }
    let digits: String = raw.chars().filter(|c| *c != '.').collect();
    let grouped_ok =
        !raw.contains('.') || raw.split('.').skip(1).all(|g| g.len() == 3) && !raw.starts_with('.');
    if grouped_ok && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

/// Maps and checks every row. Returns all records, or all problems when there is any.
pub fn parse_register(table: &Table) -> Result<Vec<RegisterRecord>, Vec<ImportProblem>> {
    let mut problems = Vec::new();
    if table.header.iter().all(|h| h.trim().is_empty()) {
        return Err(vec![ImportProblem::file(Problem::EmptyFile)]);
    }
    let columns = Columns::find(&table.header, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut records = Vec::with_capacity(table.rows.len());
    for (line, row) in &table.rows {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if row.len() != table.header.len() {
            problems.push(ImportProblem {
                line: *line,
                column: None,
                problem: Problem::WrongFieldCount {
                    expected: table.header.len(),
                    found: row.len(),
                },
            });
            continue;
        }
        if let Some(record) = parse_row(*line, row, &columns, &mut seen, &mut problems) {
            records.push(record);
        }
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(problems)
    }
}

/// A row's institution code, the first time the file has it.
fn unique_code(
    raw: &str,
    line: usize,
    seen: &mut HashMap<String, usize>,
) -> Result<InstitutionCode, Problem> {
    let Some(code) = InstitutionCode::parse(raw) else {
        return Err(if raw.is_empty() {
            Problem::MissingValue
        } else {
            Problem::BadCode {
                value: raw.to_owned(),
            }
        });
    };
    if let Some(first) = seen.get(code.as_str()) {
        return Err(Problem::DuplicateCode {
            value: code.to_string(),
            first_line: *first,
        });
    }
    seen.insert(code.to_string(), line);
    Ok(code)
}

fn parse_row(
    line: usize,
    row: &[String],
    columns: &Columns,
    seen: &mut HashMap<String, usize>,
    problems: &mut Vec<ImportProblem>,
) -> Option<RegisterRecord> {
    let before = problems.len();
    let mut at = |column: &str, problem: Problem| {
        problems.push(ImportProblem {
            line,
            column: Some(column.to_owned()),
            problem,
        })
    };
    let (raw_code, code_col) = columns.cell(row, CODE[0])?;
    let code = unique_code(raw_code, line, seen)
        .map_err(|problem| at(code_col, problem))
        .ok();
    let mut text = |field: &'static str| -> String {
        let (value, column) = columns.cell(row, field).unwrap_or(("", field));
        if value.is_empty() {
            at(column, Problem::MissingValue);
        }
        value.to_owned()
    };
    let name = text(NAME[0]);
    let municipality = text(MUNICIPALITY[0]);
    let province = text(PROVINCE[0]);
    let mut count = |field: &'static str| -> i32 {
        let (value, column) = columns.cell(row, field).unwrap_or(("", field));
        parse_count(value).unwrap_or_else(|| {
            at(
                column,
                Problem::NotACount {
                    value: value.to_owned(),
                },
            );
            0
        })
    };
    let (bolvt, boldt, bbl) = (count(BOLVT[0]), count(BOLDT[0]), count(BBL[0]));
    let kind = match columns.cell(row, KIND[0]) {
        Some(("", _)) | None => None,
        Some((value, column)) => InstitutionKind::parse(value).or_else(|| {
            let value = value.to_owned();
            at(column, Problem::BadKind { value });
            None
        }),
    };
    if problems.len() > before {
        return None;
    }
    Some(RegisterRecord {
        line,
        code: code?,
        name,
        municipality,
        province,
        kind,
        bolvt,
        boldt,
        bbl,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(header: &str, rows: &[&str]) -> Table {
        let split = |s: &str| s.split(';').map(str::to_owned).collect::<Vec<_>>();
        Table {
            header: split(header),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| (i + 2, split(r)))
                .collect(),
        }
    }

    const HEADER: &str =
        "\u{feff}INSTELLINGSCODE;INSTELLINGSNAAM;PROVINCIE INSTELLING;GEMEENTE;BOLVT;BOLDT;BBL;EX";

    #[test]
    fn a_duo_file_maps_to_records() {
        let t = table(
            HEADER,
            &["25PX;ROC Voorbeeld;Utrecht;Utrecht;1.234;<5;300;0"],
        );
        let records = parse_register(&t).expect("valid");
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].code.as_str(), "25PX");
        assert_eq!(
            (records[0].bolvt, records[0].boldt, records[0].bbl),
            (1234, 0, 300)
        );
        assert_eq!(records[0].kind, None);
    }

    #[test]
    fn every_problem_is_reported_with_line_and_column() {
        let t = table(
            HEADER,
            &[
                "25PX;ROC A;Utrecht;Utrecht;10;0;0;0",
                "25PX;ROC B;Utrecht;Utrecht;10;0;0;0",
                "XX;ROC C;Utrecht;;tien;0;0;0",
                "30RR;ROC D;Utrecht",
            ],
        );
        let problems = parse_register(&t).expect_err("invalid");
        let places: Vec<(usize, Option<&str>)> = problems
            .iter()
            .map(|p| (p.line, p.column.as_deref()))
            .collect();
        assert_eq!(
            places,
            vec![
                (3, Some("INSTELLINGSCODE")),
                (4, Some("INSTELLINGSCODE")),
                (4, Some("GEMEENTE")),
                (4, Some("BOLVT")),
                (5, None),
            ]
        );
        assert_eq!(
            problems[0].problem,
            Problem::DuplicateCode {
                value: "25PX".into(),
                first_line: 2
            }
        );
    }

    #[test]
    fn missing_columns_are_named() {
        let t = table("INSTELLINGSCODE;INSTELLINGSNAAM", &[]);
        let problems = parse_register(&t).expect_err("invalid");
        assert!(problems.iter().any(|p| p.problem
            == Problem::MissingColumn {
                column: "GEMEENTE".into()
            }));
        assert_eq!(problems.len(), 5);
    }

    #[test]
    fn counts_follow_dutch_notation() {
        assert_eq!(parse_count("12.345"), Some(12345));
        assert_eq!(parse_count("12,5"), None);
        assert_eq!(parse_count("1.23"), None);
        assert_eq!(parse_count("-3"), None);
    }
}
