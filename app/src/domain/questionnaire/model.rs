//! Types of a questionnaire version's content, serialised as the JSON definition format.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::expr::ValueType;
use crate::i18n::Lang;

/// A text in Dutch (required) and English (optional: falls back to Dutch).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Text {
    pub nl: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub en: String,
}

impl Text {
    pub fn new(nl: &str, en: &str) -> Text {
        Text {
            nl: nl.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`: English falls back to Dutch, and Dutch to English while a draft (an
    /// imported English form, say) has no Dutch yet.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en.is_empty() => &self.en,
            _ if self.nl.is_empty() => &self.en,
            _ => &self.nl,
        }
    }

    /// No text in either language.
    pub fn is_blank(&self) -> bool {
        self.nl.trim().is_empty() && self.en.trim().is_empty()
    }

    /// A text that exists but not in Dutch: a draft may hold it, a published version may not.
    pub fn lacks_dutch(&self) -> bool {
        self.nl.trim().is_empty() && !self.en.trim().is_empty()
    }
}

/// The life of a version: a draft can change; a published version never does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionStatus {
    Draft,
    Published,
    Retired,
}

impl VersionStatus {
    pub const ALL: [VersionStatus; 3] = [
        VersionStatus::Draft,
        VersionStatus::Published,
        VersionStatus::Retired,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Draft => "draft",
            VersionStatus::Published => "published",
            VersionStatus::Retired => "retired",
        }
    }

    /// The status of a stored name; `None` for a name this version does not know.
    pub fn parse(s: &str) -> Option<VersionStatus> {
        VersionStatus::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// An answer option with a stable code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Choice {
    pub code: String,
    pub label: Text,
}

/// Whether an answer is required: never, always, or when an expression holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub enum Required {
    #[default]
    No,
    Always(bool),
    When(String),
}

/// A condition on the item's own value (`.`) with the message shown when it fails.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Constraint {
    pub expression: String,
    pub message: Text,
}

/// What kind of answer an item takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub enum ItemKind {
    SingleChoice {
        options: Vec<Choice>,
    },
    MultipleChoice {
        options: Vec<Choice>,
    },
    /// A scale of `points` (codes 1..=points) with labels for some or all points.
    Likert {
        points: u8,
        anchors: Vec<Choice>,
    },
    /// Rows that share one scale; each row is answered like a single choice.
    Matrix {
        rows: Vec<Choice>,
        scale: Vec<Choice>,
    },
    Integer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
    },
    Decimal {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
    },
    ShortText,
    LongText,
    Date,
    /// A time of day, stored `HH:MM`.
    Time,
    /// A date and time, stored `YYYY-MM-DDTHH:MM`.
    DateTime,
    /// Ja / nee / weet niet, with the codes `ja`, `nee`, `weet_niet`.
    YesNoDontKnow,
    /// Categories × the number in the last school year.
    IncidentGrid {
        categories: Vec<Choice>,
    },
    /// Text only, no answer.
    Note,
    /// A value derived from the answers before it (XLSForm's `calculate`): not asked, worked out
    /// in the browser as the user answers and on the server at every save, stored with the
    /// answers, and usable in later logic.
    Calculated {
        expression: String,
    },
}

/// The codes of a ja / nee / weet niet item.
pub const YES_NO_CODES: [&str; 3] = ["ja", "nee", "weet_niet"];

impl ItemKind {
    /// The type of the answer in logic expressions.
    pub fn value_type(&self) -> ValueType {
        match self {
            ItemKind::SingleChoice { .. } | ItemKind::YesNoDontKnow | ItemKind::Likert { .. } => {
                ValueType::Choice
            }
            ItemKind::MultipleChoice { .. } => ValueType::Multi,
            ItemKind::Integer { .. } | ItemKind::Decimal { .. } => ValueType::Number,
            ItemKind::ShortText | ItemKind::LongText => ValueType::Text,
            ItemKind::Date => ValueType::Date,
            // Compared as text: `HH:MM` and `YYYY-MM-DDTHH:MM` sort as they should.
            ItemKind::Time | ItemKind::DateTime => ValueType::Text,
            ItemKind::Matrix { .. } | ItemKind::IncidentGrid { .. } | ItemKind::Note => {
                ValueType::NoValue
            }
            // Numbers, text or dates, as the expression gives: checked where it is used.
            ItemKind::Calculated { .. } => ValueType::Unknown,
        }
    }

    /// The stable name of the type, as in the JSON format.
    pub fn name(&self) -> &'static str {
        match self {
            ItemKind::SingleChoice { .. } => "single_choice",
            ItemKind::MultipleChoice { .. } => "multiple_choice",
            ItemKind::Likert { .. } => "likert",
            ItemKind::Matrix { .. } => "matrix",
            ItemKind::Integer { .. } => "integer",
            ItemKind::Decimal { .. } => "decimal",
            ItemKind::ShortText => "short_text",
            ItemKind::LongText => "long_text",
            ItemKind::Date => "date",
            ItemKind::Time => "time",
            ItemKind::DateTime => "date_time",
            ItemKind::YesNoDontKnow => "yes_no_dont_know",
            ItemKind::IncidentGrid { .. } => "incident_grid",
            ItemKind::Note => "note",
            ItemKind::Calculated { .. } => "calculated",
        }
    }

    /// Whether the item asks something (not a note, not a calculation).
    pub fn asks(&self) -> bool {
        !matches!(self, ItemKind::Note | ItemKind::Calculated { .. })
    }

    /// The option codes an answer can take (choices, Likert points, yes/no/don't know).
    pub fn codes(&self) -> Vec<String> {
        match self {
            ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options } => {
                options.iter().map(|o| o.code.clone()).collect()
            }
            ItemKind::Likert { points, .. } => (1..=*points).map(|p| p.to_string()).collect(),
            ItemKind::Matrix { scale, .. } => scale.iter().map(|o| o.code.clone()).collect(),
            ItemKind::YesNoDontKnow => YES_NO_CODES.map(String::from).to_vec(),
            _ => Vec::new(),
        }
    }

    /// Whether `code` is one of [`codes`](Self::codes), without making the list.
    pub fn has_code(&self, code: &str) -> bool {
        match self {
            ItemKind::SingleChoice { options }
            | ItemKind::MultipleChoice { options }
            | ItemKind::Matrix { scale: options, .. } => options.iter().any(|o| o.code == code),
            ItemKind::Likert { points, .. } => {
                !code.starts_with('0')
                    && code.bytes().all(|b| b.is_ascii_digit())
                    && code.parse::<u8>().is_ok_and(|p| (1..=*points).contains(&p))
            }
            ItemKind::YesNoDontKnow => YES_NO_CODES.contains(&code),
            _ => false,
        }
    }
}

/// One question or note.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Item {
    pub key: String,
    #[serde(flatten)]
    pub kind: ItemKind,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    #[serde(default, skip_serializing_if = "is_not_required")]
    pub required: Required,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<Constraint>,
    /// Special-category or identifying: left out of raw exports unless allowed and logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<Privacy>,
    /// What a required question says while it is open, instead of the standard message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_message: Option<Text>,
    /// How a choice question is shown (XLSForm's `appearance`); the standard list without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appearance: Option<Appearance>,
    /// Per option code, the condition under which the option is offered (XLSForm's
    /// `choice_filter`, worked out per option); options without one are always offered.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub choice_conditions: BTreeMap<String, String>,
    /// The answer a new response starts with (stored when the round opens, as an answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Shown but not answered: its value is the default (XLSForm's `read_only`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
}

impl Item {
    /// An item with only its key, kind and label: not required, no logic, no marks.
    pub fn new(key: &str, kind: ItemKind, label: Text) -> Item {
        Item {
            key: key.into(),
            kind,
            label,
            hint: None,
            required: Required::No,
            relevant: None,
            constraint: None,
            privacy: None,
            required_message: None,
            appearance: None,
            choice_conditions: BTreeMap::new(),
            default: None,
            read_only: false,
        }
    }

    /// Whether the respondent gives this item's answer (not a calculation, not read-only).
    pub fn given(&self) -> bool {
        !self.read_only && !matches!(self.kind, ItemKind::Calculated { .. })
    }
}

/// How the options of a choice question are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub enum Appearance {
    /// A drop-down list (XLSForm `minimal`).
    Minimal,
    /// The options side by side (XLSForm `horizontal`, `horizontal-compact`).
    Horizontal,
}

impl Appearance {
    /// The XLSForm name.
    pub fn as_str(self) -> &'static str {
        match self {
            Appearance::Minimal => "minimal",
            Appearance::Horizontal => "horizontal",
        }
    }
}

/// Why an item's answers need more protection than the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub enum Privacy {
    /// Special-category data (GDPR art. 9: health and disability, sexual orientation, ethnicity).
    Special,
    /// Could identify a person (a name, a free-text description of an incident).
    Identifying,
}

impl Privacy {
    pub const ALL: [Privacy; 2] = [Privacy::Special, Privacy::Identifying];

    /// The stored form, also used in forms and XLSForm's `privacy` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Privacy::Special => "special",
            Privacy::Identifying => "identifying",
        }
    }

    /// Parses the stored form; empty is no mark, anything else unknown is `Err`.
    pub fn parse(s: &str) -> Result<Option<Privacy>, String> {
        let s = s.trim();
        if s.is_empty() || s == "none" {
            return Ok(None);
        }
        Privacy::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .map(Some)
            .ok_or_else(|| s.to_owned())
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Privacy::Special => lang.pick(
                "Bijzonder persoonsgegeven (AVG art. 9)",
                "Special-category data (GDPR art. 9)",
            ),
            Privacy::Identifying => lang.pick("Identificerend", "Identifying"),
        }
    }
}

fn is_not_required(r: &Required) -> bool {
    matches!(r, Required::No | Required::Always(false))
}

/// A page of items, optionally shown only when `relevant` holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Section {
    pub key: String,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant: Option<String>,
    pub items: Vec<Item>,
}

/// The content of one questionnaire version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Definition {
    /// The questionnaire's stable key.
    pub key: String,
    pub title: Text,
    pub sections: Vec<Section>,
    /// Renamed keys and recoded options since the version this one was based on.
    #[serde(default, skip_serializing_if = "Concordance::is_empty")]
    pub concordance: Concordance,
}

impl Definition {
    /// Every item in order, with the section it stands in.
    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    pub fn item(&self, key: &str) -> Option<&Item> {
        self.items().map(|(_, i)| i).find(|i| i.key == key)
    }
}

/// Old key → new key and, per new key, old option code → new code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Concordance {
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
    #[serde(default)]
    pub codes: BTreeMap<String, BTreeMap<String, String>>,
}

impl Concordance {
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.codes.is_empty()
    }

    /// Records that `from` is now called `to` (following an earlier rename of the same item).
    pub fn rename(&mut self, from: &str, to: &str) {
        let original = self
            .keys
            .iter()
            .find(|(_, new)| *new == from)
            .map(|(old, _)| old.clone());
        let original = original.unwrap_or_else(|| from.to_owned());
        self.keys.remove(&original);
        if original != to {
            self.keys.insert(original, to.to_owned());
        }
        if let Some(codes) = self.codes.remove(from) {
            self.codes.insert(to.to_owned(), codes);
        }
    }

    /// Records that option `from` of item `key` is now coded `to`.
    pub fn recode(&mut self, key: &str, from: &str, to: &str) {
        let codes = self.codes.entry(key.to_owned()).or_default();
        let original = codes
            .iter()
            .find(|(_, new)| *new == from)
            .map(|(old, _)| old.clone());
        let original = original.unwrap_or_else(|| from.to_owned());
        codes.remove(&original);
        if original != to {
            codes.insert(original, to.to_owned());
        }
        if codes.is_empty() {
            self.codes.remove(key);
        }
    }
}
