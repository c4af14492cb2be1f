//! The one error type of the plain routes (downloads, uploads, the survey's form posts): each
//! refusal has its status and a text in Dutch and English, written here once; anything unexpected
//! is logged once with its cause chain and answered with a plain 500.

use std::borrow::Cow;

use app::backend::auth::CurrentUser;
use app::backend::middleware::Viewer;
use app::domain::Role;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug)]
pub enum RouteError {
    Unauthenticated,
    Forbidden,
    NotFound,
    /// A form that cannot be read.
    BadRequest,
    /// Any other refusal: its status and text (Dutch first: it shows in the browser).
    Refused(StatusCode, Cow<'static, str>),
    Internal(anyhow::Error),
}

impl RouteError {
    /// A refusal with a fixed text.
    pub fn refused(status: StatusCode, text: &'static str) -> RouteError {
        RouteError::Refused(status, Cow::Borrowed(text))
    }
}

impl From<anyhow::Error> for RouteError {
    fn from(error: anyhow::Error) -> Self {
        RouteError::Internal(error)
    }
}

impl IntoResponse for RouteError {
    fn into_response(self) -> Response {
        match self {
            RouteError::Unauthenticated => {
                (StatusCode::UNAUTHORIZED, "Log eerst in / Please log in").into_response()
            }
            RouteError::Forbidden => {
                (StatusCode::FORBIDDEN, "Geen toegang / Forbidden").into_response()
            }
            RouteError::NotFound => {
                (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response()
            }
            RouteError::BadRequest => {
                (StatusCode::BAD_REQUEST, "Ongeldig formulier / Invalid form").into_response()
            }
            RouteError::Refused(status, text) => (status, text.into_owned()).into_response(),
            RouteError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Er ging iets mis; probeer het later opnieuw. / Something went wrong; try again later.",
                )
                    .into_response()
            }
        }
    }
}

/// The logged-in user when their role is one of `roles`; otherwise the refusal (401, 403).
pub fn allowed(viewer: Viewer, roles: &[Role]) -> Result<CurrentUser, RouteError> {
    let user = viewer.0.ok_or(RouteError::Unauthenticated)?;
    if roles.contains(&user.me.role) {
        Ok(user)
    } else {
        Err(RouteError::Forbidden)
    }
}
