//! Answers to a questionnaire version and the rules that apply to them: which items apply given
//! the answers so far, whether an answer fits its item, which required items are open, progress,
//! and carrying last year's answers forward through the concordance. The browser and the server
//! both run these functions.
//!
//! Answers are stored as text, one per answer key: the item key, or `item.row` for a row of a
//! matrix or a category of an incident grid. Choices hold their code, multiple choices their codes
//! separated by spaces, numbers a decimal with a point, dates `YYYY-MM-DD`.

mod carry;
mod display;
mod env;
mod errors;
mod evaluation;
mod normalise;
mod rows;
mod status;

use std::collections::BTreeMap;

use super::questionnaire::{Definition, Item, ItemKind};
use env::{calculate, holds, MapEnv};
use rows::{answered_rows, range_problem};

pub use carry::carry_forward;
pub use display::{display, fill, likert_options, yes_no_options};
pub use errors::AnswerError;
pub use evaluation::{evaluate, progress_text, Evaluation};
pub use normalise::{default_fits, defaults, normalise, typed, MAX_TEXT};
pub use rows::answer_keys;
pub use status::ResponseStatus;

/// The raw answers of one response: answer key → text.
pub type Answers = BTreeMap<String, String>;

/// Where [`evaluate`] reads the answers of a response: the raw text by answer key, `None` for
/// an unanswered key (never an empty text).
pub trait AnswerSource {
    fn answer(&self, key: &str) -> Option<&str>;
}

impl AnswerSource for Answers {
    fn answer(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }
}

/// The item an answer key belongs to, and the row or category for matrices and grids.
pub fn item_of<'d>(def: &'d Definition, answer_key: &str) -> Option<(&'d Item, Option<&'d str>)> {
    let (base, sub) = match answer_key.split_once('.') {
        Some((b, s)) => (b, Some(s)),
        None => (answer_key, None),
    };
    let item = def.item(base)?;
    match (&item.kind, sub) {
        (ItemKind::Matrix { rows: subs, .. }, Some(s))
        | (ItemKind::IncidentGrid { categories: subs }, Some(s)) => subs
            .iter()
            .find(|c| c.code == s)
            .map(|c| (item, Some(c.code.as_str()))),
        (ItemKind::Matrix { .. } | ItemKind::IncidentGrid { .. } | ItemKind::Note, _) => None,
        (_, None) => Some((item, None)),
        (_, Some(_)) => None,
    }
}

pub mod codebook;

pub mod comparison;

pub mod history;

#[cfg(test)]
pub(crate) mod tests;
