//! Writing a version as an XLSForm workbook (survey, choices and settings sheets), cells placed
//! by column name; [`super::import`] reads it back unchanged.

use std::collections::BTreeMap;

use super::{EN, NL, OFFERED_WHEN, YES_NO};
use crate::domain::questionnaire::{Choice, Definition, Item, ItemKind, Required, Text};

/// Writes a definition as an XLSForm workbook; `version` goes to `settings.version`.
pub fn export(
    def: &Definition,
    version: Option<i32>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut choices = Rows::new(
        ["list_name", "name"]
            .map(String::from)
            .into_iter()
            .chain(both("label"))
            .chain([OFFERED_WHEN.to_owned()]),
    );
    choices.add_list(YES_NO, &yes_no_options(), &BTreeMap::new());
    let mut survey = Rows::new(
        ["type", "name"]
            .map(String::from)
            .into_iter()
            .chain(both("label"))
            .chain(both("hint"))
            .chain(["required", "relevant", "constraint"].map(String::from))
            .chain(both("constraint_message"))
            .chain(both("required_message"))
            .chain(["appearance", "min", "max"].map(String::from))
            .chain(both("unit"))
            .chain(["privacy", "calculation", "default", "read_only"].map(String::from)),
    );
    for section in &def.sections {
        let mut row = vec![
            ("type".to_owned(), "begin group".to_owned()),
            ("name".to_owned(), section.key.clone()),
            (
                "relevant".to_owned(),
                section.relevant.clone().unwrap_or_default(),
            ),
        ];
        row.extend(text_cells("label", Some(&section.title)));
        // A section's intro is its group's hint.
        row.extend(text_cells("hint", section.intro.as_ref()));
        survey.push(row);
        for item in &section.items {
            survey.push(item_row(item, &mut choices));
        }
        survey.push(vec![("type", "end group".to_owned())]);
    }
    let mut settings = Rows::new(
        ["form_id".to_owned()]
            .into_iter()
            .chain(both("form_title"))
            .chain(["version".to_owned()]),
    );
    let mut row = vec![
        ("form_id".to_owned(), def.key.clone()),
        (
            "version".to_owned(),
            version.map(|v| v.to_string()).unwrap_or_default(),
        ),
    ];
    row.extend(text_cells("form_title", Some(&def.title)));
    settings.push(row);
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in [
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
        ("concordance", concordance_rows(def)),
    ] {
        let sheet = book.add_worksheet();
        sheet.set_name(name)?;
        for (r, row) in std::iter::once(&rows.columns).chain(&rows.rows).enumerate() {
            for (c, value) in row.iter().enumerate() {
                if !value.is_empty() {
                    crate::backend::exports::write_text(sheet, r as u32, c as u16, value, None)?;
                }
            }
        }
    }
    book.save_to_buffer()
}

/// The concordance sheet: per renamed key (`kind` `key`) and per recoded option (`kind` `code`,
/// with its `item`) the old and new name, so that a version edited in Excel keeps its links to
/// earlier years.
fn concordance_rows(def: &Definition) -> Rows {
    let mut rows = Rows::new(["kind", "item", "from", "to"].map(String::from));
    for (from, to) in &def.concordance.keys {
        rows.push(vec![
            ("kind", "key".to_owned()),
            ("from", from.clone()),
            ("to", to.clone()),
        ]);
    }
    for (item, codes) in &def.concordance.codes {
        for (from, to) in codes {
            rows.push(vec![
                ("kind", "code".to_owned()),
                ("item", item.clone()),
                ("from", from.clone()),
                ("to", to.clone()),
            ]);
        }
    }
    rows
}

/// A sheet being written: its columns, and rows whose cells are placed by column name.
struct Rows {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Rows {
    fn new(columns: impl IntoIterator<Item = String>) -> Rows {
        Rows {
            columns: columns.into_iter().collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row of `(column, value)` cells; a column the sheet does not have is a mistake in
    /// this file (the export's round-trip tests read every column back).
    fn push<C: AsRef<str>>(&mut self, cells: Vec<(C, String)>) {
        let mut row = vec![String::new(); self.columns.len()];
        for (column, value) in cells {
            let at = self.columns.iter().position(|c| c == column.as_ref());
            debug_assert!(at.is_some(), "no column {}", column.as_ref());
            if let Some(at) = at {
                row[at] = value;
            }
        }
        self.rows.push(row);
    }

    /// Adds the options of a choice list (on the choices sheet), each with the condition under
    /// which it is offered.
    fn add_list(&mut self, name: &str, options: &[Choice], conditions: &BTreeMap<String, String>) {
        for o in options {
            let mut row = vec![
                ("list_name".to_owned(), name.to_owned()),
                ("name".to_owned(), o.code.clone()),
                (
                    OFFERED_WHEN.to_owned(),
                    conditions.get(&o.code).cloned().unwrap_or_default(),
                ),
            ];
            row.extend(text_cells("label", Some(&o.label)));
            self.push(row);
        }
    }
}

/// The two language columns of a translated field: `label::Nederlands (nl)`, `label::English (en)`.
fn both(name: &str) -> [String; 2] {
    [format!("{name}::{NL}"), format!("{name}::{EN}")]
}

/// A translated text in the two language columns of `name` (empty without one).
fn text_cells(name: &str, text: Option<&Text>) -> [(String, String); 2] {
    let [nl, en] = both(name);
    [
        (nl, text.map(|t| t.nl.clone()).unwrap_or_default()),
        (en, text.map(|t| t.en.clone()).unwrap_or_default()),
    ]
}

/// The options of the yes / no / don't know list every such item shares.
fn yes_no_options() -> [Choice; 3] {
    let choice = |code: &str, nl: &str, en: &str| Choice {
        code: code.into(),
        label: Text::new(nl, en),
    };
    [
        choice("ja", "Ja", "Yes"),
        choice("nee", "Nee", "No"),
        choice("weet_niet", "Weet niet", "Don't know"),
    ]
}

/// An item's row on the survey sheet; its options go to the choices sheet.
fn item_row(item: &Item, choices: &mut Rows) -> Vec<(String, String)> {
    let (kind, appearance, mut row) = item_type(item, choices);
    let constraint = item.constraint.as_ref();
    let appearance = item.appearance.map_or(appearance, |a| a.as_str());
    row.extend([
        ("type".to_owned(), kind),
        ("name".to_owned(), item.key.clone()),
        ("appearance".to_owned(), appearance.to_owned()),
        (
            "required".to_owned(),
            match &item.required {
                Required::Always(true) => "yes".into(),
                Required::When(c) => c.clone(),
                _ => String::new(),
            },
        ),
        (
            "relevant".to_owned(),
            item.relevant.clone().unwrap_or_default(),
        ),
        (
            "constraint".to_owned(),
            constraint.map(|c| c.expression.clone()).unwrap_or_default(),
        ),
        (
            "privacy".to_owned(),
            item.privacy
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "default".to_owned(),
            item.default.clone().unwrap_or_default(),
        ),
        (
            "read_only".to_owned(),
            if item.read_only { "yes" } else { "" }.to_owned(),
        ),
    ]);
    row.extend(text_cells("label", Some(&item.label)));
    row.extend(text_cells("hint", item.hint.as_ref()));
    row.extend(text_cells(
        "constraint_message",
        constraint.map(|c| &c.message),
    ));
    row.extend(text_cells(
        "required_message",
        item.required_message.as_ref(),
    ));
    row
}

/// An item's XLSForm type and appearance, with the cells only its kind has (bounds, unit).
fn item_type(item: &Item, choices: &mut Rows) -> (String, &'static str, Vec<(String, String)>) {
    let key = &item.key;
    let none = BTreeMap::new();
    let one = |choices: &mut Rows, options: &[Choice], conditions: &BTreeMap<String, String>| {
        choices.add_list(key, options, conditions);
        format!("select_one {key}")
    };
    match &item.kind {
        ItemKind::SingleChoice { options } => (
            one(choices, options, &item.choice_conditions),
            "",
            Vec::new(),
        ),
        ItemKind::MultipleChoice { options } => {
            choices.add_list(key, options, &item.choice_conditions);
            (format!("select_multiple {key}"), "", Vec::new())
        }
        ItemKind::Likert { points, anchors } => {
            let scale: Vec<Choice> = (1..=*points)
                .map(|p| {
                    let code = p.to_string();
                    anchors
                        .iter()
                        .find(|a| a.code == code)
                        .cloned()
                        .unwrap_or(Choice {
                            label: Text::new(&code, ""),
                            code,
                        })
                })
                .collect();
            (one(choices, &scale, &none), "likert", Vec::new())
        }
        ItemKind::IncidentGrid { categories } => {
            choices.add_list(key, categories, &none);
            (format!("incident_grid {key}"), "", Vec::new())
        }
        ItemKind::Matrix { rows, scale } => {
            choices.add_list(&format!("{key}_rijen"), rows, &none);
            choices.add_list(&format!("{key}_schaal"), scale, &none);
            (format!("matrix {key}_rijen {key}_schaal"), "", Vec::new())
        }
        ItemKind::YesNoDontKnow => (format!("select_one {YES_NO}"), "", Vec::new()),
        ItemKind::Integer { min, max, unit } => {
            ("integer".into(), "", bounds(*min, *max, unit.as_ref()))
        }
        ItemKind::Decimal { min, max, unit } => {
            ("decimal".into(), "", bounds(*min, *max, unit.as_ref()))
        }
        ItemKind::ShortText => ("text".into(), "", Vec::new()),
        ItemKind::LongText => ("text".into(), "multiline", Vec::new()),
        ItemKind::Date => ("date".into(), "", Vec::new()),
        ItemKind::Time => ("time".into(), "", Vec::new()),
        ItemKind::DateTime => ("datetime".into(), "", Vec::new()),
        ItemKind::Note => ("note".into(), "", Vec::new()),
        ItemKind::Calculated { expression } => (
            "calculate".into(),
            "",
            vec![("calculation".into(), expression.clone())],
        ),
    }
}

/// The min, max and unit cells of a number item.
fn bounds<N: ToString>(
    min: Option<N>,
    max: Option<N>,
    unit: Option<&Text>,
) -> Vec<(String, String)> {
    let text = |n: Option<N>| n.map(|n| n.to_string()).unwrap_or_default();
    let mut cells = vec![("min".to_owned(), text(min)), ("max".to_owned(), text(max))];
    cells.extend(text_cells("unit", unit));
    cells
}
