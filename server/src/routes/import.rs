//! `POST /import/instellingen`: a register file as multipart upload (works without JavaScript).
//! Admins only. Answers with a redirect to the import's result page.

use app::backend::audit::Actor;
use app::backend::http::{ClientIp, Viewer};
use app::backend::{register_import, AppState};
use app::domain::Role;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

pub async fn institutions(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    ip: Option<Extension<ClientIp>>,
    mut multipart: Multipart,
) -> Response {
    let Some(user) = viewer.0 else {
        return (StatusCode::UNAUTHORIZED, "Log eerst in / Please log in").into_response();
    };
    if user.me.role != Role::Admin {
        return (StatusCode::FORBIDDEN, "Geen toegang / Forbidden").into_response();
    }
    let mut upload = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("bestand.csv").to_owned();
                match field.bytes().await {
                    Ok(bytes) => upload = Some((name, bytes)),
                    Err(_) => return bad_request(),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return bad_request(),
        }
    }
    let Some((name, bytes)) = upload else {
        return bad_request();
    };
    let actor = Actor::user(&user, ip.map(|Extension(ip)| ip.0));
    match register_import::import(&state.db, &actor, &name, &bytes).await {
        Ok(run) => Redirect::to(&format!("/import/{}", run.id)).into_response(),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "register import failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Er ging iets mis / Something went wrong",
            )
                .into_response()
        }
    }
}

fn bad_request() -> Response {
    (
        StatusCode::BAD_REQUEST,
        "Kies een bestand om te importeren / Choose a file to import",
    )
        .into_response()
}
