//! A survey row's question: its type (with the old spellings other tools write), its choices,
//! texts, rule columns and privacy mark. Types the platform does not offer are refused with the
//! reason; metadata a phone collects (`start`, `deviceid`, …) is skipped with a warning.

use super::sheet::Sheet;
use super::Lists;
use crate::domain::questionnaire::{
    Appearance, Choice, Constraint, Item, ItemKind, Privacy, Required, Text,
};

pub(super) const YES_NO: &str = "ja_nee_weet_niet";

/// What a survey row holds.
pub(super) enum Row {
    Question(ItemKind),
    /// Not a question the respondent answers here (metadata): skipped, with why.
    Skipped(String, String),
    /// Refused, with why.
    Refused(String, String),
}

/// Metadata that ODK and KoBo collect on the device; a questionnaire answered in a browser has
/// no use for it.
const METADATA: &[&str] = &[
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
    "xml-external",
    "csv-external",
];

/// Question types other tools offer and this platform does not, with the reason.
fn unsupported(base: &str) -> Option<(&'static str, &'static str)> {
    Some(match base {
        "geopoint" | "geotrace" | "geoshape" => (
            "Locaties (geopoint, geotrace, geoshape) worden niet gevraagd: een instelling antwoordt niet vanaf een plek.",
            "Locations (geopoint, geotrace, geoshape) are not asked: an institution does not answer from a place.",
        ),
        "image" | "audio" | "video" | "file" => (
            "Bestanden en media (image, audio, video, file) worden niet bewaard: het platform bewaart alleen antwoorden.",
            "Files and media (image, audio, video, file) are not kept: the platform keeps answers only.",
        ),
        "select_one_from_file" | "select_multiple_from_file" | "select_one_external"
        | "select_multiple_external" => (
            "Keuzes uit een extern bestand worden niet ondersteund: zet de keuzes op het werkblad choices.",
            "Choices from an external file are not supported: put the choices on the choices sheet.",
        ),
        "rank" => (
            "Rangschikken (rank) wordt niet ondersteund: gebruik een matrix met een schaal.",
            "Ranking (rank) is not supported: use a matrix with a scale.",
        ),
        _ => return None,
    })
}

/// The question of a row of type `t`; `lists` are the choice lists.
pub(super) fn row_kind(t: &str, row: &[String], survey: &Sheet, lists: &Lists) -> Row {
    let t = t.trim();
    let (base, rest) = spelling(t);
    if METADATA.contains(&base.as_str()) {
        return Row::Skipped(
            format!("‘{t}’ is gegevens van het apparaat, geen vraag: overgeslagen."),
            format!("‘{t}’ is device data, not a question: skipped."),
        );
    }
    if base == "calculate" {
        let expression = survey.get(row, "calculation");
        if expression.is_empty() {
            return Row::Skipped(
                "Berekening zonder calculation: overgeslagen.".into(),
                "Calculation without a calculation: skipped.".into(),
            );
        }
        return Row::Question(ItemKind::Calculated {
            expression: expression.to_owned(),
        });
    }
    if base == "hidden" {
        // A value the form carries without asking: a calculation of its default.
        let default = survey.get(row, "default");
        if default.is_empty() {
            return Row::Skipped(
                "‘hidden’ zonder default: overgeslagen.".into(),
                "‘hidden’ without a default: skipped.".into(),
            );
        }
        let quote = if default.contains('\'') { '"' } else { '\'' };
        return Row::Question(ItemKind::Calculated {
            expression: format!("{quote}{default}{quote}"),
        });
    }
    if let Some((nl, en)) = unsupported(&base) {
        return Row::Refused(nl.into(), en.into());
    }
    match question_kind(&base, &rest, row, survey, lists) {
        Ok(kind) => Row::Question(kind),
        Err(row) => row,
    }
}

/// Whether a select type adds an *other* option (`or_other`, `or specify other`).
pub(super) fn has_other(t: &str) -> bool {
    spelling(t.trim()).1.last() == Some(&"or_other")
}

/// A type's base and its words after it, today's spelling for the old ones: `select one L`,
/// `select all that apply L`, `select_one from L`, `select1`, `string`, `int`, `phone number`.
pub(super) fn spelling(t: &str) -> (String, Vec<&str>) {
    let words: Vec<&str> = t.split_whitespace().collect();
    // Old and spaced spellings: `select one L`, `select all that apply L`, `select1 L`.
    let (base, mut rest): (String, Vec<&str>) = match words.as_slice() {
        ["select", "one", rest @ ..] => ("select_one".into(), rest.to_vec()),
        ["select", "all", "that", "apply", rest @ ..] | ["select", "multiple", rest @ ..] => {
            ("select_multiple".into(), rest.to_vec())
        }
        ["phone", "number", rest @ ..] => ("text".into(), rest.to_vec()),
        [first, rest @ ..] => (first.to_lowercase(), rest.to_vec()),
        [] => (String::new(), Vec::new()),
    };
    // `select_one from L` is an old spelling of `select_one L`, `or specify other` of `or_other`.
    if rest.first() == Some(&"from") {
        rest.remove(0);
    }
    if rest.ends_with(&["or", "specify", "other"]) {
        rest.truncate(rest.len() - 3);
        rest.push("or_other");
    }
    let base = match base.as_str() {
        "select1" => "select_one".to_owned(),
        "string" => "text".to_owned(),
        "int" => "integer".to_owned(),
        _ => base,
    };
    (base, rest)
}

/// The question of type `base` with `rest` (its list, `or_other`); a missing list or an unknown
/// type is the refusal.
fn question_kind(
    base: &str,
    rest: &[&str],
    row: &[String],
    survey: &Sheet,
    lists: &Lists,
) -> Result<ItemKind, Row> {
    let or_other = rest.last() == Some(&"or_other");
    let list_name = rest.first().copied().filter(|l| *l != "or_other");
    let list = |name: Option<&str>| -> Result<Vec<Choice>, Row> {
        let name = name.unwrap_or("");
        let mut found = lists.choices.get(name).cloned().ok_or_else(|| {
            Row::Refused(
                format!("Keuzelijst ‘{name}’ staat niet op het werkblad choices."),
                format!("Choice list ‘{name}’ is not on the choices sheet."),
            )
        })?;
        if or_other && !found.iter().any(|c| c.code == "other") {
            found.push(Choice {
                code: "other".into(),
                label: Text::new("Anders", "Other"),
            });
        }
        Ok(found)
    };
    let appearance = survey.get(row, "appearance");
    let number = |col: &str| survey.get(row, col).parse::<f64>().ok();
    let unit = Some(survey.text(row, "unit")).filter(|u| !u.is_blank());
    match base {
        "select_one" if list_name == Some(YES_NO) => Ok(ItemKind::YesNoDontKnow),
        "select_one" if appearance == "likert" => list(list_name).map(|options| {
            let points = u8::try_from(options.len()).unwrap_or(u8::MAX);
            let anchors = options
                .into_iter()
                .filter(|c| c.label.nl != c.code)
                .collect();
            ItemKind::Likert { points, anchors }
        }),
        "select_one" => list(list_name).map(|options| ItemKind::SingleChoice { options }),
        "select_multiple" => list(list_name).map(|options| ItemKind::MultipleChoice { options }),
        "incident_grid" => list(list_name).map(|categories| ItemKind::IncidentGrid { categories }),
        "matrix" => list(rest.first().copied()).and_then(|rows| {
            list(rest.get(1).copied()).map(|scale| ItemKind::Matrix { rows, scale })
        }),
        "integer" => Ok(ItemKind::Integer {
            min: number("min").map(|n| n as i64),
            max: number("max").map(|n| n as i64),
            unit,
        }),
        "decimal" => Ok(ItemKind::Decimal {
            min: number("min"),
            max: number("max"),
            unit,
        }),
        "text" if appearance.contains("multiline") => Ok(ItemKind::LongText),
        // A scanned code is typed in a browser.
        "text" | "barcode" => Ok(ItemKind::ShortText),
        "range" => Ok(range(survey.get(row, "parameters"))),
        // A confirmation: one box to tick, stored as `OK` as XLSForm does.
        "acknowledge" | "trigger" => Ok(ItemKind::MultipleChoice {
            options: vec![Choice {
                code: "OK".into(),
                label: Text::new("OK", "OK"),
            }],
        }),
        "date" => Ok(ItemKind::Date),
        "time" => Ok(ItemKind::Time),
        "datetime" | "dateTime" => Ok(ItemKind::DateTime),
        "note" => Ok(ItemKind::Note),
        other => Err(Row::Refused(
            format!("Vraagtype ‘{other}’ bestaat niet in XLSForm of wordt niet ondersteund."),
            format!("Question type ‘{other}’ does not exist in XLSForm or is not supported."),
        )),
    }
}

/// A `range` question as a number between its `start` and `end` (`parameters` such as
/// `start=0 end=10 step=1`; XLSForm's defaults 1, 10 and 1): whole when all three are.
fn range(parameters: &str) -> ItemKind {
    let value = |name: &str, default: f64| {
        parameters
            .split([' ', ';', ','])
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.trim().parse::<f64>().ok())
            .unwrap_or(default)
    };
    let (start, end, step) = (value("start", 1.0), value("end", 10.0), value("step", 1.0));
    let (min, max) = (start.min(end), start.max(end));
    if [min, max, step].iter().all(|n| n.fract() == 0.0) {
        ItemKind::Integer {
            min: Some(min as i64),
            max: Some(max as i64),
            unit: None,
        }
    } else {
        ItemKind::Decimal {
            min: Some(min),
            max: Some(max),
            unit: None,
        }
    }
}

/// The question `key` of a survey row.
pub(super) fn item(
    key: String,
    kind: ItemKind,
    privacy: Option<Privacy>,
    row: &[String],
    survey: &Sheet,
) -> Item {
    let hint = Some(survey.text(row, "hint")).filter(|h| !h.is_blank());
    let written = survey.get(row, "required");
    let required = match written.to_lowercase().as_str() {
        "" | "no" | "false" | "false()" | "0" => Required::No,
        "yes" | "true" | "true()" | "1" => Required::Always(true),
        _ => Required::When(written.to_owned()),
    };
    let optional = |col: &str| Some(survey.get(row, col).to_owned()).filter(|s| !s.is_empty());
    // XLSForm lets a constraint name its own question; here that is `.`.
    let own = format!("${{{}}}", survey.get(row, "name"));
    let constraint = optional("constraint").map(|expression| {
        let expression = expression.replace(&own, ".");
        let message = survey.text(row, "constraint_message");
        Constraint {
            expression,
            message: if message.is_blank() {
                Text::new("Dit antwoord is niet geldig.", "This answer is not valid.")
            } else {
                message
            },
        }
    });
    // A question with only an image or sound as its label gets its name.
    let label = Some(survey.text(row, "label"))
        .filter(|l| !l.is_blank())
        .unwrap_or_else(|| Text::new(&key, ""));
    let kind_for_default = kind.clone();
    let chooses = matches!(
        kind,
        ItemKind::SingleChoice { .. } | ItemKind::MultipleChoice { .. }
    );
    Item {
        key,
        kind,
        label,
        hint,
        required,
        relevant: optional("relevant").map(|r| condition(&r)),
        constraint,
        privacy,
        required_message: Some(survey.text(row, "required_message")).filter(|m| !m.is_blank()),
        appearance: appearance(survey.get(row, "appearance"))
            .0
            .filter(|_| chooses),
        choice_conditions: Default::default(),
        default: optional("default").map(|d| excel_moment(&kind_for_default, &d).unwrap_or(d)),
        read_only: matches!(
            survey.get(row, "read_only").to_lowercase().as_str(),
            "yes" | "true" | "true()" | "1"
        ),
    }
}

/// A date or time a spreadsheet keeps as a number (days since 1899-12-30, the time as the
/// fraction of a day: `0.3958…` is 09:30) as the question stores it; `None` for anything else.
fn excel_moment(kind: &ItemKind, written: &str) -> Option<String> {
    let n = written
        .parse::<f64>()
        .ok()
        .filter(|n| *n >= 0.0 && *n < 2_958_466.0)?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    let moment = epoch + chrono::Duration::seconds((n * 86_400.0).round() as i64);
    let format = match kind {
        ItemKind::Time => "%H:%M",
        ItemKind::Date => "%Y-%m-%d",
        ItemKind::DateTime => "%Y-%m-%dT%H:%M",
        _ => return None,
    };
    Some(moment.format(format).to_string())
}

/// A condition as XLSForm allows it: `0` and `1` (numbers a spreadsheet may make of a condition)
/// are false and true.
pub(super) fn condition(written: &str) -> String {
    match written.trim() {
        "0" => "false()".into(),
        "1" => "true()".into(),
        other => other.into(),
    }
}

/// The appearances the survey honours: `minimal` (a drop-down), `horizontal` and
/// `horizontal-compact` (options side by side), `likert` (a scale), `multiline` (a long text) and
/// `field-list` (a group on one page, as every section is). The other words are returned, to be
/// warned about.
pub(super) fn appearance(written: &str) -> (Option<Appearance>, Vec<&str>) {
    let mut shown = None;
    let mut unknown = Vec::new();
    for word in written.split_whitespace() {
        match word.to_lowercase().as_str() {
            "minimal" => shown = Some(Appearance::Minimal),
            "horizontal" | "horizontal-compact" | "columns" | "columns-pack" => {
                shown = Some(Appearance::Horizontal)
            }
            "likert" | "multiline" | "field-list" | "table-list" | "label" | "list-nolabel" => {}
            _ => unknown.push(word),
        }
    }
    (shown, unknown)
}

/// The privacy mark of a row (empty: none); an unknown one is a problem.
pub(super) fn privacy_of(
    value: &str,
    at: &mut impl FnMut(&str, String, String),
) -> Option<Privacy> {
    Privacy::parse(value).unwrap_or_else(|value| {
        at(
            "privacy",
            format!(
                "Onbekende privacymarkering ‘{value}’: gebruik special, identifying of laat leeg."
            ),
            format!("Unknown privacy mark ‘{value}’: use special, identifying or leave empty."),
        );
        None
    })
}
