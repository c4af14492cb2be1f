//! The one error type of the plain routes (downloads, uploads, the survey's form posts): each
//! refusal has its status and a text in Dutch and English (the pages' own, from [`ApiError`]);
//! anything unexpected
//! is logged once with its cause chain and answered with a plain 500.

use std::borrow::Cow;

use app::api::ApiError;
use app::backend::auth::CurrentUser;
use app::backend::middleware::Viewer;
use app::domain::Role;
use app::i18n::Lang;
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

/// A response that cannot be opened: not there, or not the caller's; anything else is internal.
impl From<app::backend::responses::ResponseError> for RouteError {
    fn from(error: app::backend::responses::ResponseError) -> Self {
        use app::backend::responses::ResponseError as E;
        match error {
            E::NotFound => RouteError::NotFound,
            E::Forbidden => RouteError::Forbidden,
            error => RouteError::Internal(error.into()),
        }
    }
}

/// A server function's refusal, answered the same way (an internal error was logged where it
/// became an [`ApiError`]).
impl From<ApiError> for RouteError {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Unauthenticated => RouteError::Unauthenticated,
            ApiError::Forbidden => RouteError::Forbidden,
            ApiError::NotFound => RouteError::NotFound,
            error => RouteError::Refused(
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                format!("{} / {}", error.message(Lang::Nl), error.message(Lang::En)).into(),
            ),
        }
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
                both(StatusCode::UNAUTHORIZED, ApiError::Unauthenticated)
            }
            RouteError::Forbidden => both(StatusCode::FORBIDDEN, ApiError::Forbidden),
            RouteError::NotFound => both(StatusCode::NOT_FOUND, ApiError::NotFound),
            RouteError::BadRequest => {
                (StatusCode::BAD_REQUEST, "Ongeldig formulier / Invalid form").into_response()
            }
            RouteError::Refused(status, text) => (status, text.into_owned()).into_response(),
            RouteError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "request failed");
                both(StatusCode::INTERNAL_SERVER_ERROR, ApiError::Internal)
            }
        }
    }
}

/// A plain-text answer with the refusal's text as the pages say it, Dutch first.
fn both(status: StatusCode, error: ApiError) -> Response {
    let text = format!("{} / {}", error.message(Lang::Nl), error.message(Lang::En));
    (status, text).into_response()
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
