use crate::both;
use crate::helpers::{client, TestApp};

async fn health_reports_status_and_database_reachability(app: TestApp) {
    let response = client()
        .get(app.url("/health"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"]["reachable"], true);
    let expected = if app.database_url.starts_with("sqlite") {
        "sqlite"
    } else {
        "postgres"
    };
    assert_eq!(body["database"]["backend"], expected);
}
both!(health_reports_status_and_database_reachability);

async fn pages_render_on_the_server_in_dutch_and_switch_to_english(app: TestApp) {
    let c = client();
    let html = c
        .get(app.url("/inloggen"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(html.contains(r#"<html lang="nl""#), "Dutch by default");
    assert!(html.contains("Wachtwoord"));
    let switch = c
        .post(app.url("/taal"))
        .form(&[("lang", "en"), ("back", "/inloggen")])
        .send()
        .await
        .expect("switch");
    assert_eq!(switch.status(), 303);
    assert_eq!(switch.headers()["location"], "/inloggen");
    let cookie = switch.headers()["set-cookie"].to_str().expect("cookie");
    assert!(cookie.contains("miv_lang=en") && cookie.contains("Max-Age=31536000"));
    let html = c
        .get(app.url("/inloggen"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(html.contains(r#"<html lang="en""#), "remembered");
    assert!(html.contains("Password"));
}
both!(pages_render_on_the_server_in_dutch_and_switch_to_english);

async fn an_unknown_page_is_a_404(app: TestApp) {
    let response = client()
        .get(app.url("/bestaat-niet"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 404);
}
both!(an_unknown_page_is_a_404);
