//! Contacts (the institutions' safety coordinators) from a CSV or XLSX file: one per line with
//! institution code, name, e-mail address and language. Every problem is reported by line; the
//! file is taken whole or not at all.

use std::collections::HashMap;

use super::import::{normalise, ImportProblem, Problem, Table};
use super::{Email, InstitutionCode};
use crate::i18n::Lang;

/// One contact as the file describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactRecord {
    pub line: usize,
    pub code: InstitutionCode,
    pub name: String,
    pub email: Email,
    pub language: Lang,
}

const CODE: &[&str] = &["INSTELLINGSCODE", "BRIN", "BRINNUMMER", "CODE"];
const NAME: &[&str] = &["NAAM", "NAME", "CONTACTPERSOON"];
const EMAIL: &[&str] = &[
    "E-MAIL",
    "EMAIL",
    "E-MAILADRES",
    "EMAILADRES",
    "E-MAIL ADDRESS",
];
const LANGUAGE: &[&str] = &["TAAL", "LANGUAGE"];

/// Checks every line; returns all contacts or every problem found.
pub fn parse_contacts(table: &Table) -> Result<Vec<ContactRecord>, Vec<ImportProblem>> {
    let (records, problems) = check_contacts(table);
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(problems)
    }
}

/// The contacts on the lines that are right, and the problems on the others (so that checks
/// needing the database can run on the good lines and every problem is reported at once).
pub fn check_contacts(table: &Table) -> (Vec<ContactRecord>, Vec<ImportProblem>) {
    if table.header.iter().all(|h| h.trim().is_empty()) {
        return (Vec::new(), vec![ImportProblem::file(Problem::EmptyFile)]);
    }
    let (code, name, email, language) = match contact_columns(&table.header) {
        Ok(columns) => columns,
        Err(problems) => return (Vec::new(), problems),
    };
    let mut problems = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut records = Vec::new();
    // Trailing empty lines are what spreadsheets leave behind; an empty line between contacts
    // is reported.
    let last_filled = table
        .rows
        .iter()
        .rposition(|(_, r)| r.iter().any(|c| !c.trim().is_empty()));
    for (n, (line, row)) in table.rows.iter().enumerate() {
        let line = *line;
        if row.iter().all(|c| c.trim().is_empty()) {
            if last_filled.is_some_and(|last| n < last) {
                problems.push(ImportProblem {
                    line,
                    column: None,
                    problem: Problem::EmptyRow,
                });
            }
            continue;
        }
        let cell = |i: usize| row.get(i).map(|c| c.trim()).unwrap_or("");
        let mut at = |col: &str, problem: Problem| {
            problems.push(ImportProblem {
                line,
                column: Some(col.into()),
                problem,
            })
        };
        let cells = [
            cell(code),
            cell(name),
            cell(email),
            language.map_or("", cell),
        ];
        let Some(record) = parse_contact(line, cells, &mut at) else {
            continue;
        };
        let key = (
            record.code.as_str().to_owned(),
            record.email.as_str().to_owned(),
        );
        if let Some(first) = seen.get(&key) {
            at(
                "e-mail",
                Problem::DuplicateEmail {
                    value: record.email.as_str().into(),
                    first_line: *first,
                },
            );
            continue;
        }
        seen.insert(key, line);
        records.push(record);
    }
    (records, problems)
}

/// The columns of code, name, e-mail address and (optional) language; each required one the
/// header lacks is a problem on line 1.
fn contact_columns(
    header: &[String],
) -> Result<(usize, usize, usize, Option<usize>), Vec<ImportProblem>> {
    let header: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    let find = |aliases: &[&str]| header.iter().position(|h| aliases.contains(&h.as_str()));
    let mut problems = Vec::new();
    let mut column = |aliases: &[&'static str]| {
        let found = find(aliases);
        if found.is_none() {
            problems.push(ImportProblem {
                line: 1,
                column: Some(aliases[0].to_lowercase()),
                problem: Problem::MissingColumn {
                    column: aliases[0].to_lowercase(),
                },
            });
        }
        found
    };
    let (code, name, email) = (column(CODE), column(NAME), column(EMAIL));
    let language = find(LANGUAGE);
    let (Some(code), Some(name), Some(email)) = (code, name, email) else {
        return Err(problems);
    };
    Ok((code, name, email, language))
}

/// One contact line: code, name, e-mail address and language (empty: Dutch); every value that
/// is missing or wrong is reported through `at`.
fn parse_contact(
    line: usize,
    [code, name, email, language]: [&str; 4],
    at: &mut impl FnMut(&str, Problem),
) -> Option<ContactRecord> {
    let code = match code {
        "" => {
            at("instellingscode", Problem::MissingValue);
            None
        }
        raw => InstitutionCode::parse(raw).or_else(|| {
            at("instellingscode", Problem::BadCode { value: raw.into() });
            None
        }),
    };
    let name = match name {
        "" => {
            at("naam", Problem::MissingValue);
            None
        }
        raw => Some(raw.to_owned()),
    };
    let email = match email {
        "" => {
            at("e-mail", Problem::MissingValue);
            None
        }
        raw => Email::parse(raw).or_else(|| {
            at("e-mail", Problem::BadEmail { value: raw.into() });
            None
        }),
    };
    let language = language_of(language).or_else(|| {
        at(
            "taal",
            Problem::BadLanguage {
                value: language.into(),
            },
        );
        None
    });
    Some(ContactRecord {
        line,
        code: code?,
        name: name?,
        email: email?,
        language: language?,
    })
}

/// A contact's language as people write it (empty: Dutch).
fn language_of(raw: &str) -> Option<Lang> {
    let is = |names: &[&str]| names.iter().any(|n| raw.eq_ignore_ascii_case(n));
    if raw.is_empty() || is(&["nl", "nederlands"]) {
        Some(Lang::Nl)
    } else if is(&["en", "english", "engels"]) {
        Some(Lang::En)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(header: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| (i + 2, r.iter().map(|c| (*c).to_owned()).collect()))
                .collect(),
        }
    }

    #[test]
    fn a_good_file_gives_every_contact() {
        let t = table(
            &["Instellingscode", "Naam", "E-mail", "Taal"],
            &[
                &["25px", "Anna de Vries", " Anna@ROC-A.nl ", "nl"],
                &["27GH", "Bob Smith", "bob@roc-b.nl", "EN"],
                &["27GH", "Carla", "carla@roc-b.nl", ""],
                &["", "", "", ""],
            ],
        );
        let records = parse_contacts(&t).expect("valid");
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].email.as_str(), "anna@roc-a.nl");
        assert_eq!(records[0].code.as_str(), "25PX");
        assert_eq!(records[1].language, Lang::En);
        assert_eq!(records[2].language, Lang::Nl);
    }

    #[test]
    fn every_problem_is_reported_by_line() {
        let t = table(
            &["instellingscode", "naam", "e-mailadres", "taal"],
            &[
                &["25PX", "Anna", "anna@roc-a", "nl"],
                &["", "", "", ""],
                &["2X", "Bob", "bob@roc-b.nl", "fr"],
                &["27GH", "Bob", "bob@roc-b.nl", "nl"],
                &["27GH", "", "BOB@roc-b.nl", "nl"],
                &["27GH", "Bob B", "bob@roc-b.nl", "nl"],
            ],
        );
        let problems = parse_contacts(&t).expect_err("invalid");
        let lines: Vec<(usize, String)> = problems
            .iter()
            .map(|p| (p.line, p.message(Lang::Nl)))
            .collect();
        assert_eq!(
            lines,
            vec![
                (2, "‘anna@roc-a’ is geen geldig e-mailadres.".to_owned()),
                (3, "Lege regel: vul hem in of haal hem weg.".to_owned()),
                (
                    4,
                    "‘2X’ is geen instellingscode (twee cijfers en twee letters, zoals 25PX)."
                        .to_owned()
                ),
                (4, "‘fr’ is geen taal: gebruik nl of en.".to_owned()),
                (6, "Waarde ontbreekt.".to_owned()),
                (
                    7,
                    "E-mailadres bob@roc-b.nl staat ook op regel 5 bij dezelfde instelling."
                        .to_owned()
                ),
            ]
        );
    }

    #[test]
    fn missing_columns_are_named() {
        let t = table(&["code", "mail"], &[&["25PX", "a@b.nl"]]);
        let problems = parse_contacts(&t).expect_err("invalid");
        let columns: Vec<String> = problems.iter().filter_map(|p| p.column.clone()).collect();
        assert_eq!(columns, vec!["naam", "e-mail"]);
    }
}
