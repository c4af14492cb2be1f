use app::domain::Role;

use crate::both;
use crate::helpers::TestApp;

async fn admins_create_accounts_and_every_change_is_audited(app: TestApp) {
    app.load_demo_register().await;
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let coordinator = app
        .call(
            &admin,
            "create_user",
            &[
                ("email", "Coord@ROC.nl"),
                ("name", "Co"),
                ("role", "coordinator"),
                ("institutions", "25px, 27GH"),
            ],
        )
        .await;
    assert_eq!(coordinator.status(), 200);
    let users: serde_json::Value = app
        .call(&admin, "list_users", &[])
        .await
        .json()
        .await
        .expect("json");
    let created = users
        .as_array()
        .expect("list")
        .iter()
        .find(|u| u["email"] == "coord@roc.nl")
        .expect("created")
        .clone();
    assert_eq!(created["institutions"], serde_json::json!(["25PX", "27GH"]));
    assert_eq!(created["has_password"], false);
    let id = created["id"].to_string();
    assert_eq!(
        app.call(
            &admin,
            "set_user_active",
            &[("user_id", &id), ("active", "false")]
        )
        .await
        .status(),
        200
    );
    let actions = app.audit_actions().await;
    for action in ["user.create", "user.deactivate"] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action} in {actions:?}"
        );
    }
}
both!(admins_create_accounts_and_every_change_is_audited);

async fn invalid_accounts_are_refused_with_a_reason_per_field(app: TestApp) {
    app.load_demo_register().await;
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let response = app
        .call(
            &admin,
            "create_user",
            &[
                ("email", "geen-adres"),
                ("name", ""),
                ("role", "coordinator"),
                ("institutions", "99ZZ"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.expect("json");
    let fields: Vec<&str> = body["Invalid"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, vec!["email", "name"]);
    let unknown = app
        .call(
            &admin,
            "create_user",
            &[
                ("email", "c@roc.nl"),
                ("name", "C"),
                ("role", "coordinator"),
                ("institutions", "99ZZ"),
            ],
        )
        .await;
    assert_eq!(unknown.status(), 422);
    assert!(unknown
        .text()
        .await
        .expect("body")
        .contains("99ZZ staat niet in het register"));
    let duplicate = app
        .call(
            &admin,
            "create_user",
            &[
                ("email", "BEHEER@miv.nl"),
                ("name", "B"),
                ("role", "admin"),
                ("institutions", ""),
            ],
        )
        .await;
    assert_eq!(duplicate.status(), 422);
    assert!(duplicate
        .text()
        .await
        .expect("body")
        .contains("bestaat al een account"));
}
both!(invalid_accounts_are_refused_with_a_reason_per_field);
