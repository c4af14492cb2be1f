//! Retention on a fixture with dates: a round closed 14 months ago loses its personal links and
//! its mails' addresses and texts (dry run first: nothing changes); a round closed 2 months ago
//! keeps them; answers stay.

use app::backend::audit::Actor;
use app::backend::entities::{outbox, response_link, round};
use app::backend::{responses, retention, rounds};
use app::domain::Role;
use chrono::{Duration, Months, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::both;
use crate::helpers::{default_definition, open_round, publish, TestApp};
use crate::rounds::complete;

/// A round of 25PX with a personal link, a mail and answers, closed `months_ago`.
async fn closed_round(app: &TestApp, version: i32, year: i32, months_ago: u32) -> (i32, i32) {
    let id = open_round(app, version, year, &["25PX"]).await;
    let coordinator = app
        .create_user(&format!("c{year}@roc.nl"), Role::Coordinator, &["25PX"])
        .await;
    rounds::issue_link(&app.db, &Actor::cli(), id, coordinator)
        .await
        .expect("link");
    let c = app
        .logged_in(&format!("s{year}@roc.nl"), Role::Coordinator, &["25PX"])
        .await;
    let response = app.response_of(id, "25PX").await;
    complete(app, &c, response, 3).await;
    let now = Utc::now();
    outbox::ActiveModel {
        kind: Set("invitation".into()),
        round_id: Set(Some(id)),
        recipient: Set(format!("c{year}@roc.nl")),
        language: Set("nl".into()),
        subject: Set("Uitnodiging".into()),
        body_text: Set(Some("Uw link: https://miv.example/r/geheim".into())),
        body_html: Set(None),
        message_id: Set(format!("<{year}@miv.example>")),
        status: Set("sent".into()),
        attempts: Set(1),
        next_attempt_at: Set(now),
        created_at: Set(now),
        sent_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("mail");
    let closes = now
        .checked_sub_months(Months::new(months_ago))
        .expect("date");
    round::ActiveModel {
        id: Set(id),
        opens_at: Set(closes - Duration::days(30)),
        closes_at: Set(closes),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .expect("close");
    (id, response)
}

async fn contact_data_of_old_rounds_is_purged_and_answers_stay(app: TestApp) {
    app.load_demo_register().await;
    let version = publish(&app, &default_definition(), None).await;
    let (old, old_response) = closed_round(&app, version, 2024, 14).await;
    let (recent, _) = closed_round(&app, version, 2025, 2).await;
    let answers_before = responses::answers(&app.db, old_response)
        .await
        .expect("answers");
    assert!(!answers_before.is_empty());

    let links = |round: i32| {
        let db = app.db.clone();
        async move {
            response_link::Entity::find()
                .filter(response_link::Column::RoundId.eq(round))
                .count(&db)
                .await
                .expect("links")
        }
    };
    let mail = |round: i32| {
        let db = app.db.clone();
        async move {
            outbox::Entity::find()
                .filter(outbox::Column::RoundId.eq(round))
                .one(&db)
                .await
                .expect("mail")
                .expect("one mail")
        }
    };

    let dry = retention::run(&app.db, &Actor::cli(), Utc::now(), 12, true)
        .await
        .expect("dry run");
    assert_eq!(dry.len(), 1, "{dry:?}");
    assert_eq!((dry[0].round_id, dry[0].links, dry[0].mails), (old, 1, 1));
    assert_eq!(links(old).await, 1, "a dry run changes nothing");

    let purged = retention::run(&app.db, &Actor::cli(), Utc::now(), 12, false)
        .await
        .expect("run");
    assert_eq!(purged, dry);
    assert_eq!(links(old).await, 0);
    let m = mail(old).await;
    assert_eq!(m.recipient, retention::PURGED);
    assert!(m.body_text.is_none() && m.body_html.is_none());
    assert_eq!(m.status, "sent", "what happened stays known");
    assert_eq!(links(recent).await, 1, "2 months: kept");
    assert_eq!(mail(recent).await.recipient, "c2025@roc.nl");
    assert_eq!(
        responses::answers(&app.db, old_response)
            .await
            .expect("answers"),
        answers_before,
        "answers stay"
    );
    assert!(app
        .audit_actions()
        .await
        .contains(&"retention.purge".to_owned()));
    assert!(
        retention::run(&app.db, &Actor::cli(), Utc::now(), 12, false)
            .await
            .expect("again")
            .is_empty(),
        "nothing left to purge"
    );
}
both!(contact_data_of_old_rounds_is_purged_and_answers_stay);
