//! Coordinators all year: a personal link opens after its round has closed (to read), a link can
//! be asked for on the login page, staff reset their password by e-mail; the requests answer the
//! same for unknown addresses and are limited per address and per client, also in parallel.

use app::backend::audit::Actor;
use app::backend::rounds;
use app::domain::Role;
use chrono::{Duration, Utc};

use crate::both;
use crate::helpers::{client, default_definition, open_round, publish, TestApp};

/// The path (`/r/<token>`) of the personal link in a mail.
fn link_path(mail: &str) -> String {
    let at = mail.find("/r/").expect("a personal link in the mail");
    let token: String = mail[at + 3..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    format!("/r/{token}")
}

/// A client with the session a personal link opens.
async fn open(app: &TestApp, path: &str) -> reqwest::Client {
    let c = client();
    let opened = c.post(app.url(path)).send().await.expect("open link");
    assert_eq!(opened.status(), 303, "the link opens");
    c
}

async fn close(app: &TestApp, round: i32) {
    rounds::set_closing(
        &app.db,
        &Actor::cli(),
        round,
        Utc::now() - Duration::minutes(1),
    )
    .await
    .expect("close the round");
}

async fn a_link_reads_its_institution_after_the_round_closed(app: TestApp) {
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    let earlier = open_round(&app, version, 2025, &["25PX", "27GH"]).await;
    let coordinator = app
        .create_user("link@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let token = rounds::issue_link(&app.db, &Actor::cli(), earlier, coordinator)
        .await
        .expect("link");
    close(&app, earlier).await;
    let reader = open(&app, &format!("/r/{token}")).await;
    let own = app.response_of(earlier, "25PX").await;
    let id = own.to_string();
    assert_eq!(
        app.call(&reader, "get_survey", &[("id", &id)])
            .await
            .status(),
        200,
        "the answers of a closed round"
    );
    let page = reader
        .get(app.url(&format!("/vragenlijst/{own}")))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let fact_sheet = reader
        .get(app.url("/instellingen/25PX/feitenblad"))
        .send()
        .await
        .expect("fact sheet");
    assert_eq!(fact_sheet.status(), 200, "the fact sheet");
    let save = reader
        .post(app.url("/api/save_answers"))
        .json(&serde_json::json!({ "id": own, "section": null, "changes": [] }))
        .send()
        .await
        .expect("save");
    assert_eq!(save.status(), 422, "a closed round takes no answers");
    let other = app.response_of(earlier, "27GH").await.to_string();
    assert_eq!(
        app.call(&reader, "get_survey", &[("id", &other)])
            .await
            .status(),
        404,
        "another institution stays hidden"
    );

    // A link of this year's round reads last year's answers, and writes only this year's.
    let current = open_round(&app, version, 2026, &["25PX"]).await;
    let token = rounds::issue_link(&app.db, &Actor::cli(), current, coordinator)
        .await
        .expect("link");
    let this_year = open(&app, &format!("/r/{token}")).await;
    assert_eq!(
        app.call(&this_year, "get_survey", &[("id", &id)])
            .await
            .status(),
        200,
        "last year's answers"
    );
    let mine: serde_json::Value = app
        .call(&this_year, "my_responses", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        mine.as_array().map(Vec::len),
        Some(2),
        "both rounds on the home page: {mine}"
    );
}
both!(a_link_reads_its_institution_after_the_round_closed);

async fn a_coordinator_asks_for_a_link_on_the_login_page(app: TestApp) {
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    let round = open_round(&app, version, 2025, &["25PX"]).await;
    app.create_contact("vraag@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    close(&app, round).await;
    let visitor = client();
    let asked = app
        .call(&visitor, "request_link", &[("email", "Vraag@ROC.nl ")])
        .await;
    assert_eq!(asked.status(), 200);
    let known = asked.text().await.expect("body");
    let unknown = app
        .call(&visitor, "request_link", &[("email", "niemand@roc.nl")])
        .await;
    assert_eq!(unknown.status(), 200);
    assert_eq!(
        unknown.text().await.expect("body"),
        known,
        "the same answer for an unknown address"
    );
    let page = visitor
        .post(app.url("/api/request_link"))
        .header("accept", "text/html")
        .form(&[("email", "niemand@roc.nl")])
        .send()
        .await
        .expect("form post");
    assert_eq!(
        page.headers()["location"],
        "/nieuwe-link?verstuurd=1",
        "a plain form goes to the same page either way"
    );
    let mails = app.mails_to("vraag@roc.nl", 1).await;
    assert_eq!(mails.len(), 1, "one mail for the known address");
    assert!(
        mails[0].contains("Uw persoonlijke link"),
        "the Dutch template: {}",
        mails[0]
    );
    assert_eq!(
        app.queued_to("niemand@roc.nl").await,
        0,
        "nothing for an unknown address"
    );
    let reader = open(&app, &link_path(&mails[0])).await;
    let own = app.response_of(round, "25PX").await.to_string();
    assert_eq!(
        app.call(&reader, "get_survey", &[("id", &own)])
            .await
            .status(),
        200,
        "the requested link opens the closed round's answers"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"mail.personal_link".to_owned()),
        "the mail is in the audit log"
    );
}
both!(a_coordinator_asks_for_a_link_on_the_login_page);

async fn mail_requests_are_limited_per_address_and_per_client(app: TestApp) {
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    open_round(&app, version, 2026, &["25PX"]).await;
    app.create_user("veel@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    // Ten at once for one address: five pass (the login limit's five per window), five wait.
    let visitor = client();
    let calls = (0..10).map(|_| app.call(&visitor, "request_link", &[("email", "veel@roc.nl")]));
    let statuses: Vec<u16> = futures::future::join_all(calls)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(app.mails_to("veel@roc.nl", 5).await.len(), 5);
    // One client, many addresses: four times the address limit, then it waits too.
    let mut refused = 0;
    for i in 0..20 {
        let email = format!("onbekend{i}@roc.nl");
        let r = app
            .call(&visitor, "request_password_reset", &[("email", &email)])
            .await;
        if r.status() == 429 {
            refused += 1;
        }
    }
    assert_eq!(
        refused, 0,
        "the password requests count apart from the links"
    );
    let r = app
        .call(&visitor, "request_password_reset", &[("email", "x@roc.nl")])
        .await;
    assert_eq!(r.status(), 429, "the client's twenty-first request waits");
}
both!(mail_requests_are_limited_per_address_and_per_client);

async fn a_password_reset_by_mail_ends_the_other_sessions(app: TestApp) {
    let old = app
        .logged_in("vergeten@miv.nl", Role::Researcher, &[])
        .await;
    app.create_contact("alleenlink@roc.nl", Role::Coordinator, &[])
        .await;
    let visitor = client();
    for email in ["vergeten@miv.nl", "alleenlink@roc.nl", "niemand@miv.nl"] {
        let r = app
            .call(&visitor, "request_password_reset", &[("email", email)])
            .await;
        assert_eq!(r.status(), 200, "{email}");
    }
    let mails = app.mails_to("vergeten@miv.nl", 1).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(
        app.queued_to("alleenlink@roc.nl").await,
        0,
        "a coordinator without a password uses links"
    );
    assert_eq!(app.queued_to("niemand@miv.nl").await, 0);
    let at = mails[0].find("token=").expect("a set-password link");
    let token: String = mails[0][at + 6..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    let new = "een-heel-nieuw-wachtwoord";
    let set = app
        .call(
            &visitor,
            "set_password",
            &[("token", &token), ("new", new), ("repeat", new)],
        )
        .await;
    assert_eq!(set.status(), 200);
    assert_eq!(
        app.call(&old, "me", &[]).await.text().await.expect("me"),
        "null",
        "the session from before the reset has ended"
    );
    let fresh = client();
    assert_eq!(
        app.login(&fresh, "vergeten@miv.nl", new).await.status(),
        200
    );
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"auth.password_reset_requested".to_owned()));
    assert!(actions.contains(&"auth.password_set".to_owned()));
}
both!(a_password_reset_by_mail_ends_the_other_sessions);

async fn coordinators_invite_a_colleague_and_hand_the_institution_over(app: TestApp) {
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    let round = open_round(&app, version, 2026, &["25PX", "27GH"]).await;
    let own = app.response_of(round, "25PX").await.to_string();
    let first = app
        .logged_in("eerste@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let leave = [("code", "25px")];
    assert_eq!(
        app.call(&first, "leave_institution", &leave).await.status(),
        422,
        "the only coordinator cannot leave"
    );
    let invite = |email: &'static str| {
        [
            ("code", "25PX"),
            ("name", "Tweede Coördinator"),
            ("email", email),
            ("language", "en"),
        ]
    };
    let invited = app
        .call(&first, "invite_colleague", &invite("tweede@roc.nl"))
        .await;
    assert_eq!(invited.status(), 200);
    let mails = app.mails_to("tweede@roc.nl", 1).await;
    assert_eq!(mails.len(), 1, "the colleague gets a personal link");
    assert!(mails[0].contains("Your personal link"), "in English");
    let colleague = open(&app, &link_path(&mails[0])).await;
    assert_eq!(
        app.call(&colleague, "get_survey", &[("id", &own)])
            .await
            .status(),
        200,
        "the colleague works on the institution's response"
    );
    let listed: serde_json::Value = app
        .call(&first, "list_colleagues", &[("code", "25PX")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");

    let other = app
        .logged_in("ander@roc.nl", Role::Coordinator, &["27GH"])
        .await;
    assert_eq!(
        app.call(&other, "invite_colleague", &invite("derde@roc.nl"))
            .await
            .status(),
        403,
        "only the institution's own coordinators invite"
    );
    app.create_user("staf@miv.nl", Role::Researcher, &[]).await;
    assert_eq!(
        app.call(&first, "invite_colleague", &invite("staf@miv.nl"))
            .await
            .status(),
        422,
        "staff do not become coordinators by an invitation"
    );

    assert_eq!(
        app.call(&first, "leave_institution", &leave).await.status(),
        200
    );
    assert_eq!(
        app.call(&first, "get_survey", &[("id", &own)])
            .await
            .status(),
        404,
        "after leaving, the institution's response is gone for the one who left"
    );

    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let user_id = app
        .create_contact("wissel@roc.nl", Role::Coordinator, &["25PX"])
        .await
        .to_string();
    let set = |role: &'static str, codes: &'static str| {
        [
            ("user_id", user_id.clone()),
            ("role", role.to_owned()),
            ("institutions", codes.to_owned()),
        ]
    };
    let call = |f: [(&'static str, String); 3]| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(&admin, "set_user_role", &f).await.status()
        }
    };
    assert_eq!(call(set("coordinator", "27GH, XXXX")).await, 422);
    assert_eq!(call(set("coordinator", "27gh")).await, 200);
    assert_eq!(
        app::backend::users::institution_codes_of(&app.db, user_id.parse().expect("id"))
            .await
            .expect("codes"),
        vec!["27GH".to_owned()],
        "rebound to 27GH"
    );
    assert_eq!(call(set("researcher", "25PX")).await, 200);
    assert_eq!(
        app.call(
            &first,
            "set_user_role",
            &[("user_id", "1"), ("role", "admin"), ("institutions", "")]
        )
        .await
        .status(),
        403,
        "only admins set roles"
    );
    let actions = app.audit_actions().await;
    for action in ["colleague.invite", "colleague.leave", "user.role"] {
        assert!(actions.contains(&action.to_owned()), "{action} audited");
    }
}
both!(coordinators_invite_a_colleague_and_hand_the_institution_over);
