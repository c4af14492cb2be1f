//! A person's request: their data as JSON, then erased — account emptied, sessions, links and
//! bindings gone, mails without address or text — while the answers they gave stay.

use app::backend::audit::Actor;
use app::backend::entities::{outbox, response_link, user, user_institution};
use app::backend::{responses, retention, rounds};
use app::domain::Role;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::both;
use crate::helpers::{default_definition, open_round, publish, TestApp};
use crate::rounds::complete;

async fn a_person_gets_their_data_and_is_erased_while_answers_stay(app: TestApp) {
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    let round = open_round(&app, version, 2026, &["25PX"]).await;
    let coordinator = app
        .logged_in("anna@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let id = user::Entity::find()
        .filter(user::Column::Email.eq("anna@roc.nl"))
        .one(&app.db)
        .await
        .expect("read")
        .expect("anna")
        .id;
    let response = app.response_of(round, "25PX").await;
    complete(&app, &coordinator, response, 2).await;
    let answers = responses::answers(&app.db, response)
        .await
        .expect("answers");
    rounds::issue_link(&app.db, &Actor::cli(), round, id)
        .await
        .expect("link");
    let now = Utc::now();
    outbox::ActiveModel {
        kind: Set("invitation".into()),
        round_id: Set(Some(round)),
        user_id: Set(Some(id)),
        recipient: Set("anna@roc.nl".into()),
        language: Set("nl".into()),
        subject: Set("Uitnodiging".into()),
        body_text: Set(Some(
            "Beste Anna, uw link: https://miv.example/r/geheim".into(),
        )),
        message_id: Set("<anna@miv.example>".into()),
        status: Set("queued".into()),
        attempts: Set(0),
        // Due later, so that the outbox worker leaves it queued until the erasure.
        next_attempt_at: Set(now + chrono::Duration::hours(1)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("mail");

    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let data: serde_json::Value = admin
        .get(app.url(&format!("/export/gebruiker/{id}/gegevens.json")))
        .send()
        .await
        .expect("export")
        .json()
        .await
        .expect("json");
    assert_eq!(data["account"]["email"], "anna@roc.nl");
    assert_eq!(data["institutions"], serde_json::json!(["25PX"]));
    assert_eq!(data["personal_links"].as_array().map(Vec::len), Some(1));
    assert_eq!(data["mails"][0]["subject"], "Uitnodiging");
    assert!(
        data["actions"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["action"] == "auth.login")),
        "what the person did: {data}"
    );

    let id_text = id.to_string();
    let unconfirmed = app
        .call(&admin, "erase_user", &[("user_id", &id_text)])
        .await;
    assert_eq!(unconfirmed.status(), 422, "the check box is needed");
    let erased = app
        .call(
            &admin,
            "erase_user",
            &[("user_id", &id_text), ("confirm", "true")],
        )
        .await;
    assert_eq!(erased.status(), 200);

    let row = user::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("the row stays");
    assert_eq!(row.email, format!("verwijderd-{id}@invalid"));
    assert_eq!(row.display_name, "(verwijderd)");
    assert!(row.password_hash.is_none() && !row.active);
    for (what, count) in [
        (
            "links",
            response_link::Entity::find()
                .filter(response_link::Column::UserId.eq(id))
                .count(&app.db)
                .await
                .expect("links"),
        ),
        (
            "bindings",
            user_institution::Entity::find()
                .filter(user_institution::Column::UserId.eq(id))
                .count(&app.db)
                .await
                .expect("bindings"),
        ),
    ] {
        assert_eq!(count, 0, "{what}");
    }
    let mail = outbox::Entity::find()
        .filter(outbox::Column::UserId.eq(id))
        .one(&app.db)
        .await
        .expect("read")
        .expect("mail row");
    assert_eq!(mail.recipient, retention::PURGED);
    assert!(mail.body_text.is_none());
    assert_eq!(mail.status, "cancelled", "not sent after all");
    assert_eq!(
        app.call(&coordinator, "get_survey", &[("id", &response.to_string())])
            .await
            .status(),
        401,
        "the person's sessions ended"
    );
    assert_eq!(
        responses::answers(&app.db, response)
            .await
            .expect("answers"),
        answers,
        "answers stay"
    );
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"user.export".to_owned()) && actions.contains(&"user.erase".to_owned())
    );

    let admin_id = user::Entity::find()
        .filter(user::Column::Email.eq("beheer@miv.nl"))
        .one(&app.db)
        .await
        .expect("read")
        .expect("admin")
        .id;
    let own = app
        .call(
            &admin,
            "erase_user",
            &[("user_id", &admin_id.to_string()), ("confirm", "true")],
        )
        .await;
    assert_eq!(own.status(), 422, "not one's own account");
}
both!(a_person_gets_their_data_and_is_erased_while_answers_stay);
