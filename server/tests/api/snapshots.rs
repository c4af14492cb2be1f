//! The life cycle of a source's snapshots: a corrected file for a year that has a snapshot in
//! use shows what changes and replaces it only when confirmed with a reason; the figures are
//! then those of the corrected file alone (not both added up). A year can be withdrawn and a
//! superseded snapshot restored; every step is audited; the report, the CSV export, the API and
//! the CLI follow at once.

use app::backend::audit::Actor;
use app::backend::entities::audit_log;
use app::backend::sources::{self, SourceError};
use app::domain::aggregate::snapshot::SnapshotStatus;
use app::domain::aggregate::Figure;
use app::domain::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::both;
use crate::helpers::TestApp;

const CODES: [&str; 10] = [
    "25PX", "27GH", "30RR", "21KL", "12AB", "14CD", "04EF", "05GH", "08IJ", "09KL",
];

/// Incident counts of the demo register's institutions in 2024 and 2025; `bump` adds to the
/// 2025 aggression count of the first `bumped` institutions (a corrected delivery).
fn incidents(bump: u32, bumped: usize) -> Vec<u8> {
    let mut file = String::from("year;brin;category;count\r\n");
    for year in [2024, 2025] {
        for (i, code) in CODES.iter().enumerate() {
            let mut aggression = 40 + 3 * i as u32;
            if year == 2025 && i < bumped {
                aggression += bump;
            }
            file += &format!(
                "{year};{code};aggression;{aggression}\r\n{year};{code};theft;{}\r\n",
                20 + i
            );
        }
    }
    file.into_bytes()
}

async fn source_with(app: &TestApp, name: &str, file: &[u8]) -> i32 {
    let actor = Actor::cli();
    let id = sources::create(&app.db, &actor, "incidents", name, None)
        .await
        .expect("source");
    sources::import(&app.db, &actor, id, "meldingen.csv", file, None)
        .await
        .expect("import");
    id
}

/// Every figure of a source's snapshots in use.
async fn figures_of(app: &TestApp, id: i32) -> Vec<Figure> {
    match sources::report(
        &app.db,
        id,
        Default::default(),
        None,
        None,
        Default::default(),
    )
    .await
    {
        Ok(report) => report.figures,
        Err(sources::ReportError::NoSnapshots) => Vec::new(),
        Err(e) => panic!("report: {e}"),
    }
}

async fn audited(app: &TestApp, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .count(&app.db)
        .await
        .expect("audit")
}

async fn a_corrected_file_replaces_its_year_and_can_be_undone(app: TestApp) {
    app.load_demo_register().await;
    let actor = Actor::cli();
    let original = incidents(0, 0);
    let corrected = incidents(7, 3);
    let id = source_with(&app, "Meldingen", &original).await;
    let before = figures_of(&app, id).await;
    // The references: each file alone in a source of its own.
    let corrected_alone = figures_of(
        &app,
        source_with(&app, "Alleen gecorrigeerd", &corrected).await,
    )
    .await;
    assert_ne!(before, corrected_alone, "the correction changes figures");

    // Without a reason nothing is stored; the changes name the institutions and counts.
    match sources::import(&app.db, &actor, id, "meldingen-v2.csv", &corrected, None).await {
        Err(SourceError::NeedsConfirmation(changes)) => {
            assert_eq!(changes.len(), 1, "2024 is unchanged: {changes:?}");
            let c = &changes[0];
            assert_eq!((c.year, c.rows_before, c.rows_after), (2025, 20, 20));
            assert_eq!(c.total_after - c.total_before, 21.0);
            let codes: Vec<&str> = c.institutions.iter().map(|i| i.code.as_str()).collect();
            assert_eq!(codes, vec!["25PX", "27GH", "30RR"]);
            assert_eq!(c.institutions[0].before, Some(60.0));
            assert_eq!(c.institutions[0].after, Some(67.0));
        }
        other => panic!("a correction needs confirming, not {other:?}"),
    }
    assert_eq!(figures_of(&app, id).await, before, "nothing changed yet");
    assert!(matches!(
        sources::import(
            &app.db,
            &actor,
            id,
            "meldingen-v2.csv",
            &corrected,
            Some("  ")
        )
        .await,
        Err(SourceError::ReasonMissing)
    ));

    // Confirmed: the corrected year replaces the one in use; figures equal the file alone.
    let imported = sources::import(
        &app.db,
        &actor,
        id,
        "meldingen-v2.csv",
        &corrected,
        Some("gecorrigeerde levering"),
    )
    .await
    .expect("replace");
    let new: Vec<(i32, bool)> = imported
        .snapshots
        .iter()
        .map(|(s, n)| (s.year, *n))
        .collect();
    assert_eq!(new, vec![(2024, false), (2025, true)]);
    assert_eq!(figures_of(&app, id).await, corrected_alone, "not added up");
    let list = sources::snapshots(&app.db, id).await.expect("list");
    assert_eq!(list.len(), 3);
    let old = list
        .iter()
        .find(|s| s.year == 2025 && s.status == SnapshotStatus::Superseded)
        .expect("the earlier 2025 stays, superseded");
    assert_eq!(old.status_reason.as_deref(), Some("gecorrigeerde levering"));
    assert_eq!(audited(&app, "source.snapshot_replace").await, 1);

    // Withdraw 2025: only 2024 remains; restore the original: the original figures.
    sources::withdraw(&app.db, &actor, id, 2025, "levering onder embargo")
        .await
        .expect("withdraw");
    let withdrawn = figures_of(&app, id).await;
    assert!(!withdrawn.is_empty() && withdrawn.iter().all(|f| f.year == 2024));
    assert!(matches!(
        sources::withdraw(&app.db, &actor, id, 2025, "nog eens").await,
        Err(SourceError::NotFound)
    ));
    sources::restore(&app.db, &actor, id, old.id, "terug naar de eerste levering")
        .await
        .expect("restore");
    assert_eq!(figures_of(&app, id).await, before);
    assert!(matches!(
        sources::restore(&app.db, &actor, id, old.id, "nog eens").await,
        Err(SourceError::WrongStatus(SnapshotStatus::InUse))
    ));
    assert_eq!(audited(&app, "source.snapshot_withdraw").await, 1);
    assert_eq!(audited(&app, "source.snapshot_restore").await, 1);
    // Importing the corrected file again brings its snapshot back (no duplicate).
    sources::import(
        &app.db,
        &actor,
        id,
        "meldingen-v2.csv",
        &corrected,
        Some("toch de correctie"),
    )
    .await
    .expect("again");
    assert_eq!(
        sources::snapshots(&app.db, id).await.expect("list").len(),
        3
    );
    assert_eq!(figures_of(&app, id).await, corrected_alone);
}
both!(a_corrected_file_replaces_its_year_and_can_be_undone);

/// The browser's way: the mapping form ends in the changes and a confirmation form; the
/// source page lists the superseded snapshot; withdraw and restore as server functions; the
/// CSV export and `/api/v1` follow; a coordinator may do none of it.
async fn the_browser_the_export_and_the_api_follow_the_snapshot_in_use(app: TestApp) {
    app.load_demo_register().await;
    let id = source_with(&app, "Meldingen", &incidents(0, 0)).await;
    let researcher = app
        .logged_in("onderzoek@miv.nl", Role::Researcher, &[])
        .await;
    let upload = app
        .upload_to(
            &researcher,
            &format!("/import/bron/{id}"),
            "v2.csv",
            incidents(500, 1),
        )
        .await;
    let location = upload.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let token = location.rsplit('/').next().expect("token").to_owned();
    let outcome = |fields: Vec<(&'static str, String)>| {
        let (app, researcher, token) = (&app, researcher.clone(), token.clone());
        async move {
            let fields: Vec<(String, String)> =
                fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            app.import_outcome(&researcher, &token, &fields).await["outcome"].clone()
        }
    };
    let mapping: Vec<(&'static str, String)> = ["year", "brin", "category", "count"]
        .iter()
        .map(|v| match *v {
            "year" => ("kolom_year", "year".to_owned()),
            "brin" => ("kolom_brin", "brin".to_owned()),
            "category" => ("kolom_category", "category".to_owned()),
            _ => ("kolom_count", "count".to_owned()),
        })
        .collect();
    let confirm = outcome(mapping).await;
    assert_eq!(confirm["Confirm"][0]["year"], 2025, "{confirm}");
    let page = app.text(&researcher, &location).await;
    assert!(
        page.contains("vervangt momentopname") && page.contains("name=\"reden\""),
        "the page shows the changes and asks for a reason"
    );
    let csv = |c: reqwest::Client| {
        let app = &app;
        async move {
            c.get(app.url(&format!("/export/bron/{id}/cijfers.csv")))
                .send()
                .await
                .expect("export")
                .text()
                .await
                .expect("csv")
        }
    };
    let national_2025 = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("2025,national,all,incidents:aggression"))
            .map(str::to_owned)
    };
    let first = national_2025(&csv(researcher.clone()).await).expect("2025 in the export");
    let stored = outcome(vec![("reden", "correctie 25PX".to_owned())]).await;
    assert!(stored["Stored"].is_array(), "{stored}");
    let second = national_2025(&csv(researcher.clone()).await).expect("2025 in the export");
    assert_ne!(first, second, "the export follows the replacement at once");

    let list: serde_json::Value = app
        .call(&researcher, "list_sources", &[])
        .await
        .json()
        .await
        .expect("sources");
    let snapshots = list
        .as_array()
        .expect("list")
        .iter()
        .find(|s| s["id"] == id)
        .expect("source")["snapshots"]
        .clone();
    let superseded = snapshots
        .as_array()
        .expect("snapshots")
        .iter()
        .find(|s| s["status"] == "superseded")
        .expect("superseded listed")
        .clone();
    assert_eq!(superseded["reason"], "correctie 25PX");
    assert_eq!(superseded["changed"][0], "onderzoek@miv.nl");
    let source_page = app
        .text(&researcher, &format!("/analyse/bronnen/{id}"))
        .await;
    assert!(source_page.contains("vervangen") && source_page.contains("correctie 25PX"));

    let coordinator = app
        .logged_in("coord@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let year = [
        ("source", id.to_string()),
        ("year", "2025".to_owned()),
        ("reason", "weg".to_owned()),
    ];
    let year: Vec<(&str, &str)> = year.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.call(&coordinator, "withdraw_snapshot", &year)
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(&researcher, "withdraw_snapshot", &year)
            .await
            .status(),
        200
    );
    assert!(
        national_2025(&csv(researcher.clone()).await).is_none(),
        "withdrawn: no 2025"
    );
    let token = crate::research_api::token(&app, &researcher, "researcher", "7").await;
    let api: serde_json::Value = crate::helpers::client()
        .get(app.url("/api/v1/sources"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("api")
        .json()
        .await
        .expect("json");
    let years = api
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["id"] == id)
        .expect("source")["years"]
        .clone();
    assert_eq!(years, serde_json::json!([2024]));
    let restore = [
        ("source", id.to_string()),
        ("snapshot", superseded["id"].to_string()),
        ("reason", "eerste levering".to_owned()),
    ];
    let restore: Vec<(&str, &str)> = restore.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.call(&researcher, "restore_snapshot", &restore)
            .await
            .status(),
        200
    );
    assert_eq!(national_2025(&csv(researcher.clone()).await), Some(first));
    let empty = [
        ("source", id.to_string()),
        ("snapshot", superseded["id"].to_string()),
        ("reason", String::new()),
    ];
    let empty: Vec<(&str, &str)> = empty.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.call(&researcher, "restore_snapshot", &empty)
            .await
            .status(),
        422
    );
}
both!(the_browser_the_export_and_the_api_follow_the_snapshot_in_use);

/// `server sources import` prints the changes and stores nothing without `--replace`;
/// `list`, `withdraw` and `restore` do the rest.
async fn the_cli_replaces_withdraws_and_restores(app: TestApp) {
    app.load_demo_register().await;
    let id = source_with(&app, "Meldingen", &incidents(0, 0)).await;
    let dir = std::env::temp_dir().join(format!("miv-cli-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("v2.csv");
    std::fs::write(&file, incidents(9, 2)).expect("write");
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["sources"])
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .output()
            .expect("run server");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let path = file.to_str().expect("path");
    let (ok, out, err) = run(&["import", "--source", "Meldingen", path]);
    assert!(!ok, "{out}{err}");
    assert!(
        out.contains("25PX: 60 → 69") && err.contains("--replace"),
        "{out}{err}"
    );
    let (ok, out, err) = run(&[
        "import",
        "--source",
        "Meldingen",
        path,
        "--replace",
        "correctie",
    ]);
    assert!(ok, "{out}{err}");
    let (_, listed, _) = run(&["list", "--source", "Meldingen"]);
    let superseded = listed
        .lines()
        .find(|l| l.contains("\tsuperseded\t"))
        .unwrap_or_else(|| panic!("{listed}"));
    assert!(superseded.ends_with("correctie"), "{superseded}");
    let old = superseded.split('\t').next().expect("id");
    let (ok, out, err) = run(&[
        "withdraw",
        "--source",
        "Meldingen",
        "--year",
        "2025",
        "--reason",
        "embargo",
    ]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = run(&[
        "restore",
        "--source",
        "Meldingen",
        "--snapshot",
        old,
        "--reason",
        "eerste",
    ]);
    assert!(ok, "{out}{err}");
    let in_use = sources::in_use(&app.db, id).await.expect("in use");
    assert!(
        in_use.contains(&old.parse::<i32>().expect("id")),
        "{in_use:?}"
    );
    assert_eq!(in_use.len(), 2);
}
both!(the_cli_replaces_withdraws_and_restores);

/// A source file as people write it, through the one CSV reader: a quoted remark with a line
/// break and a `;` does not shift the line numbers; a ragged line is refused with its line and
/// the first column it lacks; a quote never closed is refused.
async fn the_import_reads_quoted_line_breaks_and_refuses_ragged_lines(app: TestApp) {
    app.load_demo_register().await;
    let actor = Actor::cli();
    let id = sources::create(&app.db, &actor, "incidents", "Meldingen", None)
        .await
        .expect("source");
    let good = "\u{feff}year;brin;category;count;opmerking\r\n\
                2025;25PX;aggression;4;\"eerste regel\r\ntweede; met \"\"citaat\"\"\"\r\n\
                2025;27GH;theft;x;\r\n";
    match sources::import(&app.db, &actor, id, "m.csv", good.as_bytes(), None).await {
        Err(SourceError::Invalid(problems)) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(
                (problems[0].line, problems[0].column.as_deref()),
                (4, Some("count")),
                "the remark spans lines 2 and 3"
            );
        }
        other => panic!("refused, not {other:?}"),
    }
    let ragged = "year;brin;category;count;opmerking\r\n2025;25PX;aggression\r\n";
    match sources::import(&app.db, &actor, id, "m.csv", ragged.as_bytes(), None).await {
        Err(SourceError::Invalid(problems)) => assert_eq!(
            (problems[0].line, problems[0].column.as_deref()),
            (2, Some("count"))
        ),
        other => panic!("refused, not {other:?}"),
    }
    let unclosed = "year;brin;category;count\r\n2025;25PX;\"aggression;4\r\n";
    match sources::import(&app.db, &actor, id, "m.csv", unclosed.as_bytes(), None).await {
        Err(SourceError::Invalid(problems)) => assert_eq!(problems[0].line, 2),
        other => panic!("refused, not {other:?}"),
    }
    let fixed = good.replace(";x;", ";3;");
    let imported = sources::import(&app.db, &actor, id, "m.csv", fixed.as_bytes(), None)
        .await
        .expect("import");
    assert_eq!(imported.snapshots[0].0.rows, 2);
}
both!(the_import_reads_quoted_line_breaks_and_refuses_ragged_lines);

/// Figures are computed once per set of inputs and kept in the database: calls at once get the
/// same figures and leave one kept entry; a change of the register (an institution's type) is a
/// new set of inputs, whose figures follow it.
async fn figures_are_kept_once_and_follow_their_inputs(app: TestApp) {
    use app::backend::entities::{figure_store, institution};
    use sea_orm::{ActiveModelTrait, Set};
    app.load_demo_register().await;
    let id = source_with(&app, "Meldingen", &incidents(0, 0)).await;
    let ids = sources::in_use(&app.db, id).await.expect("in use");
    let at_once: Vec<_> = (0..8)
        .map(|_| {
            let (db, ids) = (app.db.clone(), ids.clone());
            tokio::spawn(async move {
                sources::figures(
                    &db,
                    &ids,
                    Default::default(),
                    &Default::default(),
                    Default::default(),
                )
                .await
                .expect("figures")
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in at_once {
        all.push(task.await.expect("task"));
    }
    assert!(all.windows(2).all(|w| w[0] == w[1]));
    let kept = || async {
        figure_store::Entity::find()
            .count(&app.db)
            .await
            .expect("count")
    };
    assert_eq!(kept().await, 1, "computed once, kept once");
    let recomputed = sources::figures(
        &app.db,
        &ids,
        Default::default(),
        &Default::default(),
        sources::Reuse::Recompute,
    )
    .await
    .expect("figures");
    assert_eq!(recomputed, all[0], "what is kept is what is computed");

    let types = |figures: &[Figure]| -> Vec<Figure> {
        figures
            .iter()
            .filter(|f| f.breakdown == "type")
            .cloned()
            .collect()
    };
    let before = types(&all[0]);
    let first = institution::Entity::find()
        .filter(institution::Column::Code.eq("25PX"))
        .one(&app.db)
        .await
        .expect("read")
        .expect("25PX");
    let other = if first.kind == "aoc" {
        "vakinstelling"
    } else {
        "aoc"
    };
    institution::ActiveModel {
        id: Set(first.id),
        kind: Set(other.into()),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .expect("change type");
    let after = sources::figures(
        &app.db,
        &ids,
        Default::default(),
        &Default::default(),
        Default::default(),
    )
    .await
    .expect("figures");
    assert_ne!(
        types(&after),
        before,
        "the type figures follow the register"
    );
    assert_eq!(kept().await, 2);
}
both!(figures_are_kept_once_and_follow_their_inputs);
