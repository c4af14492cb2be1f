//! XLSForm's `choice_filter`, worked out per option. A filter such as `state = ${state}` names
//! columns of the choices sheet without `${}`; for each option those names become that option's
//! values (`'texas' = ${state}`), which is an ordinary condition the logic engine evaluates in the
//! browser and on the server. `name` is the option's own code.

use std::collections::{BTreeMap, HashMap};

use crate::domain::questionnaire::Choice;

/// The words of the expression language that are not column names.
const WORDS: &[&str] = &["and", "or", "div", "mod"];

/// The condition under which one option is offered: `filter` with its bare names replaced by the
/// option's `code` and `columns`. `Err` holds a name that is neither.
pub(super) fn for_choice(
    filter: &str,
    code: &str,
    columns: &HashMap<String, String>,
) -> Result<String, String> {
    let chars: Vec<char> = filter.chars().collect();
    let mut out = String::with_capacity(filter.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c == '$' && chars.get(i + 1) == Some(&'{') {
            while i < chars.len() && chars[i] != '}' {
                i += 1;
            }
            i = (i + 1).min(chars.len());
            out.extend(&chars[start..i]);
        } else if c == '\'' || c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            i = (i + 1).min(chars.len());
            out.extend(&chars[start..i]);
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || "_-:.".contains(chars[i])) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let calls = chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&'(');
            if calls || WORDS.contains(&word.as_str()) {
                out.push_str(&word);
            } else if word == "name" {
                out.push_str(&quoted(code));
            } else {
                let value = columns.get(&word.to_lowercase()).ok_or(word)?;
                out.push_str(&quoted(value));
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(out)
}

/// A text literal of the expression language.
fn quoted(value: &str) -> String {
    if value.contains('\'') {
        format!("\"{value}\"")
    } else {
        format!("'{value}'")
    }
}

/// Options with their conditions, an option listed more than once (XLSForm allows that under a
/// filter: `king` county in two states) kept once and offered when any of its conditions holds.
pub(super) fn merged(
    options: Vec<(Choice, Option<String>)>,
) -> (Vec<Choice>, BTreeMap<String, String>) {
    let mut kept: Vec<Choice> = Vec::new();
    let mut conditions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut always: Vec<String> = Vec::new();
    for (choice, condition) in options {
        match condition {
            Some(c) => conditions.entry(choice.code.clone()).or_default().push(c),
            None => always.push(choice.code.clone()),
        }
        if !kept.iter().any(|k| k.code == choice.code) {
            kept.push(choice);
        }
    }
    let joined = conditions
        .into_iter()
        .filter(|(code, _)| !always.contains(code))
        .map(|(code, list)| {
            let condition = match list.as_slice() {
                [one] => one.clone(),
                many => many
                    .iter()
                    .map(|c| format!("({c})"))
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            (code, condition)
        })
        .collect();
    (kept, joined)
}
