//! The logic engine's view of a response's answers.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{typed, AnswerSource};
use crate::domain::expr::{self, Env, Value};
use crate::domain::questionnaire::Item;

/// What expressions see while [`evaluate`] walks the items: the answers of the applicable items
/// before the one at hand, typed when an expression asks for them.
pub(super) struct MapEnv<'a, A: ?Sized> {
    pub(super) answers: &'a A,
    pub(super) seen: &'a HashMap<&'a str, &'a Item>,
    /// The values of the calculations before the item at hand.
    pub(super) computed: &'a HashMap<&'a str, Value>,
    pub(super) current: Value,
    pub(super) today: NaiveDate,
}

impl<A: AnswerSource + ?Sized> Env for MapEnv<'_, A> {
    fn get(&self, key: &str) -> Value {
        if let Some(value) = self.computed.get(key) {
            return value.clone();
        }
        match (self.seen.get(key), self.answers.answer(key)) {
            (Some(item), Some(raw)) => typed(item, raw),
            _ => Value::Null,
        }
    }
    fn current(&self) -> Value {
        self.current.clone()
    }
    fn today(&self) -> NaiveDate {
        self.today
    }
}

/// Whether an expression holds; no expression holds, and one that does not parse (a published
/// definition has been checked) is taken to hold so that nothing is hidden by mistake.
pub(super) fn holds(source: Option<&str>, env: &impl Env) -> bool {
    match source.map(expr::parse) {
        None => true,
        Some(Ok(node)) => expr::evaluate(&node, env).truthy(),
        Some(Err(_)) => true,
    }
}

/// A calculation's value; one that does not parse (a published definition has been checked)
/// gives nothing.
pub(super) fn calculate(source: &str, env: &impl Env) -> Value {
    expr::parse(source).map_or(Value::Null, |node| expr::evaluate(&node, env))
}
