//! Answered rows and range problems of a response.

use super::AnswerSource;
use crate::domain::expr::Value;
use crate::domain::questionnaire::{Item, ItemKind, Text};

/// The answer keys of an item: its own key, or `item.row` for each row of a matrix and each
/// category of an incident grid (with that row). A note has none.
pub fn answer_keys(item: &Item) -> Vec<(String, Option<&crate::domain::questionnaire::Choice>)> {
    match &item.kind {
        ItemKind::Note => Vec::new(),
        ItemKind::Matrix { rows: subs, .. } | ItemKind::IncidentGrid { categories: subs } => subs
            .iter()
            .map(|c| (format!("{}.{}", item.key, c.code), Some(c)))
            .collect(),
        _ => vec![(item.key.clone(), None)],
    }
}

/// How many of an item's answer keys have an answer, of how many (a matrix or grid counts as
/// answered with one row; a required one needs all rows, see [`evaluate`]).
pub(super) fn answered_rows(item: &Item, answers: &(impl AnswerSource + ?Sized)) -> (usize, usize) {
    match &item.kind {
        ItemKind::Note => (0, 0),
        ItemKind::Matrix { rows: subs, .. } | ItemKind::IncidentGrid { categories: subs } => {
            let mut key = String::with_capacity(item.key.len() + 16);
            let given = subs
                .iter()
                .filter(|c| {
                    key.clear();
                    key.push_str(&item.key);
                    key.push('.');
                    key.push_str(&c.code);
                    answers.answer(&key).is_some()
                })
                .count();
            (given, subs.len())
        }
        _ => (usize::from(answers.answer(&item.key).is_some()), 1),
    }
}

pub(super) fn range_problem(item: &Item, value: &Value) -> Option<Text> {
    let Value::Number(n) = value else { return None };
    let (min, max) = match &item.kind {
        ItemKind::Integer { min, max, .. } => (min.map(|m| m as f64), max.map(|m| m as f64)),
        ItemKind::Decimal { min, max, .. } => (*min, *max),
        _ => return None,
    };
    if let Some(min) = min.filter(|m| n < m) {
        return Some(Text {
            nl: format!("Vul een getal van minimaal {min} in."),
            en: format!("Enter a number of at least {min}."),
        });
    }
    if let Some(max) = max.filter(|m| n > m) {
        return Some(Text {
            nl: format!("Vul een getal van maximaal {max} in."),
            en: format!("Enter a number of at most {max}."),
        });
    }
    None
}
