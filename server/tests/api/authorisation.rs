//! Every route and server function × every kind of caller: anonymous, coordinators of A and of B,
//! researcher, admin, a personal link's session (its own round, another round), a revoked link's
//! session, a deactivated user's session, and a bearer token of each staff role. Each cell says
//! which status it expects: the row's own for a caller it allows (200 unless the row names another),
//! 401 without a valid session, 403 for a wrong role, 404 for a response of another institution or
//! round.

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
    /// A session opened by coordinator A's personal link for the round under test.
    LinkA,
    /// A session opened by coordinator A's personal link for another round.
    LinkOtherRound,
    /// A session opened by a link that was revoked since.
    RevokedLink,
    /// The session of a researcher deactivated since.
    Deactivated,
    /// `Authorization: Bearer` with a researcher's or an admin's API token, no cookie.
    ResearcherToken,
    AdminToken,
}

impl Who {
    /// Callers without a valid session: refused with 401 wherever a session is needed.
    fn without_session(self) -> bool {
        matches!(
            self,
            Who::Anonymous
                | Who::RevokedLink
                | Who::Deactivated
                | Who::ResearcherToken
                | Who::AdminToken
        )
    }
}

const EVERYONE: &[Who] = &[
    Who::Anonymous,
    Who::CoordinatorA,
    Who::CoordinatorB,
    Who::Researcher,
    Who::Admin,
    Who::LinkA,
    Who::LinkOtherRound,
    Who::RevokedLink,
    Who::Deactivated,
    Who::ResearcherToken,
    Who::AdminToken,
];
const LOGGED_IN: &[Who] = &[
    Who::CoordinatorA,
    Who::CoordinatorB,
    Who::Researcher,
    Who::Admin,
    Who::LinkA,
    Who::LinkOtherRound,
];
const STAFF: &[Who] = &[Who::Researcher, Who::Admin];
const ADMIN: &[Who] = &[Who::Admin];
/// Institution A's pages: its coordinators (with a login or a link's session) and staff.
const SCOPE_A: &[Who] = &[
    Who::CoordinatorA,
    Who::Researcher,
    Who::Admin,
    Who::LinkA,
    Who::LinkOtherRound,
];
const COORDINATORS: &[Who] = &[
    Who::CoordinatorA,
    Who::CoordinatorB,
    Who::LinkA,
    Who::LinkOtherRound,
];
const RESPONSE_A: &[Who] = &[Who::CoordinatorA, Who::Admin, Who::LinkA];
/// Institution A's coordinators, with a login or a link's session.
const COORDINATORS_A: &[Who] = &[Who::CoordinatorA, Who::LinkA, Who::LinkOtherRound];
const WRITE_A: &[Who] = &[Who::CoordinatorA, Who::LinkA];
/// Raw answers: researchers, with a session or a token.
const RESEARCH_DATA: &[Who] = &[Who::Researcher, Who::ResearcherToken];
/// The research API: staff with a session or a token.
const API: &[Who] = &[
    Who::Researcher,
    Who::Admin,
    Who::ResearcherToken,
    Who::AdminToken,
];

enum Request {
    Page(String),
    Function(&'static str, Vec<(&'static str, String)>),
    /// A server function that takes JSON (`input = Json`).
    Json(&'static str, serde_json::Value),
    Upload(&'static str),
    /// A plain form post (the survey without WASM).
    Form(String, Vec<(&'static str, String)>),
    /// A response of institution A: coordinators of B are told it does not exist (404).
    Response(&'static str, Vec<(&'static str, String)>),
}

/// What an allowed caller gets where it is not 200 (303 for uploads and forms): the row's label,
/// the caller (`None`: every allowed caller) and the status. A 404 or 422 here comes from the
/// row's own data (an id that does not exist, a form that is not valid), after the caller passed.
const ALLOWED_STATUS: &[(&str, Option<Who>, u16)] = &[
    // Fewer than `min_institutions` answered: no comparison yet.
    ("/api/get_comparison", None, 422),
    // The response is not complete.
    ("/api/submit_response", None, 422),
    // Version 0, round 999999, user 999999, token 999999, source 1 and the upload do not exist.
    ("/api/create_round", None, 404),
    ("/api/close_round", None, 404),
    ("/api/set_special_access", None, 404),
    ("/api/revoke_token", None, 404),
    ("/export/gebruiker/999999/gegevens.json", None, 404),
    ("/api/erase_user", None, 404),
    ("/api/set_user_role", None, 404),
    ("/export/bron/1/cijfers.csv", None, 404),
    ("/export/bron/1/cijfers.xlsx", None, 404),
    ("/api/withdraw_snapshot", None, 404),
    ("/api/restore_snapshot", None, 404),
    ("/api/report", None, 404),
    ("/import/bron/1", None, 404),
    ("/api/upload_status", None, 404),
    // Not submitted, so not reopened.
    ("/api/reopen_response", None, 422),
    // The current password in the form is not the caller's.
    ("/api/change_password", None, 422),
    // An empty name.
    ("/api/create_source", None, 422),
    // A draft cannot be retired; published, it can no longer be edited.
    ("/api/retire_version", None, 422),
    ("/api/update_item", None, 422),
    // The researcher changed the draft first: the key, section or item is gone or already there.
    ("/api/rename_item", Some(Who::Admin), 422),
    ("/api/recode_option", Some(Who::Admin), 422),
    ("/api/add_section", Some(Who::Admin), 422),
    ("/api/remove_item", Some(Who::Admin), 422),
    ("/api/add_item", Some(Who::Admin), 422),
    ("/api/publish_version", Some(Who::Admin), 422),
];

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
    let (round, other_round, response_a, coordinator_a) = open_rounds(&app).await;
    let mut clients = clients.to_vec();
    clients.extend(special_callers(&app, &clients[4].1, round, other_round).await);
    let (round, response_a, coordinator_a) = (
        round.to_string(),
        response_a.to_string(),
        coordinator_a.to_string(),
    );
    let matrix: Vec<(Request, &[Who])> = vec![
        (Request::Page(s("/")), EVERYONE),
        (Request::Page(s("/inloggen")), EVERYONE),
        (Request::Page(s("/nieuwe-link")), EVERYONE),
        (Request::Page(s("/wachtwoord-vergeten")), EVERYONE),
        (Request::Page(s("/account")), LOGGED_IN),
        (Request::Page(s("/instellingen")), STAFF),
        (Request::Page(s("/instellingen/25PX")), SCOPE_A),
        (Request::Page(s("/beheer/gebruikers")), ADMIN),
        (Request::Page(s("/beheer/audit")), ADMIN),
        (Request::Page(run_path.clone()), STAFF),
        (Request::Function("me", vec![]), EVERYONE),
        (
            Request::Function("list_colleagues", vec![("code", s("25PX"))]),
            COORDINATORS_A,
        ),
        (
            Request::Function(
                "invite_colleague",
                vec![
                    ("code", s("25PX")),
                    ("name", s("Matrix")),
                    ("email", s("matrix@roc.nl")),
                    ("language", s("nl")),
                ],
            ),
            COORDINATORS_A,
        ),
        // Nobody is bound to 99ZZ: refused for everyone (leaving for real would unbind A).
        (
            Request::Function("leave_institution", vec![("code", s("99ZZ"))]),
            &[],
        ),
        (
            Request::Function(
                "set_user_role",
                vec![
                    ("user_id", s("999999")),
                    ("role", s("researcher")),
                    ("institutions", s("")),
                ],
            ),
            ADMIN,
        ),
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
            Request::Response(
                "",
                vec![(
                    "page",
                    format!("/vragenlijst/{response_a}/kopie.pdf?blanco=1"),
                )],
            ),
            RESPONSE_A,
        ),
        (
            Request::Page(s("/instellingen/25PX/feitenblad.pdf")),
            SCOPE_A,
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
        (Request::Page(s("/api/v1/me")), API),
        (Request::Page(s("/api/v1/questionnaires")), API),
        (Request::Page(format!("/api/v1/versions/{vid}")), API),
        (Request::Page(s("/api/v1/rounds")), API),
        (Request::Page(format!("/api/v1/rounds/{round}")), API),
        (
            Request::Page(format!("/api/v1/rounds/{round}/responses")),
            RESEARCH_DATA,
        ),
        (Request::Page(s("/api/v1/sources")), API),
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
        (
            Request::Json(
                "save_answers",
                serde_json::json!({ "id": response_a.parse::<i32>().unwrap_or(0), "section": null, "changes": [] }),
            ),
            WRITE_A,
        ),
        (
            Request::Form(
                format!("/vragenlijst/{response_a}/deel/beleid"),
                vec![("a:integraal_plan", s("ja"))],
            ),
            WRITE_A,
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
                Request::Json(name, body) => (
                    format!("/api/{name}"),
                    c.post(app.url(&format!("/api/{name}")))
                        .json(body)
                        .send()
                        .await
                        .expect("json call"),
                ),
                Request::Upload(path) => (
                    path.to_string(),
                    app.upload_to(c, path, "r.csv", b"x".to_vec()).await,
                ),
                Request::Form(path, form) => (
                    format!("POST {path}"),
                    c.post(app.url(path)).form(form).send().await.expect("form"),
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
            let status = response.status().as_u16();
            let expected = expected_status(request, &label, allowed, *who);
            if status != expected {
                failures.push(format!(
                    "{label} as {who:?}: status {status}, expected {expected}"
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

/// The status `who` must get for `request`.
fn expected_status(request: &Request, label: &str, allowed: &[Who], who: Who) -> u16 {
    let hidden = matches!(
        request,
        Request::Response(..) | Request::Json(..) | Request::Form(..)
    ) && matches!(who, Who::CoordinatorB | Who::LinkOtherRound);
    if allowed.contains(&who) {
        let listed = |for_who: Option<Who>| {
            ALLOWED_STATUS
                .iter()
                .find(|(l, w, _)| *l == label && *w == for_who)
                .map(|(_, _, status)| *status)
        };
        return listed(Some(who))
            .or_else(|| listed(None))
            .unwrap_or(match request {
                Request::Upload(_) | Request::Form(..) => 303,
                _ => 200,
            });
    }
    let api = matches!(request, Request::Page(path) if path.starts_with("/api/v1/"));
    match request {
        // A token is a credential on the research API (and nowhere else).
        _ if api && matches!(who, Who::ResearcherToken | Who::AdminToken) => 403,
        // The survey's plain form sends a browser without a session to the login page.
        Request::Form(..) if who.without_session() => 303,
        _ if who.without_session() => 401,
        _ if hidden => 404,
        _ => 403,
    }
}

/// The callers beyond the five plain ones: link sessions (own round, other round, revoked), a
/// deactivated researcher's session, and a researcher's and an admin's API token.
async fn special_callers(
    app: &TestApp,
    admin: &reqwest::Client,
    round: i32,
    other_round: i32,
) -> Vec<(Who, reqwest::Client)> {
    use app::backend::{audit::Actor, rounds};
    let coordinator = |email: &str| {
        let email = app::domain::Email::parse(email).expect("email");
        async move {
            app::backend::users::find_by_email(&app.db, &email)
                .await
                .expect("find")
                .expect("user")
                .id
        }
    };
    let link_session = |token: String| async move {
        let c = client();
        let opened = c
            .post(app.url(&format!("/r/{token}")))
            .send()
            .await
            .expect("open link");
        assert_eq!(opened.status(), 303, "the link opens");
        c
    };
    // Not coordinator A, whose links the matrix issues and revokes.
    let a = app
        .create_user("coord-a3@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let link_a = rounds::issue_link(&app.db, &Actor::cli(), round, a)
        .await
        .expect("link");
    let link_other = rounds::issue_link(&app.db, &Actor::cli(), other_round, a)
        .await
        .expect("link");
    let second = app
        .create_user("coord-a2@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let revoked = rounds::issue_link(&app.db, &Actor::cli(), round, second)
        .await
        .expect("link");
    let revoked = link_session(revoked).await;
    let f = [
        ("round_id", round.to_string()),
        ("user_id", second.to_string()),
    ];
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.call(admin, "revoke_links", &f).await.status(), 200);
    let gone = app.logged_in("weg@miv.nl", Role::Researcher, &[]).await;
    let gone_id = coordinator("weg@miv.nl").await.to_string();
    assert_eq!(
        app.call(
            admin,
            "set_user_active",
            &[("user_id", gone_id.as_str()), ("active", "false")]
        )
        .await
        .status(),
        200
    );
    let researcher = app
        .logged_in("sleutel-o@miv.nl", Role::Researcher, &[])
        .await;
    let bearer = |token: String| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {token}").parse().expect("header"),
        );
        headers.insert("sec-fetch-site", "same-origin".parse().expect("header"));
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("client")
    };
    vec![
        (Who::LinkA, link_session(link_a).await),
        (Who::LinkOtherRound, link_session(link_other).await),
        (Who::RevokedLink, revoked),
        (Who::Deactivated, gone),
        (
            Who::ResearcherToken,
            bearer(crate::research_api::token(app, &researcher, "researcher", "30").await),
        ),
        (
            Who::AdminToken,
            bearer(crate::research_api::token(app, admin, "admin", "30").await),
        ),
    ]
}

/// A round with institutions 25PX (A) and 27GH (B), and a later round with A: (round id, other
/// round's id, response of A, coordinator A's id).
async fn open_rounds(app: &TestApp) -> (i32, i32, i32, i32) {
    use crate::helpers::{default_definition, open_round, publish};
    use app::backend::rounds;
    let version = publish(app, &default_definition(), None).await;
    let round = open_round(app, version, 2026, &["25PX", "27GH"]).await;
    let other_round = open_round(app, version, 2027, &["25PX"]).await;
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
    (round, other_round, response, coordinator)
}
