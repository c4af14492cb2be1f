//! A file read into cells (CSV or XLSX, by the server's readers) and what can be wrong with it:
//! the problems every import reports (institution register, contacts, questionnaire files, data
//! sources), each at its line and column, in a form the UI says in either language.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// A file read into text cells. `line` is the 1-based line (CSV) or row (XLSX) of each record.
#[derive(Debug, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// What is wrong, in a form the UI can say in either language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    EmptyFile,
    NotUtf8,
    UnsupportedFileType {
        name: String,
    },
    UnreadableFile {
        detail: String,
    },
    WrongDelimiter {
        found: String,
    },
    MissingColumn {
        column: String,
    },
    WrongFieldCount {
        expected: usize,
        found: usize,
    },
    MissingValue,
    BadCode {
        value: String,
    },
    DuplicateCode {
        value: String,
        first_line: usize,
    },
    NotACount {
        value: String,
    },
    BadKind {
        value: String,
    },
    BadEmail {
        value: String,
    },
    DuplicateEmail {
        value: String,
        first_line: usize,
    },
    BadLanguage {
        value: String,
    },
    EmptyRow,
    UnknownInstitution {
        value: String,
    },
    /// The address belongs to an account that is not a coordinator (an admin or researcher).
    NotAContact {
        value: String,
    },
    /// A problem described elsewhere (questionnaire definitions), in both languages.
    Message {
        nl: String,
        en: String,
    },
}

/// A problem at a place in the file. `line` 0 means the file as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProblem {
    pub line: usize,
    pub column: Option<String>,
    pub problem: Problem,
}

impl ImportProblem {
    pub fn file(problem: Problem) -> Self {
        ImportProblem {
            line: 0,
            column: None,
            problem,
        }
    }

    /// The message for the user.
    pub fn message(&self, lang: Lang) -> String {
        use Problem::*;
        match (&self.problem, lang) {
            (EmptyFile, Lang::Nl) => "Het bestand is leeg of heeft geen kopregel.".into(),
            (EmptyFile, Lang::En) => "The file is empty or has no header line.".into(),
            (NotUtf8, Lang::Nl) => "Het bestand is geen UTF-8. Sla het in Excel op als ‘CSV UTF-8 (door lijstscheidingsteken gescheiden)’.".into(),
            (NotUtf8, Lang::En) => "The file is not UTF-8. Save it from Excel as ‘CSV UTF-8 (comma delimited)’.".into(),
            (UnsupportedFileType { name }, Lang::Nl) => format!("‘{name}’ is geen .csv- of .xlsx-bestand."),
            (UnsupportedFileType { name }, Lang::En) => format!("‘{name}’ is not a .csv or .xlsx file."),
            (UnreadableFile { detail }, Lang::Nl) => format!("Het bestand kan niet worden gelezen: {detail}"),
            (UnreadableFile { detail }, Lang::En) => format!("The file cannot be read: {detail}"),
            (WrongDelimiter { found }, Lang::Nl) => format!("Verwacht puntkomma (;) als scheidingsteken, gevonden: {found}"),
            (WrongDelimiter { found }, Lang::En) => format!("Expected semicolon (;) as the separator, found: {found}"),
            (MissingColumn { column }, Lang::Nl) => format!("Kolom {column} ontbreekt."),
            (MissingColumn { column }, Lang::En) => format!("Column {column} is missing."),
            (WrongFieldCount { expected, found }, Lang::Nl) => format!("Regel heeft {found} velden, kopregel heeft er {expected}."),
            (WrongFieldCount { expected, found }, Lang::En) => format!("Line has {found} fields, the header has {expected}."),
            (MissingValue, Lang::Nl) => "Waarde ontbreekt.".into(),
            (MissingValue, Lang::En) => "Value is missing.".into(),
            (BadCode { value }, Lang::Nl) => format!("‘{value}’ is geen instellingscode (twee cijfers en twee letters, zoals 25PX)."),
            (BadCode { value }, Lang::En) => format!("‘{value}’ is not an institution code (two digits and two letters, such as 25PX)."),
            (DuplicateCode { value, first_line }, Lang::Nl) => format!("Instellingscode {value} staat ook op regel {first_line}."),
            (DuplicateCode { value, first_line }, Lang::En) => format!("Institution code {value} also appears on line {first_line}."),
            (NotACount { value }, Lang::Nl) => format!("‘{value}’ is geen aantal (geheel getal, 0 of meer)."),
            (NotACount { value }, Lang::En) => format!("‘{value}’ is not a count (a whole number, 0 or more)."),
            (BadKind { value }, Lang::Nl) => format!("‘{value}’ is geen soort instelling (ROC, AOC of vakinstelling)."),
            (BadKind { value }, Lang::En) => format!("‘{value}’ is not an institution type (ROC, AOC or vakinstelling)."),
            (BadEmail { value }, Lang::Nl) => format!("‘{value}’ is geen geldig e-mailadres."),
            (BadEmail { value }, Lang::En) => format!("‘{value}’ is not a valid e-mail address."),
            (DuplicateEmail { value, first_line }, Lang::Nl) => format!("E-mailadres {value} staat ook op regel {first_line} bij dezelfde instelling."),
            (DuplicateEmail { value, first_line }, Lang::En) => format!("E-mail address {value} also appears on line {first_line} for the same institution."),
            (BadLanguage { value }, Lang::Nl) => format!("‘{value}’ is geen taal: gebruik nl of en."),
            (BadLanguage { value }, Lang::En) => format!("‘{value}’ is not a language: use nl or en."),
            (EmptyRow, Lang::Nl) => "Lege regel: vul hem in of haal hem weg.".into(),
            (EmptyRow, Lang::En) => "Empty line: fill it in or remove it.".into(),
            (UnknownInstitution { value }, Lang::Nl) => format!("Instelling {value} staat niet in het instellingenregister."),
            (UnknownInstitution { value }, Lang::En) => format!("Institution {value} is not in the institution register."),
            (NotAContact { value }, Lang::Nl) => format!("{value} hoort bij een account van een beheerder of onderzoeker, niet van een contactpersoon."),
            (NotAContact { value }, Lang::En) => format!("{value} belongs to an administrator's or researcher's account, not a contact's."),
            (Message { nl, .. }, Lang::Nl) => nl.clone(),
            (Message { en, .. }, Lang::En) => en.clone(),
        }
    }
}

/// A header as it is matched: without BOM, single spaces, upper case.
pub(crate) fn normalise(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}
