//! Every route and server function × {anonymous, coordinator of A, coordinator of B, researcher,
//! admin}: each cell is either allowed or refused (401 for anonymous, 403 for a wrong role).

use app::domain::Role;

use crate::both;
use crate::helpers::{client, TestApp};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    CoordinatorA,
    CoordinatorB,
    Researcher,
    Admin,
}

const EVERYONE: &[Who] = &[
    Who::Anonymous,
    Who::CoordinatorA,
    Who::CoordinatorB,
    Who::Researcher,
    Who::Admin,
];
const LOGGED_IN: &[Who] = &[
    Who::CoordinatorA,
    Who::CoordinatorB,
    Who::Researcher,
    Who::Admin,
];
const STAFF: &[Who] = &[Who::Researcher, Who::Admin];
const ADMIN: &[Who] = &[Who::Admin];
const SCOPE_A: &[Who] = &[Who::CoordinatorA, Who::Researcher, Who::Admin];
const COORDINATORS: &[Who] = &[Who::CoordinatorA, Who::CoordinatorB];
const RESPONSE_A: &[Who] = &[Who::CoordinatorA, Who::Admin];
const WRITE_A: &[Who] = &[Who::CoordinatorA];

enum Request {
    Page(String),
    Function(&'static str, Vec<(&'static str, String)>),
    Upload(&'static str),
    /// A response of institution A: coordinators of B are told it does not exist (404).
    Response(&'static str, Vec<(&'static str, String)>),
}

async fn every_route_and_server_function_checks_role_and_institution(app: TestApp) {
    app.load_demo_register().await;
    let clients = [
        (Who::Anonymous, client()),
        (
            Who::CoordinatorA,
            app.logged_in("coord-a@roc.nl", Role::Coordinator, &["25PX"])
                .await,
        ),
        (
            Who::CoordinatorB,
            app.logged_in("coord-b@roc.nl", Role::Coordinator, &["27GH"])
                .await,
        ),
        (
            Who::Researcher,
            app.logged_in("onderzoek@miv.nl", Role::Researcher, &[])
                .await,
        ),
        (
            Who::Admin,
            app.logged_in("beheer@miv.nl", Role::Admin, &[]).await,
        ),
    ];
    let target = app
        .create_user("doel@miv.nl", Role::Researcher, &[])
        .await
        .to_string();
    let run = app.upload(&clients[4].1, "r.csv", b"x".to_vec()).await;
    let run_path = run.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let run_id = run_path.trim_start_matches("/import/").to_owned();
    let definition = serde_json::from_str(server::seed::DEFAULT_QUESTIONNAIRE).expect("definition");
    let draft = app::backend::questionnaires::create_draft(
        &app.db,
        &app::backend::audit::Actor::cli(),
        &definition,
        None,
    )
    .await
    .expect("draft");
    let vid = draft.id.to_string();
    let s = |v: &str| v.to_owned();
    let (round, response_a, coordinator_a) = open_round(&app).await;
    let (round, response_a, coordinator_a) = (
        round.to_string(),
        response_a.to_string(),
        coordinator_a.to_string(),
    );
    let matrix: Vec<(Request, &[Who])> = vec![
        (Request::Page(s("/")), EVERYONE),
        (Request::Page(s("/inloggen")), EVERYONE),
        (Request::Page(s("/account")), LOGGED_IN),
        (Request::Page(s("/instellingen")), STAFF),
        (Request::Page(s("/instellingen/25PX")), SCOPE_A),
        (Request::Page(s("/beheer/gebruikers")), ADMIN),
        (Request::Page(s("/beheer/audit")), ADMIN),
        (Request::Page(run_path.clone()), STAFF),
        (Request::Function("me", vec![]), EVERYONE),
        (Request::Page(s("/beheer/rondes")), ADMIN),
        (Request::Page(format!("/beheer/rondes/{round}")), ADMIN),
        (
            Request::Response("", vec![("page", format!("/vragenlijst/{response_a}"))]),
            RESPONSE_A,
        ),
        (
            Request::Response(
                "",
                vec![("page", format!("/vragenlijst/{response_a}/deel/beleid"))],
            ),
            RESPONSE_A,
        ),
        (
            Request::Response(
                "",
                vec![("page", format!("/vragenlijst/{response_a}/controle"))],
            ),
            RESPONSE_A,
        ),
        (
            Request::Response("get_survey", vec![("id", response_a.clone())]),
            RESPONSE_A,
        ),
        (
            Request::Response("get_comparison", vec![("id", response_a.clone())]),
            RESPONSE_A,
        ),
        (
            Request::Response("submit_response", vec![("id", response_a.clone())]),
            WRITE_A,
        ),
        (Request::Function("my_responses", vec![]), COORDINATORS),
        (
            Request::Function("get_survey_notice", vec![("id", s("1"))]),
            LOGGED_IN,
        ),
        (Request::Function("list_rounds", vec![]), ADMIN),
        (Request::Function("round_options", vec![]), ADMIN),
        (
            Request::Function("get_round", vec![("id", round.clone())]),
            ADMIN,
        ),
        (
            Request::Function(
                "create_round",
                vec![
                    ("name", s("Extra ronde")),
                    ("year", s("2027")),
                    ("version_id", s("0")),
                    ("opens_at", s("2027-01-01T09:00")),
                    ("closes_at", s("2027-02-01T09:00")),
                    ("institutions", s("")),
                ],
            ),
            ADMIN,
        ),
        (
            Request::Function(
                "extend_round",
                vec![("id", round.clone()), ("closes_at", s("2099-01-01T12:00"))],
            ),
            ADMIN,
        ),
        (
            Request::Function("reopen_response", vec![("id", response_a.clone())]),
            ADMIN,
        ),
        (
            Request::Function(
                "issue_link",
                vec![
                    ("round_id", round.clone()),
                    ("user_id", coordinator_a.clone()),
                ],
            ),
            ADMIN,
        ),
        (
            Request::Function(
                "revoke_links",
                vec![
                    ("round_id", round.clone()),
                    ("user_id", coordinator_a.clone()),
                ],
            ),
            ADMIN,
        ),
        (
            Request::Function("close_round", vec![("id", s("999999"))]),
            ADMIN,
        ),
        (
            Request::Page(format!("/beheer/rondes/{round}/uitnodigingen")),
            ADMIN,
        ),
        (
            Request::Page(format!("/export/ronde/{round}/antwoorden.csv")),
            STAFF,
        ),
        (
            Request::Page(format!("/export/ronde/{round}/antwoorden.sps")),
            STAFF,
        ),
        (Request::Function("answer_exports", vec![]), STAFF),
        (
            Request::Page(format!("/export/ronde/{round}/ontvangers.csv")),
            ADMIN,
        ),
        (
            Request::Function("mail_overview", vec![("round_id", round.clone())]),
            ADMIN,
        ),
        (
            Request::Function("send_invitations", vec![("round_id", round.clone())]),
            ADMIN,
        ),
        (
            Request::Function("send_reminders", vec![("round_id", round.clone())]),
            ADMIN,
        ),
        (
            Request::Function(
                "set_reminders",
                vec![
                    ("round_id", round.clone()),
                    ("days", s("7")),
                    ("max", s("2")),
                ],
            ),
            ADMIN,
        ),
        (Request::Upload("/import/contactpersonen"), ADMIN),
        (Request::Page(s("/beheer/mail")), ADMIN),
        (
            Request::Function(
                "update_user",
                vec![
                    ("user_id", target.clone()),
                    ("name", s("Doel")),
                    ("email", s("doel@miv.nl")),
                    ("language", s("en")),
                ],
            ),
            ADMIN,
        ),
        (Request::Function("mail_templates", vec![]), ADMIN),
        (
            Request::Function(
                "save_mail_template",
                vec![
                    ("kind", s("receipt")),
                    ("lang", s("nl")),
                    ("subject", s("Ontvangen")),
                    ("text", s("{{link}}")),
                    ("html", s("<p>{{link}}</p>")),
                ],
            ),
            ADMIN,
        ),
        (
            Request::Function(
                "reset_mail_template",
                vec![("kind", s("receipt")), ("lang", s("nl"))],
            ),
            ADMIN,
        ),
        (
            Request::Function(
                "send_test_mail",
                vec![("kind", s("invitation")), ("lang", s("en"))],
            ),
            ADMIN,
        ),
        (Request::Function("my_institutions", vec![]), LOGGED_IN),
        (
            Request::Function(
                "change_password",
                vec![("current", s("x")), ("new", s("y")), ("repeat", s("y"))],
            ),
            LOGGED_IN,
        ),
        (
            Request::Function(
                "list_institutions",
                vec![("search", s("")), ("kind", s("")), ("province", s(""))],
            ),
            STAFF,
        ),
        (Request::Function("list_provinces", vec![]), STAFF),
        (
            Request::Function("get_institution", vec![("code", s("25PX"))]),
            SCOPE_A,
        ),
        (
            Request::Function("fact_sheet", vec![("code", s("25PX"))]),
            SCOPE_A,
        ),
        (Request::Page(s("/instellingen/25PX/feitenblad")), SCOPE_A),
        (
            Request::Function(
                "update_institution",
                vec![
                    ("code", s("25PX")),
                    ("name", s("ROC")),
                    ("municipality", s("Utrecht")),
                    ("province", s("Utrecht")),
                    ("kind", s("roc")),
                ],
            ),
            ADMIN,
        ),
        (
            Request::Function("get_import_run", vec![("id", run_id)]),
            STAFF,
        ),
        (Request::Function("list_users", vec![]), ADMIN),
        (
            Request::Function(
                "create_user",
                vec![
                    ("email", s("x@miv.nl")),
                    ("name", s("X")),
                    ("role", s("researcher")),
                    ("institutions", s("")),
                ],
            ),
            ADMIN,
        ),
        (
            Request::Function("new_password_link", vec![("user_id", target.clone())]),
            ADMIN,
        ),
        (Request::Function("take_password_link", vec![]), ADMIN),
        (
            Request::Function(
                "set_special_access",
                vec![("user_id", s("999999")), ("allowed", s("false"))],
            ),
            ADMIN,
        ),
        (Request::Function("my_tokens", vec![]), STAFF),
        (
            Request::Function(
                "create_token",
                vec![
                    ("name", s("script")),
                    ("role", s("researcher")),
                    ("days", s("30")),
                ],
            ),
            STAFF,
        ),
        (
            Request::Function("revoke_token", vec![("id", s("999999"))]),
            STAFF,
        ),
        (Request::Page(s("/account/api-sleutels")), STAFF),
        (Request::Page(s("/api/v1/me")), STAFF),
        (Request::Page(s("/api/v1/questionnaires")), STAFF),
        (Request::Page(format!("/api/v1/versions/{vid}")), STAFF),
        (Request::Page(s("/api/v1/rounds")), STAFF),
        (Request::Page(format!("/api/v1/rounds/{round}")), STAFF),
        (
            Request::Page(format!("/api/v1/rounds/{round}/responses")),
            &[Who::Researcher],
        ),
        (Request::Page(s("/api/v1/sources")), STAFF),
        (Request::Page(s("/api/openapi.json")), EVERYONE),
        (
            Request::Function(
                "set_user_active",
                vec![("user_id", target), ("active", s("true"))],
            ),
            ADMIN,
        ),
        (
            Request::Function(
                "list_audit",
                vec![
                    ("action", s("")),
                    ("actor", s("")),
                    ("target", s("")),
                    ("from", s("")),
                    ("to", s("")),
                ],
            ),
            ADMIN,
        ),
        (Request::Page(s("/export/auditlog.csv")), ADMIN),
        (
            Request::Page(s("/export/gebruiker/999999/gegevens.json")),
            ADMIN,
        ),
        (
            Request::Function(
                "erase_user",
                vec![("user_id", s("999999")), ("confirm", s("true"))],
            ),
            ADMIN,
        ),
        (Request::Page(s("/analyse")), STAFF),
        (Request::Page(s("/export/bron/1/cijfers.csv")), STAFF),
        (Request::Page(s("/export/bron/1/cijfers.xlsx")), STAFF),
        (Request::Function("list_sources", vec![]), STAFF),
        (
            Request::Function(
                "withdraw_snapshot",
                vec![("source", s("1")), ("year", s("1999")), ("reason", s("x"))],
            ),
            STAFF,
        ),
        (
            Request::Function(
                "restore_snapshot",
                vec![
                    ("source", s("1")),
                    ("snapshot", s("999999")),
                    ("reason", s("x")),
                ],
            ),
            STAFF,
        ),
        (Request::Function("report_thresholds", vec![]), STAFF),
        (Request::Function("report_questions", vec![]), STAFF),
        (
            Request::Function(
                "report",
                vec![
                    ("source", s("1")),
                    ("indicator", s("bullied")),
                    ("breakdown", s("type")),
                    ("cross", s("")),
                ],
            ),
            STAFF,
        ),
        (Request::Upload("/import/instellingen"), ADMIN),
        (Request::Upload("/import/vragenlijst"), STAFF),
        (Request::Upload("/import/bron/1"), STAFF),
        (Request::Page(s("/analyse/bronnen")), STAFF),
        (Request::Page(s("/analyse/bronnen/1")), STAFF),
        (
            Request::Function(
                "create_source",
                vec![("name", s("")), ("kind", s("students"))],
            ),
            STAFF,
        ),
        (
            Request::Function("upload_status", vec![("token", s("niet-bestaand"))]),
            STAFF,
        ),
        (Request::Page(s("/vragenlijsten")), STAFF),
        (Request::Page(format!("/vragenlijsten/versie/{vid}")), STAFF),
        (
            Request::Page(format!("/vragenlijsten/verschil?a={vid}&b={vid}")),
            STAFF,
        ),
        (Request::Page(format!("/export/vragenlijst/{vid}")), STAFF),
        (Request::Function("list_questionnaires", vec![]), STAFF),
        (
            Request::Function("retire_version", vec![("id", vid.clone())]),
            STAFF,
        ),
        (
            Request::Function(
                "rename_item",
                vec![
                    ("id", vid.clone()),
                    ("key", s("benchmark")),
                    ("new_key", s("vergelijking")),
                ],
            ),
            STAFF,
        ),
        (
            Request::Function(
                "recode_option",
                vec![
                    ("id", vid.clone()),
                    ("key", s("samenwerking")),
                    ("code", s("ggd")),
                    ("new_code", s("gezondheidsdienst")),
                ],
            ),
            STAFF,
        ),
        (
            Request::Function(
                "add_section",
                vec![
                    ("id", vid.clone()),
                    ("key", s("extra")),
                    ("title_nl", s("Extra")),
                    ("title_en", s("")),
                ],
            ),
            STAFF,
        ),
        (
            Request::Function(
                "move_item",
                vec![
                    ("id", vid.clone()),
                    ("key", s("opmerkingen")),
                    ("up", s("true")),
                ],
            ),
            STAFF,
        ),
        (
            Request::Function(
                "remove_item",
                vec![("id", vid.clone()), ("key", s("opmerkingen"))],
            ),
            STAFF,
        ),
        (
            Request::Function(
                "add_item",
                [
                    ("id", vid.clone()),
                    ("section", s("beleid")),
                    ("key", s("nieuw")),
                    ("kind", s("date")),
                    ("label_nl", s("Nieuw")),
                    ("label_en", s("")),
                    ("required", s("nee")),
                    ("relevant", s("")),
                    ("options", s("")),
                ]
                .to_vec(),
            ),
            STAFF,
        ),
        (
            Request::Function(
                "update_item",
                [
                    ("id", vid.clone()),
                    ("key", s("benchmark")),
                    ("label_nl", s("Vergelijkt u?")),
                    ("label_en", s("")),
                    ("hint_nl", s("")),
                    ("hint_en", s("")),
                    ("required", s("nee")),
                    ("relevant", s("")),
                    ("constraint", s("")),
                    ("constraint_nl", s("")),
                    ("constraint_en", s("")),
                    ("options", s("")),
                ]
                .to_vec(),
            ),
            STAFF,
        ),
        (
            Request::Function("get_version", vec![("id", vid.clone())]),
            STAFF,
        ),
        (
            Request::Function(
                "diff_versions",
                vec![("a", vid.clone()), ("b", vid.clone())],
            ),
            STAFF,
        ),
        (
            Request::Function("new_draft", vec![("from", vid.clone())]),
            STAFF,
        ),
        (
            Request::Function(
                "publish_version",
                vec![("id", vid.clone()), ("changelog", s("Eerste versie"))],
            ),
            STAFF,
        ),
    ];
    let mut failures = Vec::new();
    for (request, allowed) in &matrix {
        for (who, c) in &clients {
            let (label, response) = match request {
                Request::Page(path) => (
                    path.clone(),
                    c.get(app.url(path)).send().await.expect("get"),
                ),
                Request::Function(name, form) => {
                    let form: Vec<(&str, &str)> =
                        form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    (format!("/api/{name}"), app.call(c, name, &form).await)
                }
                Request::Upload(path) => (
                    path.to_string(),
                    app.upload_to(c, path, "r.csv", b"x".to_vec()).await,
                ),
                Request::Response("", form) => {
                    let path = form[0].1.clone();
                    let response = c.get(app.url(&path)).send().await.expect("get");
                    (path, response)
                }
                Request::Response(name, form) => {
                    let form: Vec<(&str, &str)> =
                        form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    (format!("/api/{name}"), app.call(c, name, &form).await)
                }
            };
            let hidden = matches!(request, Request::Response(..)) && *who == Who::CoordinatorB;
            let status = response.status().as_u16();
            let expected_ok = allowed.contains(who);
            let ok = if expected_ok {
                status != 401 && status != 403 && status < 500
            } else if *who == Who::Anonymous {
                status == 401
            } else if hidden {
                status == 404
            } else {
                status == 403
            };
            if !ok {
                failures.push(format!(
                    "{label} as {who:?}: status {status}, expected {}",
                    if expected_ok { "allowed" } else { "refused" }
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorisation matrix:\n{}",
        failures.join("\n")
    );
}
both!(every_route_and_server_function_checks_role_and_institution);

/// A round with institutions 25PX (A) and 27GH (B): (round id, response of A, coordinator A's id).
async fn open_round(app: &TestApp) -> (i32, i32, i32) {
    use app::backend::{audit::Actor, questionnaires, rounds};
    let definition = serde_json::from_str(server::seed::DEFAULT_QUESTIONNAIRE).expect("definition");
    let version = questionnaires::create_draft(&app.db, &Actor::cli(), &definition, None)
        .await
        .expect("draft");
    questionnaires::publish(
        &app.db,
        &Actor::cli(),
        version.id,
        "v1",
        questionnaires::Publisher::Admin,
    )
    .await
    .expect("publish");
    let now = chrono::Utc::now();
    let round = rounds::create(
        &app.db,
        &Actor::cli(),
        &rounds::NewRound {
            name: "Monitor".into(),
            year: 2026,
            version_id: version.id,
            opens_at: now - chrono::Duration::hours(1),
            closes_at: now + chrono::Duration::days(10),
            institutions: vec!["25PX".into(), "27GH".into()],
        },
    )
    .await
    .expect("round");
    let response = rounds::participants(&app.db, round)
        .await
        .expect("participants")
        .into_iter()
        .find(|p| p.institution.code == "25PX")
        .expect("25PX takes part")
        .response
        .id;
    let email = app::domain::Email::parse("coord-a@roc.nl").expect("email");
    let coordinator = app::backend::users::find_by_email(&app.db, &email)
        .await
        .expect("find")
        .expect("coordinator A")
        .id;
    (round, response, coordinator)
}
