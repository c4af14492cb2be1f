//! The security review's points (ASVS level 2), each tried the way an outsider would: requests in
//! parallel, forwarded addresses, hostile redirects, revoked credentials, hostile files, exports
//! opened in a spreadsheet, and the headers every response carries.

use app::domain::Role;
use sea_orm::EntityTrait;

use crate::both;
use crate::helpers::{client, spawn_app_with, Backend, TestApp, PASSWORD};
use crate::research_api::token;

async fn parallel_wrong_passwords_get_no_more_verdicts_than_the_limit(app: TestApp) {
    app.create_user("anna@roc.nl", Role::Admin, &[]).await;
    let attempts = (0..60).map(|_| {
        let app = &app;
        async move {
            app.login(&client(), "anna@roc.nl", "fout-fout-fout-fout")
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    let verdicts = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(verdicts, 5, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| matches!(s, 401 | 429 | 503)),
        "{statuses:?}"
    );
    let failed = app
        .audit_actions()
        .await
        .iter()
        .filter(|a| *a == "auth.login_failed")
        .count();
    assert_eq!(failed, 5, "every failed login is audited");
    let entries = app::backend::entities::audit_log::Entity::find()
        .all(&app.db)
        .await
        .expect("audit");
    assert!(
        !entries.iter().any(|e| e.details.contains("fout-fout")),
        "never the password"
    );
}
both!(parallel_wrong_passwords_get_no_more_verdicts_than_the_limit);

async fn after_login_only_a_path_on_this_site_is_followed(app: TestApp) {
    app.create_user("anna@roc.nl", Role::Admin, &[]).await;
    for (next, expected) in [
        ("/instellingen", "/instellingen"),
        ("/\t/evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
        ("/a\r\nSet-Cookie: x=1", "/"),
        ("/\u{0}", "/"),
    ] {
        let c = client();
        let response = c
            .post(app.url("/api/login"))
            .header("accept", "text/html")
            .form(&[
                ("email", "anna@roc.nl"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .expect("login");
        assert!(
            matches!(response.status().as_u16(), 200 | 302 | 303),
            "{next:?}: {}",
            response.status()
        );
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("/");
        assert_eq!(location, expected, "{next:?}");
    }
}
both!(after_login_only_a_path_on_this_site_is_followed);

async fn a_password_set_by_link_ends_old_sessions_and_a_change_can_revoke_tokens(app: TestApp) {
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let researcher = app
        .logged_in("onderzoek@miv.nl", Role::Researcher, &[])
        .await;
    let secret = token(&app, &researcher, "researcher", "30").await;
    let me = |token: String| {
        let app = &app;
        async move {
            reqwest::Client::new()
                .get(app.url("/api/v1/me"))
                .bearer_auth(token)
                .send()
                .await
                .expect("me")
                .status()
                .as_u16()
        }
    };
    assert_eq!(me(secret.clone()).await, 200);

    // A reset link: whoever set the password, the sessions opened before end.
    let users: serde_json::Value = app
        .call(&admin, "list_users", &[])
        .await
        .json()
        .await
        .expect("users");
    let id = users
        .as_array()
        .and_then(|list| list.iter().find(|u| u["email"] == "onderzoek@miv.nl"))
        .and_then(|u| u["id"].as_i64())
        .expect("researcher")
        .to_string();
    assert_eq!(
        app.call(&admin, "new_password_link", &[("user_id", &id)])
            .await
            .status(),
        200
    );
    let link: serde_json::Value = app
        .call(&admin, "take_password_link", &[])
        .await
        .json()
        .await
        .expect("link");
    let reset = link["url"]
        .as_str()
        .and_then(|u| u.rsplit_once("token="))
        .expect("token")
        .1
        .to_owned();
    let new = "een-nieuw-lang-wachtwoord";
    let set = app
        .call(
            &client(),
            "set_password",
            &[("token", &reset), ("new", new), ("repeat", new)],
        )
        .await;
    assert_eq!(set.status(), 200);
    assert!(
        app.call(&researcher, "me", &[])
            .await
            .json::<serde_json::Value>()
            .await
            .expect("me")
            .is_null(),
        "the session from before the reset has ended"
    );

    // A change of password ends other sessions and, when asked, the API tokens.
    let now = client();
    assert_eq!(app.login(&now, "onderzoek@miv.nl", new).await.status(), 200);
    let other = client();
    assert_eq!(
        app.login(&other, "onderzoek@miv.nl", new).await.status(),
        200
    );
    let changed = app
        .call(
            &now,
            "change_password",
            &[
                ("current", new),
                ("new", PASSWORD),
                ("repeat", PASSWORD),
                ("revoke_tokens", "ja"),
            ],
        )
        .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(
        me(secret).await,
        401,
        "the token was revoked with the change"
    );
    assert!(app
        .call(&other, "me", &[])
        .await
        .json::<serde_json::Value>()
        .await
        .expect("me")
        .is_null());
    assert!(app
        .audit_actions()
        .await
        .contains(&"token.revoke_all".to_owned()));

    // Guessing the current password is limited per account, whatever the address.
    for _ in 0..5 {
        let wrong = app
            .call(
                &now,
                "change_password",
                &[
                    ("current", "niet-het-huidige"),
                    ("new", new),
                    ("repeat", new),
                ],
            )
            .await;
        assert_eq!(wrong.status(), 422);
    }
    let limited = app
        .call(
            &now,
            "change_password",
            &[("current", PASSWORD), ("new", new), ("repeat", new)],
        )
        .await;
    assert_eq!(limited.status(), 429);
}
both!(a_password_set_by_link_ends_old_sessions_and_a_change_can_revoke_tokens);

/// Logins from two clients behind the same proxy: `X-Forwarded-For` names each.
async fn behind_a_trusted_proxy_each_client_has_its_own_limit(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.trusted_proxies = "127.0.0.1".into()).await;
    app.create_user("anna@roc.nl", Role::Admin, &[]).await;
    let from = |ip: &'static str, email: &'static str| {
        let app = &app;
        async move {
            client()
                .post(app.url("/api/login"))
                .header("x-forwarded-for", ip)
                .form(&[("email", email), ("password", "fout-fout-fout-fout")])
                .send()
                .await
                .expect("login")
                .status()
                .as_u16()
        }
    };
    // 20 failures (4 × 5) from one client, each for another address, use up its IP limit …
    for i in 0..20 {
        let email: &'static str = Box::leak(format!("iemand{i}@roc.nl").into_boxed_str());
        assert_eq!(from("198.51.100.7", email).await, 401);
    }
    assert_eq!(from("198.51.100.7", "nog@roc.nl").await, 429);
    // … and not the other client's behind the same proxy.
    assert_eq!(from("203.0.113.9", "nog@roc.nl").await, 401);
    // The addresses in the audit log are the clients'.
    let ips: Vec<Option<String>> = app::backend::entities::audit_log::Entity::find()
        .all(&app.db)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "auth.login_failed")
        .map(|e| e.ip)
        .collect();
    assert!(ips.contains(&Some("203.0.113.9".into())), "{ips:?}");

    // Without trust, the header is anyone's to write and is ignored.
    let plain = crate::helpers::spawn_app(backend).await;
    for i in 0..20 {
        let email = format!("iemand{i}@roc.nl");
        let status = client()
            .post(plain.url("/api/login"))
            .header("x-forwarded-for", format!("192.0.2.{i}"))
            .form(&[
                ("email", email.as_str()),
                ("password", "fout-fout-fout-fout"),
            ])
            .send()
            .await
            .expect("login")
            .status();
        assert_eq!(status, 401);
    }
    let blocked = client()
        .post(plain.url("/api/login"))
        .header("x-forwarded-for", "192.0.2.200")
        .form(&[("email", "nog@roc.nl"), ("password", "fout-fout-fout-fout")])
        .send()
        .await
        .expect("login");
    assert_eq!(
        blocked.status(),
        429,
        "a made-up address does not reset the limit"
    );
}
both!(
    behind_a_trusted_proxy_each_client_has_its_own_limit,
    backend
);

/// A 2 KB workbook with cells at A1 and XFD1048576.
fn far_apart_cells() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("survey").expect("name");
    sheet.write_string(0, 0, "type").expect("cell");
    sheet.write_number(1_048_575, 16_383, 1.0).expect("cell");
    book.save_to_buffer().expect("xlsx")
}

async fn a_hostile_workbook_is_refused_by_every_upload_and_the_server_stays_up(app: TestApp) {
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let bytes = far_apart_cells();
    assert!(bytes.len() < 8 * 1024, "{} bytes", bytes.len());
    let actor = app::backend::audit::Actor::cli();
    let source = app::backend::sources::create(&app.db, &actor, "students", "JOB", None)
        .await
        .expect("source");
    for route in [
        "/import/instellingen".to_owned(),
        "/import/contactpersonen".to_owned(),
        "/import/vragenlijst".to_owned(),
        format!("/import/bron/{source}"),
    ] {
        let response = app
            .upload_to(&admin, &route, "werkmap.xlsx", bytes.clone())
            .await;
        assert_eq!(response.status(), 303, "{route}");
        let location = response.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        let page = app.text(&admin, &location).await;
        assert!(
            page.contains("16384 kolommen") && page.contains("niets opgeslagen"),
            "{route}: {page}"
        );
    }
    assert_eq!(
        client()
            .get(app.url("/health"))
            .send()
            .await
            .expect("health")
            .status(),
        200
    );
}
both!(a_hostile_workbook_is_refused_by_every_upload_and_the_server_stays_up);

async fn exports_show_text_a_spreadsheet_would_run_as_text(app: TestApp) {
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let hostile = app::backend::audit::Actor {
        user_id: None,
        email: "=HYPERLINK(\"http://evil.example\",\"klik\")".into(),
        ip: Some("@SUM(1+1)".into()),
    };
    app::backend::audit::record(&app.db, &hostile, "-2+3", "+cmd", serde_json::json!({}))
        .await
        .expect("audit");
    let csv = app.text(&admin, "/export/auditlog.csv").await;
    let line = csv
        .lines()
        .find(|l| l.contains("HYPERLINK"))
        .expect("the entry");
    assert!(
        line.contains("\"'=HYPERLINK(")
            && line.contains(",'-2+3,'+cmd,")
            && line.ends_with(",'@SUM(1+1)"),
        "{line}"
    );
}
both!(exports_show_text_a_spreadsheet_would_run_as_text);

async fn every_response_carries_the_security_headers(app: TestApp) {
    let page = client()
        .get(app.url("/inloggen"))
        .send()
        .await
        .expect("page");
    let headers = page.headers().clone();
    let html = page.text().await.expect("html");
    let policy = headers["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy")
        .to_owned();
    assert!(nonce.len() >= 16);
    assert!(policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'"));
    assert!(!policy.contains("'unsafe-inline' ") && !policy.contains("script-src 'unsafe-inline'"));
    // Every inline script of the page carries this response's nonce.
    for script in html.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap_or_default();
        if tag.contains("src=") || tag.contains("application/json") {
            continue;
        }
        assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "<script{tag}>");
    }
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers.contains_key("referrer-policy"));
    assert!(
        !headers.contains_key("strict-transport-security"),
        "HSTS only over HTTPS"
    );
    let other = client()
        .get(app.url("/inloggen"))
        .send()
        .await
        .expect("page");
    assert_ne!(
        other.headers()["content-security-policy"],
        headers["content-security-policy"],
        "a new nonce per response"
    );
    let health = client()
        .get(app.url("/health"))
        .send()
        .await
        .expect("health");
    assert!(health.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .contains("frame-ancestors 'none'"));
    assert_eq!(health.headers()["x-content-type-options"], "nosniff");
}
both!(every_response_carries_the_security_headers);

async fn over_https_cookies_use_the_host_prefix_and_hsts_is_sent(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.secure_cookies = true).await;
    app.create_user("anna@roc.nl", Role::Admin, &[]).await;
    let response = app.login(&client(), "anna@roc.nl", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"].to_str().expect("cookie");
    assert!(
        cookie.starts_with("__Host-miv_session=")
            && cookie.contains("; Secure")
            && cookie.contains("Path=/")
            && !cookie.contains("Domain"),
        "{cookie}"
    );
    assert!(response.headers()["strict-transport-security"]
        .to_str()
        .expect("hsts")
        .contains("max-age="));
}
both!(
    over_https_cookies_use_the_host_prefix_and_hsts_is_sent,
    backend
);
