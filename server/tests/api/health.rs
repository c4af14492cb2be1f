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
    let html = app.text(&c, "/inloggen").await;
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
    let html = app.text(&c, "/inloggen").await;
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

/// The compiled files come with the brotli or gzip copy `serve` wrote beside them, as they are,
/// to a browser that accepts it; and every answer tells the browser to ask again next time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compiled_files_are_sent_precompressed_and_revalidated() {
    let site = std::env::temp_dir().join(format!("miv-site-{}", uuid::Uuid::new_v4()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    let js: String = (0..2000).map(|i| format!("let a{i} = {i};\n")).collect();
    std::fs::write(pkg.join("survey.js"), &js).expect("js");
    assert_eq!(
        server::precompress::write_missing(&pkg).expect("compress"),
        2
    );
    let br = std::fs::read(pkg.join("survey.js.br")).expect("br");
    let gz = std::fs::read(pkg.join("survey.js.gz")).expect("gz");
    let app = crate::helpers::spawn_app_with(crate::helpers::Backend::Sqlite, |c| {
        c.site_root = site.to_string_lossy().into_owned();
    })
    .await;
    let get = |encoding: &'static str| {
        let url = app.url("/pkg/survey.js");
        async move {
            let mut request = client().get(url);
            if !encoding.is_empty() {
                request = request.header("accept-encoding", encoding);
            }
            let response = request.send().await.expect("get");
            assert_eq!(response.status(), 200);
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned()
            };
            let (coding, cache) = (header("content-encoding"), header("cache-control"));
            let kind = header("content-type");
            let body = response.bytes().await.expect("body").to_vec();
            (coding, cache, kind, body)
        }
    };
    let (coding, cache, kind, body) = get("br").await;
    assert_eq!((coding.as_str(), cache.as_str()), ("br", "no-cache"));
    assert!(kind.contains("javascript"), "{kind}");
    assert_eq!(body, br, "the copy made ahead of time");
    let (coding, _, _, body) = get("gzip").await;
    assert_eq!((coding.as_str(), body), ("gzip", gz));
    let (coding, cache, _, body) = get("").await;
    assert_eq!((coding.as_str(), cache.as_str()), ("", "no-cache"));
    assert_eq!(
        body,
        js.into_bytes(),
        "as it is without an accepted encoding"
    );
    std::fs::remove_dir_all(&site).ok();
}
