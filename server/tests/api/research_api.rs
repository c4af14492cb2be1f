//! The research data API: personal tokens (shown once, scoped to a role, expiring, revocable,
//! rate limited), what each endpoint gives which role, raw answers pseudonymised with the marked
//! items left out unless allowed with a reason, every call audited, and schemathesis against the
//! generated OpenAPI document.

use app::backend::entities::{api_token, audit_log};
use app::domain::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

use crate::both;
use crate::helpers::{spawn_app_with, Backend, TestApp};

/// Makes a token through the tokens page's server functions; returns it as shown once.
pub(crate) async fn token(
    app: &TestApp,
    client: &reqwest::Client,
    role: &str,
    days: &str,
) -> String {
    let made = app
        .call(
            client,
            "create_token",
            &[("name", "script"), ("role", role), ("days", days)],
        )
        .await;
    assert_eq!(
        made.status(),
        200,
        "{}",
        made.text().await.unwrap_or_default()
    );
    let page: Value = app
        .call(client, "my_tokens", &[])
        .await
        .json()
        .await
        .expect("page");
    let again: Value = app
        .call(client, "my_tokens", &[])
        .await
        .json()
        .await
        .expect("page");
    assert!(again["new_token"].is_null(), "a new token is shown once");
    page["new_token"]["token"]
        .as_str()
        .expect("the new token")
        .to_owned()
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("api call")
}

pub(crate) async fn demo(app: &TestApp) {
    let logins = std::env::temp_dir().join(format!("miv-logins-{}.txt", uuid::Uuid::new_v4()));
    server::seed::first_start(&app.db, &app.address, true, &logins)
        .await
        .expect("demo");
    let _ = std::fs::remove_file(&logins);
}

async fn closed_round(app: &TestApp, token: &str) -> i64 {
    let rounds: Value = get(app, token, "/api/v1/rounds")
        .await
        .json()
        .await
        .expect("rounds");
    rounds
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["state"] == "closed")
        .and_then(|r| r["id"].as_i64())
        .expect("the demo's closed round")
}

async fn a_token_is_shown_once_stored_hashed_and_works_until_revoked(app: TestApp) {
    let researcher = app
        .logged_in("onderzoeker@monitor.nl", Role::Researcher, &[])
        .await;
    let secret = token(&app, &researcher, "researcher", "30").await;
    assert!(secret.starts_with("miv_") && secret.len() > 60);
    let stored = api_token::Entity::find()
        .one(&app.db)
        .await
        .expect("read")
        .expect("stored");
    assert_ne!(stored.token_hash, secret, "only a hash is stored");
    assert!(!stored.token_hash.contains(&secret[4..]));

    let me = get(&app, &secret, "/api/v1/me").await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.expect("json");
    assert_eq!(me["role"], "researcher");
    assert_eq!(me["email"], "onderzoeker@monitor.nl");

    let revoked = app
        .call(
            &researcher,
            "revoke_token",
            &[("id", &stored.id.to_string())],
        )
        .await;
    assert_eq!(revoked.status(), 200);
    let refused = get(&app, &secret, "/api/v1/me").await;
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
    let body: Value = refused.json().await.expect("problem");
    assert_eq!(body["code"], "unauthenticated");
    assert!(body["message_nl"]
        .as_str()
        .is_some_and(|m| m.contains("API-sleutel")));

    let actions = app.audit_actions().await;
    for action in ["token.create", "api.call", "token.revoke"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    let call = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("api.call"))
        .one(&app.db)
        .await
        .expect("read")
        .expect("the call");
    assert_eq!(call.target, "/api/v1/me");
    assert_eq!(call.actor_email, "onderzoeker@monitor.nl");
    assert!(call.ip.is_some(), "from where");
    let details: Value = serde_json::from_str(&call.details).expect("details");
    assert_eq!(details["status"], 200);
    assert_eq!(details["token"], stored.id);
}
both!(a_token_is_shown_once_stored_hashed_and_works_until_revoked);

async fn a_token_acts_with_its_own_role_only_and_not_after_expiry(app: TestApp) {
    demo(&app).await;
    let admin = app.logged_in("beheer@monitor.nl", Role::Admin, &[]).await;
    let as_admin = token(&app, &admin, "admin", "7").await;
    let as_researcher = token(&app, &admin, "researcher", "7").await;
    let round = closed_round(&app, &as_admin).await;

    let detail: Value = get(&app, &as_admin, &format!("/api/v1/rounds/{round}"))
        .await
        .json()
        .await
        .expect("detail");
    assert!(
        detail["responses"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "admins see each institution's status"
    );
    assert!(detail["submitted"].as_u64().is_some_and(|n| n > 0));
    let detail: Value = get(&app, &as_researcher, &format!("/api/v1/rounds/{round}"))
        .await
        .json()
        .await
        .expect("detail");
    assert_eq!(
        detail["responses"],
        serde_json::json!([]),
        "researchers only the numbers"
    );
    let raw = format!("/api/v1/rounds/{round}/responses");
    assert_eq!(
        get(&app, &as_admin, &raw).await.status(),
        403,
        "raw answers: researchers only"
    );
    assert_eq!(get(&app, &as_researcher, &raw).await.status(), 200);

    // A researcher cannot make an admin token; a coordinator no token at all.
    let researcher = app
        .logged_in("onderzoeker@monitor.nl", Role::Researcher, &[])
        .await;
    let refused = app
        .call(
            &researcher,
            "create_token",
            &[("name", "x"), ("role", "admin"), ("days", "7")],
        )
        .await;
    assert_eq!(refused.status(), 403);
    let coordinator = app
        .logged_in("coordinator@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let refused = app
        .call(
            &coordinator,
            "create_token",
            &[("name", "x"), ("role", "researcher"), ("days", "7")],
        )
        .await;
    assert_eq!(refused.status(), 403);
    let coordinator_api = coordinator
        .get(app.url("/api/v1/rounds"))
        .send()
        .await
        .expect("call");
    assert_eq!(
        coordinator_api.status(),
        403,
        "a coordinator's session reaches no API"
    );
    let too_long = app
        .call(
            &researcher,
            "create_token",
            &[("name", "x"), ("role", "researcher"), ("days", "400")],
        )
        .await;
    assert_eq!(too_long.status(), 422);

    // The same admin session works without a token; an anonymous call does not.
    assert_eq!(
        admin
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .expect("call")
            .status(),
        200
    );
    assert_eq!(
        reqwest::get(app.url("/api/v1/me"))
            .await
            .expect("call")
            .status(),
        401
    );

    // Expired: refused from that moment.
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::ExpiresAt,
            (chrono::Utc::now() - chrono::Duration::minutes(1)).into(),
        )
        .exec(&app.db)
        .await
        .expect("expire");
    assert_eq!(get(&app, &as_admin, "/api/v1/me").await.status(), 401);
    let page: Value = app
        .call(&admin, "my_tokens", &[])
        .await
        .json()
        .await
        .expect("page");
    assert!(page["tokens"][0]["ended"]
        .as_str()
        .is_some_and(|e| e.contains("verlopen")));
}
both!(a_token_acts_with_its_own_role_only_and_not_after_expiry);

async fn api_calls_are_rate_limited_per_token(app: TestApp) {
    let researcher = app
        .logged_in("onderzoeker@monitor.nl", Role::Researcher, &[])
        .await;
    let secret = token(&app, &researcher, "researcher", "1").await;
    for _ in 0..3 {
        assert_eq!(get(&app, &secret, "/api/v1/me").await.status(), 200);
    }
    let limited = get(&app, &secret, "/api/v1/me").await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().get("retry-after").is_some());
    // Wrong tokens are counted per address: after 20, even trying is refused for a while.
    for _ in 0..20 {
        assert_eq!(get(&app, "miv_wrong", "/api/v1/me").await.status(), 401);
    }
    assert_eq!(get(&app, "miv_wrong", "/api/v1/me").await.status(), 429);
}

mod api_calls_are_rate_limited_per_token {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = spawn_app_with(Backend::Sqlite, |c| c.api_per_minute = 3).await;
        super::api_calls_are_rate_limited_per_token(app).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let app = spawn_app_with(Backend::Postgres, |c| c.api_per_minute = 3).await;
        super::api_calls_are_rate_limited_per_token(app).await
    }
}

async fn raw_answers_are_pseudonymised_and_marked_items_need_access_and_a_reason(app: TestApp) {
    demo(&app).await;
    let admin = app.logged_in("beheer@monitor.nl", Role::Admin, &[]).await;
    let researcher_id = app
        .create_user("onderzoeker@monitor.nl", Role::Researcher, &[])
        .await;
    let researcher = crate::helpers::client();
    app.login(
        &researcher,
        "onderzoeker@monitor.nl",
        crate::helpers::PASSWORD,
    )
    .await;
    let secret = token(&app, &researcher, "researcher", "7").await;
    let round = closed_round(&app, &secret).await;
    let path = format!("/api/v1/rounds/{round}/responses");

    let raw: Value = get(&app, &secret, &path).await.json().await.expect("raw");
    let rows = raw["rows"].as_array().expect("rows");
    assert!(!rows.is_empty());
    let first = &rows[0];
    assert!(first["pseudonym"]
        .as_str()
        .is_some_and(|p| p.starts_with("P-")));
    let text = raw.to_string();
    assert!(!text.contains("25PX"), "no institution code in raw answers");
    let withheld = raw["codebook"]["withheld"].as_array().expect("withheld");
    assert!(withheld.contains(&Value::from("opmerkingen")));
    assert!(
        first["answers"].get("opmerkingen").is_none(),
        "identifying item left out"
    );
    assert!(first["answers"].get("integraal_plan").is_some());

    // The same pseudonym next time, in the CSV download too.
    let again: Value = get(&app, &secret, &path).await.json().await.expect("raw");
    assert_eq!(again["rows"][0]["pseudonym"], first["pseudonym"]);
    let csv = app
        .text(
            &researcher,
            &format!("/export/ronde/{round}/antwoorden.csv"),
        )
        .await;
    let header = csv.lines().next().expect("header");
    assert!(header.starts_with("jaar,pseudoniem,soort") && !header.contains("opmerkingen"));
    assert!(csv.contains(first["pseudonym"].as_str().expect("pseudonym")));

    // Without the access: refused, even with a reason.
    let marked = format!("{path}?include_marked=true&reason=Onderzoek%20naar%20dreigingen");
    assert_eq!(get(&app, &secret, &marked).await.status(), 403);
    // Granted by an admin (audited): a reason is still required, then the items are there.
    let granted = app
        .call(
            &admin,
            "set_special_access",
            &[("user_id", &researcher_id.to_string()), ("allowed", "true")],
        )
        .await;
    assert_eq!(granted.status(), 200);
    let no_reason = get(&app, &secret, &format!("{path}?include_marked=true")).await;
    assert_eq!(no_reason.status(), 422);
    let full: Value = get(&app, &secret, &marked)
        .await
        .json()
        .await
        .expect("full");
    assert!(full["rows"][0]["answers"].get("opmerkingen").is_some());
    assert_eq!(full["codebook"]["withheld"], serde_json::json!([]));
    let export = format!("/export/ronde/{round}/antwoorden.csv");
    let csv = researcher
        .post(app.url(&export))
        .form(&[("bijzonder", "1"), ("reden", "kort")])
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 422, "a reason of at least 10 characters");
    let by_link = researcher
        .get(app.url(&format!(
            "{export}?bijzonder=1&reden=Onderzoek+naar+dreigingen"
        )))
        .send()
        .await
        .expect("csv");
    assert_eq!(by_link.status(), 405, "a reason never comes in a link");
    assert_eq!(
        crate::helpers::cross_site_status(researcher.get(app.url(&export))).await,
        403,
        "another site cannot start a download"
    );
    let posted = researcher
        .post(app.url(&export))
        .form(&[("bijzonder", "1"), ("reden", "Onderzoek naar dreigingen")])
        .send()
        .await
        .expect("csv");
    assert_eq!(posted.status(), 200);
    assert!(posted.text().await.expect("body").contains("opmerkingen"));

    let exports = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("export.answers"))
        .order_by_asc(audit_log::Column::Id)
        .all(&app.db)
        .await
        .expect("audit");
    let last: Value = serde_json::from_str(&exports.last().expect("export").details).expect("json");
    assert_eq!(last["marked_items"], true);
    assert_eq!(last["reason"], "Onderzoek naar dreigingen");
    assert!(app
        .audit_actions()
        .await
        .contains(&"user.special_access.grant".to_owned()));
}
both!(raw_answers_are_pseudonymised_and_marked_items_need_access_and_a_reason);

async fn the_api_serves_versions_with_their_diff_and_indicator_tables(app: TestApp) {
    demo(&app).await;
    let researcher = app
        .logged_in("onderzoeker@monitor.nl", Role::Researcher, &[])
        .await;
    let secret = token(&app, &researcher, "researcher", "7").await;
    let list: Value = get(&app, &secret, "/api/v1/questionnaires")
        .await
        .json()
        .await
        .expect("questionnaires");
    let versions = list[0]["versions"].as_array().expect("versions");
    let id = versions
        .last()
        .and_then(|v| v["id"].as_i64())
        .expect("a version");
    let version: Value = get(&app, &secret, &format!("/api/v1/versions/{id}"))
        .await
        .json()
        .await
        .expect("version");
    assert!(version["definition"]["sections"].is_array());
    let diff = get(
        &app,
        &secret,
        &format!("/api/v1/versions/{id}/diff?against={id}"),
    )
    .await;
    assert_eq!(diff.status(), 200);
    let diff: Value = diff.json().await.expect("diff");
    assert_eq!(
        diff["changes"],
        serde_json::json!([]),
        "a version equals itself"
    );
    assert_eq!(
        get(&app, &secret, "/api/v1/versions/99999").await.status(),
        404
    );

    let sources: Value = get(&app, &secret, "/api/v1/sources")
        .await
        .json()
        .await
        .expect("sources");
    let students = sources
        .as_array()
        .expect("list")
        .iter()
        .find(|s| s["kind"] == "students")
        .and_then(|s| s["id"].as_i64())
        .expect("the demo's students");
    let figures: Value = get(
        &app,
        &secret,
        &format!("/api/v1/sources/{students}/figures?indicator=feels_safe&breakdown=level"),
    )
    .await
    .json()
    .await
    .expect("figures");
    let rows = figures["figures"].as_array().expect("figures");
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|f| f["breakdown"] == "level" && f["indicator"] == "feels_safe"));
    assert_eq!(figures["min_n_shares"], 10);
    // Level by gender has small groups: those cells (and the cells they could be worked out
    // from) come without n or value.
    let crossed: Value = get(
        &app,
        &secret,
        &format!(
            "/api/v1/sources/{students}/figures?indicator=feels_safe&breakdown=level&cross=gender"
        ),
    )
    .await
    .json()
    .await
    .expect("crossed figures");
    let crossed = crossed["figures"].as_array().expect("figures");
    assert!(
        crossed.iter().any(|f| f["suppressed"] == true),
        "some cell of level by gender is suppressed"
    );
    for f in rows.iter().chain(crossed) {
        match f["n"].as_u64() {
            Some(n) => assert!(n >= 10 && f["suppressed"] == false, "{f}"),
            None => assert!(f["value"].is_null() && f["suppressed"] == true, "{f}"),
        }
    }
    let crossed = get(
        &app,
        &secret,
        &format!("/api/v1/sources/{students}/figures?breakdown=kind&cross=gender"),
    )
    .await;
    assert_eq!(
        crossed.status(),
        422,
        "institution characteristics do not cross"
    );
    let bad = get(
        &app,
        &secret,
        &format!("/api/v1/sources/{students}/figures?breakdown=a%00b"),
    )
    .await;
    assert_eq!(bad.status(), 422);
    let unknown = get(&app, &secret, "/api/v1/nothing-here").await;
    assert_eq!(unknown.status(), 404);
}
both!(the_api_serves_versions_with_their_diff_and_indicator_tables);

/// schemathesis (from PyPI, in the test venv) generates requests from `/api/openapi.json` for
/// every operation and checks that none gives a server error and every documented answer fits
/// its schema.
async fn schemathesis_finds_no_server_error(app: TestApp) {
    demo(&app).await;
    let admin = app.logged_in("beheer@monitor.nl", Role::Admin, &[]).await;
    let secret = token(&app, &admin, "researcher", "1").await;
    let spec: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .expect("document")
        .json()
        .await
        .expect("json");
    assert!(spec["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.")));
    assert!(spec["paths"]["/api/v1/rounds/{id}/responses"].is_object());
    let python = std::env::var("MIV_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let url = app.url("/api/openapi.json");
    // The server runs on this test's runtime: wait for the run on a blocking thread.
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .args(["-m", "schemathesis.cli", "run", &url])
            .args(["--checks", "not_a_server_error,response_schema_conformance"])
            .args(["--max-examples", "25", "--workers", "2", "--seed", "1"])
            .args(["--phases", "examples,coverage,fuzzing"])
            .args(["--header", &format!("Authorization: Bearer {secret}")])
            .env("NO_COLOR", "1")
            .current_dir(std::env::temp_dir())
            .output()
    })
    .await
    .expect("join")
    .expect("schemathesis must be installed (the test command's setup installs it)");
    let report = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "schemathesis failed:\n{report}");
    assert!(
        report.contains("Tested: 9"),
        "every operation reached:\n{report}"
    );
}

mod schemathesis_finds_no_server_error {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = spawn_app_with(Backend::Sqlite, |c| c.api_per_minute = 100_000).await;
        super::schemathesis_finds_no_server_error(app).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let app = spawn_app_with(Backend::Postgres, |c| c.api_per_minute = 100_000).await;
        super::schemathesis_finds_no_server_error(app).await
    }
}
