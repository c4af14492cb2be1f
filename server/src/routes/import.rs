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

use super::error::{allowed, RouteError};

pub async fn institutions(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    ip: Option<Extension<ClientIp>>,
    multipart: Multipart,
) -> Result<Response, RouteError> {
    import_run(state, viewer, ip, multipart, Register::Institutions).await
}

/// `POST /import/contactpersonen`: contacts per institution (admins).
pub async fn contacts(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    ip: Option<Extension<ClientIp>>,
    multipart: Multipart,
) -> Result<Response, RouteError> {
    import_run(state, viewer, ip, multipart, Register::Contacts).await
}

/// The two files an admin imports as an import run.
enum Register {
    Institutions,
    Contacts,
}

/// Imports an admin's file and goes to its import run.
async fn import_run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    ip: Option<Extension<ClientIp>>,
    multipart: Multipart,
    what: Register,
) -> Result<Response, RouteError> {
    let (user, name, bytes) = upload(viewer, Role::ADMINS, multipart).await?;
    let actor = Actor::user(&user, ip.map(|Extension(ip)| ip.0));
    let run = match what {
        Register::Institutions => register_import::import(&state.db, &actor, &name, &bytes).await?,
        Register::Contacts => {
            app::backend::contacts::import(&state.db, &actor, &name, &bytes).await?
        }
    };
    Ok(Redirect::to(&format!("/import/{}", run.id)).into_response())
}

pub async fn questionnaire(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    ip: Option<Extension<ClientIp>>,
    multipart: Multipart,
) -> Result<Response, RouteError> {
    let (user, name, bytes) = upload(viewer, Role::RESEARCH, multipart).await?;
    let actor = Actor::user(&user, ip.map(|Extension(ip)| ip.0));
    let to = match questionnaire_import::import(&state.db, &actor, &name, &bytes).await? {
        Outcome::Draft(id) => format!("/vragenlijsten/versie/{id}"),
        Outcome::Rejected(run) => format!("/import/{run}"),
    };
    Ok(Redirect::to(&to).into_response())
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
) -> Result<Response, RouteError> {
    use app::backend::source_upload;
    use app::backend::sources::SourceError;
    let (user, name, bytes) = upload(viewer, Role::RESEARCH, multipart).await?;
    let actor = Actor::user(&user, ip.map(|Extension(ip)| ip.0));
    let to = match source_upload::receive(&state, &actor, id, &name, &bytes).await {
        Ok(token) => format!("/analyse/bronnen/upload/{token}"),
        Err(Ok(run)) => format!("/import/{run}"),
        Err(Err(SourceError::NotFound)) => return Err(RouteError::NotFound),
        Err(Err(error)) => return Err(anyhow::Error::from(error).into()),
    };
    Ok(Redirect::to(&to).into_response())
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
) -> Result<Response, RouteError> {
    use app::backend::source_upload;
    let user = allowed(viewer, Role::RESEARCH)?;
    let upload = source_upload::find(&state, &token, user.me.id)
        .await?
        .ok_or(RouteError::refused(
            StatusCode::NOT_FOUND,
            "Deze upload is verlopen; upload het bestand opnieuw / This upload has expired; upload the file again",
        ))?;
    let Form(form) = form.map_err(|_| RouteError::BadRequest)?;
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
    Ok(Redirect::to(&format!("/analyse/bronnen/upload/{token}")).into_response())
}

/// No file in the form.
const NO_FILE: &str = "Kies een bestand om te importeren / Choose a file to import";

/// Checks the role and reads the `file` field: (user, file name, bytes), or the refusal.
async fn upload(
    viewer: Viewer,
    roles: &[Role],
    mut multipart: Multipart,
) -> Result<(CurrentUser, String, Bytes), RouteError> {
    let user = allowed(viewer, roles)?;
    let no_file = || RouteError::refused(StatusCode::BAD_REQUEST, NO_FILE);
    let mut upload = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("bestand").to_owned();
                let bytes = field.bytes().await.map_err(|_| no_file())?;
                upload = Some((name, bytes));
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return Err(no_file()),
        }
    }
    let (name, bytes) = upload.ok_or_else(no_file)?;
    Ok((user, name, bytes))
}
