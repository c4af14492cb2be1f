//! The research data API under `/api/v1`: JSON for scripts of researchers and admins, with a
//! personal API token (`Authorization: Bearer miv_…`) or a browser session. Every call is rate
//! limited per token and recorded in the audit log; the OpenAPI document is generated from these
//! handlers ([`docs`]) and served at `/api/openapi.json`.

mod caller;
pub mod docs;
mod figures;
mod questionnaires;
mod responses;
mod rounds;
mod types;

use app::backend::AppState;
use axum::routing::get;
use axum::Router;

pub use caller::Caller;
pub use types::Problem;

/// The routes nested under `/api/v1`, each behind [`caller::authenticate`].
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/me", get(rounds::me))
        .route("/questionnaires", get(questionnaires::list))
        .route("/versions/{id}", get(questionnaires::version))
        .route("/versions/{id}/diff", get(questionnaires::diff))
        .route("/rounds", get(rounds::list))
        .route("/rounds/{id}", get(rounds::detail))
        .route("/rounds/{id}/responses", get(responses::raw))
        .route("/sources", get(figures::sources))
        .route("/sources/{id}/figures", get(figures::figures))
        .fallback(types::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state,
            caller::authenticate,
        ))
}
