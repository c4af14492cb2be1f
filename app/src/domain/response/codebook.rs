//! Submitted answers as a flat data file for analysis: one column per answer (a multiple choice
//! has one 0/1 column per option, a matrix one per row, an incident grid one per category), a
//! codebook with every column's question and value labels, and SPSS syntax that reads the file
//! with those labels. Keys are the questionnaire's stable keys, so files of different years line
//! up.

use std::collections::HashMap;

use serde::Serialize;

use super::Answers;
use crate::domain::expr::ValueType;
use crate::domain::questionnaire::{calculated_type, Choice, Definition, ItemKind, Privacy, Text};

/// What a column holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ColumnKind {
    /// A code with labelled values.
    Code {
        values: Vec<Choice>,
    },
    /// 1 when the option was chosen, 0 when not.
    Flag {
        option: String,
    },
    Number,
    Text,
    Date,
}

/// One column of the data file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Column {
    /// The column name: the answer key with `_` for `.` (and the option code for flags).
    pub name: String,
    /// The item it belongs to.
    pub item: String,
    pub label: Text,
    #[serde(flatten)]
    pub kind: ColumnKind,
    /// The item's privacy mark: such columns leave a raw export only when allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy: Option<Privacy>,
}

fn sub_label(item: &Text, sub: &Text) -> Text {
    Text {
        nl: format!("{} — {}", item.nl, sub.nl),
        en: if item.en.is_empty() && sub.en.is_empty() {
            String::new()
        } else {
            format!(
                "{} — {}",
                item.get(crate::i18n::Lang::En),
                sub.get(crate::i18n::Lang::En)
            )
        },
    }
}

/// The columns a raw export holds: every column when special-category and identifying items
/// are allowed, otherwise the unmarked ones; the keys of the items left out come second.
pub fn exportable(columns: Vec<Column>, with_marked: bool) -> (Vec<Column>, Vec<String>) {
    let (kept, left): (Vec<Column>, Vec<Column>) = columns
        .into_iter()
        .partition(|c| with_marked || c.privacy.is_none());
    let mut withheld: Vec<String> = left.into_iter().map(|c| c.item).collect();
    withheld.dedup();
    (kept, withheld)
}

/// Each item's privacy mark as the exports apply it: its own, and for a calculation the
/// strictest mark of the items it is worked out from (its value can reveal their answers).
fn marks(def: &Definition) -> HashMap<&str, Privacy> {
    let mut marks: HashMap<&str, Privacy> = HashMap::new();
    for (_, item) in def.items() {
        let inherited = match &item.kind {
            ItemKind::Calculated { expression } => crate::domain::expr::parse(expression)
                .map(|node| {
                    let found: Vec<Privacy> = node
                        .references()
                        .iter()
                        .filter_map(|(key, _)| marks.get(key).copied())
                        .collect();
                    found
                        .iter()
                        .copied()
                        .find(|m| *m == Privacy::Special)
                        .or(found.first().copied())
                })
                .unwrap_or(None),
            _ => None,
        };
        if let Some(mark) = item.privacy.or(inherited) {
            marks.insert(&item.key, mark);
        }
    }
    marks
}

/// The columns of the answers to `def`, in questionnaire order.
pub fn columns(def: &Definition) -> Vec<Column> {
    let mut out = Vec::new();
    let marks = marks(def);
    for (_, item) in def.items() {
        let privacy = marks.get(item.key.as_str()).copied();
        let column = |name: String, label: Text, kind: ColumnKind| Column {
            name,
            item: item.key.clone(),
            label,
            kind,
            privacy,
        };
        // The item as one column, or one column per option, row or category.
        let whole = |kind: ColumnKind| column(item.key.clone(), item.label.clone(), kind);
        let part = |code: &str, label: &Text, kind: ColumnKind| {
            column(
                format!("{}_{code}", item.key),
                sub_label(&item.label, label),
                kind,
            )
        };
        match &item.kind {
            ItemKind::Note => {}
            ItemKind::SingleChoice { options } => out.push(whole(ColumnKind::Code {
                values: options.clone(),
            })),
            ItemKind::MultipleChoice { options } => out.extend(options.iter().map(|o| {
                let option = o.code.clone();
                part(&o.code, &o.label, ColumnKind::Flag { option })
            })),
            ItemKind::Likert { points, anchors } => out.push(whole(ColumnKind::Code {
                values: likert_values(*points, anchors),
            })),
            ItemKind::YesNoDontKnow => out.push(whole(ColumnKind::Code {
                values: super::yes_no_options(),
            })),
            ItemKind::Matrix { rows, scale } => out.extend(rows.iter().map(|r| {
                let values = scale.clone();
                part(&r.code, &r.label, ColumnKind::Code { values })
            })),
            ItemKind::IncidentGrid { categories } => out.extend(
                categories
                    .iter()
                    .map(|c| part(&c.code, &c.label, ColumnKind::Number)),
            ),
            ItemKind::Integer { .. } | ItemKind::Decimal { .. } => {
                out.push(whole(ColumnKind::Number))
            }
            ItemKind::ShortText | ItemKind::LongText => out.push(whole(ColumnKind::Text)),
            ItemKind::Date => out.push(whole(ColumnKind::Date)),
            ItemKind::Time | ItemKind::DateTime => out.push(whole(ColumnKind::Text)),
            ItemKind::Calculated { expression } => {
                out.push(whole(match calculated_type(def, &item.key, expression) {
                    ValueType::Number => ColumnKind::Number,
                    ValueType::Date => ColumnKind::Date,
                    _ => ColumnKind::Text,
                }))
            }
        }
    }
    out
}

/// A Likert item's codes 1 to `points`, labelled with their anchors (the code itself where none).
fn likert_values(points: u8, anchors: &[Choice]) -> Vec<Choice> {
    (1..=points)
        .map(|p| {
            let code = p.to_string();
            let label = anchors
                .iter()
                .find(|a| a.code == code)
                .map_or_else(|| Text::new(&code, ""), |a| a.label.clone());
            Choice { code, label }
        })
        .collect()
}

impl Column {
    /// This column's value in `answers` (only applicable answers are there); empty when none.
    pub fn value(&self, answers: &Answers) -> String {
        match &self.kind {
            ColumnKind::Flag { option } => answers.get(&self.item).map_or_else(String::new, |v| {
                if v.split_whitespace().any(|c| c == option) {
                    "1".into()
                } else {
                    "0".into()
                }
            }),
            _ => {
                let key = match self.name.strip_prefix(&self.item) {
                    Some(sub) if !sub.is_empty() => format!("{}.{}", self.item, &sub[1..]),
                    _ => self.item.clone(),
                };
                answers.get(&key).cloned().unwrap_or_default()
            }
        }
    }
}

/// A string in SPSS syntax quotes.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''").replace(['\n', '\r'], " "))
}

/// SPSS syntax that reads `file` (comma separated, UTF-8, with a header row): `fixed` columns
/// (name, label, numeric) first, then `columns`, with variable and value labels (Dutch).
pub fn spss_syntax(file: &str, fixed: &[(&str, &str, bool)], columns: &[Column]) -> String {
    use std::fmt::Write;
    let width = |c: &Column| match &c.kind {
        ColumnKind::Flag { .. } | ColumnKind::Number => "F12.2".to_owned(),
        ColumnKind::Code { values } if values.iter().all(|v| v.code.parse::<i64>().is_ok()) => {
            "F8.0".to_owned()
        }
        ColumnKind::Code { values } => {
            format!(
                "A{}",
                values
                    .iter()
                    .map(|v| v.code.len())
                    .max()
                    .unwrap_or(1)
                    .max(1)
            )
        }
        ColumnKind::Date => "A10".to_owned(),
        ColumnKind::Text => "A2000".to_owned(),
    };
    let mut s = String::new();
    let _ = writeln!(s, "* MIV-mbo: ingediende antwoorden / submitted answers.");
    let _ = writeln!(s, "SET UNICODE=ON.");
    let _ = writeln!(
        s,
        "GET DATA /TYPE=TXT /FILE={} /ENCODING='UTF8' /DELIMITERS=\",\" /QUALIFIER='\"' \
         /ARRANGEMENT=DELIMITED /FIRSTCASE=2 /VARIABLES=",
        quoted(file)
    );
    for (name, _, numeric) in fixed {
        let _ = writeln!(s, "  {name} {}", if *numeric { "F8.0" } else { "A20" });
    }
    for c in columns {
        let _ = writeln!(s, "  {} {}", c.name, width(c));
    }
    let _ = writeln!(s, ".");
    let _ = writeln!(s, "VARIABLE LABELS");
    let labels: Vec<String> = fixed
        .iter()
        .map(|(name, label, _)| format!("  {name} {}", quoted(label)))
        .chain(
            columns
                .iter()
                .map(|c| format!("  {} {}", c.name, quoted(&c.label.nl))),
        )
        .collect();
    let _ = writeln!(s, "{}.", labels.join("\n  /"));
    let coded: Vec<&Column> = columns
        .iter()
        .filter(|c| matches!(c.kind, ColumnKind::Code { .. } | ColumnKind::Flag { .. }))
        .collect();
    if !coded.is_empty() {
        let _ = writeln!(s, "VALUE LABELS");
        let blocks: Vec<String> = coded
            .iter()
            .map(|c| {
                let numeric = width(c).starts_with('F');
                let code = |v: &str| if numeric { v.to_owned() } else { quoted(v) };
                let values: Vec<String> = match &c.kind {
                    ColumnKind::Code { values } => values
                        .iter()
                        .map(|v| format!("    {} {}", code(&v.code), quoted(&v.label.nl)))
                        .collect(),
                    _ => vec!["    0 'niet gekozen'".into(), "    1 'gekozen'".into()],
                };
                format!("  {}\n{}", c.name, values.join("\n"))
            })
            .collect();
        let _ = writeln!(s, "{}.", blocks.join("\n  /"));
    }
    let _ = writeln!(s, "EXECUTE.");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definition() -> Definition {
        serde_json::from_value(serde_json::json!({
            "key": "t", "title": {"nl": "T"},
            "sections": [{"key": "s", "title": {"nl": "S"}, "items": [
                {"key": "plan", "type": "yes_no_dont_know", "label": {"nl": "Plan?"}},
                {"key": "met", "type": "multiple_choice", "label": {"nl": "Met wie?"},
                 "options": [{"code": "politie", "label": {"nl": "Politie"}}, {"code": "gemeente", "label": {"nl": "Gemeente"}}]},
                {"key": "meldingen", "type": "incident_grid", "label": {"nl": "Meldingen"},
                 "categories": [{"code": "geweld", "label": {"nl": "Geweld"}}]},
                {"key": "uitleg", "type": "note", "label": {"nl": "Lees dit"}},
                {"key": "uren", "type": "integer", "label": {"nl": "Uren"}}
            ]}]
        }))
        .expect("definition")
    }

    #[test]
    fn every_answer_has_its_column_and_notes_have_none() {
        let columns = columns(&definition());
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "plan",
                "met_politie",
                "met_gemeente",
                "meldingen_geweld",
                "uren"
            ]
        );
        let answers = Answers::from([
            ("plan".to_owned(), "ja".to_owned()),
            ("met".to_owned(), "gemeente".to_owned()),
            ("meldingen.geweld".to_owned(), "4".to_owned()),
        ]);
        let values: Vec<String> = columns.iter().map(|c| c.value(&answers)).collect();
        assert_eq!(values, ["ja", "0", "1", "4", ""], "no answer, no value");
        assert_eq!(columns[1].label.nl, "Met wie? — Politie");
    }

    #[test]
    fn marked_items_leave_a_raw_export_unless_allowed() {
        let mut def = definition();
        let marked = def.sections[0].items[0].key.clone();
        def.sections[0].items[0].privacy = Some(crate::domain::questionnaire::Privacy::Identifying);
        let all = columns(&def);
        let (kept, withheld) = exportable(all.clone(), false);
        assert_eq!(withheld, vec![marked.clone()]);
        assert!(kept.iter().all(|c| c.item != marked));
        assert_eq!(
            kept.len() + all.iter().filter(|c| c.item == marked).count(),
            all.len()
        );
        let (kept, withheld) = exportable(all.clone(), true);
        assert_eq!(kept, all);
        assert!(withheld.is_empty());
    }

    #[test]
    fn a_calculation_from_a_marked_answer_is_withheld_with_it() {
        use crate::domain::questionnaire::{Item, Privacy, Text};
        let mut def = definition();
        let marked = def.sections[0].items[0].key.clone();
        def.sections[0].items[0].privacy = Some(Privacy::Special);
        let kind = |expression: String| ItemKind::Calculated { expression };
        let first = kind(format!("string(${{{marked}}})"));
        let second = kind("concat(${afgeleid}, '!')".into());
        def.sections[0].items.extend([
            Item::new("afgeleid", first, Text::new("Afgeleid", "")),
            Item::new("verder", second, Text::new("Verder", "")),
            Item::new("los", kind("1 + 1".into()), Text::new("Los", "")),
        ]);
        let (kept, withheld) = exportable(columns(&def), false);
        assert_eq!(withheld, vec![marked, "afgeleid".into(), "verder".into()]);
        assert!(kept.iter().any(|c| c.item == "los"));
    }

    #[test]
    fn spss_syntax_reads_the_file_with_its_labels() {
        let columns = columns(&definition());
        let sps = spss_syntax("a.csv", &[("jaar", "Jaar", true)], &columns);
        assert!(sps.contains("/FILE='a.csv'"));
        assert!(
            sps.contains("  jaar F8.0\n  plan A9\n  met_politie F12.2\n"),
            "{sps}"
        );
        assert!(sps.contains("  plan 'Plan?'"));
        assert!(sps.contains("  plan\n    'ja' 'Ja'\n    'nee' 'Nee'\n    'weet_niet' 'Weet niet'"));
        assert!(sps.contains("  met_politie\n    0 'niet gekozen'\n    1 'gekozen'"));
        assert!(sps.trim_end().ends_with("EXECUTE."));
    }
}
