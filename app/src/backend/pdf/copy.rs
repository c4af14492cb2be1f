//! A copy of the questionnaire: blank (to prepare with colleagues, the logic spelled out), the
//! response in progress, or the submitted response. It names the institution, round, version,
//! date and who submitted, and marks last year's answers that were confirmed.

use std::collections::BTreeSet;

use super::{Layout, Style};
use crate::domain::questionnaire::{Definition, Item, ItemKind, Required};
use crate::domain::response::{answer_keys, display, Answers};
use crate::i18n::Lang;

/// Which copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyKind {
    Blank,
    InProgress,
    Submitted,
}

/// What a copy shows besides the questionnaire.
pub struct Copy<'a> {
    pub kind: CopyKind,
    pub definition: &'a Definition,
    pub lang: Lang,
    pub institution: String,
    pub round: String,
    pub version: i32,
    /// The date the copy is of: today, or the moment of submission.
    pub date: String,
    pub submitted_by: Option<String>,
    pub answers: &'a Answers,
    /// Answer keys carried over from last year and confirmed unchanged.
    pub confirmed: &'a BTreeSet<String>,
}

/// The copy as a PDF.
pub fn response_copy(copy: &Copy) -> anyhow::Result<Vec<u8>> {
    let lang = copy.lang;
    let def = copy.definition;
    let mut layout = Layout::new()?;
    let title = format!("{} — {}", def.title.get(lang), copy.institution);
    layout.heading(&title, 16.0);
    let kind = match copy.kind {
        CopyKind::Blank => lang.pick("Blanco exemplaar", "Blank copy"),
        CopyKind::InProgress => lang.pick(
            "Stand van de antwoorden (nog niet ingediend)",
            "Answers so far (not yet submitted)",
        ),
        CopyKind::Submitted => lang.pick("Ingediende antwoorden", "Submitted answers"),
    };
    layout.paragraph(kind, Style::LABEL);
    let facts = [
        (
            lang.pick("Instelling", "Institution"),
            copy.institution.clone(),
        ),
        (lang.pick("Ronde", "Round"), copy.round.clone()),
        (lang.pick("Versie", "Version"), copy.version.to_string()),
        (lang.pick("Datum", "Date"), copy.date.clone()),
    ];
    for (label, value) in facts {
        layout.paragraph(&format!("{label}: {value}"), Style::BODY);
    }
    if let Some(who) = &copy.submitted_by {
        let label = lang.pick("Ingediend door", "Submitted by");
        layout.paragraph(&format!("{label}: {who}"), Style::BODY);
    }
    for section in &def.sections {
        layout.heading(section.title.get(lang), 13.0);
        if let Some(rule) = &section.relevant {
            layout.paragraph(&only_if(rule, lang), Style::NOTE);
        }
        for item in &section.items {
            item_block(&mut layout, copy, item);
        }
    }
    layout.finish(&title, lang.code())
}

/// "Only if …": a question's or section's rule, as the questionnaire writes it.
fn only_if(rule: &str, lang: Lang) -> String {
    format!("{} {rule}", lang.pick("Alleen als:", "Only if:"))
}

/// One question: its label (with * when required), hint and rules, then its answers or, on a
/// blank copy, its options.
fn item_block(layout: &mut Layout, copy: &Copy, item: &Item) {
    let lang = copy.lang;
    if matches!(item.kind, ItemKind::Note) {
        layout.paragraph(item.label.get(lang), Style::BODY);
        layout.gap(4.0);
        return;
    }
    let required = match &item.required {
        Required::Always(true) => " *".to_owned(),
        Required::When(rule) => format!(" * ({})", only_if(rule, lang)),
        _ => String::new(),
    };
    layout.paragraph(&format!("{}{required}", item.label.get(lang)), Style::LABEL);
    if let Some(hint) = &item.hint {
        layout.paragraph(hint.get(lang), Style::NOTE);
    }
    if let Some(rule) = &item.relevant {
        layout.paragraph(&only_if(rule, lang), Style::NOTE);
    }
    for (key, row) in answer_keys(item) {
        let prefix = row
            .map(|r| format!("{}: ", r.label.get(lang)))
            .unwrap_or_default();
        let text = match copy.kind {
            CopyKind::Blank => format!("{prefix}{}", blank(copy.definition, item, &key, lang)),
            _ => match copy.answers.get(&key).filter(|v| !v.is_empty()) {
                Some(value) => {
                    let shown = display(copy.definition, &key, value, lang);
                    let mark = if copy.confirmed.contains(&key) {
                        lang.pick(
                            " (van vorig jaar, bevestigd)",
                            " (from last year, confirmed)",
                        )
                    } else {
                        ""
                    };
                    format!("{prefix}{shown}{mark}")
                }
                None => format!("{prefix}—"),
            },
        };
        layout.paragraph(&text, Style::ANSWER);
    }
    layout.gap(5.0);
}

/// What a blank copy shows for an answer: the options to tick, or a line to write on.
fn blank(def: &Definition, item: &Item, key: &str, lang: Lang) -> String {
    let codes = item.kind.codes();
    if codes.is_empty() {
        return "______________________________".to_owned();
    }
    codes
        .iter()
        .map(|code| format!("[ ] {}", display(def, key, code, lang)))
        .collect::<Vec<_>>()
        .join("   ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definition() -> Definition {
        serde_json::from_str(include_str!(
            "../../../../server/questionnaires/veiligheidscoordinatoren.json"
        ))
        .expect("the default questionnaire")
    }

    #[test]
    fn every_copy_is_a_pdf_a_document() {
        let def = definition();
        let mut answers = Answers::new();
        answers.insert("coordinator_uren".into(), "120".into());
        let confirmed = BTreeSet::from(["coordinator_uren".to_owned()]);
        for (kind, lang) in [
            (CopyKind::Blank, Lang::Nl),
            (CopyKind::InProgress, Lang::En),
            (CopyKind::Submitted, Lang::Nl),
        ] {
            let pdf = response_copy(&Copy {
                kind,
                definition: &def,
                lang,
                institution: "ROC Zoë ✓ (25PX)".into(),
                round: "Monitor 2026".into(),
                version: 1,
                date: "6-12-2026 20:00".into(),
                submitted_by: Some("Anna".into()),
                answers: &answers,
                confirmed: &confirmed,
            })
            .expect("a PDF");
            assert!(pdf.starts_with(b"%PDF-"), "{kind:?}");
            let text = String::from_utf8_lossy(&pdf);
            assert!(text.contains("pdfaid:part"), "PDF/A metadata: {kind:?}");
        }
    }
}
