//! What the API answers, as documented in the OpenAPI document. Separate from the app's types so
//! that the document describes exactly what goes over the wire.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// A refusal or failure: the HTTP status, a stable code and a message in Dutch and English.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(skip)]
    pub status: StatusCode,
    /// `unauthenticated`, `forbidden`, `not_found`, `invalid`, `rate_limited` or `internal`.
    pub code: &'static str,
    pub message_nl: String,
    pub message_en: String,
    /// Seconds to wait, with `rate_limited`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    fn new(status: StatusCode, code: &'static str, nl: &str, en: &str) -> Problem {
        Problem {
            status,
            code,
            message_nl: nl.to_owned(),
            message_en: en.to_owned(),
            retry_after: None,
        }
    }

    pub fn unauthenticated() -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Geef een geldige API-sleutel mee: Authorization: Bearer miv_…",
            "Send a valid API token: Authorization: Bearer miv_…",
        )
    }

    pub fn forbidden() -> Problem {
        Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Deze sleutel of rol geeft geen toegang tot dit onderdeel.",
            "This token or role gives no access to this resource.",
        )
    }

    pub fn not_found() -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Niet gevonden.",
            "Not found.",
        )
    }

    pub fn invalid(nl: &str, en: &str) -> Problem {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", nl, en)
    }

    pub fn rate_limited(wait: std::time::Duration) -> Problem {
        Problem {
            retry_after: Some(wait.as_secs().max(1)),
            ..Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Te veel verzoeken; probeer het zo opnieuw.",
                "Too many requests; try again shortly.",
            )
        }
    }

    /// An internal failure: logged with its detail; the caller sees none of it.
    pub fn internal(error: impl std::fmt::Display) -> Problem {
        tracing::error!(error = %error, "API request failed");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Er ging iets mis aan onze kant.",
            "Something went wrong on our side.",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(&self)).into_response();
        if let Some(secs) = self.retry_after {
            if let Ok(value) = secs.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// Paths under `/api/v1` that do not exist.
pub async fn not_found() -> Problem {
    Problem::not_found()
}

/// Who calls.
#[derive(Debug, Serialize, ToSchema)]
pub struct Whoami {
    pub id: i32,
    pub email: String,
    pub name: String,
    /// The role the call acts with: `admin` or `researcher`.
    pub role: String,
    /// The token's id, when called with one.
    pub token_id: Option<i32>,
    /// When the token expires (RFC 3339).
    pub token_expires_at: Option<String>,
}

/// A questionnaire with its versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct Questionnaire {
    /// The stable key.
    pub key: String,
    pub title_nl: String,
    pub title_en: String,
    /// Oldest first.
    pub versions: Vec<VersionSummary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionSummary {
    pub id: i32,
    pub number: i32,
    /// `draft`, `published` or `retired`.
    pub status: String,
    pub published_at: Option<String>,
    pub changelog: String,
}

/// One version with its whole definition (the format of `/schema/questionnaire.json`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Version {
    pub id: i32,
    pub key: String,
    pub number: i32,
    pub status: String,
    pub published_at: Option<String>,
    pub changelog: String,
    #[schema(value_type = Object)]
    pub definition: serde_json::Value,
}

/// What changed from one version to another.
#[derive(Debug, Serialize, ToSchema)]
pub struct Diff {
    /// The older version.
    pub from: i32,
    /// The newer version.
    pub to: i32,
    pub changes: Vec<Change>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Change {
    /// The item's key in the newer version (the old key for removed items).
    pub key: String,
    /// `added`, `removed`, `moved`, `renamed`, `text_changed`, `type_changed`, `option_added`,
    /// `option_removed`, `option_recoded`, `scale_changed`, `logic_changed`, `privacy_changed`,
    /// `unit_changed`, `range_changed`, `section_changed`.
    pub change: String,
    /// `cosmetic`, `check` (a wording to check), `compatible` or `breaking` for comparisons
    /// across the versions.
    pub severity: String,
    pub description_nl: String,
    pub description_en: String,
}

/// A round with the number of responses per status.
#[derive(Debug, Serialize, ToSchema)]
pub struct Round {
    pub id: i32,
    pub name: String,
    pub year: i32,
    pub version_id: i32,
    pub questionnaire: String,
    pub opens_at: String,
    pub closes_at: String,
    /// `planned`, `open` or `closed`.
    pub state: String,
    pub not_started: usize,
    pub in_progress: usize,
    pub submitted: usize,
    pub reopened: usize,
}

/// A round and, for admins, each institution's response status.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundDetail {
    #[serde(flatten)]
    pub round: Round,
    /// Per institution (admins only; empty for researchers).
    pub responses: Vec<ResponseStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseStatus {
    pub institution_code: String,
    pub institution_name: String,
    /// `not_started`, `in_progress`, `submitted` or `reopened`.
    pub status: String,
    pub updated_at: String,
    pub submitted_at: Option<String>,
}

/// A data source of the aggregation module.
#[derive(Debug, Serialize, ToSchema)]
pub struct Source {
    pub id: i32,
    pub name: String,
    /// `students`, `staff`, `incidents` or `register`.
    pub kind: String,
    /// The years imported.
    pub years: Vec<i32>,
}

/// An indicator table: every figure asked for, with the same suppression as the reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct Figures {
    pub source: i32,
    /// Shares need at least this many respondents.
    pub min_n_shares: u64,
    /// Counts need at least this many.
    pub min_n_counts: u64,
    pub figures: Vec<Figure>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Figure {
    pub year: i64,
    pub breakdown: String,
    pub group: String,
    pub indicator: String,
    /// Respondents (weighted shares) or the count; absent when suppressed.
    pub n: Option<u64>,
    /// Share (0–1), count or rate; absent when suppressed.
    pub value: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Hidden: n below the threshold, a group of too few institutions, or to protect another
    /// hidden cell. A hidden cell carries no value, no interval and no n.
    pub suppressed: bool,
    /// Share minus the share of the rest of the country: everyone of the same year and
    /// indicator not in this group. Absent for national rows, counts, and where the group or the
    /// national figure is hidden.
    pub versus_rest: Option<f64>,
    /// Whether that difference is significant at 95%: |z| > 1.96 in the test of two weighted
    /// shares, each with variance p(1 − p)/n_eff and Kish's effective n = (Σw)²/Σw².
    pub differs_from_rest: Option<bool>,
}

/// A round's submitted answers: pseudonymised per institution, with their codebook.
#[derive(Debug, Serialize, ToSchema)]
pub struct RawResponses {
    pub round: i32,
    /// Questionnaire, version, columns with labels and value labels, withheld items.
    #[schema(value_type = Object)]
    pub codebook: serde_json::Value,
    pub rows: Vec<RawRow>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RawRow {
    pub year: i32,
    /// The institution's pseudonym, the same in every year.
    pub pseudonym: String,
    /// ROC, AOC or vakinstelling.
    pub kind: String,
    /// Column name → value (empty where not answered or not applicable).
    #[schema(value_type = Object)]
    pub answers: serde_json::Map<String, serde_json::Value>,
}
