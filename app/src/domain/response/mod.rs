//! Answers to a questionnaire version and the rules that apply to them: which items apply given
//! the answers so far, whether an answer fits its item, which required items are open, progress,
//! and carrying last year's answers forward through the concordance. The browser and the server
//! both run these functions.
//!
//! Answers are stored as text, one per answer key: the item key, or `item.row` for a row of a
//! matrix or a category of an incident grid. Choices hold their code, multiple choices their codes
//! separated by spaces, numbers a decimal with a point, dates `YYYY-MM-DD`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::expr::{self, Env, Value};
use super::questionnaire::{Concordance, Definition, Item, ItemKind, Required, Text};

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

/// Why a value cannot be stored for an item at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnswerError {
    UnknownKey,
    NotAnOption,
    NotANumber,
    NotAWholeNumber,
    NotADate,
    Negative,
    TooLong,
    /// The item does not apply given the other answers (its condition does not hold).
    NotApplicable,
}

impl AnswerError {
    pub fn message(&self) -> Text {
        let t = Text::new;
        match self {
            AnswerError::UnknownKey => t(
                "Deze vraag bestaat niet in deze vragenlijst.",
                "This question does not exist in this questionnaire.",
            ),
            AnswerError::NotAnOption => t(
                "Kies een van de gegeven antwoorden.",
                "Choose one of the given answers.",
            ),
            AnswerError::NotANumber => t("Vul een getal in.", "Enter a number."),
            AnswerError::NotAWholeNumber => t("Vul een geheel getal in.", "Enter a whole number."),
            AnswerError::NotADate => t(
                "Vul een datum in als jjjj-mm-dd.",
                "Enter a date as yyyy-mm-dd.",
            ),
            AnswerError::Negative => t(
                "Vul een aantal van 0 of meer in.",
                "Enter a count of 0 or more.",
            ),
            AnswerError::NotApplicable => t(
                "Deze vraag is niet van toepassing bij uw andere antwoorden.",
                "This question does not apply given your other answers.",
            ),
            AnswerError::TooLong => t(
                "Het antwoord is te lang (maximaal 10.000 tekens).",
                "The answer is too long (at most 10,000 characters).",
            ),
        }
    }
}

/// The longest text answer accepted.
pub const MAX_TEXT: usize = 10_000;

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

/// Normalises a raw answer and checks that it fits its item; an empty answer clears it.
pub fn normalise(
    def: &Definition,
    answer_key: &str,
    raw: &str,
) -> Result<Option<String>, AnswerError> {
    let (item, sub) = item_of(def, answer_key).ok_or(AnswerError::UnknownKey)?;
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
        (ItemKind::MultipleChoice { .. }, _) => {
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
            codes
                .iter()
                .filter(|c| chosen.contains(&c.as_str()))
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
        }
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
    };
    Ok(Some(value))
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

/// What expressions see while [`evaluate`] walks the items: the answers of the applicable items
/// before the one at hand, typed when an expression asks for them.
struct MapEnv<'a, A: ?Sized> {
    answers: &'a A,
    seen: &'a HashMap<&'a str, &'a Item>,
    current: Value,
    today: NaiveDate,
}

impl<A: AnswerSource + ?Sized> Env for MapEnv<'_, A> {
    fn get(&self, key: &str) -> Value {
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
fn holds(source: Option<&str>, env: &impl Env) -> bool {
    match source.map(expr::parse) {
        None => true,
        Some(Ok(node)) => expr::evaluate(&node, env).truthy(),
        Some(Err(_)) => true,
    }
}

/// Where a response stands under the rules of its definition.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Items shown with these answers.
    pub applicable: HashSet<String>,
    /// Applicable required items without an answer, in questionnaire order.
    pub missing: Vec<String>,
    /// Applicable items whose answer breaks a range or constraint, with the message.
    pub invalid: Vec<(String, Text)>,
    /// Applicable questions (notes not counted) and how many of them are answered.
    pub total: usize,
    pub answered: usize,
}

/// "12 of 40 questions answered": the survey page, the survey module and the home page.
pub fn progress_text(answered: usize, total: usize, lang: crate::i18n::Lang) -> String {
    match lang {
        crate::i18n::Lang::Nl => format!("{answered} van {total} vragen beantwoord"),
        crate::i18n::Lang::En => format!("{answered} of {total} questions answered"),
    }
}

impl Evaluation {
    /// The progress line under the bar, as the page renders it and the survey module updates it.
    pub fn progress_text(&self, lang: crate::i18n::Lang) -> String {
        progress_text(self.answered, self.total, lang)
    }

    /// The message for an item whose answer is invalid.
    pub fn problem(&self, key: &str) -> Option<&Text> {
        self.invalid.iter().find(|(k, _)| k == key).map(|(_, m)| m)
    }

    pub fn complete(&self) -> bool {
        self.missing.is_empty() && self.invalid.is_empty()
    }

    /// Progress in whole percent.
    pub fn percent(&self) -> u32 {
        (self.answered * 100).checked_div(self.total).unwrap_or(100) as u32
    }
}

/// The answer keys of an item: its own key, or `item.row` for each row of a matrix and each
/// category of an incident grid (with that row). A note has none.
pub fn answer_keys(item: &Item) -> Vec<(String, Option<&super::questionnaire::Choice>)> {
    match &item.kind {
        ItemKind::Note => Vec::new(),
        ItemKind::Matrix { rows: subs, .. } | ItemKind::IncidentGrid { categories: subs } => subs
            .iter()
            .map(|c| (format!("{}.{}", item.key, c.code), Some(c)))
            .collect(),
        _ => vec![(item.key.clone(), None)],
    }
}

/// How many of an item's answer keys have an answer, of how many (a matrix or grid counts as
/// answered with one row; a required one needs all rows, see [`evaluate`]).
fn answered_rows(item: &Item, answers: &(impl AnswerSource + ?Sized)) -> (usize, usize) {
    match &item.kind {
        ItemKind::Note => (0, 0),
        ItemKind::Matrix { rows: subs, .. } | ItemKind::IncidentGrid { categories: subs } => {
            let mut key = String::with_capacity(item.key.len() + 16);
            let given = subs
                .iter()
                .filter(|c| {
                    key.clear();
                    key.push_str(&item.key);
                    key.push('.');
                    key.push_str(&c.code);
                    answers.answer(&key).is_some()
                })
                .count();
            (given, subs.len())
        }
        _ => (usize::from(answers.answer(&item.key).is_some()), 1),
    }
}

fn range_problem(item: &Item, value: &Value) -> Option<Text> {
    let Value::Number(n) = value else { return None };
    let (min, max) = match &item.kind {
        ItemKind::Integer { min, max, .. } => (min.map(|m| m as f64), max.map(|m| m as f64)),
        ItemKind::Decimal { min, max, .. } => (*min, *max),
        _ => return None,
    };
    if let Some(min) = min.filter(|m| n < m) {
        return Some(Text {
            nl: format!("Vul een getal van minimaal {min} in."),
            en: format!("Enter a number of at least {min}."),
        });
    }
    if let Some(max) = max.filter(|m| n > m) {
        return Some(Text {
            nl: format!("Vul een getal van maximaal {max} in."),
            en: format!("Enter a number of at most {max}."),
        });
    }
    None
}

/// Applies the definition's logic to the answers. Answers of items that do not apply count as
/// unanswered for the items after them, are not counted and are not checked.
pub fn evaluate(
    def: &Definition,
    answers: &(impl AnswerSource + ?Sized),
    today: NaiveDate,
) -> Evaluation {
    let mut seen: HashMap<&str, &Item> = HashMap::with_capacity(def.items().count());
    let mut out = Evaluation::default();
    for section in &def.sections {
        let env = MapEnv {
            answers,
            seen: &seen,
            current: Value::Null,
            today,
        };
        let section_on = holds(section.relevant.as_deref(), &env);
        for item in &section.items {
            let env = MapEnv {
                answers,
                seen: &seen,
                current: Value::Null,
                today,
            };
            if !(section_on && holds(item.relevant.as_deref(), &env)) {
                continue;
            }
            out.applicable.insert(item.key.clone());
            if matches!(item.kind, ItemKind::Note) {
                continue;
            }
            let required = match &item.required {
                Required::No | Required::Always(false) => false,
                Required::Always(true) => true,
                Required::When(e) => holds(Some(e), &env),
            };
            let (given, rows) = answered_rows(item, answers);
            out.total += 1;
            if given > 0 {
                out.answered += 1;
            }
            if required && given < rows {
                out.missing.push(item.key.clone());
            }
            let Some(raw) = answers.answer(&item.key) else {
                continue;
            };
            let ranged = matches!(
                item.kind,
                ItemKind::Integer { .. } | ItemKind::Decimal { .. }
            );
            if item.constraint.is_some() || ranged {
                let value = typed(item, raw);
                // The researcher's own constraint message says more than the generic range one.
                let broken = item.constraint.as_ref().and_then(|c| {
                    let env = MapEnv {
                        answers,
                        seen: &seen,
                        current: value.clone(),
                        today,
                    };
                    (!holds(Some(&c.expression), &env)).then(|| c.message.clone())
                });
                if let Some(message) = broken.or_else(|| range_problem(item, &value)) {
                    out.invalid.push((item.key.clone(), message));
                }
            }
            seen.insert(&item.key, item);
        }
    }
    out
}

/// The answers of an earlier version carried into `def`: keys renamed and codes recoded through the
/// concordances of the versions in between (oldest first); answers that no longer fit are dropped.
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
        .filter_map(|(k, v)| match normalise(def, &k, &v) {
            Ok(Some(v)) => Some((k, v)),
            _ => None,
        })
        .collect()
}

/// The text of an answer for people: option labels instead of codes.
pub fn display(def: &Definition, answer_key: &str, raw: &str, lang: crate::i18n::Lang) -> String {
    let Some((item, sub)) = item_of(def, answer_key) else {
        return raw.to_owned();
    };
    let label = |options: &[super::questionnaire::Choice], code: &str| {
        options
            .iter()
            .find(|o| o.code == code)
            .map_or_else(|| code.to_owned(), |o| o.label.get(lang).to_owned())
    };
    match (&item.kind, sub) {
        (ItemKind::Matrix { scale, .. }, Some(_)) => label(scale, raw),
        (ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options }, _) => raw
            .split_whitespace()
            .map(|c| label(options, c))
            .collect::<Vec<_>>()
            .join(", "),
        (ItemKind::YesNoDontKnow, _) => yes_no_options()
            .iter()
            .find(|o| o.code == raw)
            .map_or_else(|| raw.to_owned(), |o| o.label.get(lang).to_owned()),
        (ItemKind::Likert { anchors, .. }, _) => {
            anchors.iter().find(|a| a.code == raw).map_or_else(
                || raw.to_owned(),
                |a| format!("{raw} – {}", a.label.get(lang)),
            )
        }
        _ => raw.to_owned(),
    }
}

/// The options of a ja / nee / weet niet item.
pub fn yes_no_options() -> Vec<super::questionnaire::Choice> {
    use super::questionnaire::Choice;
    vec![
        Choice {
            code: "ja".into(),
            label: Text::new("Ja", "Yes"),
        },
        Choice {
            code: "nee".into(),
            label: Text::new("Nee", "No"),
        },
        Choice {
            code: "weet_niet".into(),
            label: Text::new("Weet niet", "Don't know"),
        },
    ]
}

/// The options of a Likert item: its points, labelled with the anchors where they have one.
pub fn likert_options(
    points: u8,
    anchors: &[super::questionnaire::Choice],
    lang: crate::i18n::Lang,
) -> Vec<super::questionnaire::Choice> {
    (1..=points)
        .map(|p| {
            let code = p.to_string();
            let label = anchors.iter().find(|a| a.code == code).map_or_else(
                || code.clone(),
                |a| format!("{code} – {}", a.label.get(lang)),
            );
            super::questionnaire::Choice {
                code,
                label: Text::new(&label, ""),
            }
        })
        .collect()
}

pub mod codebook;
pub mod comparison;
pub mod history;
#[cfg(test)]
pub(crate) mod tests;

/// Where one institution's response stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseStatus {
    NotStarted,
    InProgress,
    Submitted,
    Reopened,
}

impl ResponseStatus {
    pub const ALL: [ResponseStatus; 4] = [
        ResponseStatus::NotStarted,
        ResponseStatus::InProgress,
        ResponseStatus::Submitted,
        ResponseStatus::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResponseStatus::NotStarted => "not_started",
            ResponseStatus::InProgress => "in_progress",
            ResponseStatus::Submitted => "submitted",
            ResponseStatus::Reopened => "reopened",
        }
    }

    pub fn parse(s: &str) -> Option<ResponseStatus> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether coordinators can still change answers (while the round is open).
    pub fn editable(self) -> bool {
        self != ResponseStatus::Submitted
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            ResponseStatus::NotStarted => lang.pick("Niet begonnen", "Not started"),
            ResponseStatus::InProgress => lang.pick("Bezig", "In progress"),
            ResponseStatus::Submitted => lang.pick("Ingediend", "Submitted"),
            ResponseStatus::Reopened => lang.pick("Heropend", "Reopened"),
        }
    }
}
