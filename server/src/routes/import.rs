//! File uploads as plain multipart forms (they work without JavaScript): `POST
//! /import/instellingen` (register, admins), `POST /import/contactpersonen` (contacts, admins) and
//! `POST /import/vragenlijst` (questionnaire definition, researchers and admins). Each answers
//! with a redirect to the result.

use app::backend::audit::Actor;
use app::backend::auth::CurrentUser;
use app::backend::middleware::{ClientIp, Viewer};
use app::backend::questionnaire_import::{self, Outcome};
use app::backend::{register_import, AppState};
use app::domain::Role;
use axum::body::Bytes;
use axum::extract::rejection::FormRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use axum::Form;

pub async fn institutions(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    ip: Option<Extension<ClientIp>>,
    multipart: Multipart,
) -> Response {
    let (user, name, bytes) = match upload(viewer, Role::ADMINS, multipart).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let actor = Actor::user(&user, ip.map(|Extension(ip)| ip.0));
    match register_import::import(&state.db, &actor, &name, &bytes).await {
        Ok(run) => Redirect::to(&format!("/import/{}", run.id)).into_response(),
        Err(error) => failed(error),
    }
}

/// `POST /import/contactpersonen`: contacts per institution (admins).
pub async fn contacts(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    ip: Option<Extension<ClientIp>>,
    multipart: Multipart,
) -> Response {
    let (user, name, bytes) = match upload(viewer, Role::ADMINS, multipart).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let actor = Actor::user(&user, ip.map(|Extension(ip)| ip.0));
    match app::backend::contacts::import(&state.db, &actor, &name, &bytes).await {
        Ok(run) => Redirect::to(&format!("/import/{}", run.id)).into_response(),
        Err(error) => failed(error),
    }
}

pub async fn questionnaire(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    ip: Option<Extension<ClientIp>>,
    multipart: Multipart,
) -> Response {
    let (user, name, bytes) = match upload(viewer, Role::RESEARCH, multipart).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let actor = Actor::user(&user, ip.map(|Extension(ip)| ip.0));
    match questionnaire_import::import(&state.db, &actor, &name, &bytes).await {
        Ok(Outcome::Draft(id)) => {
            Redirect::to(&format!("/vragenlijsten/versie/{id}")).into_response()
        }
        Ok(Outcome::Rejected(run)) => Redirect::to(&format!("/import/{run}")).into_response(),
        Err(error) => failed(error),
    }
}

/// `POST /import/bron/{id}`: a file for a source (researchers, admins). Kept while the
/// researcher checks its mapping at `/analyse/bronnen/upload/{token}`; a file that cannot be
/// read at all goes to its import result.
pub async fn source(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    ip: Option<Extension<ClientIp>>,
    Path(id): Path<i32>,
    multipart: Multipart,
) -> Response {
    use app::backend::source_upload;
    use app::backend::sources::SourceError;
    let (user, name, bytes) = match upload(viewer, Role::RESEARCH, multipart).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let actor = Actor::user(&user, ip.map(|Extension(ip)| ip.0));
    match source_upload::receive(&state, &actor, id, &name, &bytes).await {
        Ok(token) => Redirect::to(&format!("/analyse/bronnen/upload/{token}")).into_response(),
        Err(Ok(run)) => Redirect::to(&format!("/import/{run}")).into_response(),
        Err(Err(SourceError::NotFound)) => {
            (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response()
        }
        Err(Err(error)) => failed(error.into()),
    }
}

/// `POST /import/bron/upload/{token}`: the mapping form of an upload, or (field `reden`) the
/// confirmation that it replaces the snapshots in use it corrects; starts its import and
/// answers with the page that shows its progress.
pub async fn source_mapping(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    ip: Option<Extension<ClientIp>>,
    Path(token): Path<String>,
    form: Result<Form<std::collections::BTreeMap<String, String>>, FormRejection>,
) -> Response {
    use app::backend::source_upload;
    let Some(user) = viewer.0 else {
        return (StatusCode::UNAUTHORIZED, "Log eerst in / Please log in").into_response();
    };
    if !matches!(user.me.role, Role::Admin | Role::Researcher) {
        return (StatusCode::FORBIDDEN, "Geen toegang / Forbidden").into_response();
    }
    let found = match source_upload::find(&state, &token, user.me.id).await {
        Ok(found) => found,
        Err(error) => return failed(error),
    };
    let Some(upload) = found else {
        return (
            StatusCode::NOT_FOUND,
            "Deze upload is verlopen; upload het bestand opnieuw / This upload has expired; upload the file again",
        )
            .into_response();
    };
    let Ok(Form(form)) = form else {
        return (StatusCode::BAD_REQUEST, "Ongeldig formulier / Invalid form").into_response();
    };
    let actor = Actor::user(&user, ip.map(|Extension(ip)| ip.0));
    // The confirmation of a correction posts only its reason: the import runs again with the
    // mapping it was checked with.
    let (mapping, replace) = match form.get("reden") {
        Some(reason) => (
            upload
                .mapping
                .lock()
                .map(|m| m.clone())
                .map_err(|_| Vec::new()),
            Some(reason.clone()),
        ),
        None => (source_upload::mapping_from_form(&form), None),
    };
    source_upload::start(&state, actor, &token, upload, mapping, replace);
    Redirect::to(&format!("/analyse/bronnen/upload/{token}")).into_response()
}

fn failed(error: anyhow::Error) -> Response {
    tracing::error!(error = format!("{error:#}"), "import failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Er ging iets mis / Something went wrong",
    )
        .into_response()
}

fn bad_request() -> Response {
    (
        StatusCode::BAD_REQUEST,
        "Kies een bestand om te importeren / Choose a file to import",
    )
        .into_response()
}

/// Checks the role and reads the `file` field: (user, file name, bytes), or the refusal.
async fn upload(
    viewer: Viewer,
    roles: &[Role],
    mut multipart: Multipart,
) -> Result<(CurrentUser, String, Bytes), Response> {
    let Some(user) = viewer.0 else {
        return Err((StatusCode::UNAUTHORIZED, "Log eerst in / Please log in").into_response());
    };
    if !roles.contains(&user.me.role) {
        return Err((StatusCode::FORBIDDEN, "Geen toegang / Forbidden").into_response());
    }
    let mut upload = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("bestand").to_owned();
                let bytes = field.bytes().await.map_err(|_| bad_request())?;
                upload = Some((name, bytes));
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return Err(bad_request()),
        }
    }
    let (name, bytes) = upload.ok_or_else(bad_request)?;
    Ok((user, name, bytes))
}
