//! `GET /health`: status and database reachability, as JSON.

use app::backend::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let backend = state.db.get_database_backend();
    let reachable = state.db.execute_unprepared("SELECT 1").await.is_ok();
    let status = if reachable {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if reachable { "ok" } else { "degraded" },
        "database": {
            "backend": format!("{backend:?}").to_lowercase(),
            "reachable": reachable,
        },
        "version": env!("CARGO_PKG_VERSION"),
    });
    (status, Json(body))
}
