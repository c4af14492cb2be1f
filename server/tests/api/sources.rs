//! Data sources: a student file in Dutch conventions (`;`, decimal comma, Windows-1252, CRLF,
//! Dutch column names and values) imported through a saved mapping into one snapshot per year,
//! idempotent; a bad file leaves nothing; figures computed from the snapshots with the register.

use std::collections::BTreeMap;

use app::backend::audit::Actor;
use app::backend::sources::{self, SourceError};
use app::domain::aggregate::mapping::Mapping;
use app::domain::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::both;
use crate::helpers::{spawn_app, spawn_app_with, Backend, TestApp};

fn job_mapping() -> Mapping {
    let columns = [
        ("year", "Jaar"),
        ("brin", "Instelling"),
        ("sector", "Sector"),
        ("level", "Niveau"),
        ("path", "Leerweg"),
        ("gender", "Geslacht"),
        ("age_band", "Leeftijd"),
        ("migration", "Migratie"),
        ("feels_safe", "Veilig"),
        ("bullied", "Gepest"),
        ("discriminated", "Gediscrimineerd"),
        ("sexual_harassment", "Seksueel"),
        ("weight", "Gewicht"),
    ];
    Mapping {
        columns: columns
            .iter()
            .map(|(v, c)| ((*v).to_owned(), (*c).to_owned()))
            .collect(),
        recode: BTreeMap::from([(
            "gender".to_owned(),
            BTreeMap::from([
                ("Vrouw".to_owned(), "vrouw".to_owned()),
                ("Man".to_owned(), "man".to_owned()),
            ]),
        )]),
    }
}

/// A JOB-style file: 30 + 12 students in 2025 (25PX, 27GH), 11 in 2024; Windows-1252 text.
fn job_file() -> Vec<u8> {
    let mut text = String::from(
        "Jaar;Instelling;Sector;Niveau;Leerweg;Geslacht;Leeftijd;Migratie;Veilig;Gepest;Gediscrimineerd;Seksueel;Gewicht;Opmerking\r\n",
    );
    let mut add = |year: i32, brin: &str, count: usize| {
        for i in 0..count {
            let gender = if i % 3 == 0 { "Man" } else { "Vrouw" };
            let safe = if i % 4 == 0 { 2 } else { 5 };
            text.push_str(&format!(
                "{year};{brin};zorg_welzijn;{};BOL;{gender};18-20;none;{safe};{};0;0;{},{}\r\n",
                1 + i % 4,
                i % 5 == 0,
                1 + i % 2,
                i % 10,
            ));
        }
    };
    add(2025, "25PX", 30);
    add(2025, "27gh", 12);
    add(2024, "25PX", 11);
    let text = text.replace(";true;", ";1;").replace(";false;", ";0;");
    // Every line but the header gets a remark with é and an em dash (Windows-1252 0xE9, 0x97).
    let mut bytes = Vec::new();
    for (i, line) in text.split_inclusive("\r\n").enumerate() {
        let line = line.trim_end_matches("\r\n");
        bytes.extend_from_slice(line.as_bytes());
        if i > 0 {
            bytes.extend_from_slice(b";caf\xe9 \x97 prima");
        }
        bytes.extend_from_slice(b"\r\n");
    }
    bytes
}

/// A student source "JOB" with [`job_file`] imported through [`job_mapping`].
async fn job_source(app: &TestApp) -> (i32, sources::Imported) {
    let actor = Actor::cli();
    let id = sources::create(&app.db, &actor, "students", "JOB", Some(&job_mapping()))
        .await
        .expect("source");
    let imported = sources::import(&app.db, &actor, id, "job.csv", &job_file(), None)
        .await
        .expect("import");
    (id, imported)
}

/// Gives source `id` a mapping, as the mapping form would have kept it.
async fn keep_mapping(app: &TestApp, id: i32, mapping: &Mapping) {
    app::backend::entities::data_source::Entity::update(
        app::backend::entities::data_source::ActiveModel {
            id: sea_orm::Set(id),
            mapping: sea_orm::Set(serde_json::to_string(mapping).expect("json")),
            ..Default::default()
        },
    )
    .exec(&app.db)
    .await
    .expect("mapping");
}

/// The `report` server function as `c` calls it: its status and rows.
async fn report(
    app: &TestApp,
    c: &reqwest::Client,
    source: &str,
    indicator: &str,
    breakdown: &str,
    cross: &str,
) -> (u16, Vec<serde_json::Value>) {
    let r = app
        .call(
            c,
            "report",
            &[
                ("source", source),
                ("indicator", indicator),
                ("breakdown", breakdown),
                ("cross", cross),
            ],
        )
        .await;
    (r.status().as_u16(), r.json().await.unwrap_or_default())
}

async fn a_student_file_becomes_snapshots_and_figures(app: TestApp) {
    app.load_demo_register().await;
    let actor = Actor::cli();
    let id = sources::create(
        &app.db,
        &actor,
        "students",
        "JOB-monitor",
        Some(&job_mapping()),
    )
    .await
    .expect("source");
    assert!(matches!(
        sources::create(&app.db, &actor, "students", " JOB-monitor ", None).await,
        Err(SourceError::NameTaken)
    ));
    assert!(matches!(
        sources::create(&app.db, &actor, "weather", "KNMI", None).await,
        Err(SourceError::UnknownKind(_))
    ));

    let file = job_file();
    let imported = sources::import(&app.db, &actor, id, "job_2024_2025.csv", &file, None)
        .await
        .expect("import");
    let years: Vec<(i32, i32, bool)> = imported
        .snapshots
        .iter()
        .map(|(s, new)| (s.year, s.rows, *new))
        .collect();
    assert_eq!(years, vec![(2024, 11, true), (2025, 42, true)]);
    let again = sources::import(&app.db, &actor, id, "job_2024_2025.csv", &file, None)
        .await
        .expect("again");
    assert!(
        again.snapshots.iter().all(|(_, new)| !new),
        "same file, same snapshots"
    );
    assert_eq!(
        sources::snapshots(&app.db, id).await.expect("list").len(),
        2
    );

    // A bad file: every problem by line and column, nothing stored.
    let bad = String::from_utf8_lossy(&file)
        .replacen(
            "2025;25PX;zorg_welzijn;1;BOL;Man",
            "2025;25PX;zorg_welzijn;1;BOL;Onbekend",
            1,
        )
        .replacen(";1,0;", ";zwaar;", 1);
    match sources::import(&app.db, &actor, id, "kapot.csv", bad.as_bytes(), None).await {
        Err(SourceError::Invalid(problems)) => {
            let at: Vec<(usize, Option<&str>)> = problems
                .iter()
                .map(|p| (p.line, p.column.as_deref()))
                .collect();
            assert!(at.contains(&(2, Some("Geslacht"))), "{at:?}");
            assert!(at.iter().any(|(_, c)| *c == Some("Gewicht")), "{at:?}");
        }
        other => panic!("refused, not {other:?}"),
    }
    assert_eq!(
        sources::snapshots(&app.db, id).await.expect("list").len(),
        2
    );

    let ids: Vec<i32> = imported.snapshots.iter().map(|(s, _)| s.id).collect();
    let figures = sources::figures(
        &app.db,
        &ids,
        Default::default(),
        &Default::default(),
        Default::default(),
    )
    .await
    .expect("figures");
    let find = |year: i64, b: &str, g: &str, i: &str| {
        figures
            .iter()
            .find(|f| f.year == year && f.breakdown == b && f.group == g && f.indicator == i)
            .unwrap_or_else(|| panic!("{year} {b} {g} {i}"))
    };
    let national = find(2025, "national", "all", "feels_safe");
    assert_eq!(national.n, Some(42));
    // 25PX: i % 4 == 0 unsafe for i in 0..30 → 8 of 30; 27GH: 3 of 12; weights 1 + i % 2 plus tenths.
    assert!(
        national.value.is_some_and(|v| v > 0.6 && v < 0.85),
        "{national:?}"
    );
    assert_eq!(
        find(2025, "brin", "27GH", "bullied").n,
        Some(12),
        "codes upper-cased"
    );
    let roc = find(2025, "type", "ROC", "feels_safe");
    assert!(
        roc.suppressed && roc.n.is_none() && roc.value.is_none(),
        "two ROCs have data, fewer than the five a group of institutions needs: {roc:?}"
    );
    // 2024: 11 students of one institution. Its groups below 10 (and their yes-answers) can
    // only be protected by hiding its totals too.
    let tiny = find(2024, "national", "all", "bullied");
    assert!(tiny.suppressed && tiny.n.is_none(), "{tiny:?}");
    assert!(
        find(2025, "gender", "vrouw", "feels_safe").n > Some(0),
        "recoded"
    );
    assert!(
        !figures
            .iter()
            .any(|f| f.indicator.starts_with("incidents_")),
        "no incident source, no incident rows"
    );

    // The report as a researcher sees it: the same figures, small cells not shown.
    let researcher = app
        .logged_in("onderzoek@miv.nl", Role::Researcher, &[])
        .await;
    let source = id.to_string();
    let (status, rows) = report(&app, &researcher, &source, "bullied", "brin", "").await;
    assert_eq!(status, 200);
    let cell = |year: i64, group: &str| {
        rows.iter()
            .find(|r| r["year"] == year && r["group"] == group)
            .unwrap_or_else(|| panic!("{year} {group}: {rows:?}"))
            .clone()
    };
    assert_eq!(cell(2025, "27GH")["n"], 12);
    assert!(cell(2025, "27GH")["share"].is_array());
    assert!(
        cell(2024, "25PX")["share"].is_null() && cell(2024, "25PX")["n"].is_null(),
        "n = 11, all of 2024: hidden with its small groups"
    );
    let page = researcher
        .get(app.url(&format!(
            "/analyse?bron={id}&indicator=bullied&indeling=gender"
        )))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("<svg") && html.contains("vrouw"),
        "chart and table"
    );
    assert!(html.contains("niet getoond"), "2024 has groups under 10");
    assert!(html.contains(&format!("/export/bron/{id}/cijfers.csv")));

    // The export: the same table as CSV, recorded in the audit log.
    let export = researcher
        .get(app.url(&format!("/export/bron/{id}/cijfers.csv")))
        .send()
        .await
        .expect("export");
    assert_eq!(export.status(), 200);
    let csv = export.text().await.expect("csv");
    assert!(csv.starts_with("year,breakdown,group,indicator,n,share,ci_low,ci_high,suppressed\n"));
    assert!(csv.contains("\n2025,brin,27GH,bullied,12,"), "{csv}");
    let logged = app::backend::entities::audit_log::Entity::find()
        .filter(app::backend::entities::audit_log::Column::Action.eq("export.figures"))
        .count(&app.db)
        .await
        .expect("audit");
    assert_eq!(logged, 1);

    // The same figures as a workbook with its codebook.
    let export = researcher
        .get(app.url(&format!("/export/bron/{id}/cijfers.xlsx")))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(export.status(), 200);
    let bytes = export.bytes().await.expect("bytes").to_vec();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("workbook");
    use calamine::Reader;
    assert_eq!(
        book.sheet_names(),
        ["Cijfers", "Codeboek", "Indicatoren", "Indelingen", "Bron"]
    );
    let sheet = book.worksheet_range("Cijfers").expect("Cijfers");
    assert_eq!(
        sheet.rows().count(),
        csv.lines().count(),
        "as many rows as the CSV"
    );
    let codebook = book.worksheet_range("Codeboek").expect("Codeboek");
    assert!(codebook
        .rows()
        .any(|r| r[0] == "ci_low" && r[3].to_string().contains("Wilson")));
    assert_eq!(
        app::backend::entities::audit_log::Entity::find()
            .filter(app::backend::entities::audit_log::Column::Action.eq("export.figures"))
            .count(&app.db)
            .await
            .expect("audit"),
        2,
        "every export is recorded"
    );
    assert_eq!(
        researcher
            .get(app.url(&format!("/export/bron/{id}/iets.exe")))
            .send()
            .await
            .expect("other")
            .status(),
        404
    );

    // A crossing of two row breakdowns, and one the report refuses.
    let (status, rows) = report(&app, &researcher, &source, "feels_safe", "gender", "level").await;
    assert_eq!(status, 200);
    assert!(rows.iter().any(|r| r["group"] == "vrouw × 2"), "{rows:?}");
    let (status, _) = report(&app, &researcher, &source, "feels_safe", "gender", "region").await;
    assert_eq!(status, 422);
}
both!(a_student_file_becomes_snapshots_and_figures);

/// A coordinator's submitted answer becomes a characteristic of the institution in its round's
/// year: students of institutions with an integral safety plan beside those without.
async fn a_report_groups_students_by_their_institutions_answer(app: TestApp) {
    use crate::helpers::{default_definition, open_round, publish};
    use crate::rounds::{complete, save};
    app.load_demo_register().await;
    let (id, imported) = job_source(&app).await;
    let version = publish(&app, &default_definition(), None).await;
    let round = open_round(&app, version, 2025, &["25PX", "27GH"]).await;
    for (code, plan) in [("25PX", "ja"), ("27GH", "nee")] {
        let c = app
            .logged_in(&format!("{code}@roc.nl"), Role::Coordinator, &[code])
            .await;
        let response = app.response_of(round, code).await;
        complete(&app, &c, response, 1).await;
        let revision = app::backend::responses::answers(&app.db, response)
            .await
            .expect("answers")
            .iter()
            .find(|a| a.item_key == "integraal_plan")
            .map_or(0, |a| a.revision);
        let (status, body) = save(&app, &c, response, &[("integraal_plan", plan, revision)]).await;
        assert_eq!(status, 200, "{body}");
        let submitted = app
            .call(&c, "submit_response", &[("id", &response.to_string())])
            .await;
        assert_eq!(submitted.status(), 200);
    }

    let ids: Vec<i32> = imported.snapshots.iter().map(|(s, _)| s.id).collect();
    let request = sources::FigureRequest {
        questions: vec!["integraal_plan".into()],
        ..Default::default()
    };
    let of = |figures: &[app::domain::aggregate::Figure], year: i64, group: &str| {
        figures
            .iter()
            .find(|f| {
                f.year == year
                    && f.breakdown == "q:integraal_plan"
                    && f.group == group
                    && f.indicator == "feels_safe"
            })
            .map(|f| (f.n, f.value.is_some()))
    };
    // With groups of any size: one institution per answer.
    let any_size = app::domain::aggregate::Thresholds {
        min_institutions: 1,
        ..Default::default()
    };
    let figures = sources::figures(&app.db, &ids, any_size, &request, Default::default())
        .await
        .expect("figures");
    assert_eq!(
        of(&figures, 2025, "Ja"),
        Some((Some(30), true)),
        "25PX has a plan"
    );
    assert_eq!(
        of(&figures, 2025, "Nee"),
        Some((Some(12), true)),
        "27GH has none"
    );
    assert_eq!(
        of(&figures, 2024, ""),
        Some((None, false)),
        "no round in 2024: the group of every institution equals the total that the standard \
         figures hide to protect 2024's small groups"
    );
    // As configured (five institutions at least): a group of one institution would tell its
    // answer beside its own figures, so it is not shown.
    let figures = sources::figures(
        &app.db,
        &ids,
        Default::default(),
        &request,
        Default::default(),
    )
    .await
    .expect("figures");
    assert_eq!(of(&figures, 2025, "Ja"), Some((None, false)));
    assert_eq!(of(&figures, 2025, "Nee"), Some((None, false)));

    // In the report: the question is offered as a breakdown, and chosen gives the same cells.
    let researcher = app
        .logged_in("onderzoek@miv.nl", Role::Researcher, &[])
        .await;
    let offered: Vec<(String, String)> = app
        .call(&researcher, "report_questions", &[])
        .await
        .json()
        .await
        .expect("questions");
    assert!(
        offered.iter().any(|(k, _)| k == "q:integraal_plan"),
        "{offered:?}"
    );
    assert!(
        !offered.iter().any(|(k, _)| k == "q:gekozen_modules"),
        "a multiple choice does not group institutions"
    );
    let (status, rows) = report(
        &app,
        &researcher,
        &id.to_string(),
        "feels_safe",
        "q:integraal_plan",
        "",
    )
    .await;
    assert_eq!(status, 200);
    let nee = rows
        .iter()
        .find(|r| r["year"] == 2025 && r["group"] == "Nee")
        .expect("the group is listed");
    assert!(
        nee["n"].is_null() && nee["share"].is_null(),
        "one institution: not shown in the report either: {nee}"
    );
    let page = app
        .text(
            &researcher,
            &format!("/analyse?bron={id}&indicator=feels_safe&indeling=q:integraal_plan"),
        )
        .await;
    assert!(
        page.contains("onbekend / geen antwoord"),
        "2024 without a round"
    );
    assert!(
        page.contains("Verloop over de jaren"),
        "a trend over two years"
    );

    // The same answers as a data file with its codebook and SPSS syntax; every download audited.
    let download = |file: &'static str| {
        let (app, researcher) = (&app, researcher.clone());
        async move {
            let r = researcher
                .get(app.url(&format!("/export/ronde/{round}/{file}")))
                .send()
                .await
                .expect("download");
            assert_eq!(r.status(), 200, "{file}");
            r.text().await.expect("text")
        }
    };
    let csv = download("antwoorden.csv").await;
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(&header[..3], ["jaar", "pseudoniem", "soort"]);
    let names = app::backend::raw_answers::pseudonyms(&app.db, &["25PX".into(), "27GH".into()])
        .await
        .expect("pseudonyms");
    let plan = header
        .iter()
        .position(|h| *h == "integraal_plan")
        .expect("a column per question");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2, "one row per submitted response");
    let by_code = |code: &str| {
        let name = names.get(code).expect("pseudonym");
        rows.iter().find(|r| r[1] == name).expect("row").clone()
    };
    assert_eq!(by_code("25PX")[plan], "ja");
    assert_eq!(by_code("27GH")[plan], "nee");
    assert!(
        header.iter().any(|h| h.starts_with("gekozen_modules_")),
        "a multiple choice has one column per option"
    );
    let book: serde_json::Value =
        serde_json::from_str(&download("codeboek.json").await).expect("codebook");
    let column = book["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .find(|c| c["name"] == "integraal_plan")
        .expect("integraal_plan")
        .clone();
    assert_eq!(column["type"], "code");
    assert_eq!(column["values"][1]["code"], "nee");
    let sps = download("antwoorden.sps").await;
    assert!(sps.contains("GET DATA") && sps.contains(&format!("ronde-{round}-antwoorden.csv")));
    assert!(sps.contains("VARIABLE LABELS") && sps.contains("VALUE LABELS"));
    assert!(sps.contains("'nee' 'Nee'"), "value labels of a string code");
    let audited = app::backend::entities::audit_log::Entity::find()
        .filter(app::backend::entities::audit_log::Column::Action.eq("export.answers"))
        .count(&app.db)
        .await
        .expect("audit");
    assert_eq!(audited, 3);
    let coordinator = app
        .logged_in("tweede-25px@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    assert_eq!(
        coordinator
            .get(app.url(&format!("/export/ronde/{round}/antwoorden.csv")))
            .send()
            .await
            .expect("refused")
            .status(),
        403
    );
}
both!(a_report_groups_students_by_their_institutions_answer);

/// The upload through the browser's forms: a new source, a file with Dutch column names, the
/// mapping form (first with a wrong column and a broken recoding line: refused, nothing stored),
/// then the right mapping; the import's progress page until it is done; the mapping kept.
async fn a_file_is_imported_through_the_mapping_form(app: TestApp) {
    app.load_demo_register().await;
    let researcher = app
        .logged_in("onderzoek@miv.nl", Role::Researcher, &[])
        .await;
    let created = app
        .call(
            &researcher,
            "create_source",
            &[("name", "JOB 2025"), ("kind", "students")],
        )
        .await;
    assert_eq!(created.status(), 200);
    let id: i32 = created.json().await.expect("id");
    let again = app
        .call(
            &researcher,
            "create_source",
            &[("name", "JOB 2025"), ("kind", "students")],
        )
        .await;
    assert_eq!(again.status(), 409, "the name is taken");
    let nameless = app
        .call(
            &researcher,
            "create_source",
            &[("name", " "), ("kind", "students")],
        )
        .await;
    assert_eq!(nameless.status(), 422);

    let uploaded = app
        .upload_to(
            &researcher,
            &format!("/import/bron/{id}"),
            "job.csv",
            job_file(),
        )
        .await;
    assert_eq!(uploaded.status(), 303);
    let location = uploaded.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let token = location
        .strip_prefix("/analyse/bronnen/upload/")
        .expect("to the mapping form")
        .to_owned();
    let page = app.text(&researcher, &location).await;
    assert!(
        page.contains("name=\"kolom_gender\"") && page.contains("<option value=\"Geslacht\""),
        "the form offers the file's columns"
    );
    let status = |c: reqwest::Client| {
        let (app, token) = (&app, token.clone());
        async move {
            let r = app.call(&c, "upload_status", &[("token", &token)]).await;
            (
                r.status().as_u16(),
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    let (code, view) = status(researcher.clone()).await;
    assert_eq!(code, 200);
    assert_eq!(view["rows"], 53);
    let other = app.logged_in("ander@miv.nl", Role::Researcher, &[]).await;
    assert_eq!(
        status(other).await.0,
        404,
        "only the uploader sees an upload"
    );

    let post_mapping = |fields: Vec<(String, String)>| {
        let (app, researcher, token) = (&app, researcher.clone(), token.clone());
        async move { app.import_outcome(&researcher, &token, &fields).await }
    };
    let mut fields: Vec<(String, String)> = job_mapping()
        .columns
        .iter()
        .map(|(v, c)| (format!("kolom_{v}"), c.clone()))
        .collect();
    let mut wrong = fields.clone();
    for f in &mut wrong {
        if f.0 == "kolom_level" {
            f.1 = "Sector".into();
        }
    }
    wrong.push(("hercodering_gender".into(), "Vrouw vrouw".into()));
    let refused = post_mapping(wrong).await;
    let problems = refused["outcome"]["Refused"]
        .as_array()
        .expect("refused")
        .clone();
    assert!(
        problems
            .iter()
            .any(|p| p["column"].is_null() && p.to_string().contains("Hercodering van gender")),
        "{problems:?}"
    );
    assert!(sources::snapshots(&app.db, id)
        .await
        .expect("list")
        .is_empty());

    let mut wrong_column = fields.clone();
    for f in &mut wrong_column {
        if f.0 == "kolom_level" {
            f.1 = "Sector".into();
        }
    }
    let refused = post_mapping(wrong_column).await;
    let problems = refused["outcome"]["Refused"]
        .as_array()
        .expect("refused")
        .clone();
    assert!(
        problems
            .iter()
            .any(|p| p["line"] == 2 && p["column"] == "Sector"),
        "{problems:?}"
    );
    assert!(
        sources::snapshots(&app.db, id)
            .await
            .expect("list")
            .is_empty(),
        "nothing stored"
    );

    fields.push((
        "hercodering_gender".into(),
        "Vrouw = vrouw\nMan = man\n".into(),
    ));
    let stored = post_mapping(fields).await;
    assert_eq!(
        stored["outcome"]["Stored"],
        serde_json::json!([[2024, 11, true], [2025, 42, true]]),
        "{stored}"
    );
    let page = app.text(&researcher, &location).await;
    assert!(page.contains("Het bestand is geïmporteerd"));
    let source = sources::find(&app.db, id).await.expect("source");
    let kept: app::domain::aggregate::mapping::Mapping =
        serde_json::from_str(&source.mapping).expect("mapping");
    assert_eq!(
        kept.columns.get("level").map(String::as_str),
        Some("Niveau")
    );
    assert_eq!(kept.recode["gender"]["Vrouw"], "vrouw");

    // Next year's file is proposed the saved mapping at once.
    let next = app
        .upload_to(
            &researcher,
            &format!("/import/bron/{id}"),
            "job-2026.csv",
            job_file(),
        )
        .await;
    let token = next.headers()["location"]
        .to_str()
        .expect("location")
        .rsplit('/')
        .next()
        .expect("token")
        .to_owned();
    let view: serde_json::Value = app
        .call(&researcher, "upload_status", &[("token", &token)])
        .await
        .json()
        .await
        .expect("view");
    let level = view["variables"]
        .as_array()
        .expect("variables")
        .iter()
        .find(|v| v["name"] == "level")
        .expect("level")
        .clone();
    assert_eq!(level["column"], "Niveau");

    // A file that cannot be read at all goes to the import result with its problem.
    let unreadable = app
        .upload_to(
            &researcher,
            &format!("/import/bron/{id}"),
            "leeg.csv",
            Vec::new(),
        )
        .await;
    assert_eq!(unreadable.status(), 303);
    assert!(unreadable.headers()["location"]
        .to_str()
        .expect("location")
        .starts_with("/import/"));
    let anonymous = crate::helpers::client()
        .post(app.url(&format!("/import/bron/upload/{token}")))
        .form(&[("kolom_year", "Jaar")])
        .send()
        .await
        .expect("anonymous");
    assert_eq!(anonymous.status(), 401);
}
both!(a_file_is_imported_through_the_mapping_form);

/// Staff survey micro-data and an incident registration with its own category names, each
/// imported and reported: staff feeling safe by job group; incidents per 1,000 students (the
/// register's counts), small counts hidden with their complements.
async fn staff_surveys_and_incident_registrations_are_reported(app: TestApp) {
    app.load_demo_register().await;
    let actor = Actor::cli();
    let staff = sources::create(&app.db, &actor, "staff", "Personeel", None)
        .await
        .expect("staff source");
    let mut text =
        String::from("year;brin;job_group;gender;age_band;feels_safe;unwanted_behaviour\n");
    for i in 0..40 {
        let group = if i % 2 == 0 {
            "onderwijzend"
        } else {
            "management"
        };
        let safe = if i % 4 == 0 { 2 } else { 5 };
        text += &format!("2025;25PX;{group};vrouw;30-44;{safe};{}\n", i % 5 == 0);
    }
    let text = text.replace(";true\n", ";1\n").replace(";false\n", ";0\n");
    let imported = sources::import(
        &app.db,
        &actor,
        staff,
        "personeel.csv",
        text.as_bytes(),
        None,
    )
    .await
    .expect("staff import");
    let ids: Vec<i32> = imported.snapshots.iter().map(|(s, _)| s.id).collect();
    let figures = sources::figures(
        &app.db,
        &ids,
        Default::default(),
        &Default::default(),
        Default::default(),
    )
    .await
    .expect("staff figures");
    let safe = figures
        .iter()
        .find(|f| {
            f.breakdown == "job_group"
                && f.group == "onderwijzend"
                && f.indicator == "staff_feels_safe"
        })
        .expect("by job group");
    assert_eq!(safe.n, Some(20));
    assert_eq!(safe.value, Some(0.5), "i % 4 == 0 among the even i: half");

    let registration = sources::create(&app.db, &actor, "incidents", "Meldingen", None)
        .await
        .expect("incident source");
    let mapping = Mapping {
        columns: [
            ("year", "Jaar"),
            ("brin", "Instelling"),
            ("category", "Soort"),
            ("count", "Aantal"),
        ]
        .iter()
        .map(|(v, c)| ((*v).to_owned(), (*c).to_owned()))
        .collect(),
        recode: BTreeMap::from([(
            "category".to_owned(),
            BTreeMap::from([
                ("Fysiek geweld".to_owned(), "aggression".to_owned()),
                ("Diefstal".to_owned(), "theft".to_owned()),
            ]),
        )]),
    };
    let mut file = String::from("Jaar;Instelling;Soort;Aantal\n");
    let codes = [
        "25PX", "27GH", "30RR", "21KL", "12AB", "14CD", "04EF", "05GH", "08IJ", "09KL",
    ];
    for (i, code) in codes.iter().enumerate() {
        let (violence, theft) = (100 + 10 * i, if i == 0 { 3 } else { 50 + 5 * i });
        file += &format!("2025;{code};Fysiek geweld;{violence}\n2025;{code};Diefstal;{theft}\n");
    }
    let unmapped = sources::import(
        &app.db,
        &actor,
        registration,
        "meldingen.csv",
        file.as_bytes(),
        None,
    )
    .await;
    assert!(
        matches!(unmapped, Err(SourceError::Invalid(_))),
        "without a mapping the Dutch columns are not found"
    );
    keep_mapping(&app, registration, &mapping).await;
    sources::import(
        &app.db,
        &actor,
        registration,
        "meldingen.csv",
        file.as_bytes(),
        None,
    )
    .await
    .expect("incident import");

    let researcher = app
        .logged_in("onderzoek@miv.nl", Role::Researcher, &[])
        .await;
    let rows: Vec<serde_json::Value> = report(
        &app,
        &researcher,
        &registration.to_string(),
        "incidents:aggression",
        "brin",
        "",
    )
    .await
    .1;
    let at = |code: &str| {
        rows.iter()
            .find(|r| r["group"] == code)
            .cloned()
            .expect("row")
    };
    assert_eq!(at("30RR")["n"], 120);
    let rate = at("30RR")["rate"].as_f64().expect("rate");
    assert!((rate - 120_000.0 / 12_267.0).abs() < 1e-9, "{rate}");
    assert!(
        at("25PX")["rate"].is_number(),
        "each category is a table of its own: 25PX's violence is shown"
    );
    let theft: Vec<serde_json::Value> = report(
        &app,
        &researcher,
        &registration.to_string(),
        "incidents:theft",
        "brin",
        "",
    )
    .await
    .1;
    let small = theft.iter().find(|r| r["group"] == "25PX").expect("25PX");
    assert!(
        small["rate"].is_null(),
        "3 incidents are not shown: {small}"
    );
    let others = theft
        .iter()
        .filter(|r| r["group"] != "25PX" && r["rate"].is_null())
        .count();
    assert!(
        others >= 1,
        "nor another, from which the national total would give 25PX's"
    );
    let (status, _) = report(
        &app,
        &researcher,
        &registration.to_string(),
        "incidents:theft",
        "brin",
        "gender",
    )
    .await;
    assert_eq!(status, 422, "incidents are not crossed");
    let page = app
        .text(
            &researcher,
            &format!("/analyse?bron={registration}&indeling=brin"),
        )
        .await;
    assert!(page.contains("Per 1.000 studenten"), "rates, not shares");
    assert!(page.contains("Incidenten: agressie en geweld"));

    // A yearly register (DUO counts, `<5` recoded) gives 2025 its own students and size band.
    let duo = sources::create(&app.db, &actor, "register", "DUO per jaar", None)
        .await
        .expect("register source");
    let refused = sources::import(
        &app.db,
        &actor,
        duo,
        "duo.csv",
        b"year;brin;bol_vt;bol_dt;bbl\n2025;25PX;900;<5;96\n",
        None,
    )
    .await;
    assert!(
        matches!(&refused, Err(SourceError::Invalid(p)) if p[0].column.as_deref() == Some("bol_dt")),
        "DUO's masked counts need a recoding: {refused:?}"
    );
    let recode = Mapping {
        columns: ["year", "brin", "bol_vt", "bol_dt", "bbl"]
            .iter()
            .map(|v| ((*v).to_owned(), (*v).to_owned()))
            .collect(),
        recode: BTreeMap::from([(
            "bol_dt".to_owned(),
            BTreeMap::from([("<5".to_owned(), "4".to_owned())]),
        )]),
    };
    keep_mapping(&app, duo, &recode).await;
    sources::import(
        &app.db,
        &actor,
        duo,
        "duo.csv",
        b"year;brin;bol_vt;bol_dt;bbl\n2025;25PX;900;<5;96\n",
        None,
    )
    .await
    .expect("register import");
    let rows = report(
        &app,
        &researcher,
        &registration.to_string(),
        "incidents:aggression",
        "brin",
        "",
    )
    .await
    .1;
    let px = rows.iter().find(|r| r["group"] == "25PX").expect("25PX");
    assert_eq!(
        px["rate"], 100.0,
        "100 incidents over 1,000 students in 2025"
    );
    let (_, bands) = report(
        &app,
        &researcher,
        &registration.to_string(),
        "incidents:aggression",
        "size_band",
        "",
    )
    .await;
    assert!(
        bands
            .iter()
            .any(|r| r["group"] == "Klein (< 2.500)" && r["n"].is_null() && r["rate"].is_null()),
        "25PX is small in 2025, beside 05GH and 09KL: three institutions, fewer than five: {bands:?}"
    );
    let (_, students) = report(
        &app,
        &researcher,
        &duo.to_string(),
        "register:students",
        "brin",
        "",
    )
    .await;
    assert_eq!(students[0]["n"], 1000);
}
both!(staff_surveys_and_incident_registrations_are_reported);

/// A coordinator's fact sheet: the institution's own figures beside its type's and the
/// national ones, suppressed as every report; another institution's sheet is refused.
async fn coordinators_see_their_institutions_fact_sheet(app: TestApp) {
    app.load_demo_register().await;
    job_source(&app).await;
    let c = app
        .logged_in("coord@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let sheet = app.call(&c, "fact_sheet", &[("code", "25px")]).await;
    assert_eq!(sheet.status(), 200);
    let sheet: serde_json::Value = sheet.json().await.expect("sheet");
    assert_eq!(sheet["kind"], "ROC");
    let source = &sheet["sources"][0];
    assert_eq!(source["year"], 2025);
    let bullied = source["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["indicator"] == "bullied")
        .expect("bullied")
        .clone();
    assert_eq!(bullied["own"][2], 30, "n of 25PX in 2025");
    assert_eq!(bullied["national"][2], 42);
    assert!(
        bullied["same_type"].is_null(),
        "two ROCs have data, fewer than five: 27GH's figures would follow from own and type"
    );
    assert!(
        bullied["own_before"].is_null(),
        "2024 had 11 students of 25PX, hidden with its small groups"
    );
    assert_eq!(
        app.call(&c, "fact_sheet", &[("code", "27GH")])
            .await
            .status(),
        403
    );
    let page = app.text(&c, "/instellingen/25PX/feitenblad").await;
    assert!(page.contains("Feitenblad") && page.contains("Zelfde soort (ROC)"));
    let home = app.text(&c, "/").await;
    assert!(
        home.contains("/instellingen/25PX/feitenblad"),
        "linked from home"
    );
}
both!(coordinators_see_their_institutions_fact_sheet);

/// The threshold is configuration: with `min_n_shares = 50` the report hides what the default
/// shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_smallest_n_shown_is_configured() {
    let app = crate::helpers::spawn_app_with(crate::helpers::Backend::Sqlite, |c| {
        c.min_n_shares = 50;
    })
    .await;
    app.load_demo_register().await;
    let (id, _) = job_source(&app).await;
    let researcher = app
        .logged_in("onderzoek@miv.nl", Role::Researcher, &[])
        .await;
    let rows: Vec<serde_json::Value> = report(
        &app,
        &researcher,
        &id.to_string(),
        "bullied",
        "national",
        "",
    )
    .await
    .1;
    let national = rows.iter().find(|r| r["year"] == 2025).expect("2025");
    assert!(
        national["share"].is_null() && national["n"].is_null(),
        "42 < 50: not shown, nor its n"
    );
}

/// The README's run command seeds a demo: three sources with two years each, and figures in the
/// report for each of them.
async fn the_demo_has_students_staff_and_incidents(app: TestApp) {
    let logins = std::env::temp_dir().join(format!("miv-demo-{}.txt", uuid::Uuid::new_v4()));
    server::seed::first_start(&app.db, &app.address, true, &logins)
        .await
        .expect("demo");
    let _ = std::fs::remove_file(&logins);
    let researcher = app
        .logged_in("onderzoek@miv.nl", Role::Researcher, &[])
        .await;
    let list: Vec<serde_json::Value> = app
        .call(&researcher, "list_sources", &[])
        .await
        .json()
        .await
        .expect("sources");
    let kinds: Vec<&str> = list.iter().filter_map(|s| s["kind"].as_str()).collect();
    assert_eq!(kinds.len(), 3, "{list:?}");
    for (kind, indicator) in [
        ("students", "feels_safe"),
        ("staff", "staff_feels_safe"),
        ("incidents", "incidents:aggression"),
    ] {
        let source = list.iter().find(|s| s["kind"] == kind).expect(kind);
        assert_eq!(
            source["snapshots"].as_array().map(Vec::len),
            Some(2),
            "{kind}"
        );
        let rows: Vec<serde_json::Value> = report(
            &app,
            &researcher,
            &source["id"].to_string(),
            indicator,
            "type",
            "",
        )
        .await
        .1;
        assert!(
            rows.iter()
                .any(|r| r["share"].is_array() || r["rate"].is_number()),
            "{kind}: {rows:?}"
        );
    }
}
both!(the_demo_has_students_staff_and_incidents);

/// An upload waits in the database: a second server process on the same database shows it and
/// imports it, and a user's fourth upload takes the place of their oldest, never another's.
async fn pending_uploads_are_kept_in_the_database_with_a_quota_per_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let second = spawn_app_with(backend, |c| c.database_url = app.database_url.clone()).await;
    let researcher = app
        .logged_in("onderzoek@miv.nl", Role::Researcher, &[])
        .await;
    let other = app.logged_in("ander@miv.nl", Role::Researcher, &[]).await;
    let actor = Actor::cli();
    let id = sources::create(&app.db, &actor, "students", "JOB", None)
        .await
        .expect("source");
    let upload = |client: reqwest::Client| {
        let app = &app;
        async move {
            let r = app
                .upload_to(
                    &client,
                    &format!("/import/bron/{id}"),
                    "job.csv",
                    job_file(),
                )
                .await;
            assert_eq!(r.status(), 303);
            r.headers()["location"]
                .to_str()
                .expect("location")
                .trim_start_matches("/analyse/bronnen/upload/")
                .to_owned()
        }
    };
    let theirs = upload(other.clone()).await;
    let first = upload(researcher.clone()).await;
    // Cookies belong to a host, not a port: each client's session reaches the second process,
    // which finds it in the shared database.
    let on_second = |client: &reqwest::Client, token: &str| {
        let (second, client, token) = (&second, client.clone(), token.to_owned());
        async move {
            second
                .call(&client, "upload_status", &[("token", &token)])
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        on_second(&researcher, &first).await,
        200,
        "the other process sees it"
    );
    let fields: Vec<(String, String)> = job_mapping()
        .columns
        .iter()
        .map(|(v, c)| (format!("kolom_{v}"), c.clone()))
        .collect();
    let imported = second.import_outcome(&researcher, &first, &fields).await;
    assert!(imported["outcome"]["Stored"].is_array(), "{imported}");
    // The outcome is kept with the upload: the first process tells it too.
    let view: serde_json::Value = app
        .call(&researcher, "upload_status", &[("token", &first)])
        .await
        .json()
        .await
        .expect("view");
    assert!(view["outcome"]["Stored"].is_array(), "{view}");

    for _ in 0..3 {
        upload(researcher.clone()).await;
    }
    assert_eq!(
        on_second(&researcher, &first).await,
        404,
        "the fourth upload took the place of the oldest"
    );
    assert_eq!(
        on_second(&other, &theirs).await,
        200,
        "another user's upload stays"
    );
    let kept = app::backend::entities::pending_upload::Entity::find()
        .all(&app.db)
        .await
        .expect("uploads");
    assert_eq!(kept.len(), 4);
    assert!(kept
        .iter()
        .all(|u| u.token_hash.len() == 64 && u.token_hash != first));
}
both!(
    pending_uploads_are_kept_in_the_database_with_a_quota_per_user,
    backend
);
