//! A response evaluated: which items show, which are missing or out of range, and progress.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    answered_rows, calculate, holds, range_problem, typed, AnswerError, AnswerSource, MapEnv,
};
use crate::domain::expr::Value;
use crate::domain::questionnaire::{Definition, Item, ItemKind, Required, Text};

/// Where a response stands under the rules of its definition.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Items shown with these answers.
    pub applicable: HashSet<String>,
    /// Applicable required items without an answer, in questionnaire order.
    pub missing: Vec<String>,
    /// Applicable items whose answer breaks a range or constraint, with the message.
    pub invalid: Vec<(String, Text)>,
    /// Applicable questions (notes not counted) and how many of them are answered.
    pub total: usize,
    pub answered: usize,
    /// The values of the applicable calculations, as stored (calculations that give nothing
    /// are left out).
    pub calculated: BTreeMap<String, String>,
    /// Per applicable choice question with conditional options, the codes not offered now.
    pub withheld_options: BTreeMap<String, Vec<String>>,
}

/// "12 of 40 questions answered": the survey page, the survey module and the home page.
pub fn progress_text(answered: usize, total: usize, lang: crate::i18n::Lang) -> String {
    match lang {
        crate::i18n::Lang::Nl => format!("{answered} van {total} vragen beantwoord"),
        crate::i18n::Lang::En => format!("{answered} of {total} questions answered"),
    }
}

impl Evaluation {
    /// The progress line under the bar, as the page renders it and the survey module updates it.
    pub fn progress_text(&self, lang: crate::i18n::Lang) -> String {
        progress_text(self.answered, self.total, lang)
    }

    /// Whether option `code` of item `key` is offered with these answers.
    pub fn offers(&self, key: &str, code: &str) -> bool {
        self.withheld_options
            .get(key)
            .is_none_or(|codes| !codes.iter().any(|c| c == code))
    }

    /// The message for an item whose answer is invalid.
    pub fn problem(&self, key: &str) -> Option<&Text> {
        self.invalid.iter().find(|(k, _)| k == key).map(|(_, m)| m)
    }

    pub fn complete(&self) -> bool {
        self.missing.is_empty() && self.invalid.is_empty()
    }

    /// Progress in whole percent.
    pub fn percent(&self) -> u32 {
        (self.answered * 100).checked_div(self.total).unwrap_or(100) as u32
    }
}

/// Applies the definition's logic to the answers. Answers of items that do not apply count as
/// unanswered for the items after them, are not counted and are not checked.
pub fn evaluate(
    def: &Definition,
    answers: &(impl AnswerSource + ?Sized),
    today: NaiveDate,
) -> Evaluation {
    let mut seen: HashMap<&str, &Item> = HashMap::with_capacity(def.items().count());
    let mut computed: HashMap<&str, Value> = HashMap::new();
    let mut out = Evaluation::default();
    for section in &def.sections {
        let env = MapEnv {
            answers,
            seen: &seen,
            computed: &computed,
            current: Value::Null,
            today,
        };
        let section_on = holds(section.relevant.as_deref(), &env);
        for item in &section.items {
            let env = MapEnv {
                answers,
                seen: &seen,
                computed: &computed,
                current: Value::Null,
                today,
            };
            if !(section_on && holds(item.relevant.as_deref(), &env)) {
                continue;
            }
            out.applicable.insert(item.key.clone());
            if let ItemKind::Calculated { expression } = &item.kind {
                let value = calculate(expression, &env);
                if let Some(stored) = value.stored() {
                    out.calculated.insert(item.key.clone(), stored);
                }
                computed.insert(&item.key, value);
                seen.insert(&item.key, item);
                continue;
            }
            if matches!(item.kind, ItemKind::Note) {
                continue;
            }
            if !item.choice_conditions.is_empty() {
                let withheld: Vec<String> = item
                    .choice_conditions
                    .iter()
                    .filter(|(_, condition)| !holds(Some(condition), &env))
                    .map(|(code, _)| code.clone())
                    .collect();
                if !withheld.is_empty() {
                    out.withheld_options.insert(item.key.clone(), withheld);
                }
            }
            let required = match &item.required {
                Required::No | Required::Always(false) => false,
                Required::Always(true) => true,
                Required::When(e) => holds(Some(e), &env),
            };
            let (given, rows) = answered_rows(item, answers);
            out.total += 1;
            if given > 0 {
                out.answered += 1;
            }
            if required && given < rows {
                out.missing.push(item.key.clone());
            }
            let Some(raw) = answers.answer(&item.key) else {
                continue;
            };
            let withheld = out.withheld_options.contains_key(&item.key);
            if withheld && raw.split_whitespace().any(|c| !out.offers(&item.key, c)) {
                out.invalid
                    .push((item.key.clone(), AnswerError::NotAnOption.message()));
                seen.insert(&item.key, item);
                continue;
            }
            let ranged = matches!(
                item.kind,
                ItemKind::Integer { .. } | ItemKind::Decimal { .. }
            );
            if item.constraint.is_some() || ranged {
                let value = typed(item, raw);
                // The researcher's own constraint message says more than the generic range one.
                let broken = item.constraint.as_ref().and_then(|c| {
                    let env = MapEnv {
                        answers,
                        seen: &seen,
                        computed: &computed,
                        current: value.clone(),
                        today,
                    };
                    (!holds(Some(&c.expression), &env)).then(|| c.message.clone())
                });
                if let Some(message) = broken.or_else(|| range_problem(item, &value)) {
                    out.invalid.push((item.key.clone(), message));
                }
            }
            seen.insert(&item.key, item);
        }
    }
    out
}
