//! An answer as typed, checked and normalised for its item.

use chrono::NaiveDate;

use super::{item_of, AnswerError};
use crate::domain::expr::{self, Value};
use crate::domain::questionnaire::{Definition, Item, ItemKind};

/// The longest text answer accepted.
pub const MAX_TEXT: usize = 10_000;

/// Normalises a raw answer and checks that it fits its item; an empty answer clears it.
pub fn normalise(
    def: &Definition,
    answer_key: &str,
    raw: &str,
) -> Result<Option<String>, AnswerError> {
    let (item, sub) = item_of(def, answer_key).ok_or(AnswerError::UnknownKey)?;
    if matches!(item.kind, ItemKind::Calculated { .. }) {
        return Err(AnswerError::Calculated);
    }
    if item.read_only {
        return Err(AnswerError::ReadOnly);
    }
    value_for(item, sub, raw)
}

/// The answers a new response starts with: every default that fits its item (a read-only item's
/// included; one that does not fit is left out).
pub fn defaults(def: &Definition) -> super::Answers {
    def.items()
        .filter_map(|(_, item)| {
            let value = value_for(item, None, item.default.as_deref()?).ok()??;
            Some((item.key.clone(), value))
        })
        .collect()
}

/// A time of day as `HH:MM` (from `HH:MM` or `HH:MM:SS`).
fn time_of(raw: &str) -> Result<String, AnswerError> {
    ["%H:%M", "%H:%M:%S"]
        .iter()
        .find_map(|f| chrono::NaiveTime::parse_from_str(raw, f).ok())
        .map(|t| t.format("%H:%M").to_string())
        .ok_or(AnswerError::NotATime)
}

/// A date and time as `YYYY-MM-DDTHH:MM` (from what a browser's field sends, with `T` or a space,
/// with or without seconds).
fn date_time_of(raw: &str) -> Result<String, AnswerError> {
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(raw, f).ok())
    .map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
    .ok_or(AnswerError::NotADateTime)
}

/// Whether an item's default (if any) is an answer it takes.
pub fn default_fits(item: &Item) -> bool {
    item.default
        .as_deref()
        .is_none_or(|d| matches!(value_for(item, None, d), Ok(Some(_))))
}

/// A raw answer checked against its item (and the row or category `sub` of a grid).
fn value_for(item: &Item, sub: Option<&str>, raw: &str) -> Result<Option<String>, AnswerError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let number = |s: &str| {
        s.replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
    };
    let one_of = |v: &str| {
        item.kind
            .has_code(v)
            .then(|| v.to_owned())
            .ok_or(AnswerError::NotAnOption)
    };
    let value = match (&item.kind, sub) {
        (ItemKind::Matrix { .. }, Some(_)) => one_of(raw)?,
        (ItemKind::IncidentGrid { .. }, Some(_)) => {
            let n = number(raw).ok_or(AnswerError::NotANumber)?;
            if n.fract() != 0.0 {
                return Err(AnswerError::NotAWholeNumber);
            }
            if n < 0.0 {
                return Err(AnswerError::Negative);
            }
            format!("{n}")
        }
        (ItemKind::MultipleChoice { .. }, _) => chosen(item, raw)?,
        (ItemKind::SingleChoice { .. } | ItemKind::Likert { .. } | ItemKind::YesNoDontKnow, _) => {
            one_of(raw)?
        }
        (ItemKind::Integer { .. }, _) => {
            let n = number(raw).ok_or(AnswerError::NotANumber)?;
            if n.fract() != 0.0 {
                return Err(AnswerError::NotAWholeNumber);
            }
            format!("{n}")
        }
        (ItemKind::Decimal { .. }, _) => format!("{}", number(raw).ok_or(AnswerError::NotANumber)?),
        (ItemKind::Time, _) => time_of(raw)?,
        (ItemKind::DateTime, _) => date_time_of(raw)?,
        (ItemKind::Date, _) => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map_err(|_| AnswerError::NotADate)?
            .format("%Y-%m-%d")
            .to_string(),
        (ItemKind::ShortText | ItemKind::LongText, _) => {
            if raw.chars().count() > MAX_TEXT {
                return Err(AnswerError::TooLong);
            }
            raw.to_owned()
        }
        (ItemKind::Note | ItemKind::Matrix { .. } | ItemKind::IncidentGrid { .. }, _) => {
            return Err(AnswerError::UnknownKey)
        }
        (ItemKind::Calculated { .. }, _) => return Err(AnswerError::Calculated),
    };
    Ok(Some(value))
}

/// The codes of a multiple choice, each once and in the order of the options.
fn chosen(item: &Item, raw: &str) -> Result<String, AnswerError> {
    let codes = item.kind.codes();
    let mut chosen: Vec<&str> = Vec::new();
    for c in raw.split_whitespace() {
        if !codes.iter().any(|k| k == c) {
            return Err(AnswerError::NotAnOption);
        }
        if !chosen.contains(&c) {
            chosen.push(c);
        }
    }
    Ok(codes
        .iter()
        .filter(|c| chosen.contains(&c.as_str()))
        .cloned()
        .collect::<Vec<_>>()
        .join(" "))
}

/// The value of a stored answer in logic expressions.
pub fn typed(item: &Item, raw: &str) -> Value {
    match item.kind.value_type() {
        expr::ValueType::Number => raw.parse().map(Value::Number).unwrap_or(Value::Null),
        expr::ValueType::Multi => Value::Multi(raw.split_whitespace().map(str::to_owned).collect()),
        expr::ValueType::Date => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map(Value::Date)
            .unwrap_or(Value::Null),
        _ => Value::Text(raw.to_owned()),
    }
}
