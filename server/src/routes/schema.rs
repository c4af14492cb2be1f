//! `GET /schema/questionnaire.json`: the JSON Schema of the definition format.

use axum::http::header;
use axum::response::IntoResponse;

const QUESTIONNAIRE_SCHEMA: &str = include_str!("../../questionnaires/schema.json");

pub async fn questionnaire() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/schema+json")],
        QUESTIONNAIRE_SCHEMA,
    )
}
