//! The semantic difference between two versions, and the concordance that links items and codes
//! across versions so year-on-year figures stay comparable.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::model::{Concordance, Definition, Item, ItemKind, Text};
use crate::i18n::Lang;

mod describe;

/// How a change affects comparing results across the two versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Wording or place only: figures stay comparable.
    Cosmetic,
    /// The wording of a question, its options or its scale's anchors: respondents may read it
    /// otherwise, so check before comparing.
    Check,
    /// Content changes that keep old answers meaningful (new item, new option, other logic).
    Compatible,
    /// Old and new answers cannot be compared as they are.
    Breaking,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Moved {
        from: String,
        to: String,
    },
    Renamed {
        from: String,
    },
    /// A text (Dutch), old and new side by side.
    TextChanged {
        field: String,
        #[serde(default)]
        from: String,
        #[serde(default)]
        to: String,
    },
    /// The unit of a number.
    UnitChanged {
        from: String,
        to: String,
    },
    /// The minimum or maximum of a number (`field`: `min` or `max`; empty: none).
    RangeChanged {
        field: String,
        from: String,
        to: String,
    },
    /// A section's `title` or condition (`relevant`); the change's key is the section's.
    SectionChanged {
        field: String,
        from: String,
        to: String,
    },
    TypeChanged {
        from: String,
        to: String,
    },
    OptionAdded {
        code: String,
    },
    OptionRemoved {
        code: String,
    },
    OptionRecoded {
        from: String,
        to: String,
    },
    ScaleChanged,
    LogicChanged {
        field: String,
    },
    /// The item's privacy mark (`special`, `identifying` or empty).
    PrivacyChanged {
        from: String,
        to: String,
    },
    /// A calculation's expression: what is stored under the key is worked out differently.
    CalculationChanged {
        from: String,
        to: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The item's key in the newer version (the old key for removed items).
    pub key: String,
    #[serde(flatten)]
    pub kind: ChangeKind,
    pub severity: Severity,
}

impl Change {
    fn new(key: &str, kind: ChangeKind) -> Change {
        let severity = match &kind {
            // A mark taken away lets answers into raw exports: never a small change.
            ChangeKind::PrivacyChanged { to, .. } if to.is_empty() => Severity::Breaking,
            ChangeKind::PrivacyChanged { .. } => Severity::Compatible,
            ChangeKind::TextChanged { field, .. }
                if field == "hint" || field == "required_message" =>
            {
                Severity::Cosmetic
            }
            ChangeKind::TextChanged { .. } => Severity::Check,
            ChangeKind::SectionChanged { field, .. } if field == "title" => Severity::Cosmetic,
            ChangeKind::SectionChanged { .. } => Severity::Compatible,
            ChangeKind::Moved { .. } => Severity::Cosmetic,
            ChangeKind::Added
            | ChangeKind::OptionAdded { .. }
            | ChangeKind::LogicChanged { .. } => Severity::Compatible,
            _ => Severity::Breaking,
        };
        Change {
            key: key.into(),
            kind,
            severity,
        }
    }
}

/// The changes from `old` to `new`, in the order of the new version (removed items last).
/// The key in the version after a concordance of the item called `key` before it.
fn renamed<'a>(concordance: &'a Concordance, key: &'a str) -> &'a str {
    concordance.keys.get(key).map_or(key, String::as_str)
}

/// The items of `old` whose privacy mark `new` (with `new`'s concordance) takes away: their
/// keys in `new`. Publishing such a version needs an admin's approval.
pub fn weakened_marks(
    old: &Definition,
    new: &Definition,
    concordance: &Concordance,
) -> Vec<String> {
    diff(old, new, concordance)
        .into_iter()
        .filter(|c| matches!(&c.kind, ChangeKind::PrivacyChanged { to, .. } if to.is_empty()))
        .map(|c| c.key)
        .collect()
}

/// Gives every item of `target` that is unmarked the mark its predecessor had in `older`
/// (followed through `concordances`, oldest first, up to `target`): what raw exports withhold is
/// the strictest mark an item had in any version whose answers they hold.
pub fn keep_strictest_marks(
    target: &mut Definition,
    older: &Definition,
    concordances: &[&Concordance],
) {
    for (_, item) in older.items() {
        let Some(mark) = item.privacy else {
            continue;
        };
        let key = concordances
            .iter()
            .fold(item.key.clone(), |key, c| renamed(c, &key).to_owned());
        for section in &mut target.sections {
            for i in section.items.iter_mut().filter(|i| i.key == key) {
                i.privacy = Some(i.privacy.unwrap_or(mark));
            }
        }
    }
}

pub fn diff(old: &Definition, new: &Definition, concordance: &Concordance) -> Vec<Change> {
    let old_items: HashMap<&str, (&str, &Item)> = old
        .items()
        .map(|(s, i)| (i.key.as_str(), (s.key.as_str(), i)))
        .collect();
    let renamed_to: HashMap<&str, &str> = concordance
        .keys
        .iter()
        .map(|(o, n)| (n.as_str(), o.as_str()))
        .collect();
    let mut matched = Vec::new();
    let mut changes = Vec::new();
    compare_sections(old, new, &mut changes);
    for (section, item) in new.items() {
        let old_key = renamed_to
            .get(item.key.as_str())
            .copied()
            .unwrap_or(item.key.as_str());
        let Some((old_section, old_item)) = old_items.get(old_key) else {
            changes.push(Change::new(&item.key, ChangeKind::Added));
            continue;
        };
        matched.push(old_key);
        if old_key != item.key {
            changes.push(Change::new(
                &item.key,
                ChangeKind::Renamed {
                    from: old_key.into(),
                },
            ));
        }
        if *old_section != section.key {
            let kind = ChangeKind::Moved {
                from: (*old_section).into(),
                to: section.key.clone(),
            };
            changes.push(Change::new(&item.key, kind));
        }
        let codes = concordance.codes.get(&item.key);
        compare_item(old_item, item, codes, &mut changes);
    }
    for (_, item) in old.items() {
        if !matched.contains(&item.key.as_str()) {
            changes.push(Change::new(&item.key, ChangeKind::Removed));
        }
    }
    changes
}

fn compare_item(
    old: &Item,
    new: &Item,
    codes: Option<&BTreeMap<String, String>>,
    out: &mut Vec<Change>,
) {
    let key = new.key.as_str();
    if old.kind.name() != new.kind.name() {
        let kind = ChangeKind::TypeChanged {
            from: old.kind.name().into(),
            to: new.kind.name().into(),
        };
        out.push(Change::new(key, kind));
        return;
    }
    let dutch = |t: Option<&Text>| t.map(|t| t.get(Lang::Nl).to_owned()).unwrap_or_default();
    if old.label != new.label {
        let (from, to) = (dutch(Some(&old.label)), dutch(Some(&new.label)));
        let field = "label".into();
        out.push(Change::new(
            key,
            ChangeKind::TextChanged { field, from, to },
        ));
    }
    for (field, a, b) in [
        ("hint", old.hint.as_ref(), new.hint.as_ref()),
        (
            "required_message",
            old.required_message.as_ref(),
            new.required_message.as_ref(),
        ),
    ] {
        if a != b {
            let (from, to, field) = (dutch(a), dutch(b), field.into());
            out.push(Change::new(
                key,
                ChangeKind::TextChanged { field, from, to },
            ));
        }
    }
    compare_numbers(key, &old.kind, &new.kind, out);
    compare_logic(key, old, new, out);
    if old.privacy != new.privacy {
        let mark =
            |p: Option<super::model::Privacy>| p.map(|p| p.as_str().to_owned()).unwrap_or_default();
        out.push(Change::new(
            key,
            ChangeKind::PrivacyChanged {
                from: mark(old.privacy),
                to: mark(new.privacy),
            },
        ));
    }
    match (&old.kind, &new.kind) {
        (ItemKind::Likert { points: a, .. }, ItemKind::Likert { points: b, .. }) if a != b => {
            out.push(Change::new(key, ChangeKind::ScaleChanged));
        }
        (ItemKind::Likert { anchors: a, .. }, ItemKind::Likert { anchors: b, .. }) if a != b => {
            let (from, to) = (anchor_text(a), anchor_text(b));
            let field = "anchors".into();
            out.push(Change::new(
                key,
                ChangeKind::TextChanged { field, from, to },
            ));
        }
        (ItemKind::Matrix { scale: a, .. }, ItemKind::Matrix { scale: b, .. })
            if a.iter().map(|c| &c.code).ne(b.iter().map(|c| &c.code)) =>
        {
            out.push(Change::new(key, ChangeKind::ScaleChanged));
        }
        _ => compare_options(old, new, codes, out),
    }
}

/// When an item is asked, required and accepted, and how a calculation is worked out.
fn compare_logic(key: &str, old: &Item, new: &Item, out: &mut Vec<Change>) {
    if let (ItemKind::Calculated { expression: from }, ItemKind::Calculated { expression: to }) =
        (&old.kind, &new.kind)
    {
        if from != to {
            let (from, to) = (from.clone(), to.clone());
            out.push(Change::new(
                key,
                ChangeKind::CalculationChanged { from, to },
            ));
        }
    }
    for (field, a, b) in [
        ("relevant", old.relevant.clone(), new.relevant.clone()),
        (
            "required",
            Some(format!("{:?}", old.required)),
            Some(format!("{:?}", new.required)),
        ),
        (
            "constraint",
            old.constraint.as_ref().map(|c| c.expression.clone()),
            new.constraint.as_ref().map(|c| c.expression.clone()),
        ),
        (
            "choice_conditions",
            Some(format!("{:?}", old.choice_conditions)),
            Some(format!("{:?}", new.choice_conditions)),
        ),
        ("default", old.default.clone(), new.default.clone()),
        (
            "read_only",
            Some(old.read_only.to_string()),
            Some(new.read_only.to_string()),
        ),
    ] {
        if a != b {
            out.push(Change::new(
                key,
                ChangeKind::LogicChanged {
                    field: field.into(),
                },
            ));
        }
    }
}

/// A Likert scale's anchors as one text (`1 Nooit; 5 Altijd`).
fn anchor_text(anchors: &[super::model::Choice]) -> String {
    anchors
        .iter()
        .map(|a| format!("{} {}", a.code, a.label.get(Lang::Nl)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A number's unit, minimum and maximum: each change breaks the series.
fn compare_numbers(key: &str, old: &ItemKind, new: &ItemKind, out: &mut Vec<Change>) {
    let bounds = |kind: &ItemKind| match kind {
        ItemKind::Integer { min, max, unit } => Some((
            min.map(|n| n.to_string()),
            max.map(|n| n.to_string()),
            unit.as_ref().map(|u| u.get(Lang::Nl).to_owned()),
        )),
        ItemKind::Decimal { min, max, unit } => Some((
            min.map(|n| n.to_string()),
            max.map(|n| n.to_string()),
            unit.as_ref().map(|u| u.get(Lang::Nl).to_owned()),
        )),
        _ => None,
    };
    let (Some((min_a, max_a, unit_a)), Some((min_b, max_b, unit_b))) = (bounds(old), bounds(new))
    else {
        return;
    };
    for (field, a, b) in [("min", min_a, min_b), ("max", max_a, max_b)] {
        if a != b {
            let (from, to) = (a.unwrap_or_default(), b.unwrap_or_default());
            let field = field.into();
            out.push(Change::new(
                key,
                ChangeKind::RangeChanged { field, from, to },
            ));
        }
    }
    if unit_a != unit_b {
        let (from, to) = (unit_a.unwrap_or_default(), unit_b.unwrap_or_default());
        out.push(Change::new(key, ChangeKind::UnitChanged { from, to }));
    }
}

/// The title and condition of every section in both versions.
fn compare_sections(old: &Definition, new: &Definition, out: &mut Vec<Change>) {
    for section in &new.sections {
        let Some(before) = old.sections.iter().find(|s| s.key == section.key) else {
            continue;
        };
        let fields = [
            (
                "title",
                before.title.get(Lang::Nl).to_owned(),
                section.title.get(Lang::Nl).to_owned(),
            ),
            (
                "relevant",
                before.relevant.clone().unwrap_or_default(),
                section.relevant.clone().unwrap_or_default(),
            ),
        ];
        for (field, from, to) in fields {
            if from != to {
                let field = field.into();
                let kind = ChangeKind::SectionChanged { field, from, to };
                out.push(Change::new(&section.key, kind));
            }
        }
    }
}

fn options(kind: &ItemKind) -> Vec<(&str, &Text)> {
    match kind {
        ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options } => options
            .iter()
            .map(|o| (o.code.as_str(), &o.label))
            .collect(),
        ItemKind::IncidentGrid { categories } => categories
            .iter()
            .map(|o| (o.code.as_str(), &o.label))
            .collect(),
        ItemKind::Matrix { rows, .. } => rows.iter().map(|o| (o.code.as_str(), &o.label)).collect(),
        _ => Vec::new(),
    }
}

fn compare_options(
    old: &Item,
    new: &Item,
    codes: Option<&BTreeMap<String, String>>,
    out: &mut Vec<Change>,
) {
    let key = new.key.as_str();
    let (before, after) = (options(&old.kind), options(&new.kind));
    let mut labels_changed = false;
    for (code, label) in &before {
        let mapped = codes
            .and_then(|m| m.get(*code))
            .map(String::as_str)
            .unwrap_or(code);
        match after.iter().find(|(c, _)| *c == mapped) {
            Some((_, new_label)) => {
                if mapped != *code {
                    out.push(Change::new(
                        key,
                        ChangeKind::OptionRecoded {
                            from: (*code).into(),
                            to: mapped.into(),
                        },
                    ));
                }
                labels_changed |= label != new_label;
            }
            None => out.push(Change::new(
                key,
                ChangeKind::OptionRemoved {
                    code: (*code).into(),
                },
            )),
        }
    }
    for (code, _) in &after {
        let known = before.iter().any(|(c, _)| {
            codes
                .and_then(|m| m.get(*c))
                .map(String::as_str)
                .unwrap_or(c)
                == *code
        });
        if !known {
            out.push(Change::new(
                key,
                ChangeKind::OptionAdded {
                    code: (*code).into(),
                },
            ));
        }
    }
    if labels_changed {
        let text = |options: &[(&str, &Text)]| {
            options
                .iter()
                .map(|(code, label)| format!("{code} {}", label.get(Lang::Nl)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let (from, to) = (text(&before), text(&after));
        let field = "options".into();
        out.push(Change::new(
            key,
            ChangeKind::TextChanged { field, from, to },
        ));
    }
}
