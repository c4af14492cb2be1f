//! Checks a definition as a whole: keys, texts, option lists and every logic expression. Run on
//! every save and import; all problems are reported at once, each with its place.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::model::{Choice, Definition, Item, ItemKind, Required, Text};
use crate::domain::expr::{self, CheckError, ParseError, Scope, ValueType};
use crate::i18n::Lang;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProblemKind {
    BadKey {
        key: String,
    },
    DuplicateKey {
        key: String,
    },
    MissingText,
    /// A text in English (or the form's other language) only: blocks publishing, not saving.
    NoDutch,
    NoSections,
    NoOptions,
    BadCode {
        code: String,
    },
    DuplicateCode {
        code: String,
    },
    BadScale {
        points: u8,
    },
    BadRange,
    Syntax {
        error: ParseError,
    },
    Logic {
        error: CheckError,
    },
    NotACondition,
}

/// A problem at a place: `location` names the section/item and the field, such as
/// `beleid/plan_actueel.relevant`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DefinitionProblem {
    pub location: String,
    #[serde(flatten)]
    pub kind: ProblemKind,
}

impl DefinitionProblem {
    pub fn message(&self, lang: Lang) -> String {
        use ProblemKind::*;
        let p = |nl: &str, en: &str| lang.pick(nl, en).to_owned();
        let text = match &self.kind {
            BadKey { key } => format!(
                "{} ‘{key}’",
                p(
                    "Ongeldige sleutel (letters, cijfers en _; begint met een letter):",
                    "Invalid key (letters, digits and _; starts with a letter):"
                )
            ),
            DuplicateKey { key } => format!(
                "{} ‘{key}’",
                p("Sleutel komt vaker voor:", "Key occurs more than once:")
            ),
            MissingText => p("Tekst ontbreekt", "Text is missing"),
            NoDutch => p(
                "Nederlandse tekst ontbreekt (nodig om te publiceren)",
                "Dutch text is missing (needed to publish)",
            ),
            NoSections => p(
                "De vragenlijst heeft geen onderdelen",
                "The questionnaire has no sections",
            ),
            NoOptions => p("Geen antwoordopties", "No answer options"),
            BadCode { code } => format!(
                "{} ‘{code}’",
                p("Ongeldige optiecode:", "Invalid option code:")
            ),
            DuplicateCode { code } => format!(
                "{} ‘{code}’",
                p(
                    "Optiecode komt vaker voor:",
                    "Option code occurs more than once:"
                )
            ),
            BadScale { points } => format!(
                "{} {points}",
                p(
                    "Een schaal heeft 2 tot 11 punten, niet",
                    "A scale has 2 to 11 points, not"
                )
            ),
            BadRange => p(
                "Minimum is groter dan maximum",
                "Minimum is greater than maximum",
            ),
            Syntax { error } => error.message(lang),
            Logic { error } => error.message(lang),
            NotACondition => p(
                "Dit moet een voorwaarde zijn (waar/onwaar)",
                "This must be a condition (true/false)",
            ),
        };
        format!("{}: {text}", self.location)
    }
}

/// What an expression of the item `key` may refer to: the items before it (with their types),
/// the items after it (forward references), and itself. For a key not in the definition (a new
/// item), every item counts as before it.
pub fn scope_for(def: &Definition, key: &str, own_type: Option<ValueType>) -> Scope {
    let mut scope = Scope {
        own_key: key.to_owned(),
        own_type,
        ..Scope::default()
    };
    let mut seen_self = false;
    for (_, item) in def.items() {
        if item.key == key {
            seen_self = true;
        } else if seen_self {
            scope.after.push(item.key.clone());
        } else {
            scope
                .before
                .insert(item.key.clone(), item.kind.value_type());
        }
    }
    scope
}

/// Every problem in the definition; empty when it is valid.
pub fn validate(def: &Definition) -> Vec<DefinitionProblem> {
    let mut problems = Vec::new();
    let mut add = |location: String, kind| problems.push(DefinitionProblem { location, kind });
    if !expr::is_key(&def.key) {
        add(
            "key".into(),
            ProblemKind::BadKey {
                key: def.key.clone(),
            },
        );
    }
    if def.title.is_blank() {
        add("title".into(), ProblemKind::MissingText);
    }
    if def.sections.is_empty() {
        add("sections".into(), ProblemKind::NoSections);
    }
    let order: Vec<&str> = def.items().map(|(_, i)| i.key.as_str()).collect();
    let mut seen = HashSet::new();
    let mut types: HashMap<String, ValueType> = HashMap::new();
    let mut position = 0;
    for section in &def.sections {
        let at = section.key.clone();
        check_key(&at, &section.key, &mut seen, &mut add);
        if section.title.is_blank() {
            add(format!("{at}.title"), ProblemKind::MissingText);
        }
        if let Some(relevant) = &section.relevant {
            let scope = Scope {
                before: types.clone(),
                after: order[position..].iter().map(|k| k.to_string()).collect(),
                own_key: section.key.clone(),
                own_type: None,
            };
            check_condition(&format!("{at}.relevant"), relevant, &scope, &mut add);
        }
        for item in &section.items {
            let at = format!("{}/{}", section.key, item.key);
            check_key(&at, &item.key, &mut seen, &mut add);
            check_item(&at, item, &mut add);
            let after: Vec<String> = order[position + 1..]
                .iter()
                .map(|k| k.to_string())
                .collect();
            let mut scope = Scope {
                before: types.clone(),
                after,
                own_key: item.key.clone(),
                own_type: None,
            };
            check_logic(&at, item, &mut scope, &mut add);
            types.insert(item.key.clone(), item.kind.value_type());
            position += 1;
        }
    }
    problems
}

/// An item's expressions: when it is asked, its calculation, its options' conditions, when it is
/// required and its constraint (which alone may use `.`).
fn check_logic(
    at: &str,
    item: &Item,
    scope: &mut Scope,
    add: &mut impl FnMut(String, ProblemKind),
) {
    if let Some(relevant) = &item.relevant {
        check_condition(&format!("{at}.relevant"), relevant, scope, add);
    }
    if let ItemKind::Calculated { expression } = &item.kind {
        // Any value: the check refuses a question without one (a matrix, a note).
        check_expression(&format!("{at}.calculation"), expression, scope, add);
    }
    for (code, condition) in &item.choice_conditions {
        let place = format!("{at}.choice_conditions.{code}");
        if item.kind.has_code(code) {
            check_condition(&place, condition, scope, add);
        } else {
            add(place, ProblemKind::BadCode { code: code.clone() });
        }
    }
    if let Required::When(condition) = &item.required {
        check_condition(&format!("{at}.required"), condition, scope, add);
    }
    if let Some(constraint) = &item.constraint {
        scope.own_type = Some(item.kind.value_type());
        check_condition(
            &format!("{at}.constraint"),
            &constraint.expression,
            scope,
            add,
        );
        if constraint.message.is_blank() {
            add(format!("{at}.constraint_message"), ProblemKind::MissingText);
        }
    }
}

/// A section's or item's key: a valid name, used once in the questionnaire.
fn check_key(
    at: &str,
    key: &str,
    seen: &mut HashSet<String>,
    add: &mut impl FnMut(String, ProblemKind),
) {
    if !expr::is_key(key) {
        add(at.into(), ProblemKind::BadKey { key: key.into() });
    } else if !seen.insert(key.into()) {
        add(at.into(), ProblemKind::DuplicateKey { key: key.into() });
    }
}

/// A condition: an expression that checks and is true or false.
fn check_condition(
    at: &str,
    source: &str,
    scope: &Scope,
    add: &mut impl FnMut(String, ProblemKind),
) {
    if let Some(ValueType::Bool | ValueType::Unknown) | None =
        check_expression(at, source, scope, add)
    {
        return;
    }
    add(at.into(), ProblemKind::NotACondition);
}

/// An expression parsed and checked, every problem reported; its type when it has none.
fn check_expression(
    at: &str,
    source: &str,
    scope: &Scope,
    add: &mut impl FnMut(String, ProblemKind),
) -> Option<ValueType> {
    match expr::parse(source) {
        Err(error) => {
            add(at.into(), ProblemKind::Syntax { error });
            None
        }
        Ok(node) => match expr::check(&node, scope) {
            Err(errors) => {
                errors
                    .into_iter()
                    .for_each(|error| add(at.into(), ProblemKind::Logic { error }));
                None
            }
            Ok(found) => Some(found),
        },
    }
}

fn check_item(at: &str, item: &Item, add: &mut impl FnMut(String, ProblemKind)) {
    if item.label.is_blank() {
        add(format!("{at}.label"), ProblemKind::MissingText);
    }
    let mut check_choices = |field: &str, options: &[Choice]| {
        if options.is_empty() {
            add(format!("{at}.{field}"), ProblemKind::NoOptions);
        }
        let mut codes = HashSet::new();
        for option in options {
            let code = option.code.trim();
            if code.is_empty() || code.contains(char::is_whitespace) {
                add(
                    format!("{at}.{field}"),
                    ProblemKind::BadCode {
                        code: option.code.clone(),
                    },
                );
            } else if !codes.insert(code.to_owned()) {
                add(
                    format!("{at}.{field}"),
                    ProblemKind::DuplicateCode {
                        code: option.code.clone(),
                    },
                );
            }
            if option.label.is_blank() {
                add(format!("{at}.{field}.{code}"), ProblemKind::MissingText);
            }
        }
    };
    match &item.kind {
        ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options } => {
            check_choices("options", options)
        }
        ItemKind::IncidentGrid { categories } => check_choices("categories", categories),
        ItemKind::Matrix { rows, scale } => {
            check_choices("rows", rows);
            check_choices("scale", scale);
        }
        ItemKind::Likert { points, anchors } => {
            if !(2..=11).contains(points) {
                add(
                    format!("{at}.points"),
                    ProblemKind::BadScale { points: *points },
                );
            }
            let valid = item.kind.codes();
            for anchor in anchors {
                if !valid.contains(&anchor.code) {
                    add(
                        format!("{at}.anchors"),
                        ProblemKind::BadCode {
                            code: anchor.code.clone(),
                        },
                    );
                }
            }
        }
        ItemKind::Integer {
            min: Some(lo),
            max: Some(hi),
            ..
        } if lo > hi => add(format!("{at}.range"), ProblemKind::BadRange),
        ItemKind::Calculated { expression } if expression.trim().is_empty() => {
            add(format!("{at}.calculation"), ProblemKind::MissingText)
        }
        ItemKind::Decimal {
            min: Some(lo),
            max: Some(hi),
            ..
        } if lo > hi => add(format!("{at}.range"), ProblemKind::BadRange),
        _ => {}
    }
}

/// Every text of the definition with its place: title, sections' titles and intros, items'
/// labels, hints, units and constraint messages, and the labels of options, rows and anchors.
pub fn texts(def: &Definition) -> Vec<(String, &Text)> {
    let mut texts = vec![("title".to_owned(), &def.title)];
    for section in &def.sections {
        let at = &section.key;
        texts.push((format!("{at}.title"), &section.title));
        if let Some(intro) = &section.intro {
            texts.push((format!("{at}.intro"), intro));
        }
        for item in &section.items {
            let at = format!("{at}/{}", item.key);
            texts.push((format!("{at}.label"), &item.label));
            if let Some(hint) = &item.hint {
                texts.push((format!("{at}.hint"), hint));
            }
            if let Some(constraint) = &item.constraint {
                texts.push((format!("{at}.constraint_message"), &constraint.message));
            }
            if let Some(message) = &item.required_message {
                texts.push((format!("{at}.required_message"), message));
            }
            let lists: Vec<(&str, &[Choice])> = match &item.kind {
                ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options } => {
                    vec![("options", options)]
                }
                ItemKind::Likert { anchors, .. } => vec![("anchors", anchors)],
                ItemKind::Matrix { rows, scale } => vec![("rows", rows), ("scale", scale)],
                ItemKind::IncidentGrid { categories } => vec![("categories", categories)],
                _ => Vec::new(),
            };
            for (field, choices) in lists {
                for choice in choices {
                    texts.push((format!("{at}.{field}.{}", choice.code), &choice.label));
                }
            }
            if let ItemKind::Integer {
                unit: Some(unit), ..
            }
            | ItemKind::Decimal {
                unit: Some(unit), ..
            } = &item.kind
            {
                texts.push((format!("{at}.unit"), unit));
            }
        }
    }
    texts
}

/// The texts a draft has only in another language than Dutch: shown on the version page, and
/// what stands between the draft and publishing.
pub fn untranslated(def: &Definition) -> Vec<DefinitionProblem> {
    texts(def)
        .into_iter()
        .filter(|(_, text)| text.lacks_dutch())
        .map(|(location, _)| DefinitionProblem {
            location,
            kind: ProblemKind::NoDutch,
        })
        .collect()
}

/// What must hold before a draft goes live: [`validate`], and Dutch for every text.
pub fn validate_for_publishing(def: &Definition) -> Vec<DefinitionProblem> {
    let mut problems = validate(def);
    problems.extend(untranslated(def));
    problems
}

/// The type of a calculation's value, as its expression gives it with the items before it.
pub fn calculated_type(def: &Definition, key: &str, expression: &str) -> ValueType {
    expr::parse(expression)
        .ok()
        .and_then(|node| expr::check(&node, &scope_for(def, key, None)).ok())
        .unwrap_or(ValueType::Unknown)
}
