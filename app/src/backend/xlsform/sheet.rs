//! A worksheet of an XLSForm as text cells: columns found by name whatever their case or old
//! spelling (`bind:relevant`, `list name`), and texts in Dutch and English from whichever language
//! columns the form has (`label`, `label::English (en)`, `label:Nederlands`, `label::en`, …).

use crate::domain::import::{ImportProblem, Problem};
use crate::domain::questionnaire::Text;

/// The language of a text column, as far as the questionnaire keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Language {
    Dutch,
    English,
    /// A language the questionnaire has no place for (kept out, with a warning).
    Other,
}

impl Language {
    /// The language a column suffix or a `default_language` names: `Nederlands (nl)`, `nl`,
    /// `Dutch`, `English (en)`, `en`, `eng`, `Engels`, … Anything else is another language.
    pub(super) fn of(name: &str) -> Language {
        let name = name.trim().to_lowercase();
        let code = name
            .rsplit_once('(')
            .map(|(_, c)| c.trim_end_matches(')').trim().to_owned());
        let word = name
            .split(['(', ' '])
            .next()
            .unwrap_or("")
            .trim()
            .to_owned();
        let is = |codes: &[&str], words: &[&str]| {
            code.as_deref().is_some_and(|c| codes.contains(&c))
                || codes.contains(&word.as_str())
                || words.contains(&word.as_str())
        };
        if is(&["nl", "nld", "dut"], &["nederlands", "dutch", "vlaams"]) {
            Language::Dutch
        } else if is(&["en", "eng"], &["english", "engels"]) {
            Language::English
        } else {
            Language::Other
        }
    }
}

/// One sheet as rows of text cells.
pub(super) struct Sheet {
    /// The name the workbook gives it (`survey`, `SURVEY`, …).
    pub name: String,
    /// The columns' names, normalised (see [`normalise`]).
    pub header: Vec<String>,
    /// The columns' names as written.
    pub written: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
    /// The language of the columns without one (`label`), from `settings.default_language`.
    pub default: Option<Language>,
}

/// A column's name as this importer matches it: lower case, trimmed, old spellings mapped to
/// today's (`bind:relevant` → `relevant`, `bind:jr:constraintMsg` → `constraint_message`,
/// `list name` → `list_name`, `calculate` → `calculation`).
pub(super) fn normalise(header: &str) -> String {
    let h = header.trim().to_lowercase();
    let (base, language) = split_language(&h);
    let base = match base.trim() {
        "bind:relevant" => "relevant",
        "bind:constraint" => "constraint",
        "bind:required" => "required",
        "bind:jr:constraintmsg" | "jr:constraintmsg" | "constraint message" => "constraint_message",
        "bind:jr:requiredmsg" | "jr:requiredmsg" | "required message" => "required_message",
        "list name" => "list_name",
        "bind:calculate" | "calculate" => "calculation",
        "control:appearance" => "appearance",
        other => other,
    };
    match language {
        Some(language) => format!("{base}::{}", language.trim()),
        None => base.to_owned(),
    }
}

/// `label::English (en)` and `label:English (en)` → (`label`, `English (en)`); `bind:relevant`
/// and the like have no language.
fn split_language(header: &str) -> (&str, Option<&str>) {
    if let Some((base, language)) = header.split_once("::") {
        return (base, Some(language));
    }
    match header.split_once(':') {
        Some((base, language))
            if [
                "label",
                "hint",
                "constraint_message",
                "required_message",
                "unit",
            ]
            .contains(&base.trim()) =>
        {
            (base, Some(language))
        }
        _ => (header, None),
    }
}

impl Sheet {
    pub(super) fn new(name: String, rows: Vec<(usize, Vec<String>)>) -> Sheet {
        let mut rows = rows.into_iter();
        let written = rows.next().map(|(_, h)| h).unwrap_or_default();
        Sheet {
            name,
            header: written.iter().map(|h| normalise(h)).collect(),
            written,
            rows: rows.collect(),
            default: None,
        }
    }

    pub(super) fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    pub(super) fn get<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        self.col(name)
            .and_then(|i| row.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }

    /// The columns of text `base` with their language: `base` itself has the form's default
    /// language (unknown without one).
    fn languages(&self, base: &str) -> Vec<(usize, Option<Language>)> {
        let prefix = format!("{base}::");
        self.header
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                if h == base {
                    Some((i, self.default))
                } else {
                    h.strip_prefix(&prefix)
                        .map(|language| (i, Some(Language::of(language))))
                }
            })
            .collect()
    }

    /// Text `base` in Dutch and English. A plain column without a default language counts as
    /// Dutch. Without Dutch, the English text (or, without that, the first other language's) is
    /// kept in the English place and the Dutch stays empty: the draft shows it, and publishing
    /// waits for the translation.
    pub(super) fn text(&self, row: &[String], base: &str) -> Text {
        let columns = self.languages(base);
        let cell = |i: usize| row.get(i).map(|s| s.trim()).unwrap_or("");
        let first = |wanted: Option<Language>| {
            columns
                .iter()
                .filter(|(_, l)| *l == wanted)
                .map(|(i, _)| cell(*i))
                .find(|t| !t.is_empty())
        };
        let dutch = first(Some(Language::Dutch)).or_else(|| first(None));
        let second = first(Some(Language::English)).or_else(|| first(Some(Language::Other)));
        Text::new(dutch.unwrap_or(""), second.unwrap_or(""))
    }

    /// Warnings about the text columns: languages kept out, and texts whose primary language is
    /// not Dutch (to translate before publishing).
    pub(super) fn language_warnings(&self) -> Vec<ImportProblem> {
        let mut warnings = Vec::new();
        for (i, h) in self.header.iter().enumerate() {
            let Some((base, language)) = h.split_once("::") else {
                continue;
            };
            if !["label", "hint", "constraint_message"].contains(&base) {
                continue;
            }
            if Language::of(language) == Language::Other {
                let written = &self.written[i];
                warnings.push(note(
                    &self.name,
                    1,
                    &column_letter(i),
                    format!("Kolom ‘{written}’: alleen Nederlands en Engels worden overgenomen; deze taal blijft buiten de vragenlijst."),
                    format!("Column ‘{written}’: only Dutch and English are taken over; this language stays out of the questionnaire."),
                ));
            }
        }
        // A plain `label` without a default language may well be Dutch: only a form whose labels
        // are all in named other languages is said to lack Dutch.
        let dutch_or_unknown = self
            .languages("label")
            .iter()
            .any(|(_, l)| matches!(l, Some(Language::Dutch) | None));
        if !dutch_or_unknown && self.col("type").is_some() {
            warnings.push(note(
                &self.name,
                1,
                "label",
                "Geen Nederlandse labels: het concept toont de teksten in de andere taal; publiceren kan pas als ze vertaald zijn (de versiepagina noemt welke).".into(),
                "No Dutch labels: the draft shows the texts in the other language; it can be published once they are translated (the version page lists which).".into(),
            ));
        }
        warnings
    }
}

/// A problem (or warning) at a sheet's row and column.
pub(super) fn note(
    sheet: &str,
    line: usize,
    column: &str,
    nl: String,
    en: String,
) -> ImportProblem {
    ImportProblem {
        line,
        column: Some(format!("{sheet} / {column}")),
        problem: Problem::Message { nl, en },
    }
}

/// Column `i` as Excel names it (A, B, …, AA).
pub(super) fn column_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    s
}
