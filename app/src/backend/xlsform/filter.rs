//! XLSForm's `choice_filter`, worked out per option. A filter such as `state = ${state}` names
//! columns of the choices sheet without `${}`; for each option those names become that option's
//! values (`'texas' = ${state}`), which is an ordinary condition the logic engine evaluates in the
//! browser and on the server. `name` is the option's own code. The same reading turns the XPath
//! paths of older forms into references.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::domain::questionnaire::Choice;

/// The words of the expression language that are not column names.
const WORDS: &[&str] = &["and", "or", "div", "mod"];

/// A part of an expression as written: kept as it is, a bare name (and whether a call follows),
/// or an XPath path (`../zone`, `/data/zone`).
enum Piece {
    Kept(String),
    Word { word: String, calls: bool },
    Path(String),
}

/// An expression cut into pieces: references `${…}` and text literals are kept whole.
fn pieces(expression: &str) -> Vec<Piece> {
    let chars: Vec<char> = expression.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let name_char = |c: char| c.is_alphanumeric() || "_-:.".contains(c);
    while i < chars.len() {
        let (c, start) = (chars[i], i);
        let after_value = out.last().is_some_and(|p: &Piece| match p {
            Piece::Kept(k) => k.ends_with(|c: char| c.is_alphanumeric() || c == ')'),
            _ => true,
        });
        if c == '$' && chars.get(i + 1) == Some(&'{') {
            while i < chars.len() && chars[i] != '}' {
                i += 1;
            }
            i = (i + 1).min(chars.len());
            out.push(Piece::Kept(chars[start..i].iter().collect()));
        } else if c == '\'' || c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            i = (i + 1).min(chars.len());
            out.push(Piece::Kept(chars[start..i].iter().collect()));
        } else if !after_value && (c == '/' || (c == '.' && chars.get(i + 1) == Some(&'.'))) {
            while i < chars.len() && (name_char(chars[i]) || chars[i] == '/') {
                i += 1;
            }
            out.push(Piece::Path(chars[start..i].iter().collect()));
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len() && name_char(chars[i]) {
                i += 1;
            }
            let calls = chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&'(');
            let word = chars[start..i].iter().collect();
            out.push(Piece::Word { word, calls });
        } else {
            out.push(Piece::Kept(c.to_string()));
            i += 1;
        }
    }
    out
}

/// The condition under which one option is offered: `filter` with its bare names replaced by the
/// option's `code` and `columns`. `Err` holds a name that is neither.
pub(super) fn for_choice(
    filter: &str,
    code: &str,
    columns: &HashMap<String, String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(filter.len());
    for piece in pieces(filter) {
        match piece {
            Piece::Kept(text) | Piece::Path(text) => out.push_str(&text),
            Piece::Word { word, calls } if calls || WORDS.contains(&word.as_str()) => {
                out.push_str(&word)
            }
            Piece::Word { word, .. } if word == "name" => out.push_str(&quoted(code)),
            Piece::Word { word, .. } => {
                let value = columns.get(&word.to_lowercase()).ok_or(word)?;
                // A cell that refers to a question (`${name1}`) is that question's answer.
                let reference = value.starts_with("${")
                    && value.ends_with('}')
                    && value.matches("${").count() == 1;
                if reference {
                    out.push_str(value);
                } else {
                    out.push_str(&quoted(value));
                }
            }
        }
    }
    Ok(out)
}

/// An expression with its XPath paths (how older forms refer to questions: `../zone`,
/// `/data/zone`) written as references `${zone}` where the last step names a question of the
/// form (`names`); other paths stay, for the check to report.
pub(super) fn references(expression: &str, names: &HashSet<String>) -> String {
    pieces(expression)
        .into_iter()
        .map(|piece| match piece {
            Piece::Path(path) => match path.rsplit('/').next() {
                Some(last) if names.contains(last) => format!("${{{last}}}"),
                _ => path,
            },
            Piece::Kept(text) | Piece::Word { word: text, .. } => text,
        })
        .collect()
}

/// An expression with the curly quotes a spreadsheet's autocorrect types (‘other’, “x”) as the
/// plain ones the language reads, as pyxform does.
pub(super) fn plain_quotes(expression: &str) -> String {
    expression
        .replace(['‘', '’'], "'")
        .replace(['“', '”'], "\"")
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
