//! Disclosure control as a researcher, a coordinator and the operator receive it: a hidden cell
//! read back from every channel shows neither value nor count, and a privacy mark taken away by
//! publishing a new version does not let the answers given under it into raw exports.

use app::backend::entities::{data_source, questionnaire_version, round, user};
use app::backend::sources;
use app::domain::Role;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;

use crate::both;
use crate::helpers::TestApp;
use crate::research_api::{demo, token};

/// The CSV row of a cell (its first four fields), or `None`.
fn csv_row<'a>(csv: &'a str, key: &str) -> Option<&'a str> {
    csv.lines().find(|l| l.starts_with(key))
}

async fn a_hidden_cell_shows_nothing_in_any_channel(app: TestApp) {
    demo(&app).await;
    let source = data_source::Entity::find()
        .filter(data_source::Column::Kind.eq("incidents"))
        .one(&app.db)
        .await
        .expect("read")
        .expect("the demo's incidents");
    let ids = sources::in_use(&app.db, source.id)
        .await
        .expect("snapshots");
    let thresholds = app::domain::aggregate::Thresholds::default();
    let computed = sources::cells(&app.db, &ids, thresholds, &Default::default())
        .await
        .expect("cells");
    // A small count of one institution: 1 to 4 incidents.
    let small = computed
        .cells
        .iter()
        .find(|c| c.breakdown == "brin" && c.suppressed && c.n > 0)
        .expect("the demo has small counts")
        .clone();
    let key = format!("{},brin,{},{},", small.year, small.group, small.indicator);

    // CSV download.
    let researcher = app
        .logged_in("onderzoek@miv.nl", Role::Researcher, &[])
        .await;
    let csv = app
        .text(
            &researcher,
            &format!("/export/bron/{}/cijfers.csv", source.id),
        )
        .await;
    assert_eq!(
        csv_row(&csv, &key),
        Some(format!("{key},,,,1").as_str()),
        "no n, share or interval"
    );
    for line in csv.lines().skip(1) {
        if line.ends_with(",1") {
            let fields: Vec<&str> = line.rsplitn(6, ',').collect();
            assert!(
                fields[1..5].iter().all(|f| f.is_empty()),
                "every hidden cell is empty: {line}"
            );
        }
    }

    // XLSX download: the same row.
    let bytes = researcher
        .get(app.url(&format!("/export/bron/{}/cijfers.xlsx", source.id)))
        .send()
        .await
        .expect("xlsx")
        .bytes()
        .await
        .expect("bytes")
        .to_vec();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("workbook");
    let sheet = book.worksheet_range("Cijfers").expect("Cijfers");
    let row = sheet
        .rows()
        .find(|r| {
            r[1] == "brin"
                && r[2] == small.group.as_str()
                && r[3] == small.indicator.as_str()
                && r[0].to_string() == small.year.to_string()
        })
        .expect("the row");
    assert!(
        row[4..8].iter().all(|c| *c == calamine::Data::Empty),
        "no n, value or interval: {row:?}"
    );

    // The research API.
    let secret = token(&app, &researcher, "researcher", "7").await;
    let api: Value = reqwest::Client::new()
        .get(app.url(&format!(
            "/api/v1/sources/{}/figures?breakdown=brin",
            source.id
        )))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("api")
        .json()
        .await
        .expect("json");
    let figures = api["figures"].as_array().expect("figures");
    let cell = figures
        .iter()
        .find(|f| {
            f["year"] == small.year
                && f["group"] == small.group.as_str()
                && f["indicator"] == small.indicator.as_str()
        })
        .expect("the cell");
    assert_eq!(cell["suppressed"], true);
    for field in ["n", "value", "ci_low", "ci_high", "versus_rest"] {
        assert!(cell[field].is_null(), "{field}: {cell}");
    }
    assert!(figures
        .iter()
        .filter(|f| f["suppressed"] == true)
        .all(|f| f["n"].is_null() && f["value"].is_null()));

    // The report page (table and chart).
    let html = app
        .text(
            &researcher,
            &format!(
                "/analyse?bron={}&indicator={}&indeling=brin",
                source.id, small.indicator
            ),
        )
        .await;
    // The row of the cell: the table's rows of its year, the one naming the institution.
    let body = &html[html.find("<tbody").expect("a table")..];
    let row = body
        .split("<tr")
        .find(|r| {
            r.contains(&format!(">{}<", small.year)) && r.contains(&format!(">{}<", small.group))
        })
        .map(|r| &r[..r.find("</tr>").unwrap_or(r.len())])
        .expect("the table row");
    assert!(
        row.contains("verborgen") && row.contains("niet getoond"),
        "{row}"
    );

    // The command line: the figures file and the audit.
    let out = std::env::temp_dir().join(format!("miv-figures-{}.csv", uuid::Uuid::new_v4()));
    let config = server::config::Config {
        database_url: app.database_url.clone(),
        ..Default::default()
    };
    server::cli::sources::run(
        &config,
        server::cli::SourcesCommand::Figures {
            snapshots: ids.clone(),
            out: out.clone(),
            min_n: thresholds.shares,
            min_count: thresholds.counts,
        },
    )
    .await
    .expect("sources figures");
    let written = std::fs::read_to_string(&out).expect("written");
    let _ = std::fs::remove_file(&out);
    assert_eq!(
        csv_row(&written, &key),
        Some(format!("{key},,,,1").as_str())
    );
    server::cli::sources::run(
        &config,
        server::cli::SourcesCommand::Audit {
            source: source.name.clone(),
            year: None,
        },
    )
    .await
    .expect("every table of the demo passes its audit");

    // The coordinator of that institution: its fact sheet shows no hidden figure either.
    let code = small.group.clone();
    let coordinator = app
        .logged_in("coord-disclosure@roc.nl", Role::Coordinator, &[&code])
        .await;
    let sheet: Value = app
        .call(&coordinator, "fact_sheet", &[("code", &code)])
        .await
        .json()
        .await
        .expect("sheet");
    for source in sheet["sources"].as_array().expect("sources") {
        for row in source["rows"].as_array().expect("rows") {
            if row["indicator"] == small.indicator.as_str() && source["year"] == small.year {
                assert!(row["own"].is_null(), "{row}");
            }
        }
    }

    // The plan behind all of it: no small cell of the demo can be narrowed below the width.
    let plan =
        app::domain::aggregate::plan(&computed.cells, &computed.characteristics, &thresholds);
    assert!(plan.failed.is_empty());
    assert!(plan
        .audits
        .iter()
        .all(|a| a.protected && a.interval.width() >= thresholds.protection_width as f64 - 1e-6));
}
both!(a_hidden_cell_shows_nothing_in_any_channel);

/// A researcher without special access exports the published version, drops the privacy marks,
/// and publishes it as the next version: refused; an admin's publication is recorded; the
/// answers given under the marked version stay withheld from the raw export either way.
async fn privacy_marks_cannot_be_loosened_by_publishing(app: TestApp) {
    demo(&app).await;
    let researcher = app
        .logged_in("onderzoek@miv.nl", Role::Researcher, &[])
        .await;
    let published = questionnaire_version::Entity::find()
        .filter(questionnaire_version::Column::Status.eq("published"))
        .one(&app.db)
        .await
        .expect("read")
        .expect("the demo's version");
    let mut definition: Value = serde_json::from_str(&published.definition).expect("json");
    let mut removed = 0;
    for section in definition["sections"].as_array_mut().expect("sections") {
        for item in section["items"].as_array_mut().expect("items") {
            if item
                .as_object_mut()
                .expect("item")
                .remove("privacy")
                .is_some()
            {
                removed += 1;
            }
        }
    }
    assert!(
        removed >= 2,
        "opmerkingen and dreiging_toelichting were marked"
    );
    let definition: app::domain::questionnaire::Definition =
        serde_json::from_value(definition).expect("definition");
    let draft = app::backend::questionnaires::create_draft(
        &app.db,
        &app::backend::audit::Actor::cli(),
        &definition,
        Some(published.id),
    )
    .await
    .expect("draft");
    let diff = app::domain::questionnaire::diff(
        &serde_json::from_str(&published.definition).expect("old"),
        &definition,
        &Default::default(),
    );
    assert!(diff.iter().any(|c| matches!(
        c.kind,
        app::domain::questionnaire::ChangeKind::PrivacyChanged { .. }
    ) && c.severity == app::domain::questionnaire::Severity::Breaking));

    let refused = app
        .call(
            &researcher,
            "publish_version",
            &[
                ("id", &draft.id.to_string()),
                ("changelog", "tekstcorrectie"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("body");
    assert!(
        body.contains("privacymarkering") && body.contains("opmerkingen"),
        "{body}"
    );

    let admin = app.logged_in("beheer@monitor.nl", Role::Admin, &[]).await;
    let approved = app
        .call(
            &admin,
            "publish_version",
            &[
                ("id", &draft.id.to_string()),
                ("changelog", "markeringen weg"),
            ],
        )
        .await;
    assert_eq!(approved.status(), 200);
    assert!(app
        .audit_actions()
        .await
        .contains(&"questionnaire.privacy_weakened".to_owned()));

    // The closed round's answers were given under the marked version: still withheld, in the
    // download and in the API.
    let closed = round::Entity::find()
        .filter(round::Column::VersionId.eq(published.id))
        .all(&app.db)
        .await
        .expect("rounds");
    assert!(!closed.is_empty());
    let account = user::Entity::find()
        .filter(user::Column::Email.eq("onderzoek@miv.nl"))
        .one(&app.db)
        .await
        .expect("read")
        .expect("researcher");
    assert!(!account.special_access);
    let mut account: user::ActiveModel = account.into();
    account.special_access = Set(false);
    account.update(&app.db).await.expect("no special access");
    for r in closed {
        let csv = app
            .text(
                &researcher,
                &format!("/export/ronde/{}/antwoorden.csv", r.id),
            )
            .await;
        let header = csv.lines().next().expect("header");
        assert!(header.starts_with("jaar,pseudoniem"), "{header}");
        assert!(
            !header.contains("opmerkingen") && !header.contains("dreiging_toelichting"),
            "{header}"
        );
        let book: Value = serde_json::from_str(
            &app.text(
                &researcher,
                &format!("/export/ronde/{}/codeboek.json", r.id),
            )
            .await,
        )
        .expect("codebook");
        let withheld = book["withheld"].as_array().expect("withheld");
        assert!(
            withheld.contains(&Value::from("opmerkingen")),
            "{withheld:?}"
        );
        assert!(withheld.contains(&Value::from("dreiging_toelichting")));
    }
}
both!(privacy_marks_cannot_be_loosened_by_publishing);
