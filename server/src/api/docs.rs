//! The OpenAPI 3 document of `/api/v1`, generated from the handlers' annotations and served at
//! `/api/openapi.json`.

use axum::response::IntoResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::types;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "MIV-mbo research data API",
        description = "Questionnaires and versions, rounds and response status, indicator tables \
            (with the reports' suppression) and raw, pseudonymised answers. Authenticate with a \
            personal API token (Profiel → API-sleutels): `Authorization: Bearer miv_…`. Every call \
            is recorded in the audit log.",
    ),
    paths(
        super::rounds::me,
        super::questionnaires::list,
        super::questionnaires::version,
        super::questionnaires::diff,
        super::rounds::list,
        super::rounds::detail,
        super::responses::raw,
        super::figures::sources,
        super::figures::figures,
    ),
    components(schemas(
        types::Problem, types::Whoami, types::Questionnaire, types::VersionSummary,
        types::Version, types::Diff, types::Change, types::Round, types::RoundDetail,
        types::ResponseStatus, types::Source, types::Figures, types::Figure,
        types::RawResponses, types::RawRow,
    )),
    modifiers(&BearerToken),
    security(("token" = [])),
)]
pub struct ApiDoc;

/// Declares the `token` security scheme (HTTP bearer).
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> impl IntoResponse {
    axum::Json(ApiDoc::openapi())
}
