//! How the backend's errors cross the server-function boundary: a `From` conversion per error
//! enum, so server functions pass them on with `?`. Refusals become the field, status or message
//! the user sees; anything unexpected is logged once with its cause chain and answered as
//! [`ApiError::Internal`].

use super::error::{FieldError, StaleView};
use super::ApiError;
use crate::backend::users::CreateUserError;

impl ApiError {
    /// Logs an internal error with its cause chain and returns the opaque error the user sees.
    pub fn internal(error: impl Into<anyhow::Error>) -> ApiError {
        let error = error.into();
        tracing::error!(error = format!("{error:#}"), "internal error");
        ApiError::Internal
    }
}

/// An unexpected failure on the server is logged once, with its cause chain, and answered as
/// [`ApiError::Internal`]: server functions pass backend errors on with `?`.
impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        ApiError::internal(error)
    }
}

/// An account that cannot be created: which field, in both languages.
impl From<CreateUserError> for ApiError {
    fn from(e: CreateUserError) -> Self {
        match e {
            CreateUserError::DuplicateEmail => ApiError::invalid(
                "email",
                "Er bestaat al een account met dit e-mailadres.",
                "An account with this e-mail address already exists.",
            ),
            CreateUserError::UnknownInstitution(code) => ApiError::invalid(
                "institutions",
                &format!("Instelling {code} staat niet in het register."),
                &format!("Institution {code} is not in the register."),
            ),
            CreateUserError::Other(e) => ApiError::internal(e),
        }
    }
}

/// A response that cannot be read, changed or submitted.
impl From<crate::backend::responses::ResponseError> for ApiError {
    fn from(error: crate::backend::responses::ResponseError) -> Self {
        use crate::backend::responses::ResponseError as E;
        match error {
            E::NotFound => ApiError::NotFound,
            E::Forbidden => ApiError::Forbidden,
            E::RoundClosed | E::Submitted => ApiError::Closed,
            E::Invalid(problems) => ApiError::Invalid(
                problems
                    .into_iter()
                    .map(|(key, e)| {
                        let m = e.message();
                        FieldError {
                            field: key.clone(),
                            message_nl: format!("{key}: {}", m.nl),
                            message_en: format!("{key}: {}", m.en),
                        }
                    })
                    .collect(),
            ),
            E::Stale(answers) => ApiError::Stale(
                answers
                    .into_iter()
                    .map(|s| StaleView {
                        key: s.key,
                        value: s.value,
                        revision: s.revision,
                        by: s.by,
                        at: crate::domain::time::format_local(s.at),
                    })
                    .collect(),
            ),
            E::Incomplete(e) => ApiError::Incomplete {
                missing: e.missing.len(),
                invalid: e.invalid.len(),
            },
            E::Other(e) => ApiError::internal(e),
        }
    }
}

/// A round that cannot be made or changed.
impl From<crate::backend::rounds::RoundError> for ApiError {
    fn from(error: crate::backend::rounds::RoundError) -> Self {
        use crate::backend::rounds::RoundError as E;
        let invalid = ApiError::invalid;
        match error {
            E::NotFound => ApiError::NotFound,
            E::VersionNotPublished => invalid("version", "Kies een gepubliceerde versie van de vragenlijst.", "Choose a published version of the questionnaire."),
            E::ClosesBeforeOpening => invalid("closes_at", "De sluitingsdatum moet na de openingsdatum liggen.", "The closing date must be after the opening date."),
            E::NoInstitutions => invalid("institutions", "Er zijn geen instellingen om uit te nodigen: importeer eerst het instellingenregister.", "There are no institutions to invite: import the institution register first."),
            E::UnknownInstitutions(codes) => ApiError::Invalid(vec![FieldError {
                field: "institutions".into(),
                message_nl: format!("Onbekende instellingscodes: {}. Er is niets opgeslagen.", codes.join(", ")),
                message_en: format!("Unknown institution codes: {}. Nothing was saved.", codes.join(", ")),
            }]),
            E::EmptyName => invalid("name", "Geef de ronde een naam.", "Give the round a name."),
            E::NotSubmitted => invalid("response", "Alleen een ingediende vragenlijst kan worden heropend.", "Only a submitted questionnaire can be reopened."),
            E::NotACoordinator => invalid("user", "Deze gebruiker is geen coördinator van een instelling in deze ronde.", "This user is not a coordinator of an institution in this round."),
            E::Other(e) => ApiError::internal(e),
        }
    }
}

/// An invitation or reminder that cannot be sent.
impl From<crate::backend::mail::invitations::InviteError> for ApiError {
    fn from(error: crate::backend::mail::invitations::InviteError) -> Self {
        use crate::backend::mail::invitations::InviteError as E;
        match error {
            E::NotFound => ApiError::NotFound,
            E::Closed => ApiError::Closed,
            E::NotACoordinator => ApiError::invalid(
                "user",
                "Deze persoon is geen actieve contactpersoon van een instelling in deze ronde.",
                "This person is not an active contact of an institution in this round.",
            ),
            E::Other(e) => ApiError::internal(e),
        }
    }
}

/// A questionnaire version that cannot be changed, published or retired.
impl From<crate::backend::questionnaires::QuestionnaireError> for ApiError {
    fn from(error: crate::backend::questionnaires::QuestionnaireError) -> Self {
        use crate::backend::questionnaires::QuestionnaireError as E;
        match error {
            E::NotFound(_) => ApiError::NotFound,
            E::NotPublished(_) => ApiError::invalid(
                "version",
                "Alleen een gepubliceerde versie kan worden ingetrokken.",
                "Only a published version can be retired.",
            ),
            E::NotDraft(_) => ApiError::invalid(
                "version",
                "Deze versie is gepubliceerd en verandert nooit meer. Maak een nieuwe conceptversie.",
                "This version is published and never changes. Make a new draft.",
            ),
            E::Invalid(problems) => ApiError::Invalid(
                problems
                    .iter()
                    .map(|p| FieldError {
                        field: p.location.clone(),
                        message_nl: p.message(crate::i18n::Lang::Nl),
                        message_en: p.message(crate::i18n::Lang::En),
                    })
                    .collect(),
            ),
            E::PrivacyWeakened(keys) => ApiError::invalid(
                "privacy",
                &format!(
                    "Deze versie haalt de privacymarkering weg bij {}. Daardoor komen die antwoorden in \
                     ruwe exports; alleen een beheerder kan zo'n versie publiceren (dat wordt vastgelegd \
                     in het auditlog).",
                    keys.join(", ")
                ),
                &format!(
                    "This version takes away the privacy mark of {}. Their answers would then be in \
                     raw exports; only an admin can publish such a version (recorded in the audit log).",
                    keys.join(", ")
                ),
            ),
            E::Other(e) => ApiError::internal(e),
        }
    }
}

/// A snapshot that cannot be withdrawn or restored (the other refusals of a source are
/// answered where they happen: an import's problems, a name in use).
impl From<crate::backend::sources::SourceError> for ApiError {
    fn from(error: crate::backend::sources::SourceError) -> Self {
        use crate::backend::sources::SourceError;
        match error {
            SourceError::NotFound => ApiError::NotFound,
            SourceError::ReasonMissing => ApiError::invalid(
                "reason",
                "Geef een reden (hoogstens 500 tekens).",
                "Give a reason (at most 500 characters).",
            ),
            SourceError::WrongStatus(_) => ApiError::invalid(
                "snapshot",
                "Deze momentopname is al in gebruik.",
                "This snapshot is in use already.",
            ),
            error => ApiError::internal(error),
        }
    }
}

/// An edit of a draft that names what is not there.
impl From<crate::domain::questionnaire::edit::EditError> for ApiError {
    fn from(error: crate::domain::questionnaire::edit::EditError) -> Self {
        use crate::domain::questionnaire::edit::EditError as E;
        match error {
            E::UnknownSection(k) => ApiError::invalid(
                "section",
                &format!("Onderdeel {k} bestaat niet."),
                &format!("Section {k} does not exist."),
            ),
            E::UnknownItem(k) => ApiError::invalid(
                "key",
                &format!("Vraag {k} bestaat niet."),
                &format!("Question {k} does not exist."),
            ),
            E::UnknownType(t) => ApiError::invalid(
                "kind",
                &format!("Onbekend vraagtype {t}."),
                &format!("Unknown question type {t}."),
            ),
            E::UnknownOption(c) => ApiError::invalid(
                "code",
                &format!("Optie {c} bestaat niet."),
                &format!("Option {c} does not exist."),
            ),
            E::UnknownPrivacy(p) => ApiError::invalid(
                "privacy",
                &format!("Onbekende privacymarkering {p}: kies bijzonder, identificerend of geen."),
                &format!("Unknown privacy mark {p}: choose special, identifying or none."),
            ),
            E::BadOptionLine(n) => ApiError::invalid(
                "options",
                &format!("Optieregel {n}: schrijf ‘code | Nederlands | English’."),
                &format!("Option line {n}: write ‘code | Nederlands | English’."),
            ),
        }
    }
}

/// A colleague who cannot be invited, an institution that cannot be left, a role not set.
impl From<crate::backend::colleagues::ColleagueError> for ApiError {
    fn from(error: crate::backend::colleagues::ColleagueError) -> Self {
        use crate::backend::colleagues::ColleagueError as E;
        match error {
            E::NotBound => ApiError::Forbidden,
            E::NoSuchUser => ApiError::NotFound,
            E::NotAContact => ApiError::invalid(
                "email",
                "Dit adres hoort bij een beheerder of onderzoeker; die kan geen collega-coördinator worden.",
                "This address belongs to an administrator or researcher, who cannot become a fellow coordinator.",
            ),
            E::LastCoordinator => ApiError::invalid(
                "institution",
                "U bent de enige coördinator van deze instelling: nodig eerst een collega uit die het overneemt.",
                "You are the only coordinator of this institution: first invite a colleague who takes over.",
            ),
            E::UnknownInstitution(code) => ApiError::invalid(
                "institutions",
                &format!("Instelling {code} staat niet in het register."),
                &format!("Institution {code} is not in the register."),
            ),
            E::Other(e) => ApiError::internal(e),
        }
    }
}
