//! Rounds, responses and the coordinator's survey over HTTP: status transitions, saving with stale
//! writes refused, server-side relevance and constraints, submit and reopen, prefill through a
//! renamed key, personal links, plain form posts and the k-anonymous comparison.

use app::backend::{responses, rounds};
use app::domain::questionnaire::edit;
use app::domain::Role;
use chrono::{Duration, Utc};
use sea_orm::EntityTrait;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{client, default_definition, open_round, publish, TestApp};

/// Saves answers as the survey module does: JSON to `/api/save_answers`.
pub(crate) async fn save(
    app: &TestApp,
    c: &reqwest::Client,
    id: i32,
    changes: &[(&str, &str, i32)],
) -> (u16, Value) {
    let changes: Vec<Value> = changes
        .iter()
        .map(|(k, v, base)| json!({ "key": k, "value": v, "base": base }))
        .collect();
    let response = c
        .post(app.url("/api/save_answers"))
        .json(&json!({ "id": id, "section": "beleid", "changes": changes }))
        .send()
        .await
        .expect("save");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn survey(app: &TestApp, c: &reqwest::Client, id: i32) -> Value {
    let response = app.call(c, "get_survey", &[("id", &id.to_string())]).await;
    assert_eq!(response.status(), 200, "get_survey {id}");
    response.json().await.expect("survey json")
}

fn answer<'a>(survey: &'a Value, key: &str) -> Option<&'a Value> {
    survey["answers"]
        .as_array()?
        .iter()
        .find(|a| a["key"] == key)
}

/// Every applicable answer of a complete response, based on what is stored now.
pub(crate) async fn complete(app: &TestApp, c: &reqwest::Client, id: i32, seed: usize) {
    let stored = responses::answers(&app.db, id).await.expect("answers");
    let changes = server::seed::made_up_answers(&default_definition(), seed);
    let changes: Vec<(&str, &str, i32)> = changes
        .iter()
        .map(|ch| {
            let base = stored
                .iter()
                .find(|a| a.item_key == ch.key)
                .map_or(0, |a| a.revision);
            (ch.key.as_str(), ch.value.as_str(), base)
        })
        .collect();
    let (status, body) = save(app, c, id, &changes).await;
    assert_eq!(status, 200, "{body}");
}

async fn rounds_are_opened_extended_closed_and_audited(app: TestApp) {
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let form = |institutions: &str| {
        vec![
            ("name", "Monitor 2026".to_owned()),
            ("year", "2026".to_owned()),
            ("version_id", version.to_string()),
            ("opens_at", "2026-01-05T09:00".to_owned()),
            ("closes_at", "2099-03-01T17:00".to_owned()),
            ("institutions", institutions.to_owned()),
        ]
    };
    let call = |f: Vec<(&'static str, String)>| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(&admin, "create_round", &f).await
        }
    };
    let refused = call(form("25PX, XXXX")).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("body").contains("XXXX"));
    let mut backwards = form("");
    backwards[4].1 = "2025-01-01T09:00".into();
    assert_eq!(call(backwards).await.status(), 422);
    assert!(
        app.call(&admin, "list_rounds", &[])
            .await
            .json::<Value>()
            .await
            .expect("json")
            .as_array()
            .expect("list")
            .is_empty(),
        "a refused round leaves nothing behind"
    );

    assert_eq!(call(form("25px 27GH")).await.status(), 200);
    let listed: Value = app
        .call(&admin, "list_rounds", &[])
        .await
        .json()
        .await
        .expect("json");
    let round = listed[0]["id"].as_i64().expect("id") as i32;
    assert_eq!(
        listed[0]["opens_at"], "05-01-2026 09:00",
        "shown in Dutch time"
    );
    assert_eq!(listed[0]["open"], true);
    let detail: Value = app
        .call(&admin, "get_round", &[("id", &round.to_string())])
        .await
        .json()
        .await
        .expect("json");
    let statuses: Vec<&str> = detail["participants"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|p| p["status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(statuses, vec!["not_started", "not_started"]);
    assert_eq!(
        app.call(
            &admin,
            "extend_round",
            &[
                ("id", &round.to_string()),
                ("closes_at", "2099-04-01T12:00")
            ]
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.call(&admin, "close_round", &[("id", &round.to_string())])
            .await
            .status(),
        200
    );
    let listed: Value = app
        .call(&admin, "list_rounds", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed[0]["open"], false);
    let actions = app.audit_actions().await;
    for action in ["round.create", "round.extend", "round.close"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}
both!(rounds_are_opened_extended_closed_and_audited);

async fn answers_are_saved_as_given_and_stale_writes_are_refused(app: TestApp) {
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    let round = open_round(&app, version, 2026, &["25PX", "27GH"]).await;
    let id = app.response_of(round, "25PX").await;
    let first = app
        .logged_in("een@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let second = app
        .logged_in("twee@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let other = app
        .logged_in("ander@roc.nl", Role::Coordinator, &["27GH"])
        .await;
    let coordinators: Vec<(String, Vec<String>)> = rounds::participants(&app.db, round)
        .await
        .expect("participants")
        .into_iter()
        .map(|p| {
            let emails = p.coordinators.into_iter().map(|u| u.email).collect();
            (p.institution.code, emails)
        })
        .collect();
    assert_eq!(
        coordinators,
        vec![
            (
                "25PX".to_owned(),
                vec!["een@roc.nl".to_owned(), "twee@roc.nl".to_owned()]
            ),
            ("27GH".to_owned(), vec!["ander@roc.nl".to_owned()]),
        ],
        "each institution with its coordinators, by address"
    );

    let (status, body) = save(&app, &first, id, &[("coordinator_uren", " 120 ", 0)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["revisions"], json!([["coordinator_uren", 1]]));
    let s = survey(&app, &second, id).await;
    assert_eq!(s["status"], "in_progress");
    let stored = answer(&s, "coordinator_uren").expect("stored");
    assert_eq!(
        (&stored["value"], &stored["revision"]),
        (&json!("120"), &json!(1))
    );
    assert_eq!(
        stored["by"], "Test een@roc.nl",
        "who changed it is recorded"
    );

    let (status, _) = save(&app, &second, id, &[("coordinator_uren", "80", 1)]).await;
    assert_eq!(status, 200);
    let (status, body) = save(&app, &first, id, &[("coordinator_uren", "95", 1)]).await;
    assert_eq!(status, 409, "a write based on revision 1 is stale: {body}");
    assert_eq!(
        body["Stale"][0]["value"], "80",
        "the current value comes back"
    );
    assert_eq!(body["Stale"][0]["by"], "Test twee@roc.nl");
    let (status, _) = save(&app, &first, id, &[("coordinator_uren", "80", 1)]).await;
    assert_eq!(
        status, 200,
        "a retry that stores what is there already succeeds"
    );
    assert_eq!(
        answer(&survey(&app, &first, id).await, "coordinator_uren").expect("a")["value"],
        "80"
    );

    let (status, _) = save(&app, &other, id, &[("coordinator_uren", "1", 2)]).await;
    assert_eq!(
        status, 404,
        "another institution's coordinator cannot write"
    );
    let (status, _) = save(&app, &client(), id, &[("coordinator_uren", "1", 2)]).await;
    assert_eq!(status, 401);
    let researcher = app
        .logged_in("onderzoek@miv.nl", Role::Researcher, &[])
        .await;
    let (status, _) = save(&app, &researcher, id, &[("coordinator_uren", "1", 2)]).await;
    assert_eq!(status, 403);
    let other_id = app.response_of(round, "27GH").await;
    assert_eq!(
        app.call(&first, "get_survey", &[("id", &other_id.to_string())])
            .await
            .status(),
        404
    );
}
both!(answers_are_saved_as_given_and_stale_writes_are_refused);

/// A write by another server process (here: straight into the database) is never overwritten by
/// a save based on what this process remembers.
async fn writes_of_another_process_are_noticed(app: TestApp) {
    use app::backend::entities::response;
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{ColumnTrait, QueryFilter};
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    let round = open_round(&app, version, 2026, &["25PX"]).await;
    let id = app.response_of(round, "25PX").await;
    let coordinator = app
        .logged_in("een@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let (status, body) = save(&app, &coordinator, id, &[("coordinator_uren", "120", 0)]).await;
    assert_eq!(status, 200, "{body}");

    // Another process changes the answer and adds one, raising the answers version as every
    // writer does.
    let mut stored = responses::answers(&app.db, id).await.expect("answers");
    let uren = stored
        .iter_mut()
        .find(|a| a.item_key == "coordinator_uren")
        .expect("saved answer");
    uren.value = "60".into();
    uren.revision = 2;
    stored.push(responses::StoredAnswer {
        item_key: "bestuur_eigenaarschap".into(),
        value: "3".into(),
        revision: 1,
        previous: None,
        prefilled: false,
        updated_by: None,
        updated_at: Utc::now(),
    });
    responses::store_answers(&app.db, id, &stored)
        .await
        .expect("other write");
    response::Entity::update_many()
        .col_expr(
            response::Column::AnswersVersion,
            Expr::col(response::Column::AnswersVersion).add(1),
        )
        .filter(response::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .expect("raise version");

    let (status, body) = save(&app, &coordinator, id, &[("coordinator_uren", "95", 1)]).await;
    assert_eq!(status, 409, "based on revision 1, now 2: {body}");
    assert_eq!(body["Stale"][0]["value"], "60");
    let (status, body) = save(&app, &coordinator, id, &[("bestuur_eigenaarschap", "4", 0)]).await;
    assert_eq!(
        status, 409,
        "a new answer that another process added: {body}"
    );
    let (status, body) = save(&app, &coordinator, id, &[("coordinator_uren", "95", 2)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["revisions"], json!([["coordinator_uren", 3]]));
    let stored = responses::answers(&app.db, id).await.expect("answers");
    let value = |key: &str| {
        stored
            .iter()
            .find(|a| a.item_key == key)
            .map(|a| (a.value.clone(), a.revision))
    };
    assert_eq!(value("coordinator_uren"), Some(("95".into(), 3)));
    assert_eq!(value("bestuur_eigenaarschap"), Some(("3".into(), 1)));
}
both!(writes_of_another_process_are_noticed);

async fn the_server_applies_relevance_types_and_constraints_to_every_save(app: TestApp) {
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    let round = open_round(&app, version, 2026, &["25PX"]).await;
    let id = app.response_of(round, "25PX").await;
    let c = app
        .logged_in("een@roc.nl", Role::Coordinator, &["25PX"])
        .await;

    let (status, body) = save(&app, &c, id, &[("integraal_plan", "misschien", 0)]).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = save(&app, &c, id, &[("coordinator_uren", "veel", 0)]).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("Vul een getal in"));
    let (status, body) = save(
        &app,
        &c,
        id,
        &[
            ("integraal_plan", "nee", 0),
            ("plan_datum", "2026-01-01", 0),
        ],
    )
    .await;
    assert_eq!(status, 422, "a hidden question is not stored: {body}");
    assert!(body.to_string().contains("niet van toepassing"));
    let (status, body) = save(
        &app,
        &c,
        id,
        &[("integraal_plan", "ja", 0), ("plan_datum", "2099-01-01", 0)],
    )
    .await;
    assert_eq!(status, 200, "shown by the answer in the same save: {body}");
    assert!(
        body["invalid"]
            .as_array()
            .expect("invalid")
            .iter()
            .any(|p| p[0] == "plan_datum"),
        "a date in the future breaks the constraint and is reported: {body}"
    );
    let (status, body) = save(&app, &c, id, &[("integraal_plan", "nee", 1)]).await;
    assert_eq!(status, 200);
    assert!(
        body["invalid"].as_array().expect("invalid").is_empty(),
        "a hidden answer is not checked"
    );
    assert!(!body["missing"]
        .as_array()
        .expect("m")
        .iter()
        .any(|k| k == "plan_datum"));
}
both!(the_server_applies_relevance_types_and_constraints_to_every_save);

async fn a_complete_response_is_submitted_locked_and_reopened_by_an_admin(app: TestApp) {
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    let round = open_round(&app, version, 2026, &["25PX"]).await;
    let id = app.response_of(round, "25PX").await;
    let c = app
        .logged_in("een@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let ids = id.to_string();

    let early = app.call(&c, "submit_response", &[("id", &ids)]).await;
    assert_eq!(
        early.status(),
        422,
        "an incomplete response is not submitted"
    );
    assert!(early.text().await.expect("body").contains("Incomplete"));
    complete(&app, &c, id, 1).await;
    assert_eq!(
        app.call(&admin, "submit_response", &[("id", &ids)])
            .await
            .status(),
        403,
        "admins do not fill in"
    );
    assert_eq!(
        app.call(&c, "submit_response", &[("id", &ids)])
            .await
            .status(),
        200
    );
    let s = survey(&app, &c, id).await;
    assert_eq!(
        (&s["status"], &s["editable"]),
        (&json!("submitted"), &json!(false))
    );
    let receipts: Vec<_> = app::backend::entities::outbox::Entity::find()
        .all(&app.db)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.kind == "receipt")
        .collect();
    assert_eq!(receipts.len(), 1, "the submitter gets a receipt");
    assert_eq!(receipts[0].recipient, "een@roc.nl");
    assert!(receipts[0].subject.starts_with("Ontvangen: Monitor 2026"));
    let (status, _) = save(&app, &c, id, &[("coordinator_uren", "1", 99)]).await;
    assert_eq!(status, 422, "a submitted response is locked");
    let html = app.text(&c, &format!("/vragenlijst/{id}")).await;
    assert!(
        html.contains("Ingediend op") && html.contains("Alle antwoorden"),
        "read-only copy of the answers"
    );

    assert_eq!(
        app.call(&c, "reopen_response", &[("id", &ids)])
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(&admin, "reopen_response", &[("id", &ids)])
            .await
            .status(),
        200
    );
    assert_eq!(
        app.call(&admin, "reopen_response", &[("id", &ids)])
            .await
            .status(),
        422,
        "only a submitted one reopens"
    );
    assert_eq!(survey(&app, &c, id).await["status"], "reopened");
    let stored = responses::answers(&app.db, id).await.expect("answers");
    let uren = stored
        .iter()
        .find(|a| a.item_key == "coordinator_uren")
        .expect("uren");
    let (status, _) = save(&app, &c, id, &[("coordinator_uren", "7", uren.revision)]).await;
    assert_eq!(status, 200, "a reopened response can change");
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|a| a == "response.reopen"));
}
both!(a_complete_response_is_submitted_locked_and_reopened_by_an_admin);

async fn last_years_answers_are_prefilled_through_a_renamed_key(app: TestApp) {
    app.load_demo_register().await;
    let v1 = publish(&app, &default_definition(), None).await;
    let last_year = open_round(&app, v1, 2025, &["25PX", "27GH"]).await;
    let c = app
        .logged_in("een@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let old = app.response_of(last_year, "25PX").await;
    complete(&app, &c, old, 2).await;
    assert_eq!(
        app.call(&c, "submit_response", &[("id", &old.to_string())])
            .await
            .status(),
        200
    );
    let old_hours =
        answer(&survey(&app, &c, old).await, "coordinator_uren").expect("uren")["value"].clone();

    let mut next = default_definition();
    edit::rename_item(&mut next, "coordinator_uren", "uren_coordinator").expect("rename");
    let v2 = publish(&app, &next, Some(v1)).await;
    let this_year = open_round(&app, v2, 2026, &["25PX", "27GH"]).await;
    let id = app.response_of(this_year, "25PX").await;
    let s = survey(&app, &c, id).await;
    let carried = answer(&s, "uren_coordinator").expect("carried forward under the new key");
    assert_eq!(carried["value"], old_hours);
    assert_eq!(carried["prefilled"], true);
    assert_eq!(carried["previous"], old_hours);
    assert!(answer(&s, "coordinator_uren").is_none());
    let untouched = app.response_of(this_year, "27GH").await;
    assert!(
        responses::answers(&app.db, untouched)
            .await
            .expect("a")
            .is_empty(),
        "nothing to carry without a submitted response"
    );

    let carried_on_overview = || async {
        let html = app.text(&c, &format!("/vragenlijst/{id}")).await;
        let count = html
            .split_once("data-carried=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .and_then(|(n, _)| n.parse::<usize>().ok());
        (count, html)
    };
    let (before, html) = carried_on_overview().await;
    let before = before.expect("the overview says answers wait for confirmation");
    assert!(before > 1, "{before}");
    assert!(
        html.contains("van vorig jaar nog te bevestigen"),
        "per section too"
    );

    let (status, _) = save(&app, &c, id, &[("uren_coordinator", "999", 1)]).await;
    assert_eq!(status, 200);
    let (after, _) = carried_on_overview().await;
    assert_eq!(after, Some(before - 1), "a changed answer is confirmed");

    // "Alles in dit onderdeel klopt nog": the section's carried answers, as the form holds them.
    let section = format!("/vragenlijst/{id}/deel/beleid");
    let count_here = |html: &str| {
        html.split_once("data-carried-here=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .and_then(|(n, _)| n.parse::<usize>().ok())
    };
    let here = count_here(&app.text(&c, &section).await).expect("the section offers to confirm");
    let now = survey(&app, &c, id).await;
    let carried_keys: Vec<(String, String, String)> = now["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .filter(|a| a["prefilled"] == true)
        .map(|a| {
            let key = a["key"].as_str().unwrap_or_default().to_owned();
            let value = a["value"].as_str().unwrap_or_default().to_owned();
            (key, value, a["revision"].to_string())
        })
        .collect();
    let mut form = vec![("confirm_all".to_owned(), "1".to_owned())];
    for (key, value, revision) in &carried_keys {
        form.push((format!("a:{key}"), value.clone()));
        form.push((format!("o:{key}"), value.clone()));
        form.push((format!("r:{key}"), revision.clone()));
    }
    let posted = c
        .post(app.url(&section))
        .form(&form)
        .send()
        .await
        .expect("confirm all");
    assert_eq!(posted.status(), 303);
    assert_eq!(
        count_here(&app.text(&c, &section).await),
        None,
        "nothing left here"
    );
    let (left, _) = carried_on_overview().await;
    assert_eq!(
        left,
        Some(before - 1 - here),
        "only this section's were confirmed"
    );
    let confirmed = survey(&app, &c, id).await;
    let unchanged = carried_keys.iter().filter(|(key, value, _)| {
        answer(&confirmed, key)
            .is_some_and(|a| a["value"] == value.as_str() && a["prefilled"] == false)
    });
    assert_eq!(unchanged.count(), here, "confirmed with their values kept");
    let html = app.text(&c, &format!("/vragenlijst/{id}/controle")).await;
    assert!(
        html.contains("Gewijzigd ten opzichte van vorig jaar") && html.contains("999"),
        "the review shows the change"
    );
}
both!(last_years_answers_are_prefilled_through_a_renamed_key);

/// Migration 10 moved answers from one row each into one document per response: its `down`
/// gives the rows back and its `up` the same answers again (carried, confirmed and changed ones).
async fn answers_survive_the_move_to_one_document_and_back(app: TestApp) {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Statement};
    app.load_demo_register().await;
    let v1 = publish(&app, &default_definition(), None).await;
    let last_year = open_round(&app, v1, 2025, &["25PX"]).await;
    let c = app
        .logged_in("een@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let old = app.response_of(last_year, "25PX").await;
    complete(&app, &c, old, 2).await;
    let submitted = app
        .call(&c, "submit_response", &[("id", &old.to_string())])
        .await;
    assert_eq!(submitted.status(), 200);
    let this_year = open_round(&app, v1, 2026, &["25PX"]).await;
    let id = app.response_of(this_year, "25PX").await;
    let (status, _) = save(&app, &c, id, &[("coordinator_uren", "999", 1)]).await;
    assert_eq!(status, 200);

    let snapshot = |answers: Vec<responses::StoredAnswer>| {
        answers
            .into_iter()
            .map(|a| {
                let at = a.updated_at.timestamp_millis();
                (
                    a.item_key,
                    a.value,
                    a.revision,
                    a.previous,
                    a.prefilled,
                    a.updated_by,
                    at,
                )
            })
            .collect::<Vec<_>>()
    };
    let before_old = snapshot(responses::answers(&app.db, old).await.expect("old"));
    let before = snapshot(responses::answers(&app.db, id).await.expect("new"));
    assert!(
        before.iter().any(|a| a.4),
        "carried answers not yet confirmed"
    );
    assert!(before
        .iter()
        .any(|a| a.0 == "coordinator_uren" && a.2 == 2 && a.5.is_some()));

    // Down to before migration 10, whatever came after it.
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let at = names
        .iter()
        .position(|n| n == "m20261201_000010_answers_as_document")
        .expect("migration 10");
    Migrator::down(&app.db, Some((names.len() - at) as u32))
        .await
        .expect("down");
    let backend = app.db.get_database_backend();
    let rows = app
        .db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n FROM answers",
        ))
        .await
        .expect("count")
        .expect("row");
    let n: i64 = rows.try_get("", "n").expect("n");
    assert_eq!(
        n as usize,
        before_old.len() + before.len(),
        "one row per answer"
    );
    Migrator::up(&app.db, None).await.expect("up");
    assert_eq!(
        snapshot(responses::answers(&app.db, old).await.expect("old")),
        before_old
    );
    assert_eq!(
        snapshot(responses::answers(&app.db, id).await.expect("new")),
        before
    );
}
both!(answers_survive_the_move_to_one_document_and_back);

async fn a_personal_link_opens_one_institution_in_one_round(app: TestApp) {
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    let round = open_round(&app, version, 2026, &["25PX", "27GH"]).await;
    let other_round = open_round(&app, version, 2027, &["25PX"]).await;
    let coordinator = app
        .create_user("een@roc.nl", Role::Coordinator, &["25PX", "27GH"])
        .await;
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let issue = |round: i32| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let f = [
                ("round_id", round.to_string()),
                ("user_id", coordinator.to_string()),
            ];
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(app.call(&admin, "issue_link", &f).await.status(), 200);
            let link: Value = app
                .call(&admin, "take_password_link", &[])
                .await
                .json()
                .await
                .expect("json");
            link["url"].as_str().expect("url").to_owned()
        }
    };
    let url = issue(round).await;
    let path = url
        .split_once("/r/")
        .map(|(_, t)| format!("/r/{t}"))
        .expect("link path");
    let stored: Vec<String> =
        <app::backend::entities::response_link::Entity as sea_orm::EntityTrait>::find()
            .all(&app.db)
            .await
            .expect("links")
            .into_iter()
            .map(|l| l.token_hash)
            .collect();
    assert_eq!(stored.len(), 1);
    assert!(
        !stored.iter().any(|h| path.ends_with(h.as_str())),
        "only the hash is stored"
    );

    let visitor = client();
    // Opening the link changes nothing: a page with a button (a POST) starts the session.
    let page = visitor.get(app.url(&path)).send().await.expect("open link");
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert!(
        page.headers().get("set-cookie").is_none(),
        "no session on a GET"
    );
    let html = page.text().await.expect("page");
    assert!(
        html.contains(&format!("<form method=\"post\" action=\"{path}\">")),
        "{html}"
    );
    assert_eq!(
        app.call(&visitor, "get_survey", &[("id", "1")])
            .await
            .status(),
        401
    );
    assert_eq!(
        crate::helpers::cross_site_status(client().post(app.url(&path))).await,
        403,
        "another site cannot log a visitor in"
    );
    let opened = visitor
        .post(app.url(&path))
        .send()
        .await
        .expect("open link");
    assert_eq!(opened.status(), 303);
    let own = app.response_of(round, "25PX").await;
    let location = opened.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        location.starts_with(&format!("/vragenlijst/{own}")),
        "{location}"
    );
    assert_eq!(
        app.call(&visitor, "get_survey", &[("id", &own.to_string())])
            .await
            .status(),
        200
    );
    let b = app.response_of(round, "27GH").await;
    assert_eq!(
        app.call(&visitor, "get_survey", &[("id", &b.to_string())])
            .await
            .status(),
        404,
        "the link reaches its institution only"
    );
    let later = app.response_of(other_round, "25PX").await;
    assert_eq!(
        app.call(&visitor, "get_survey", &[("id", &later.to_string())])
            .await
            .status(),
        404,
        "and its round only"
    );
    assert_eq!(app.call(&visitor, "list_rounds", &[]).await.status(), 403);

    let newer = issue(round).await;
    assert_ne!(newer, url);
    assert_eq!(
        app.call(&visitor, "get_survey", &[("id", &own.to_string())])
            .await
            .status(),
        401,
        "a reissued link ends the sessions the old one opened"
    );
    let stale = client()
        .post(app.url(&path))
        .send()
        .await
        .expect("old link");
    assert_eq!(
        stale.headers()["location"],
        "/inloggen?link=ongeldig",
        "a new link revokes the old one"
    );
    let newer_path = newer
        .split_once("/r/")
        .map(|(_, t)| format!("/r/{t}"))
        .expect("path");
    let second = client();
    let reopened = second.post(app.url(&newer_path)).send().await.expect("new");
    assert_eq!(reopened.status(), 303);
    assert_eq!(
        app.call(&second, "get_survey", &[("id", &own.to_string())])
            .await
            .status(),
        200
    );
    let f = [
        ("round_id", round.to_string()),
        ("user_id", coordinator.to_string()),
    ];
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.call(&admin, "revoke_links", &f).await.status(), 200);
    assert_eq!(
        app.call(&second, "get_survey", &[("id", &own.to_string())])
            .await
            .status(),
        401,
        "revoking a link ends its sessions at once"
    );
    let revoked = client()
        .post(app.url(&newer_path))
        .send()
        .await
        .expect("revoked");
    assert_eq!(revoked.headers()["location"], "/inloggen?link=ongeldig");

    // A link's session ends after a while without use.
    let third = issue(round).await;
    let third_path = third
        .split_once("/r/")
        .map(|(_, t)| format!("/r/{t}"))
        .expect("path");
    let idle = client();
    assert_eq!(
        idle.post(app.url(&third_path))
            .send()
            .await
            .expect("open")
            .status(),
        303
    );
    {
        use app::backend::entities::session;
        use sea_orm::{ColumnTrait, QueryFilter};
        session::Entity::update_many()
            .col_expr(
                session::Column::LastSeenAt,
                sea_orm::sea_query::Expr::value(Some(Utc::now() - Duration::hours(2))),
            )
            .filter(session::Column::LinkId.is_not_null())
            .exec(&app.db)
            .await
            .expect("age the session");
    }
    assert_eq!(
        app.call(&idle, "get_survey", &[("id", &own.to_string())])
            .await
            .status(),
        401,
        "idle for longer than link_idle_minutes"
    );

    // Guessing is slowed down per address, never locked: the valid link still opens.
    let guessing = client();
    let started = std::time::Instant::now();
    for i in 0..13 {
        let r = guessing
            .post(app.url(&format!("/r/{i:064}")))
            .send()
            .await
            .expect("guess");
        assert_eq!(r.headers()["location"], "/inloggen?link=ongeldig");
    }
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(250 + 500),
        "attempts after the tenth failure wait: {:?}",
        started.elapsed()
    );
    let still = client()
        .post(app.url(&third_path))
        .send()
        .await
        .expect("valid");
    assert_eq!(still.status(), 303, "the address is slowed, not locked out");
}
both!(a_personal_link_opens_one_institution_in_one_round);

async fn a_section_posted_as_a_plain_form_is_saved(app: TestApp) {
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    let round = open_round(&app, version, 2026, &["25PX"]).await;
    let id = app.response_of(round, "25PX").await;
    let c = app
        .logged_in("een@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let colleague = app
        .logged_in("twee@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let post = |client: &reqwest::Client, fields: Vec<(&'static str, &'static str)>| {
        client
            .post(app.url(&format!("/vragenlijst/{id}/deel/beleid")))
            .form(&fields)
            .send()
    };
    let next = format!("/vragenlijst/{id}/deel/wettelijk");
    let go: &'static str = Box::leak(next.clone().into_boxed_str());
    let done = post(
        &c,
        vec![
            ("a:integraal_plan", "ja"),
            ("r:integraal_plan", "0"),
            ("o:integraal_plan", ""),
            ("a:coordinator_uren", "40"),
            ("r:coordinator_uren", "0"),
            ("o:coordinator_uren", ""),
            ("a:betrokkenheid", "studenten"),
            ("a:betrokkenheid", "gemeente"),
            ("r:betrokkenheid", "0"),
            ("o:betrokkenheid", ""),
            ("go", go),
        ],
    )
    .await
    .expect("post");
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], next.as_str());
    let s = survey(&app, &c, id).await;
    assert_eq!(
        answer(&s, "betrokkenheid").expect("multi")["value"],
        "studenten gemeente"
    );
    assert_eq!(answer(&s, "integraal_plan").expect("plan")["value"], "ja");

    let changed = post(
        &colleague,
        vec![
            ("a:coordinator_uren", "50"),
            ("r:coordinator_uren", "1"),
            ("o:coordinator_uren", "40"),
        ],
    )
    .await
    .expect("post");
    assert_eq!(changed.status(), 303);
    let stale = post(
        &c,
        vec![
            ("a:coordinator_uren", "45"),
            ("r:coordinator_uren", "1"),
            ("o:coordinator_uren", "40"),
            ("a:integraal_plan", "ja"),
            ("r:integraal_plan", "1"),
            ("o:integraal_plan", "ja"),
            ("go", go),
        ],
    )
    .await
    .expect("post");
    let back = stale.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        back.starts_with(&format!("/vragenlijst/{id}/deel/beleid?melding=")),
        "back to the form: {back}"
    );
    let page = c.get(app.url(&back)).send().await.expect("page");
    let html = page.text().await.expect("html");
    assert!(
        html.contains("intussen gewijzigd door Test twee@roc.nl"),
        "the conflict is explained once"
    );
    assert!(html.contains("(45)"), "with the answer that was not saved");
    assert_eq!(
        answer(&survey(&app, &c, id).await, "coordinator_uren").expect("uren")["value"],
        "50"
    );

    let typo = post(
        &c,
        vec![
            ("a:coordinator_uren", "veertig"),
            ("r:coordinator_uren", "2"),
            ("o:coordinator_uren", "50"),
        ],
    )
    .await
    .expect("post");
    assert_eq!(typo.status(), 303);
    let back = typo.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let html = app.text(&c, &back).await;
    assert!(html.contains("Vul een getal in"), "the message is shown");
    assert!(
        html.contains("value=\"veertig\""),
        "the typed value is kept: {}",
        &html[html.find("id=\"coordinator_uren\"").unwrap_or(0)..][..300]
    );
    let anonymous = post(&client(), vec![("a:coordinator_uren", "1")])
        .await
        .expect("post");
    assert!(anonymous.headers()["location"]
        .to_str()
        .expect("l")
        .starts_with("/inloggen"));
}
both!(a_section_posted_as_a_plain_form_is_saved);

async fn the_comparison_shows_only_what_k_institutions_answered(app: TestApp) {
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    let codes = ["25PX", "27GH", "30RR", "21KL", "12AB"];
    let round = open_round(&app, version, 2026, &codes).await;
    let c = app.logged_in("een@roc.nl", Role::Coordinator, &codes).await;
    let own = app.response_of(round, "25PX").await;
    complete(&app, &c, own, 0).await;
    assert_eq!(
        app.call(&c, "get_comparison", &[("id", &own.to_string())])
            .await
            .status(),
        422,
        "only after submitting"
    );
    assert_eq!(
        app.call(&c, "submit_response", &[("id", &own.to_string())])
            .await
            .status(),
        200
    );
    let view: Value = app
        .call(&c, "get_comparison", &[("id", &own.to_string())])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(view["k"], 5);
    assert!(
        view["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["all"].is_null()),
        "one institution: nothing shown"
    );
    for (n, code) in codes.iter().enumerate().skip(1) {
        let id = app.response_of(round, code).await;
        complete(&app, &c, id, n).await;
        assert_eq!(
            app.call(&c, "submit_response", &[("id", &id.to_string())])
                .await
                .status(),
            200
        );
    }
    let view: Value = app
        .call(&c, "get_comparison", &[("id", &own.to_string())])
        .await
        .json()
        .await
        .expect("json");
    let items = view["items"].as_array().expect("items");
    let plan = items
        .iter()
        .find(|i| i["key"] == "integraal_plan")
        .expect("plan");
    assert_eq!(plan["all"]["n"], 5, "five institutions answered: shown");
    let shares: i64 = plan["all"]["options"]
        .as_array()
        .expect("o")
        .iter()
        .map(|o| o[1].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(shares, 5);
    let hours = items
        .iter()
        .find(|i| i["key"] == "coordinator_uren")
        .expect("uren");
    assert!(hours["all"]["median"].is_number());
    assert!(hours["all"]["quartiles"][0].is_number() && hours["all"]["quartiles"][1].is_number());
    assert!(
        hours["all"].get("range").is_none() && !view.to_string().contains("\"range\""),
        "no lowest or highest answer of another institution"
    );
    assert!(
        items.iter().any(|i| i["all"].is_null()),
        "items that applied to fewer than five institutions stay hidden"
    );
}
both!(the_comparison_shows_only_what_k_institutions_answered);

/// Saves arriving together (on PostgreSQL they share one statement) each land once: every
/// institution keeps its own answer, and of two saves based on the same revision of one answer
/// exactly one lands while the other is refused with the value that landed.
async fn saves_arriving_together_each_land_once(app: TestApp) {
    app.load_demo_register().await;
    let codes = [
        "25PX", "27GH", "30RR", "21KL", "12AB", "14CD", "04EF", "05GH",
    ];
    let version = publish(&app, &default_definition(), None).await;
    let round = open_round(&app, version, 2026, &codes).await;
    let mut saves = Vec::new();
    for (n, code) in codes.iter().enumerate() {
        let id = app.response_of(round, code).await;
        for writer in ["een", "twee"] {
            let c = app
                .logged_in(
                    &format!("{writer}.{}@roc.nl", code.to_lowercase()),
                    Role::Coordinator,
                    &[code],
                )
                .await;
            // On the first institution both coordinators answer the same item from revision 0.
            // Elsewhere the two answer different items of the same response.
            let (key, value) = match (n, writer) {
                (0, "twee") => ("coordinator_uren", "77".to_owned()),
                (_, "een") => ("coordinator_uren", format!("{}", 100 + n)),
                _ => ("bestuur_eigenaarschap", format!("{}", 1 + n % 5)),
            };
            saves.push((id, key, value, c));
        }
    }
    let outcomes = futures::future::join_all(saves.iter().map(|(id, key, value, c)| async {
        save(&app, c, *id, &[(key, value.as_str(), 0)]).await
    }))
    .await;

    let first = app.response_of(round, codes[0]).await;
    let contested: Vec<&(u16, Value)> = outcomes
        .iter()
        .zip(&saves)
        .filter(|(_, (id, ..))| *id == first)
        .map(|(o, _)| o)
        .collect();
    let mut statuses: Vec<u16> = contested.iter().map(|(s, _)| *s).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409], "one of the two lands: {contested:?}");
    let stored = responses::answers(&app.db, first).await.expect("answers");
    let landed = &stored
        .iter()
        .find(|a| a.item_key == "coordinator_uren")
        .expect("stored")
        .value;
    let refused = contested
        .iter()
        .find(|(s, _)| *s == 409)
        .map(|(_, body)| body["Stale"][0]["value"].clone());
    assert_eq!(
        refused,
        Some(json!(landed)),
        "the refusal shows what landed"
    );

    for ((status, body), (id, key, value, _)) in outcomes.iter().zip(&saves) {
        if *id == first {
            continue;
        }
        assert_eq!(*status, 200, "{body}");
        let stored = responses::answers(&app.db, *id).await.expect("answers");
        let a = stored
            .iter()
            .find(|a| a.item_key == *key)
            .expect("each save stored");
        assert_eq!((a.value.as_str(), a.revision), (value.as_str(), 1));
    }
}
both!(saves_arriving_together_each_land_once);

/// A calculation (XLSForm's `calculate`): worked out by the server at every save, stored with
/// the answers, used by later logic, never given by the client, and in the survey's view and
/// the answers' CSV like any answer.
async fn a_calculation_is_worked_out_stored_and_exported(app: TestApp) {
    use app::domain::questionnaire::{Definition, ItemKind};
    app.load_demo_register().await;
    let definition: Definition = serde_json::from_value(json!({
        "key": "berekening",
        "title": {"nl": "Berekening"},
        "sections": [{"key": "beleid", "title": {"nl": "Beleid"}, "items": [
            {"key": "staff", "type": "integer", "label": {"nl": "Medewerkers"}},
            {"key": "students", "type": "integer", "label": {"nl": "Studenten"}},
            {"key": "ratio", "type": "calculated", "label": {"nl": "Studenten per medewerker"},
             "expression": "if(${staff} > 0, round(${students} div ${staff}, 1), '')"},
            {"key": "why", "type": "short_text", "label": {"nl": "Waarom zoveel?"},
             "relevant": "${ratio} > 10"},
            {"key": "shown", "type": "note", "label": {"nl": "Verhouding ${ratio} bij ${staff} medewerkers"}}
        ]}]
    }))
    .expect("definition");
    assert!(matches!(
        definition.item("ratio").map(|i| &i.kind),
        Some(ItemKind::Calculated { .. })
    ));
    let version = publish(&app, &definition, None).await;
    let round = open_round(&app, version, 2026, &["25PX"]).await;
    let id = app.response_of(round, "25PX").await;
    let c = app
        .logged_in("een@roc.nl", Role::Coordinator, &["25PX"])
        .await;

    let (status, body) = save(&app, &c, id, &[("ratio", "99", 0)]).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("wordt berekend"), "{body}");
    let (status, body) = save(&app, &c, id, &[("why", "veel", 0)]).await;
    assert_eq!(
        status, 422,
        "not applicable before the calculation says so: {body}"
    );

    let (status, body) = save(
        &app,
        &c,
        id,
        &[
            ("staff", "12", 0),
            ("students", "150", 0),
            ("why", "groei", 0),
        ],
    )
    .await;
    assert_eq!(
        status, 200,
        "150 / 12 = 12.5 > 10 shows the follow-up: {body}"
    );
    let view = survey(&app, &c, id).await;
    assert_eq!(
        answer(&view, "ratio").map(|a| &a["value"]),
        Some(&json!("12.5"))
    );

    let (status, body) = save(&app, &c, id, &[("staff", "50", 1)]).await;
    assert_eq!(status, 200, "{body}");
    let stored = responses::answers(&app.db, id).await.expect("answers");
    let value = |key: &str| {
        stored
            .iter()
            .find(|a| a.item_key == key)
            .map(|a| a.value.clone())
    };
    assert_eq!(
        value("ratio").as_deref(),
        Some("3"),
        "recalculated: 150 / 50"
    );
    let page = app
        .text(&c, &format!("/vragenlijst/{id}/deel/beleid"))
        .await;
    assert!(
        page.contains("data-template=\"Verhouding ${ratio} bij ${staff} medewerkers\">Verhouding 3 bij 50 medewerkers<"),
        "a note shows the calculation and the answer it names"
    );

    let (status, _) = save(&app, &c, id, &[("why", "", 1)]).await;
    assert_eq!(status, 200);
    let submitted = app
        .call(&c, "submit_response", &[("id", &id.to_string())])
        .await;
    assert_eq!(submitted.status(), 200);
    let researcher = app
        .logged_in("onderzoek@miv.nl", Role::Researcher, &[])
        .await;
    let csv = app
        .text(
            &researcher,
            &format!("/export/ronde/{round}/antwoorden.csv"),
        )
        .await;
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row: Vec<&str> = lines.next().expect("a row").split(',').collect();
    let at = header
        .iter()
        .position(|h| *h == "ratio")
        .expect("a ratio column");
    assert_eq!(row[at], "3", "{csv}");
}
both!(a_calculation_is_worked_out_stored_and_exported);

/// Options offered under a condition (XLSForm's choice_filter): the page marks every option so
/// the browser can show and hide it, hides the ones not offered when it is rendered, and a save
/// of an option not offered is reported, as a broken constraint is. A drop-down and options side
/// by side are rendered as asked.
async fn options_are_offered_under_their_conditions_on_the_page_and_the_server(app: TestApp) {
    use app::domain::questionnaire::Definition;
    app.load_demo_register().await;
    let definition: Definition = serde_json::from_value(json!({
        "key": "trapsgewijs",
        "title": {"nl": "Trapsgewijs"},
        "sections": [{"key": "beleid", "title": {"nl": "Beleid"}, "items": [
            {"key": "state", "type": "single_choice", "label": {"nl": "Staat"},
             "appearance": "horizontal", "required": true,
             "required_message": {"nl": "Kies een staat"},
             "options": [{"code": "texas", "label": {"nl": "Texas"}},
                         {"code": "washington", "label": {"nl": "Washington"}}]},
            {"key": "county", "type": "single_choice", "label": {"nl": "County"},
             "appearance": "minimal",
             "options": [{"code": "king", "label": {"nl": "King"}},
                         {"code": "pierce", "label": {"nl": "Pierce"}},
                         {"code": "cameron", "label": {"nl": "Cameron"}}],
             "choice_conditions": {"pierce": "${state} = 'washington'",
                                   "cameron": "${state} = 'texas'"}}
        ]}]
    }))
    .expect("definition");
    let version = publish(&app, &definition, None).await;
    let round = open_round(&app, version, 2026, &["25PX"]).await;
    let id = app.response_of(round, "25PX").await;
    let c = app
        .logged_in("een@roc.nl", Role::Coordinator, &["25PX"])
        .await;

    let (status, body) = save(
        &app,
        &c,
        id,
        &[("state", "texas", 0), ("county", "pierce", 0)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["invalid"]
            .as_array()
            .expect("invalid")
            .iter()
            .any(|p| p[0] == "county"),
        "pierce is not a county of Texas: {body}"
    );
    let page = app
        .text(&c, &format!("/vragenlijst/{id}/deel/beleid"))
        .await;
    let tag = |code: &str| {
        let at = page
            .find(&format!("data-option=\"county {code}\""))
            .unwrap_or_else(|| panic!("option {code} on the page"));
        let end = page[at..].find('>').map_or(page.len(), |e| at + e);
        page[at..end].to_owned()
    };
    assert!(tag("pierce").contains("hidden"), "{}", tag("pierce"));
    assert!(!tag("cameron").contains("hidden"), "{}", tag("cameron"));
    assert!(!tag("king").contains("hidden"), "{}", tag("king"));
    assert!(page.contains("<select id=\"county\""), "a drop-down");
    assert!(page.contains("<label for=\"county\""), "with its label");
    assert!(
        page.contains("class=\"options horizontal\""),
        "states side by side"
    );
    assert!(
        page.contains("Kies een van de gegeven antwoorden"),
        "the problem is shown"
    );

    let (status, body) = save(&app, &c, id, &[("county", "cameron", 1)]).await;
    assert_eq!(status, 200);
    assert!(
        body["invalid"].as_array().expect("invalid").is_empty(),
        "{body}"
    );
}
both!(options_are_offered_under_their_conditions_on_the_page_and_the_server);

/// A default is the answer a new response starts with; a read-only question shows its default
/// and takes no answer, on the page and on the server.
async fn defaults_start_a_response_and_read_only_questions_take_no_answer(app: TestApp) {
    use app::domain::questionnaire::Definition;
    app.load_demo_register().await;
    let definition: Definition = serde_json::from_value(json!({
        "key": "standaard",
        "title": {"nl": "Standaard"},
        "sections": [{"key": "beleid", "title": {"nl": "Beleid"}, "items": [
            {"key": "staff", "type": "integer", "label": {"nl": "Medewerkers"}, "default": "10"},
            {"key": "source", "type": "short_text", "label": {"nl": "Bron"},
             "default": "register", "read_only": true}
        ]}]
    }))
    .expect("definition");
    let version = publish(&app, &definition, None).await;
    let round = open_round(&app, version, 2026, &["25PX"]).await;
    let id = app.response_of(round, "25PX").await;
    let c = app
        .logged_in("een@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let view = survey(&app, &c, id).await;
    assert_eq!(
        answer(&view, "staff").map(|a| &a["value"]),
        Some(&json!("10"))
    );
    assert_eq!(
        answer(&view, "source").map(|a| &a["value"]),
        Some(&json!("register"))
    );
    assert_eq!(
        answer(&view, "staff").map(|a| &a["prefilled"]),
        Some(&json!(false))
    );

    let (status, body) = save(&app, &c, id, &[("source", "eigen telling", 1)]).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("alleen ter informatie"), "{body}");
    let (status, body) = save(&app, &c, id, &[("staff", "12", 1)]).await;
    assert_eq!(status, 200, "a default is an answer like any: {body}");
    // A plain form post (no script): the disabled read-only field is not sent, and that is no
    // change of it.
    let posted = c
        .post(app.url(&format!("/vragenlijst/{id}/deel/beleid")))
        .form(&[
            ("a:staff", "13"),
            ("r:staff", "2"),
            ("o:staff", "12"),
            ("o:source", "register"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(posted.status(), 303);
    let location = posted.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let after = app.text(&c, &location).await;
    assert!(
        !after.contains("alleen ter informatie"),
        "no complaint about the read-only field"
    );
    let view = survey(&app, &c, id).await;
    assert_eq!(
        answer(&view, "staff").map(|a| &a["value"]),
        Some(&json!("13"))
    );
    assert_eq!(
        answer(&view, "source").map(|a| &a["value"]),
        Some(&json!("register"))
    );
    let page = app
        .text(&c, &format!("/vragenlijst/{id}/deel/beleid"))
        .await;
    let at = page.find("id=\"source\"").expect("the read-only field");
    let end = page[at..].find('>').map_or(page.len(), |e| at + e);
    assert!(page[at..end].contains("disabled"), "{}", &page[at..end]);
}
both!(defaults_start_a_response_and_read_only_questions_take_no_answer);
