//! XLSForm import and export (`survey`, `choices`, `settings` sheets), for forms as people write
//! them: questions outside any group, groups inside groups, no settings sheet, labels in any
//! language column, old type spellings and the columns of KoBo and ODK. What the platform cannot
//! hold is refused with sheet, row and column; what it leaves out is said in a warning.
//!
//! Standard columns: `type`, `name`, `label` (per language: `label::Nederlands (nl)`,
//! `label::English (en)`, …), `hint`, `required`, `relevant`, `constraint`, `constraint_message`,
//! `appearance`; `begin group`/`end group` make the sections. Types: `select_one L`,
//! `select_multiple L` (also with `or_other`), `integer`, `decimal`, `text` (`appearance`
//! `multiline` for long text), `date`, `note`. MIV extensions, written by the export and read
//! back: `select_one` with `appearance` `likert`, the list `ja_nee_weet_niet`, `incident_grid L`,
//! `matrix ROWS SCALE`, the columns `min`, `max`, `unit`, `privacy`, a group's `hint` as its
//! section's intro, and a `concordance` sheet (renamed keys and recoded options).

mod beyond;
mod export;
mod filter;
mod kinds;
mod sheet;
mod survey;

use std::collections::HashMap;

use crate::domain::import::ImportProblem;
use crate::domain::questionnaire::{validate, Choice, Concordance, Definition, Text};
use crate::i18n::Lang;
use kinds::YES_NO;
use sheet::{column_letter, note, Language, Sheet};

pub use export::export;

const NL: &str = "Nederlands (nl)";
/// MIV's own column of the choices sheet: the condition under which an option is offered (the
/// export writes it; other tools ignore it and offer every option).
const OFFERED_WHEN: &str = "offered_when";
const EN: &str = "English (en)";

/// An imported form, with what the import left out or changed (warnings, each with its place).
#[derive(Debug)]
pub struct Imported {
    pub definition: Definition,
    pub warnings: Vec<ImportProblem>,
}

/// The columns the importer reads.
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
    "privacy",
    "calculation",
    "required_message",
    "choice_filter",
    "default",
    "read_only",
    "parameters",
];

/// Reads the workbook's survey, choices, settings and (MIV's) concordance sheets, whatever their
/// case.
fn read_sheets(bytes: &[u8]) -> Result<[Sheet; 4], Vec<ImportProblem>> {
    use super::spreadsheet::{self, SpreadsheetError};
    let refused = |sheet: &str, e: SpreadsheetError| {
        let (nl, en) = e.messages();
        vec![note(sheet, 0, "-", nl, en)]
    };
    let mut book = spreadsheet::open(bytes).map_err(|e| refused("-", e))?;
    let names = spreadsheet::sheet_names(&book);
    let mut read = |wanted: &str, required: bool| -> Result<Sheet, Vec<ImportProblem>> {
        let Some(name) = names.iter().find(|n| n.trim().eq_ignore_ascii_case(wanted)) else {
            if required {
                return Err(refused(
                    wanted,
                    SpreadsheetError::MissingSheet(wanted.into()),
                ));
            }
            return Ok(Sheet::new(wanted.into(), Vec::new()));
        };
        let rows = spreadsheet::read_sheet(&mut book, name).map_err(|e| refused(name, e))?;
        Ok(Sheet::new(name.clone(), rows))
    };
    Ok([
        read("survey", true)?,
        read("choices", false)?,
        read("settings", false)?,
        read("concordance", false)?,
    ])
}

/// Reads an XLSForm workbook named `file_name` (its stem is the form's key and title when the
/// settings sheet gives none). Every problem is reported at once; nothing is returned when any is
/// found.
pub fn import(bytes: &[u8], file_name: &str) -> Result<Imported, Vec<ImportProblem>> {
    let [mut survey, mut choices, settings, links] = read_sheets(bytes)?;
    let setting = |name: &str| {
        settings
            .rows
            .first()
            .map_or("", |(_, row)| settings.get(row, name))
    };
    let default = Some(setting("default_language"))
        .filter(|l| !l.is_empty())
        .map(Language::of);
    survey.default = default;
    choices.default = default;
    let mut warnings = unused_columns(&survey);
    warnings.extend(survey.language_warnings());
    let (key, renamed) = form_key(setting("form_id"), file_name);
    if let Some((nl, en)) = renamed {
        warnings.push(note(&settings.name, 2, "form_id", nl, en));
    }
    let title = match settings.rows.first() {
        Some((_, row)) if !settings.text(row, "form_title").is_blank() => {
            settings.text(row, "form_title")
        }
        _ => Text::new(stem(file_name), ""),
    };
    let mut problems = Vec::new();
    let lists = read_choices(&choices, &mut problems);
    let read = survey::read_survey(&survey, &lists, &title);
    problems.extend(read.problems);
    warnings.extend(read.warnings);
    let mut definition = Definition {
        key,
        title,
        sections: read.sections,
        concordance: read_concordance(&links, &mut problems),
    };
    for (key, column, (nl, en)) in beyond::beyond_the_logic(&mut definition) {
        let line = read.rows_of.get(&key).copied().unwrap_or(0);
        warnings.push(note(&survey.name, line, column, nl, en));
    }
    for p in validate(&definition) {
        let (place, field) = p
            .location
            .split_once('.')
            .unwrap_or((p.location.as_str(), "name"));
        let item_key = place.rsplit('/').next().unwrap_or(place);
        let (sheet, line) = match read.rows_of.get(item_key) {
            Some(line) => (survey.name.as_str(), *line),
            None => (settings.name.as_str(), 2),
        };
        problems.push(note(
            sheet,
            line,
            field,
            p.message(Lang::Nl),
            p.message(Lang::En),
        ));
    }
    if problems.is_empty() {
        Ok(Imported {
            definition,
            warnings,
        })
    } else {
        Err(problems)
    }
}

/// A file name without its folder and extension.
fn stem(file_name: &str) -> &str {
    let name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// The form's key: `form_id`, else the file name, made a valid key (letters, digits and `_`,
/// not starting with a digit); when it had to change, the warning that says so.
fn form_key(form_id: &str, file_name: &str) -> (String, Option<(String, String)>) {
    let written = if form_id.is_empty() {
        stem(file_name)
    } else {
        form_id
    };
    let key = valid_key(written, "form_");
    let changed = (key != written && !form_id.is_empty()).then(|| {
        (
            format!("form_id ‘{written}’ is geen geldige sleutel en is ‘{key}’ geworden."),
            format!("form_id ‘{written}’ is not a valid key and became ‘{key}’."),
        )
    });
    (key, changed)
}

/// `name` with every character a key may not hold as `_`, and `prefix` before a leading digit.
fn valid_key(name: &str, prefix: &str) -> String {
    let mut key: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        key.insert_str(0, prefix);
    }
    key
}

/// A warning per survey column the importer does not read: its content stays out.
fn unused_columns(survey: &Sheet) -> Vec<ImportProblem> {
    survey
        .header
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            let base = h.split("::").next().unwrap_or("").trim();
            !base.is_empty() && !KNOWN_COLUMNS.contains(&base)
        })
        .map(|(i, _)| {
            let h = &survey.written[i];
            note(
                &survey.name,
                1,
                &column_letter(i),
                format!(
                    "Kolom ‘{h}’ wordt niet gebruikt; wat erin staat blijft buiten de vragenlijst."
                ),
                format!("Column ‘{h}’ is not used; what it holds stays out of the questionnaire."),
            )
        })
        .collect()
}

/// The renamed keys and recoded options of the concordance sheet (rows `key`, `from`, `to` and
/// `code`, `item`, `from`, `to`); any other row is a problem.
fn read_concordance(sheet: &Sheet, problems: &mut Vec<ImportProblem>) -> Concordance {
    let mut concordance = Concordance::default();
    for (line, row) in &sheet.rows {
        let (from, to) = (sheet.get(row, "from"), sheet.get(row, "to"));
        match (sheet.get(row, "kind"), from.is_empty() || to.is_empty()) {
            ("key", false) => {
                concordance.keys.insert(from.into(), to.into());
            }
            ("code", false) if !sheet.get(row, "item").is_empty() => {
                let item = sheet.get(row, "item").to_owned();
                concordance
                    .codes
                    .entry(item)
                    .or_default()
                    .insert(from.into(), to.into());
            }
            _ => problems.push(note(
                &sheet.name,
                *line,
                "kind",
                "Een rij van de concordantie is ‘key’ met from en to, of ‘code’ met item, from en to.".into(),
                "A concordance row is ‘key’ with from and to, or ‘code’ with item, from and to.".into(),
            )),
        }
    }
    concordance
}

/// The choice lists by name, and each choice's cells by column (what a `choice_filter` names).
pub(super) struct Lists {
    pub choices: HashMap<String, Vec<Choice>>,
    /// Per list, in the order of its choices: column → value.
    pub columns: HashMap<String, Vec<HashMap<String, String>>>,
}

/// The choice lists; a row without list or name is a problem. A choice's `offered_when` (MIV's
/// own column, written by the export) is the condition under which it is offered.
fn read_choices(sheet: &Sheet, problems: &mut Vec<ImportProblem>) -> Lists {
    let mut lists = Lists {
        choices: HashMap::new(),
        columns: HashMap::new(),
    };
    for (line, row) in &sheet.rows {
        let list = sheet.get(row, "list_name");
        let code = sheet.get(row, "name");
        if list.is_empty() && code.is_empty() {
            continue;
        }
        if list.is_empty() || code.is_empty() {
            problems.push(note(
                &sheet.name,
                *line,
                "list_name",
                "list_name en name zijn verplicht.".into(),
                "list_name and name are required.".into(),
            ));
            continue;
        }
        // A choice shown only as an image gets its code as label.
        let label = Some(sheet.text(row, "label"))
            .filter(|l| !l.is_blank())
            .unwrap_or_else(|| Text::new(code, ""));
        lists
            .choices
            .entry(list.to_owned())
            .or_default()
            .push(Choice {
                code: code.to_owned(),
                label,
            });
        let cells = sheet
            .header
            .iter()
            .zip(row)
            .map(|(column, value)| (column.clone(), value.trim().to_owned()))
            .collect();
        lists
            .columns
            .entry(list.to_owned())
            .or_default()
            .push(cells);
    }
    lists
}

#[cfg(test)]
mod tests;
