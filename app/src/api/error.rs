//! The one error type of the server-function boundary. Internal details never cross it: they are
//! logged on the server and the user sees [`ApiError::Internal`].

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::import::ImportProblem;
use crate::i18n::Lang;

/// An answer that someone else changed since the writer read it: what it is now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaleView {
    pub key: String,
    pub value: String,
    pub revision: i32,
    pub by: Option<String>,
    pub at: String,
}

/// A field that was refused, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message_nl: String,
    pub message_en: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    #[error("not logged in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("wrong e-mail address or password")]
    BadCredentials,
    #[error("too many attempts")]
    RateLimited { retry_after_secs: u64 },
    #[error("invalid or expired link")]
    InvalidToken,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("already exists")]
    Conflict { field: String },
    #[error("answers were changed by someone else")]
    Stale(Vec<StaleView>),
    #[error("the response is not complete")]
    Incomplete { missing: usize, invalid: usize },
    #[error("closed")]
    Closed,
    #[error("import rejected")]
    ImportRejected(Vec<ImportProblem>),
    #[error("busy")]
    Busy,
    #[error("internal error")]
    Internal,
    #[error("request error: {0}")]
    Transport(String),
}

impl ApiError {
    /// A refusal of one field with a message in both languages.
    pub fn invalid(field: &str, nl: &str, en: &str) -> ApiError {
        ApiError::Invalid(vec![FieldError {
            field: field.into(),
            message_nl: nl.into(),
            message_en: en.into(),
        }])
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Unauthenticated | ApiError::BadCredentials => 401,
            ApiError::Forbidden => 403,
            ApiError::NotFound => 404,
            ApiError::Conflict { .. } | ApiError::Stale(_) => 409,
            ApiError::Incomplete { .. } | ApiError::Closed => 422,
            ApiError::Invalid(_) | ApiError::ImportRejected(_) | ApiError::InvalidToken => 422,
            ApiError::RateLimited { .. } => 429,
            ApiError::Internal | ApiError::Transport(_) => 500,
            ApiError::Busy => 503,
        }
    }

    /// What the user reads.
    pub fn message(&self, lang: Lang) -> String {
        let p = |nl: &str, en: &str| lang.pick(nl, en).to_owned();
        match self {
            ApiError::Unauthenticated => p("Log eerst in.", "Please log in first."),
            ApiError::Forbidden => p("U heeft geen toegang tot deze pagina of handeling.", "You do not have access to this page or action."),
            ApiError::NotFound => p("Niet gevonden.", "Not found."),
            ApiError::BadCredentials => p("E-mailadres of wachtwoord is onjuist.", "E-mail address or password is incorrect."),
            ApiError::RateLimited { retry_after_secs } => match lang {
                Lang::Nl => format!("Te veel pogingen. Probeer het over {} minuten opnieuw.", retry_after_secs.div_ceil(60)),
                Lang::En => format!("Too many attempts. Try again in {} minutes.", retry_after_secs.div_ceil(60)),
            },
            ApiError::InvalidToken => p("Deze link is ongeldig, al gebruikt of verlopen. Vraag de beheerder om een nieuwe.", "This link is invalid, already used or expired. Ask the administrator for a new one."),
            ApiError::Invalid(fields) => fields
                .iter()
                .map(|f| lang.pick(&f.message_nl, &f.message_en).to_owned())
                .collect::<Vec<_>>()
                .join(" "),
            ApiError::Conflict { field } => match lang {
                Lang::Nl => format!("Er bestaat al een record met deze waarde ({field})."),
                Lang::En => format!("A record with this value already exists ({field})."),
            },
            ApiError::Stale(answers) => answers
                .iter()
                .map(|s| {
                    let question = match lang {
                        Lang::Nl => format!("Vraag {}", s.key),
                        Lang::En => format!("Question {}", s.key),
                    };
                    stale_text(lang, &question, s.by.as_deref(), &s.at, None)
                })
                .collect::<Vec<_>>()
                .join(" "),
            ApiError::Incomplete { missing, invalid } => match lang {
                Lang::Nl => format!("Nog niet compleet: {missing} verplichte vragen zijn open en {invalid} antwoorden zijn ongeldig. De controlepagina laat zien welke."),
                Lang::En => format!("Not complete yet: {missing} required questions are open and {invalid} answers are invalid. The review page shows which."),
            },
            ApiError::Closed => p("Deze vragenlijst kan niet meer worden gewijzigd: de ronde is gesloten of de antwoorden zijn ingediend. Er is niets opgeslagen.", "This questionnaire can no longer be changed: the round is closed or the answers have been submitted. Nothing was saved."),
            ApiError::ImportRejected(problems) => match lang {
                Lang::Nl => format!("Het bestand is geweigerd: {} problemen. Er is niets opgeslagen.", problems.len()),
                Lang::En => format!("The file was rejected: {} problems. Nothing was saved.", problems.len()),
            },
            ApiError::Busy => p("Het is nu erg druk. Probeer het over een paar seconden opnieuw.", "The server is busy. Try again in a few seconds."),
            ApiError::Internal => p("Er ging iets mis aan onze kant. Probeer het later opnieuw.", "Something went wrong on our side. Please try again later."),
            ApiError::Transport(_) => p("De server is niet bereikbaar. Controleer de verbinding en probeer opnieuw.", "The server cannot be reached. Check the connection and try again."),
        }
    }
}

/// An answer that someone else changed since the writer read it (`question` names it: its label or
/// key), with what the writer had typed when that is known. The answer form and the survey's
/// form post both say it this way.
pub fn stale_text(
    lang: Lang,
    question: &str,
    by: Option<&str>,
    at: &str,
    mine: Option<&str>,
) -> String {
    let who = by.unwrap_or(lang.pick("een collega", "a colleague"));
    match (lang, mine) {
        (Lang::Nl, Some(mine)) => format!("{question}: intussen gewijzigd door {who} ({at}). Het huidige antwoord staat in het formulier; uw antwoord ({mine}) is niet opgeslagen."),
        (Lang::Nl, None) => format!("{question}: intussen gewijzigd door {who} ({at}). Het huidige antwoord staat in het formulier; uw wijziging is niet opgeslagen."),
        (Lang::En, Some(mine)) => format!("{question}: changed meanwhile by {who} ({at}). The current answer is in the form; your answer ({mine}) was not saved."),
        (Lang::En, None) => format!("{question}: changed meanwhile by {who} ({at}). The current answer is in the form; your change was not saved."),
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(msg) => ApiError::Transport(msg),
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => ApiError::invalid(
                "form",
                "Het formulier is onvolledig.",
                "The form is incomplete.",
            ),
            _ => ApiError::Internal,
        }
    }
}
