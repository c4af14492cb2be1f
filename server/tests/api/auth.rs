use app::domain::Role;

use crate::both;
use crate::helpers::{client, TestApp, PASSWORD};

async fn login_sets_an_http_only_same_site_session_cookie(app: TestApp) {
    app.create_user("anna@roc.nl", Role::Admin, &[]).await;
    let c = client();
    let response = app.login(&c, "Anna@ROC.nl", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(cookie.starts_with("miv_session="));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let me: serde_json::Value = app.call(&c, "me", &[]).await.json().await.expect("json");
    assert_eq!(me["email"], "anna@roc.nl");
    assert_eq!(me["role"], "admin");
    assert!(app.audit_actions().await.contains(&"auth.login".to_owned()));
}
both!(login_sets_an_http_only_same_site_session_cookie);

async fn a_wrong_password_is_refused_without_saying_which_part_was_wrong(app: TestApp) {
    app.create_user("anna@roc.nl", Role::Admin, &[]).await;
    let c = client();
    let wrong_password = app.login(&c, "anna@roc.nl", "niet-het-wachtwoord").await;
    assert_eq!(wrong_password.status(), 401);
    let body_a = wrong_password.text().await.expect("body");
    let unknown_user = app.login(&c, "onbekend@roc.nl", PASSWORD).await;
    assert_eq!(unknown_user.status(), 401);
    assert_eq!(body_a, unknown_user.text().await.expect("body"));
    let me: serde_json::Value = app.call(&c, "me", &[]).await.json().await.expect("json");
    assert!(me.is_null());
}
both!(a_wrong_password_is_refused_without_saying_which_part_was_wrong);

async fn logins_are_rate_limited_per_address(app: TestApp) {
    app.create_user("anna@roc.nl", Role::Admin, &[]).await;
    let c = client();
    for _ in 0..5 {
        assert_eq!(
            app.login(&c, "anna@roc.nl", "fout-fout-fout")
                .await
                .status(),
            401
        );
    }
    let blocked = app.login(&c, "anna@roc.nl", PASSWORD).await;
    assert_eq!(blocked.status(), 429, "even the right password waits");
    let body: serde_json::Value = blocked.json().await.expect("json");
    assert!(
        body["RateLimited"]["retry_after_secs"]
            .as_u64()
            .expect("secs")
            > 0
    );
}
both!(logins_are_rate_limited_per_address);

async fn logout_ends_the_session(app: TestApp) {
    let c = app.logged_in("anna@roc.nl", Role::Admin, &[]).await;
    let cookie_before = app.login(&c, "anna@roc.nl", PASSWORD).await;
    assert_eq!(cookie_before.status(), 200);
    let response = app.call(&c, "logout", &[]).await;
    assert_eq!(response.status(), 200);
    let me: serde_json::Value = app.call(&c, "me", &[]).await.json().await.expect("json");
    assert!(me.is_null());
    assert_eq!(app.call(&c, "list_users", &[]).await.status(), 401);
}
both!(logout_ends_the_session);

async fn a_password_change_needs_the_current_password_and_ends_other_sessions(app: TestApp) {
    let first = app.logged_in("anna@roc.nl", Role::Researcher, &[]).await;
    let second = client();
    assert_eq!(
        app.login(&second, "anna@roc.nl", PASSWORD).await.status(),
        200
    );
    let new = "een-nieuw-lang-wachtwoord";
    let wrong = app
        .call(
            &first,
            "change_password",
            &[("current", "fout"), ("new", new), ("repeat", new)],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let short = app
        .call(
            &first,
            "change_password",
            &[("current", PASSWORD), ("new", "kort"), ("repeat", "kort")],
        )
        .await;
    assert_eq!(short.status(), 422);
    let ok = app
        .call(
            &first,
            "change_password",
            &[("current", PASSWORD), ("new", new), ("repeat", new)],
        )
        .await;
    assert_eq!(ok.status(), 200);
    let me_second: serde_json::Value = app
        .call(&second, "me", &[])
        .await
        .json()
        .await
        .expect("json");
    assert!(me_second.is_null(), "the other session ended");
    let me_first: serde_json::Value = app
        .call(&first, "me", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me_first["email"], "anna@roc.nl", "this session goes on");
    assert_eq!(app.login(&client(), "anna@roc.nl", new).await.status(), 200);
    assert_eq!(
        app.login(&client(), "anna@roc.nl", PASSWORD).await.status(),
        401
    );
}
both!(a_password_change_needs_the_current_password_and_ends_other_sessions);

async fn cross_site_posts_are_refused(app: TestApp) {
    app.create_user("anna@roc.nl", Role::Admin, &[]).await;
    let plain = reqwest::Client::new();
    let by_fetch_metadata = plain
        .post(app.url("/api/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("email", "anna@roc.nl"), ("password", PASSWORD)])
        .send()
        .await
        .expect("request");
    assert_eq!(by_fetch_metadata.status(), 403);
    let by_origin = plain
        .post(app.url("/taal"))
        .header("origin", "https://evil.example")
        .form(&[("lang", "en")])
        .send()
        .await
        .expect("request");
    assert_eq!(by_origin.status(), 403);
    let same_origin = plain
        .post(app.url("/api/login"))
        .header("origin", app.address.clone())
        .form(&[("email", "anna@roc.nl"), ("password", PASSWORD)])
        .send()
        .await
        .expect("request");
    assert_eq!(same_origin.status(), 200);
}
both!(cross_site_posts_are_refused);

async fn a_one_time_link_sets_the_password_once(app: TestApp) {
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let created = app
        .call(
            &admin,
            "create_user",
            &[
                ("email", "nieuw@miv.nl"),
                ("name", "Nieuw"),
                ("role", "researcher"),
                ("institutions", ""),
            ],
        )
        .await;
    assert_eq!(created.status(), 200);
    let link: serde_json::Value = app
        .call(&admin, "take_password_link", &[])
        .await
        .json()
        .await
        .expect("json");
    let url = link["url"].as_str().expect("url").to_owned();
    assert!(url.starts_with(&app.address) && url.contains("/wachtwoord-instellen?token="));
    let again: serde_json::Value = app
        .call(&admin, "take_password_link", &[])
        .await
        .json()
        .await
        .expect("json");
    assert!(again.is_null(), "shown once");
    let token = url.rsplit_once("token=").expect("token").1.to_owned();
    let stored: Vec<String> = app::backend::entities::password_token::Entity::find()
        .all(&app.db)
        .await
        .expect("tokens")
        .into_iter()
        .map(|t| t.token_hash)
        .collect();
    assert!(
        stored.contains(&app::backend::auth::token_hash(&token)),
        "the link's hash is stored"
    );
    assert!(!stored.contains(&token), "only the hash is stored");
    let new = "mijn-eigen-lang-wachtwoord";
    let user = client();
    let set = app
        .call(
            &user,
            "set_password",
            &[("token", &token), ("new", new), ("repeat", new)],
        )
        .await;
    assert_eq!(set.status(), 200);
    assert_eq!(app.login(&user, "nieuw@miv.nl", new).await.status(), 200);
    let reuse = app
        .call(
            &client(),
            "set_password",
            &[("token", &token), ("new", new), ("repeat", new)],
        )
        .await;
    assert_eq!(reuse.status(), 422);
}
both!(a_one_time_link_sets_the_password_once);

use sea_orm::EntityTrait;
