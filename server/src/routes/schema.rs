//! `GET /schema/questionnaire.json`: the JSON Schema of the definition format, generated from the
//! model once.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;

static QUESTIONNAIRE_SCHEMA: LazyLock<String> =
    LazyLock::new(|| app::domain::questionnaire::schema().to_string());

pub async fn questionnaire() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/schema+json")],
        QUESTIONNAIRE_SCHEMA.as_str(),
    )
}
