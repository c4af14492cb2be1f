//! A new account's fields, checked together so every mistake is named at once.

use crate::api::error::FieldError;
use crate::api::ApiError;
use crate::domain::{Email, InstitutionCode, Role};

/// Checks the fields of a new account.
pub fn parse_new_user(
    email: &str,
    name: &str,
    role: &str,
    institutions: &str,
) -> Result<crate::backend::users::NewUser, ApiError> {
    let mut errors = Vec::new();
    let mut refuse = |field: &str, nl: String, en: String| {
        errors.push(FieldError {
            field: field.into(),
            message_nl: nl,
            message_en: en,
        })
    };
    let parsed_email = Email::parse(email);
    if parsed_email.is_none() {
        refuse(
            "email",
            "Vul een geldig e-mailadres in.".into(),
            "Enter a valid e-mail address.".into(),
        );
    }
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        refuse(
            "name",
            "Vul een naam in (hoogstens 200 tekens).".into(),
            "Enter a name (at most 200 characters).".into(),
        );
    }
    let parsed_role = Role::parse(role);
    if parsed_role.is_none() {
        refuse("role", "Kies een rol.".into(), "Choose a role.".into());
    }
    let mut codes = Vec::new();
    for raw in institutions
        .split([',', ' ', ';'])
        .filter(|s| !s.trim().is_empty())
    {
        match InstitutionCode::parse(raw) {
            Some(code) => codes.push(code),
            None => refuse(
                "institutions",
                format!("‘{raw}’ is geen instellingscode."),
                format!("‘{raw}’ is not an institution code."),
            ),
        }
    }
    if parsed_role == Some(Role::Coordinator) && codes.is_empty() {
        refuse(
            "institutions",
            "Een coördinator hoort bij minstens één instelling.".into(),
            "A coordinator belongs to at least one institution.".into(),
        );
    }
    if parsed_role.is_some_and(|r| r != Role::Coordinator) && !codes.is_empty() {
        refuse(
            "institutions",
            "Alleen coördinatoren horen bij een instelling.".into(),
            "Only coordinators belong to an institution.".into(),
        );
    }
    match (parsed_email, parsed_role, errors.is_empty()) {
        (Some(email), Some(role), true) => Ok(crate::backend::users::NewUser {
            email,
            name,
            role,
            institutions: codes,
        }),
        _ => Err(ApiError::Invalid(errors)),
    }
}
