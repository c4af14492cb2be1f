//! The audit trail: append-only in the database itself, searched by action, actor, object and
//! days, and exported as CSV (which is recorded too).

use app::backend::entities::audit_log;
use app::domain::Role;
use chrono::{TimeZone, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set, Statement};

use crate::both;
use crate::helpers::TestApp;

async fn entry(app: &TestApp, day: u32, actor: &str, action: &str, target: &str) -> i32 {
    audit_log::ActiveModel {
        at: Set(Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0).unwrap()),
        actor_user_id: Set(None),
        actor_email: Set(actor.into()),
        action: Set(action.into()),
        target: Set(target.into()),
        details: Set("{}".into()),
        ip: Set(Some("192.0.2.7".into())),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("insert")
    .id
}

async fn the_audit_log_cannot_be_changed_and_is_searched_and_exported(app: TestApp) {
    let first = entry(
        &app,
        1,
        "anna@miv.nl",
        "institution.update",
        "institution:25PX",
    )
    .await;
    entry(&app, 2, "bert@miv.nl", "export.figures", "source:1").await;
    entry(&app, 3, "anna@miv.nl", "export.answers", "round:4").await;

    // No update or delete path: the database refuses both.
    let backend = app.db.get_database_backend();
    for sql in [
        format!("UPDATE audit_log SET action = 'x' WHERE id = {first}"),
        format!("DELETE FROM audit_log WHERE id = {first}"),
        "DELETE FROM audit_log".to_owned(),
    ] {
        let refused = app
            .db
            .execute_raw(Statement::from_string(backend, sql.clone()))
            .await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.to_string().contains("append-only")),
            "{sql}: {refused:?}"
        );
    }
    let kept = audit_log::Entity::find_by_id(first)
        .one(&app.db)
        .await
        .expect("read")
        .expect("still there");
    assert_eq!(kept.action, "institution.update");

    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let search = |fields: [(&'static str, &'static str); 5]| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let r = app.call(&admin, "list_audit", &fields).await;
            let status = r.status().as_u16();
            let rows: Vec<serde_json::Value> = r.json().await.unwrap_or_default();
            (status, rows)
        }
    };
    let (status, rows) = search([
        ("action", "export."),
        ("actor", "anna"),
        ("target", ""),
        ("from", ""),
        ("to", ""),
    ])
    .await;
    assert_eq!(status, 200);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["target"], "round:4");
    let (_, rows) = search([
        ("action", ""),
        ("actor", "@miv.nl"),
        ("target", ""),
        ("from", "2026-03-02"),
        ("to", "2026-03-02"),
    ])
    .await;
    assert_eq!(rows.len(), 1, "one day, both ends included: {rows:?}");
    assert_eq!(rows[0]["action"], "export.figures");
    let (_, rows) = search([
        ("action", ""),
        ("actor", ""),
        ("target", "institution:"),
        ("from", ""),
        ("to", ""),
    ])
    .await;
    assert_eq!(rows.len(), 1);
    let (status, _) = search([
        ("action", ""),
        ("actor", ""),
        ("target", ""),
        ("from", "1 maart"),
        ("to", ""),
    ])
    .await;
    assert_eq!(status, 422, "a date that is not YYYY-MM-DD");

    let export = admin
        .get(app.url("/export/auditlog.csv?actie=export.&van=2026-03-01&tot=2026-03-31"))
        .send()
        .await
        .expect("export");
    assert_eq!(export.status(), 200);
    let csv = export.text().await.expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "id,at,actor,action,target,details,ip");
    assert_eq!(lines.len(), 3, "the two exports of March: {csv}");
    assert!(lines[1].contains("export.answers") && lines[2].contains("export.figures"));
    assert!(
        app.audit_actions()
            .await
            .contains(&"export.audit".to_owned()),
        "the export is itself recorded"
    );
    let page = app.text(&admin, "/beheer/audit?wie=anna").await;
    assert!(
        page.contains("/export/auditlog.csv?wie=anna"),
        "the CSV link keeps the filter"
    );
}
both!(the_audit_log_cannot_be_changed_and_is_searched_and_exported);
