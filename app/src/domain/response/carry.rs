//! Last year's answers carried forward into a new response.

use super::{normalise, Answers};
use crate::domain::questionnaire::{Concordance, Definition};

/// The answers of an earlier version carried into `def`: keys renamed and codes recoded through the
/// concordances of the versions in between (oldest first); answers that no longer fit are dropped.
/// A calculation's or read-only item's value is carried as it was (it is never given, so never
/// checked as an answer).
pub fn carry_forward(old: &Answers, concordances: &[&Concordance], def: &Definition) -> Answers {
    let mut current = old.clone();
    for concordance in concordances {
        let mut next = Answers::new();
        for (key, value) in &current {
            let (base, sub) = match key.split_once('.') {
                Some((b, s)) => (b, Some(s)),
                None => (key.as_str(), None),
            };
            let new_base = concordance.keys.get(base).map_or(base, String::as_str);
            let recode = |code: &str| -> String {
                concordance
                    .codes
                    .get(new_base)
                    .and_then(|m| m.get(code))
                    .cloned()
                    .unwrap_or_else(|| code.to_owned())
            };
            let (new_key, new_value) = match sub {
                Some(s) => (format!("{new_base}.{s}"), recode(value)),
                None => (
                    new_base.to_owned(),
                    value
                        .split_whitespace()
                        .map(recode)
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
            };
            next.insert(new_key, new_value);
        }
        current = next;
    }
    current
        .into_iter()
        .filter_map(|(k, v)| {
            if def.item(&k).is_some_and(|i| !i.given()) {
                return Some((k, v));
            }
            match normalise(def, &k, &v) {
                Ok(Some(v)) => Some((k, v)),
                _ => None,
            }
        })
        .collect()
}
