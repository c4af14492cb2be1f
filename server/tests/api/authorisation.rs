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

enum Request {
    Page(String),
    Function(&'static str, Vec<(&'static str, String)>),
    Upload(&'static str),
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
                "set_user_active",
                vec![("user_id", target), ("active", s("true"))],
            ),
            ADMIN,
        ),
        (
            Request::Function("list_audit", vec![("action", s(""))]),
            ADMIN,
        ),
        (Request::Upload("/import/instellingen"), ADMIN),
        (Request::Upload("/import/vragenlijst"), STAFF),
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
            };
            let status = response.status().as_u16();
            let expected_ok = allowed.contains(who);
            let ok = if expected_ok {
                status != 401 && status != 403 && status < 500
            } else if *who == Who::Anonymous {
                status == 401
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
