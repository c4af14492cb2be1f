//! Backup and restore: the demo's data written out with `server backup` and restored into a new
//! database give the same rows in every table, on both databases.

use crate::both;
use crate::helpers::{fresh_database, Backend, TestApp};

async fn a_backup_restores_every_table(app: TestApp) {
    let logins = std::env::temp_dir().join(format!("miv-logins-{}.txt", uuid::Uuid::new_v4()));
    server::seed::first_start(&app.db, &app.address, true, &logins)
        .await
        .expect("demo");
    let _ = std::fs::remove_file(&logins);
    let before = server::backup::fingerprint(&app.db)
        .await
        .expect("fingerprint");
    assert!(
        before
            .iter()
            .any(|(t, rows)| t == "responses" && !rows.is_empty()),
        "the demo has data"
    );

    let file = std::env::temp_dir().join(format!("miv-backup-{}", uuid::Uuid::new_v4()));
    server::backup::backup(&app.db, &app.database_url, &file)
        .await
        .expect("backup");
    assert!(
        server::backup::backup(&app.db, &app.database_url, &file)
            .await
            .is_err(),
        "an existing file is not overwritten"
    );
    let backend = if app.database_url.starts_with("sqlite") {
        Backend::Sqlite
    } else {
        Backend::Postgres
    };
    let target = fresh_database(backend).await;
    server::backup::restore(&target, &file)
        .await
        .expect("restore");
    let restored = app::backend::db::connect(&target).await.expect("connect");
    app::backend::db::migrate(&restored).await.expect("migrate");
    let after = server::backup::fingerprint(&restored)
        .await
        .expect("fingerprint");
    assert_eq!(before.len(), after.len(), "the same tables");
    for ((t, a), (u, b)) in before.iter().zip(&after) {
        assert_eq!(t, u);
        assert_eq!(a, b, "table {t}");
    }
    let _ = std::fs::remove_file(&file);

    let not_a_backup = std::env::temp_dir().join(format!("miv-not-{}.txt", uuid::Uuid::new_v4()));
    std::fs::write(&not_a_backup, "hallo").expect("write");
    assert!(server::backup::restore(&target, &not_a_backup)
        .await
        .is_err());
    let _ = std::fs::remove_file(&not_a_backup);
}
both!(a_backup_restores_every_table);
