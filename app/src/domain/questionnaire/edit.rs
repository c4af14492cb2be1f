//! Edits of a draft's definition, as the editor makes them. Each edit changes the definition in
//! place; the caller validates the result and stores it only when it is valid.

use super::model::{
    Choice, Constraint, Definition, Item, ItemKind, Privacy, Required, Section, Text,
};

/// Why an edit cannot be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    UnknownSection(String),
    UnknownItem(String),
    UnknownType(String),
    BadOptionLine(usize),
    UnknownOption(String),
    UnknownPrivacy(String),
}

/// Reads options written one per line as `code | Nederlands | English`.
pub fn parse_options(text: &str) -> Result<Vec<Choice>, EditError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let mut parts = line.split('|').map(str::trim);
            match (parts.next(), parts.next(), parts.next()) {
                (Some(code), Some(nl), en) if !code.is_empty() && !nl.is_empty() => Ok(Choice {
                    code: code.into(),
                    label: Text::new(nl, en.unwrap_or("")),
                }),
                _ => Err(EditError::BadOptionLine(i + 1)),
            }
        })
        .collect()
}

/// Writes options in the form [`parse_options`] reads.
pub fn format_options(options: &[Choice]) -> String {
    options
        .iter()
        .map(|o| {
            if o.label.en.is_empty() {
                format!("{} | {}", o.code, o.label.nl)
            } else {
                format!("{} | {} | {}", o.code, o.label.nl, o.label.en)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The options an item's type keeps in the editor's option field.
pub fn options_of(kind: &ItemKind) -> Option<&Vec<Choice>> {
    match kind {
        ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options } => Some(options),
        ItemKind::IncidentGrid { categories } => Some(categories),
        _ => None,
    }
}

/// A new item's kind from the editor's type name and option text.
pub fn new_kind(type_name: &str, options: &str) -> Result<ItemKind, EditError> {
    let options = || parse_options(options);
    Ok(match type_name {
        "single_choice" => ItemKind::SingleChoice {
            options: options()?,
        },
        "multiple_choice" => ItemKind::MultipleChoice {
            options: options()?,
        },
        "incident_grid" => ItemKind::IncidentGrid {
            categories: options()?,
        },
        "likert" => ItemKind::Likert {
            points: 5,
            anchors: Vec::new(),
        },
        "integer" => ItemKind::Integer {
            min: None,
            max: None,
            unit: None,
        },
        "decimal" => ItemKind::Decimal {
            min: None,
            max: None,
            unit: None,
        },
        "short_text" => ItemKind::ShortText,
        "long_text" => ItemKind::LongText,
        "date" => ItemKind::Date,
        "time" => ItemKind::Time,
        "date_time" => ItemKind::DateTime,
        "yes_no_dont_know" => ItemKind::YesNoDontKnow,
        "note" => ItemKind::Note,
        // The expression comes with the item's fields ([`ItemFields::calculation`]).
        "calculated" => ItemKind::Calculated {
            expression: String::new(),
        },
        other => return Err(EditError::UnknownType(other.into())),
    })
}

/// The fields of an item the editor changes.
#[derive(Clone, Debug, Default)]
pub struct ItemFields {
    pub label: Text,
    pub hint: Text,
    /// `ja`, `nee`, or a condition.
    pub required: String,
    pub relevant: String,
    pub constraint: String,
    pub constraint_message: Text,
    pub options: String,
    /// `special`, `identifying` or empty.
    pub privacy: String,
    /// A calculation's expression (other items ignore it).
    pub calculation: String,
}

fn optional(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl ItemFields {
    fn apply(&self, item: &mut Item) -> Result<(), EditError> {
        item.label = self.label.clone();
        item.hint = Some(self.hint.clone()).filter(|h| !h.is_blank());
        item.required = match self.required.trim() {
            "" | "nee" | "no" => Required::No,
            "ja" | "yes" => Required::Always(true),
            condition => Required::When(condition.into()),
        };
        item.relevant = optional(&self.relevant);
        item.constraint = optional(&self.constraint).map(|expression| Constraint {
            expression,
            message: self.constraint_message.clone(),
        });
        item.privacy = Privacy::parse(&self.privacy).map_err(EditError::UnknownPrivacy)?;
        let options = parse_options(&self.options)?;
        match &mut item.kind {
            ItemKind::SingleChoice { options: o } | ItemKind::MultipleChoice { options: o } => {
                *o = options
            }
            ItemKind::IncidentGrid { categories } => *categories = options,
            ItemKind::Calculated { expression } => *expression = self.calculation.trim().into(),
            _ => {}
        }
        Ok(())
    }
}

fn locate(def: &mut Definition, key: &str) -> Result<(usize, usize), EditError> {
    def.sections
        .iter()
        .enumerate()
        .find_map(|(s, section)| {
            section
                .items
                .iter()
                .position(|i| i.key == key)
                .map(|i| (s, i))
        })
        .ok_or_else(|| EditError::UnknownItem(key.into()))
}

/// Adds an item at the end of a section.
pub fn add_item(
    def: &mut Definition,
    section: &str,
    key: &str,
    kind: ItemKind,
    fields: &ItemFields,
) -> Result<(), EditError> {
    let target = def
        .sections
        .iter_mut()
        .find(|s| s.key == section)
        .ok_or_else(|| EditError::UnknownSection(section.into()))?;
    let mut item = Item::new(key.trim(), kind, Text::default());
    fields.apply(&mut item)?;
    target.items.push(item);
    Ok(())
}

pub fn update_item(def: &mut Definition, key: &str, fields: &ItemFields) -> Result<(), EditError> {
    let (s, i) = locate(def, key)?;
    fields.apply(&mut def.sections[s].items[i])
}

pub fn remove_item(def: &mut Definition, key: &str) -> Result<(), EditError> {
    let (s, i) = locate(def, key)?;
    def.sections[s].items.remove(i);
    Ok(())
}

/// Moves an item one place up or down; across section borders it moves to the neighbouring section.
pub fn move_item(def: &mut Definition, key: &str, up: bool) -> Result<(), EditError> {
    let (s, i) = locate(def, key)?;
    let len = def.sections[s].items.len();
    match (up, i) {
        (true, 0) if s > 0 => {
            let item = def.sections[s].items.remove(0);
            def.sections[s - 1].items.push(item);
        }
        (true, i) if i > 0 => def.sections[s].items.swap(i, i - 1),
        (false, i) if i + 1 < len => def.sections[s].items.swap(i, i + 1),
        (false, _) if s + 1 < def.sections.len() => {
            let item = def.sections[s].items.remove(i);
            def.sections[s + 1].items.insert(0, item);
        }
        _ => {}
    }
    Ok(())
}

pub fn add_section(def: &mut Definition, key: &str, title: Text) {
    def.sections.push(Section {
        key: key.trim().into(),
        title,
        intro: None,
        relevant: None,
        items: Vec::new(),
    });
}

/// Renames an item: its key, every `${key}` that refers to it, and the concordance, so results
/// stay comparable with the version this draft is based on.
pub fn rename_item(def: &mut Definition, key: &str, new_key: &str) -> Result<(), EditError> {
    let (s, i) = locate(def, key)?;
    let new_key = new_key.trim();
    def.sections[s].items[i].key = new_key.to_owned();
    let (from, to) = (format!("${{{key}}}"), format!("${{{new_key}}}"));
    let update = |e: &mut Option<String>| {
        if let Some(text) = e {
            *text = text.replace(&from, &to);
        }
    };
    for section in &mut def.sections {
        update(&mut section.relevant);
        for item in &mut section.items {
            update(&mut item.relevant);
            if let Required::When(c) = &mut item.required {
                *c = c.replace(&from, &to);
            }
            if let Some(constraint) = &mut item.constraint {
                constraint.expression = constraint.expression.replace(&from, &to);
            }
        }
    }
    def.concordance.rename(key, new_key);
    Ok(())
}

/// Gives an option a new code and records it in the concordance.
pub fn recode_option(
    def: &mut Definition,
    key: &str,
    code: &str,
    new_code: &str,
) -> Result<(), EditError> {
    let (s, i) = locate(def, key)?;
    let item = &mut def.sections[s].items[i];
    let options = match &mut item.kind {
        ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options } => options,
        ItemKind::IncidentGrid { categories } => categories,
        _ => return Err(EditError::UnknownOption(code.into())),
    };
    let option = options
        .iter_mut()
        .find(|o| o.code == code)
        .ok_or_else(|| EditError::UnknownOption(code.into()))?;
    option.code = new_code.trim().to_owned();
    def.concordance.recode(key, code, new_code.trim());
    Ok(())
}
