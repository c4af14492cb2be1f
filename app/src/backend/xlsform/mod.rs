//! XLSForm import and export (`survey`, `choices`, `settings` sheets).
//!
//! Standard columns: `type`, `name`, `label::Nederlands (nl)`, `label::English (en)` (or plain
//! `label`), `hint::…`, `required`, `relevant`, `constraint`, `constraint_message::…`,
//! `appearance`; `begin group`/`end group` make the sections. Types: `select_one L`,
//! `select_multiple L`, `integer`, `decimal`, `text` (`appearance` `multiline` for long text),
//! `date`, `note`. MIV extensions, written by the export and read back: `select_one` with
//! `appearance` `likert`, the list `ja_nee_weet_niet`, `incident_grid L`, `matrix ROWS SCALE`, and
//! the columns `min`, `max`, `unit::…`. Anything else is reported, never dropped.

mod export;

pub use export::export;

use std::collections::HashMap;

use crate::domain::import::{ImportProblem, Problem};
use crate::domain::questionnaire::{
    validate, Choice, Constraint, Definition, Item, ItemKind, Privacy, Required, Section, Text,
};
use crate::i18n::Lang;

const YES_NO: &str = "ja_nee_weet_niet";
const NL: &str = "Nederlands (nl)";
const EN: &str = "English (en)";

/// One sheet as rows of text cells, with a header lookup.
struct Sheet {
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Sheet {
    fn col(&self, name: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    }

    fn get<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        self.col(name)
            .and_then(|i| row.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }

    /// A text in both languages from `base::Nederlands (nl)` / `base::English (en)` (or `base`).
    fn text(&self, row: &[String], base: &str) -> Text {
        let nl = self.get(row, &format!("{base}::{NL}"));
        let nl = if nl.is_empty() {
            self.get(row, base)
        } else {
            nl
        };
        Text::new(nl, self.get(row, &format!("{base}::{EN}")))
    }
}

fn problem(sheet: &str, line: usize, column: &str, nl: String, en: String) -> ImportProblem {
    ImportProblem {
        line,
        column: Some(format!("{sheet} / {column}")),
        problem: Problem::Message { nl, en },
    }
}

fn read_sheets(bytes: &[u8]) -> Result<[Sheet; 3], Vec<ImportProblem>> {
    use super::spreadsheet::{self, SpreadsheetError};
    let refused = |sheet: &str, e: SpreadsheetError| {
        let (nl, en) = e.messages();
        vec![problem(sheet, 0, "-", nl, en)]
    };
    let mut book = spreadsheet::open(bytes).map_err(|e| refused("-", e))?;
    let mut read = |name: &'static str, required: bool| -> Result<Sheet, Vec<ImportProblem>> {
        let rows = match spreadsheet::read_sheet(&mut book, name) {
            Ok(rows) => rows,
            Err(SpreadsheetError::MissingSheet(_)) if !required => {
                return Ok(Sheet {
                    header: Vec::new(),
                    rows: Vec::new(),
                })
            }
            Err(e) => return Err(refused(name, e)),
        };
        let mut rows = rows.into_iter();
        let header = rows.next().map(|(_, h)| h).unwrap_or_default();
        Ok(Sheet {
            header,
            rows: rows.collect(),
        })
    };
    Ok([
        read("survey", true)?,
        read("choices", false)?,
        read("settings", false)?,
    ])
}

const KNOWN_COLUMNS: &[&str] = &[
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "appearance",
    "min",
    "max",
    "unit",
    "required_message",
    "privacy",
];

/// Reads an XLSForm workbook. Every problem is reported at once; nothing is returned when any is found.
pub fn import(bytes: &[u8]) -> Result<Definition, Vec<ImportProblem>> {
    let [survey, choices, settings] = read_sheets(bytes)?;
    let mut problems = unknown_columns(&survey);
    let lists = read_choices(&choices, &mut problems);
    let (key, title) = match settings.rows.first() {
        Some((_, row)) => (
            settings.get(row, "form_id").to_owned(),
            settings.text(row, "form_title"),
        ),
        None => (String::new(), Text::default()),
    };
    let (sections, rows_of) = read_survey(&survey, &lists, &mut problems);
    let definition = Definition {
        key,
        title,
        sections,
        concordance: Default::default(),
    };
    for p in validate(&definition) {
        let (place, field) = p
            .location
            .split_once('.')
            .unwrap_or((p.location.as_str(), "name"));
        let item_key = place.rsplit('/').next().unwrap_or(place);
        let (sheet, line) = match rows_of.get(item_key) {
            Some(line) => ("survey", *line),
            None => ("settings", 2),
        };
        problems.push(problem(
            sheet,
            line,
            field,
            p.message(Lang::Nl),
            p.message(Lang::En),
        ));
    }
    if problems.is_empty() {
        Ok(definition)
    } else {
        Err(problems)
    }
}

/// A column of the survey sheet this importer does not know.
fn unknown_columns(survey: &Sheet) -> Vec<ImportProblem> {
    let mut problems = Vec::new();
    for (i, h) in survey.header.iter().enumerate() {
        let base = h.split("::").next().unwrap_or("").trim().to_lowercase();
        if !base.is_empty() && !KNOWN_COLUMNS.contains(&base.as_str()) {
            problems.push(problem(
                "survey",
                1,
                &column_letter(i),
                format!("Kolom ‘{h}’ wordt niet ondersteund."),
                format!("Column ‘{h}’ is not supported."),
            ));
        }
    }
    problems
}

/// The groups and questions of the survey sheet, with the line of each key (for problems found
/// later).
fn read_survey(
    survey: &Sheet,
    lists: &HashMap<String, Vec<Choice>>,
    problems: &mut Vec<ImportProblem>,
) -> (Vec<Section>, HashMap<String, usize>) {
    let mut sections: Vec<Section> = Vec::new();
    let mut rows_of: HashMap<String, usize> = HashMap::new();
    let mut open: Option<usize> = None;
    for (line, row) in &survey.rows {
        let t = survey.get(row, "type");
        let name = survey.get(row, "name").to_owned();
        let mut at = |column: &str, nl: String, en: String| {
            problems.push(problem("survey", *line, column, nl, en))
        };
        match t {
            "begin group" | "begin_group" => {
                if open.is_some() {
                    at(
                        "type",
                        "Groepen in groepen worden niet ondersteund.".into(),
                        "Nested groups are not supported.".into(),
                    );
                    continue;
                }
                let relevant =
                    Some(survey.get(row, "relevant").to_owned()).filter(|r| !r.is_empty());
                sections.push(Section {
                    key: name.clone(),
                    title: survey.text(row, "label"),
                    intro: None,
                    relevant,
                    items: Vec::new(),
                });
                rows_of.insert(name, *line);
                open = Some(*line);
            }
            "end group" | "end_group" => {
                if open.take().is_none() {
                    at(
                        "type",
                        "‘end group’ zonder ‘begin group’.".into(),
                        "‘end group’ without ‘begin group’.".into(),
                    );
                }
            }
            _ => {
                let Some(kind) = item_kind(t, row, survey, lists, &mut at) else {
                    continue;
                };
                let Some(section) = sections.last_mut().filter(|_| open.is_some()) else {
                    at(
                        "type",
                        "Vraag staat buiten een groep; zet elke vraag in een ‘begin group’.".into(),
                        "Question outside a group; put every question in a ‘begin group’.".into(),
                    );
                    continue;
                };
                let privacy = privacy_of(survey.get(row, "privacy"), &mut at);
                section
                    .items
                    .push(item(name.clone(), kind, privacy, row, survey));
                rows_of.insert(name, *line);
            }
        }
    }
    if let Some(line) = open {
        problems.push(problem(
            "survey",
            line,
            "type",
            "Groep wordt niet gesloten met ‘end group’.".into(),
            "Group is not closed with ‘end group’.".into(),
        ));
    }
    (sections, rows_of)
}

/// The privacy mark of a row (empty: none); an unknown one is a problem.
fn privacy_of(value: &str, at: &mut impl FnMut(&str, String, String)) -> Option<Privacy> {
    Privacy::parse(value).unwrap_or_else(|value| {
        at(
            "privacy",
            format!(
                "Onbekende privacymarkering ‘{value}’: gebruik special, identifying of laat leeg."
            ),
            format!("Unknown privacy mark ‘{value}’: use special, identifying or leave empty."),
        );
        None
    })
}

fn column_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

fn read_choices(sheet: &Sheet, problems: &mut Vec<ImportProblem>) -> HashMap<String, Vec<Choice>> {
    let mut lists: HashMap<String, Vec<Choice>> = HashMap::new();
    for (line, row) in &sheet.rows {
        let list = sheet.get(row, "list_name");
        let code = sheet.get(row, "name");
        if list.is_empty() || code.is_empty() {
            problems.push(problem(
                "choices",
                *line,
                "list_name",
                "list_name en name zijn verplicht.".into(),
                "list_name and name are required.".into(),
            ));
            continue;
        }
        lists.entry(list.to_owned()).or_default().push(Choice {
            code: code.to_owned(),
            label: sheet.text(row, "label"),
        });
    }
    lists
}

fn item_kind(
    t: &str,
    row: &[String],
    survey: &Sheet,
    lists: &HashMap<String, Vec<Choice>>,
    at: &mut impl FnMut(&str, String, String),
) -> Option<ItemKind> {
    let mut parts = t.split_whitespace();
    let base = parts.next().unwrap_or("");
    let mut list = |name: Option<&str>| -> Option<Vec<Choice>> {
        let name = name.unwrap_or("");
        let found = lists.get(name).cloned();
        if found.is_none() {
            at(
                "type",
                format!("Keuzelijst ‘{name}’ staat niet op het werkblad choices."),
                format!("Choice list ‘{name}’ is not on the choices sheet."),
            );
        }
        found
    };
    let appearance = survey.get(row, "appearance");
    let number = |col: &str| survey.get(row, col).parse::<f64>().ok();
    let unit = Some(survey.text(row, "unit")).filter(|u| !u.nl.is_empty());
    Some(match base {
        "select_one" if parts.clone().next() == Some(YES_NO) => ItemKind::YesNoDontKnow,
        "select_one" if appearance == "likert" => {
            let options = list(parts.next())?;
            let points = options.len() as u8;
            let anchors = options
                .into_iter()
                .filter(|c| c.label.nl != c.code)
                .collect();
            ItemKind::Likert { points, anchors }
        }
        "select_one" => ItemKind::SingleChoice {
            options: list(parts.next())?,
        },
        "select_multiple" => ItemKind::MultipleChoice {
            options: list(parts.next())?,
        },
        "incident_grid" => ItemKind::IncidentGrid {
            categories: list(parts.next())?,
        },
        "matrix" => {
            let rows = list(parts.next());
            let scale = list(parts.next());
            ItemKind::Matrix {
                rows: rows?,
                scale: scale?,
            }
        }
        "integer" => ItemKind::Integer {
            min: number("min").map(|n| n as i64),
            max: number("max").map(|n| n as i64),
            unit,
        },
        "decimal" => ItemKind::Decimal {
            min: number("min"),
            max: number("max"),
            unit,
        },
        "text" if appearance == "multiline" => ItemKind::LongText,
        "text" => ItemKind::ShortText,
        "date" => ItemKind::Date,
        "note" => ItemKind::Note,
        other => {
            at(
                "type",
                format!("Vraagtype ‘{other}’ wordt niet ondersteund."),
                format!("Question type ‘{other}’ is not supported."),
            );
            return None;
        }
    })
}

fn item(
    key: String,
    kind: ItemKind,
    privacy: Option<Privacy>,
    row: &[String],
    survey: &Sheet,
) -> Item {
    let hint = Some(survey.text(row, "hint")).filter(|h| !h.nl.is_empty());
    let required = match survey.get(row, "required").to_lowercase().as_str() {
        "" | "no" | "false" | "false()" => Required::No,
        "yes" | "true" | "true()" => Required::Always(true),
        _ => Required::When(survey.get(row, "required").to_owned()),
    };
    let optional = |col: &str| Some(survey.get(row, col).to_owned()).filter(|s| !s.is_empty());
    let constraint = optional("constraint").map(|expression| Constraint {
        expression,
        message: survey.text(row, "constraint_message"),
    });
    Item {
        key,
        kind,
        label: survey.text(row, "label"),
        hint,
        required,
        relevant: optional("relevant"),
        constraint,
        privacy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_definition() -> Definition {
        serde_json::from_str(include_str!(
            "../../../../server/questionnaires/veiligheidscoordinatoren.json"
        ))
        .expect("default")
    }

    #[test]
    fn export_then_import_gives_the_same_version() {
        let def = default_definition();
        let bytes = export(&def, Some(3)).expect("export");
        let back = import(&bytes).unwrap_or_else(|p| {
            panic!(
                "{:?}",
                p.iter().map(|p| p.message(Lang::Nl)).collect::<Vec<_>>()
            )
        });
        assert_eq!(back, def);
        // Byte for byte the files differ only in their creation time (to the second).
        let again = export(&back, Some(3)).expect("export again");
        assert_eq!(import(&again).ok(), Some(def), "stable output");
    }

    fn sheet_bytes(survey: &[&[&str]], choices: &[&[&str]]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        for (name, rows) in [
            ("survey", survey),
            ("choices", choices),
            (
                "settings",
                &[&["form_id", "form_title"][..], &["test", "Test"][..]][..],
            ),
        ] {
            let sheet = book.add_worksheet();
            sheet.set_name(name).expect("name");
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    sheet.write_string(r as u32, c as u16, *v).expect("cell");
                }
            }
        }
        book.save_to_buffer().expect("xlsx")
    }

    #[test]
    fn every_problem_is_reported_with_sheet_row_and_column() {
        let bytes = sheet_bytes(
            &[
                &["type", "name", "label", "relevant", "calculation"],
                &["begin group", "a", "A", "", ""],
                &["select_one lijst", "q1", "Vraag 1", "", ""],
                &["geolocation", "q2", "Vraag 2", "", ""],
                &["integer", "q3", "Vraag 3", "", ""],
                &["integer", "q3", "Dubbel", "", ""],
                &["integer", "q4", "Vraag 4", "${q3} =", ""],
                &["begin group", "b", "B", "", ""],
            ],
            &[&["list_name", "name", "label"], &["andere", "x", "X"]],
        );
        let problems = import(&bytes).expect_err("invalid");
        let places: Vec<(usize, String)> = problems
            .iter()
            .map(|p| (p.line, p.column.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            places,
            vec![
                (1, "survey / E".to_owned()),
                (3, "survey / type".into()),
                (4, "survey / type".into()),
                (8, "survey / type".into()),
                (2, "survey / type".into()),
                (6, "survey / name".into()),
                (7, "survey / relevant".into()),
            ]
        );
        assert!(problems[1]
            .message(Lang::Nl)
            .contains("Keuzelijst ‘lijst’ staat niet op het werkblad choices."));
        assert!(problems[2]
            .message(Lang::En)
            .contains("Question type ‘geolocation’ is not supported."));
        assert!(problems[4]
            .message(Lang::Nl)
            .contains("Groep wordt niet gesloten"));
    }
}
