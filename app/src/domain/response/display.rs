//! An answer as shown to people, and the options of yes/no and Likert items.

use super::item_of;
use crate::domain::questionnaire::{Definition, ItemKind, Text};

/// The text of an answer for people: option labels instead of codes.
pub fn display(def: &Definition, answer_key: &str, raw: &str, lang: crate::i18n::Lang) -> String {
    let Some((item, sub)) = item_of(def, answer_key) else {
        return raw.to_owned();
    };
    let label = |options: &[crate::domain::questionnaire::Choice], code: &str| {
        options
            .iter()
            .find(|o| o.code == code)
            .map_or_else(|| code.to_owned(), |o| o.label.get(lang).to_owned())
    };
    match (&item.kind, sub) {
        (ItemKind::Matrix { scale, .. }, Some(_)) => label(scale, raw),
        (ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options }, _) => raw
            .split_whitespace()
            .map(|c| label(options, c))
            .collect::<Vec<_>>()
            .join(", "),
        (ItemKind::YesNoDontKnow, _) => yes_no_options()
            .iter()
            .find(|o| o.code == raw)
            .map_or_else(|| raw.to_owned(), |o| o.label.get(lang).to_owned()),
        (ItemKind::Likert { anchors, .. }, _) => {
            anchors.iter().find(|a| a.code == raw).map_or_else(
                || raw.to_owned(),
                |a| format!("{raw} – {}", a.label.get(lang)),
            )
        }
        _ => raw.to_owned(),
    }
}

/// A text with its references filled in, as XLSForm shows `${name}` in a label or note: the
/// answer (as [`display`] shows it) or the calculation's value; nothing while there is none or
/// the item does not apply.
pub fn fill(
    text: &str,
    def: &Definition,
    answers: &super::Answers,
    evaluation: &super::Evaluation,
    lang: crate::i18n::Lang,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        let key = &rest[start + 2..start + end];
        let value = evaluation.calculated.get(key).cloned().or_else(|| {
            answers
                .get(key)
                .filter(|_| evaluation.applicable.contains(key))
                .map(|raw| display(def, key, raw, lang))
        });
        out.push_str(&value.unwrap_or_default());
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// The options of a ja / nee / weet niet item.
pub fn yes_no_options() -> Vec<crate::domain::questionnaire::Choice> {
    use crate::domain::questionnaire::Choice;
    vec![
        Choice {
            code: "ja".into(),
            label: Text::new("Ja", "Yes"),
        },
        Choice {
            code: "nee".into(),
            label: Text::new("Nee", "No"),
        },
        Choice {
            code: "weet_niet".into(),
            label: Text::new("Weet niet", "Don't know"),
        },
    ]
}

/// The options of a Likert item: its points, labelled with the anchors where they have one.
pub fn likert_options(
    points: u8,
    anchors: &[crate::domain::questionnaire::Choice],
    lang: crate::i18n::Lang,
) -> Vec<crate::domain::questionnaire::Choice> {
    (1..=points)
        .map(|p| {
            let code = p.to_string();
            let label = anchors.iter().find(|a| a.code == code).map_or_else(
                || code.clone(),
                |a| format!("{code} – {}", a.label.get(lang)),
            );
            crate::domain::questionnaire::Choice {
                code,
                label: Text::new(&label, ""),
            }
        })
        .collect()
}
