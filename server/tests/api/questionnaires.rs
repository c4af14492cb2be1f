use app::backend::audit::Actor;
use app::backend::entities::questionnaire_version;
use app::backend::questionnaires::{self, QuestionnaireError};
use app::domain::questionnaire::{Definition, VersionStatus};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

use crate::both;
use crate::helpers::{client, default_definition, TestApp};

async fn a_published_version_can_be_retired_and_stays_unchanged(app: TestApp) {
    let actor = Actor::cli();
    let draft = questionnaires::create_draft(&app.db, &actor, &default_definition(), None)
        .await
        .expect("draft");
    let early = questionnaires::retire(&app.db, &actor, draft.id).await;
    assert!(
        matches!(early, Err(QuestionnaireError::NotPublished(_))),
        "a draft is not retired: {early:?}"
    );
    questionnaires::publish(
        &app.db,
        &actor,
        draft.id,
        "v1",
        questionnaires::Publisher::Admin,
    )
    .await
    .expect("publish");
    questionnaires::retire(&app.db, &actor, draft.id)
        .await
        .expect("retire");
    let stored = questionnaires::find(&app.db, draft.id)
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(stored.status, VersionStatus::Retired);
    assert_eq!(stored.definition, default_definition());
    let back_to_draft = app
        .db
        .execute_unprepared(&format!(
            "UPDATE questionnaire_versions SET status = 'draft' WHERE id = {}",
            draft.id
        ))
        .await;
    assert!(
        back_to_draft.is_err(),
        "a retired version never becomes a draft again"
    );
}
both!(a_published_version_can_be_retired_and_stays_unchanged);

async fn a_published_version_never_changes(app: TestApp) {
    let actor = Actor::cli();
    let draft = questionnaires::create_draft(&app.db, &actor, &default_definition(), None)
        .await
        .expect("draft");
    assert_eq!((draft.number, draft.status), (1, VersionStatus::Draft));
    let mut edited = default_definition();
    edited.title.nl = "Aangepaste titel".into();
    questionnaires::save_draft(&app.db, &actor, draft.id, &edited)
        .await
        .expect("a draft can change");

    let published = questionnaires::publish(
        &app.db,
        &actor,
        draft.id,
        "Eerste versie",
        questionnaires::Publisher::Admin,
    )
    .await
    .expect("publish");
    assert_eq!(published.status, VersionStatus::Published);
    assert_eq!(published.definition.title.nl, "Aangepaste titel");

    let again = questionnaires::save_draft(&app.db, &actor, draft.id, &default_definition()).await;
    assert!(
        matches!(again, Err(QuestionnaireError::NotDraft(id)) if id == draft.id),
        "{again:?}"
    );
    let republish = questionnaires::publish(
        &app.db,
        &actor,
        draft.id,
        "nog eens",
        questionnaires::Publisher::Admin,
    )
    .await;
    assert!(matches!(republish, Err(QuestionnaireError::NotDraft(_))));

    let raw_update = app
        .db
        .execute_unprepared(&format!(
            "UPDATE questionnaire_versions SET definition = '{{}}' WHERE id = {}",
            draft.id
        ))
        .await;
    assert!(raw_update.is_err(), "the database refuses too");
    let raw_delete = app
        .db
        .execute_unprepared(&format!(
            "DELETE FROM questionnaire_versions WHERE id = {}",
            draft.id
        ))
        .await;
    assert!(raw_delete.is_err());
    let stored = questionnaires::find(&app.db, draft.id)
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(stored.definition.title.nl, "Aangepaste titel");

    let second =
        questionnaires::create_draft(&app.db, &actor, &default_definition(), Some(draft.id))
            .await
            .expect("next draft");
    assert_eq!(second.number, 2);
}
both!(a_published_version_never_changes);

async fn an_invalid_definition_is_refused_whole_with_every_problem(app: TestApp) {
    let mut definition = default_definition();
    definition.sections[0].items[1].key = definition.sections[0].items[0].key.clone();
    definition.sections[3].items[2].relevant = Some("${bestaat_niet} = 'ja'".into());
    let result = questionnaires::create_draft(&app.db, &Actor::cli(), &definition, None).await;
    let Err(QuestionnaireError::Invalid(problems)) = result else {
        panic!("refused: {result:?}")
    };
    let places: Vec<&str> = problems.iter().map(|p| p.location.as_str()).collect();
    // The renamed second item now refers to itself in its own condition: reported as well.
    assert_eq!(
        places,
        vec![
            "beleid/integraal_plan",
            "beleid/integraal_plan.relevant",
            "registratie/incidenten.relevant"
        ]
    );
    let stored = questionnaire_version::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(stored, 0, "nothing stored");
}
both!(an_invalid_definition_is_refused_whole_with_every_problem);

async fn the_json_schema_is_served(app: TestApp) {
    let response = client()
        .get(app.url("/schema/questionnaire.json"))
        .send()
        .await
        .expect("get");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/schema+json"
    );
    let schema: serde_json::Value = response.json().await.expect("json");
    assert_eq!(schema["$id"], "/schema/questionnaire.json");
    assert_eq!(
        schema,
        app::domain::questionnaire::schema(),
        "generated from the model"
    );
}
both!(the_json_schema_is_served);

/// Every definition the tests and the demo make (the default questionnaire, one with a
/// concordance, one imported from an XLSForm as people write it, one with every kind and field of
/// logic) passes the served schema; one with an unknown item type does not.
#[test]
fn the_schema_accepts_every_definition_the_platform_makes() {
    use app::domain::questionnaire::edit;
    let default = default_definition();
    let mut renamed = default.clone();
    let first = renamed
        .items()
        .next()
        .map(|(_, i)| i.key.clone())
        .expect("an item");
    edit::rename_item(&mut renamed, &first, "hernoemd").expect("rename");
    assert!(!renamed.concordance.is_empty());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in [
        ["type", "name", "label::English (en)"],
        ["integer", "n", "How many?"],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).expect("cell");
        }
    }
    sheet.set_name("survey").expect("name");
    let bytes = book.save_to_buffer().expect("xlsx");
    let (imported, _) =
        app::backend::questionnaire_import::parse("form.xlsx", &bytes).expect("imports");
    let dir = std::env::temp_dir().join(format!("miv-schema-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let write = |name: &str, value: &serde_json::Value| {
        let path = dir.join(name);
        std::fs::write(&path, value.to_string()).expect("write");
        path
    };
    // Every kind and field of logic: calculations, conditional options, appearances, defaults,
    // read-only, required messages, times (the journeys' fixture, with more).
    let mut logic: Definition = serde_json::from_str(include_str!(
        "../../../end2end/fixtures/vragenlijst-logica.json"
    ))
    .expect("logic fixture");
    if let Some(section) = logic.sections.first_mut() {
        let mut extra: Vec<app::domain::questionnaire::Item> = serde_json::from_value(serde_json::json!([
            {"key": "om", "type": "time", "label": {"nl": "Om"}, "read_only": true, "default": "09:00"},
            {"key": "moment", "type": "date_time", "label": {"nl": "Moment"}, "required": true,
             "required_message": {"nl": "Vul het moment in", "en": "Fill in the moment"}}
        ]))
        .expect("items");
        section.items.append(&mut extra);
    }
    assert!(app::domain::questionnaire::validate(&logic).is_empty());
    let schema = write("schema.json", &app::domain::questionnaire::schema());
    let mut unknown = serde_json::to_value(&default).expect("json");
    unknown["sections"][0]["items"][0]["type"] = "geopoint".into();
    let mut files = Vec::new();
    for (name, definition) in [
        ("default", &default),
        ("renamed", &renamed),
        ("xlsform", &imported),
        ("logic", &logic),
    ] {
        files.push(write(
            &format!("{name}.json"),
            &serde_json::to_value(definition).expect("json"),
        ));
    }
    let python = std::env::var("MIV_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let check = |files: &[std::path::PathBuf]| {
        std::process::Command::new(&python)
            .arg("-c")
            .arg(
                "import json, sys, jsonschema\n\
                 schema = json.load(open(sys.argv[1]))\n\
                 jsonschema.Draft202012Validator.check_schema(schema)\n\
                 for f in sys.argv[2:]:\n    jsonschema.validate(json.load(open(f)), schema)",
            )
            .arg(&schema)
            .args(files)
            .output()
            .expect("python runs")
    };
    let accepted = check(&files);
    assert!(
        accepted.status.success(),
        "{}",
        String::from_utf8_lossy(&accepted.stderr)
    );
    let refused = check(&[write("unknown.json", &unknown)]);
    assert!(
        !refused.status.success(),
        "an unknown item type passes the schema"
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("ValidationError"));
}

#[test]
fn the_command_line_imports_publishes_diffs_and_exports() {
    let dir = std::env::temp_dir().join(format!("miv-q-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = format!("sqlite://{}/miv.sqlite", dir.display());
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(args)
            .env("DATABASE_URL", &db)
            .output()
            .expect("run server");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).trim().to_owned(),
            String::from_utf8_lossy(&output.stderr).to_string(),
        )
    };
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/questionnaires/veiligheidscoordinatoren.json"
    );
    let (ok, first, err) = run(&["questionnaire", "import", file]);
    assert!(ok, "{err}");
    let (ok, out, _) = run(&[
        "questionnaire",
        "publish",
        &first,
        "--changelog",
        "Eerste versie",
    ]);
    assert!(ok && out.contains("gepubliceerd"), "{out}");

    let mut changed: serde_json::Value =
        serde_json::from_str(server::seed::DEFAULT_QUESTIONNAIRE).expect("json");
    changed["sections"][0]["items"][0]["label"]["nl"] =
        "Is er een actueel integraal veiligheidsplan?".into();
    changed["sections"][9]["items"]
        .as_array_mut()
        .expect("items")
        .remove(3);
    let changed_file = dir.join("v2.json");
    std::fs::write(&changed_file, changed.to_string()).expect("write");
    let (ok, second, err) = run(&[
        "questionnaire",
        "import",
        changed_file.to_str().expect("path"),
    ]);
    assert!(ok, "{err}");
    let (ok, out, _) = run(&["questionnaire", "diff", &first, &second]);
    assert!(ok);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        vec![
            "[Check] integraal_plan: tekst gewijzigd (label): “Heeft uw instelling een vastgesteld integraal veiligheidsplan?” → “Is er een actueel integraal veiligheidsplan?”",
            "[Breaking] opmerkingen: verwijderd; de tijdreeks stopt"
        ]
    );
    let (ok, out, _) = run(&["questionnaire", "diff", &first, &second, "--json"]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json diff");
    assert!(
        ok && json[1]["change"] == "removed" && json[1]["severity"] == "breaking",
        "{out}"
    );

    let exported = dir.join("export.json");
    let (ok, _, err) = run(&[
        "questionnaire",
        "export",
        &first,
        "--format",
        "json",
        "--out",
        exported.to_str().expect("path"),
    ]);
    assert!(ok, "{err}");
    let back: Definition =
        serde_json::from_str(&std::fs::read_to_string(&exported).expect("read")).expect("parse");
    assert_eq!(
        back,
        serde_json::from_str::<Definition>(server::seed::DEFAULT_QUESTIONNAIRE).expect("default")
    );

    let xlsx = dir.join("export.xlsx");
    let (ok, _, err) = run(&[
        "questionnaire",
        "export",
        &first,
        "--format",
        "xlsx",
        "--out",
        xlsx.to_str().expect("path"),
    ]);
    assert!(ok, "{err}");
    let (ok, third, err) = run(&["questionnaire", "import", xlsx.to_str().expect("path")]);
    assert!(ok, "{err}");
    let (ok, out, _) = run(&["questionnaire", "diff", &first, &third]);
    assert!(ok && out == "geen verschillen / no differences", "{out}");
    let (ok, _, err) = run(&[
        "questionnaire",
        "export",
        &first,
        "--format",
        "pdf",
        "--out",
        "x.pdf",
    ]);
    assert!(!ok && err.contains("not supported"), "{err}");

    // Old Excel, as pyxform's own test form is written.
    let xls = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../app/src/backend/spreadsheet/testdata/calculate.xls"
    );
    let (ok, draft, err) = run(&["questionnaire", "import", xls]);
    assert!(ok && draft.parse::<i32>().is_ok(), "{draft} {err}");
    assert!(err.contains("let op/warning"), "{err}");

    let broken = dir.join("broken.json");
    std::fs::write(&broken, r#"{"key": "x", "title": {"nl": "X"}, "sections": [{"key": "a", "title": {"nl": "A"}, "items": [{"key": "q", "type": "integer", "label": {"nl": "Q"}, "relevant": "${q2} >"}]}]}"#).expect("write");
    let (ok, _, err) = run(&["questionnaire", "import", broken.to_str().expect("path")]);
    assert!(!ok);
    assert!(
        err.contains("a/q.relevant: De expressie houdt te vroeg op"),
        "{err}"
    );
}

async fn a_definition_uploaded_over_http_becomes_a_draft_and_downloads_unchanged(app: TestApp) {
    let researcher = app
        .logged_in("onderzoek@miv.nl", app::domain::Role::Researcher, &[])
        .await;
    let upload = app
        .upload_to(
            &researcher,
            "/import/vragenlijst",
            "vragenlijst.json",
            server::seed::DEFAULT_QUESTIONNAIRE.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(upload.status(), 303);
    let location = upload.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let id = location
        .trim_start_matches("/vragenlijsten/versie/")
        .to_owned();
    let page = app.text(&researcher, &location).await;
    assert!(
        page.contains("Vragenlijst veiligheidscoördinatoren — versie 1"),
        "{page}"
    );
    let download = researcher
        .get(app.url(&format!("/export/vragenlijst/{id}")))
        .send()
        .await
        .expect("export");
    assert!(download.headers()["content-disposition"]
        .to_str()
        .expect("header")
        .contains("veiligheidscoordinatoren-v1.json"));
    let exported: Definition = download.json().await.expect("json");
    assert_eq!(exported, default_definition());
    assert!(
        app.audit_actions()
            .await
            .contains(&"export.questionnaire".to_owned()),
        "the export is recorded"
    );

    let broken = app
        .upload_to(
            &researcher,
            "/import/vragenlijst",
            "kapot.json",
            b"{\"key\": ".to_vec(),
        )
        .await;
    let run = broken.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(run.starts_with("/import/"), "{run}");
    let page = app.text(&researcher, &run).await;
    assert!(page.contains("Er is niets opgeslagen"), "{page}");
    assert_eq!(
        questionnaire_version::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        1
    );
}
both!(a_definition_uploaded_over_http_becomes_a_draft_and_downloads_unchanged);

async fn an_xlsform_round_trips_over_http(app: TestApp) {
    let researcher = app
        .logged_in("onderzoek@miv.nl", app::domain::Role::Researcher, &[])
        .await;
    let draft = questionnaires::create_draft(&app.db, &Actor::cli(), &default_definition(), None)
        .await
        .expect("draft");
    let xlsx = researcher
        .get(app.url(&format!("/export/vragenlijst/{}?formaat=xlsx", draft.id)))
        .send()
        .await
        .expect("export")
        .bytes()
        .await
        .expect("bytes");
    let upload = app
        .upload_to(
            &researcher,
            "/import/vragenlijst",
            "vragenlijst.xlsx",
            xlsx.to_vec(),
        )
        .await;
    let location = upload.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let id: i32 = location
        .trim_start_matches("/vragenlijsten/versie/")
        .parse()
        .expect("new version id");
    let imported = questionnaires::find(&app.db, id)
        .await
        .expect("find")
        .expect("stored");
    assert_eq!(imported.number, 2);
    assert_eq!(imported.definition, default_definition());
}
both!(an_xlsform_round_trips_over_http);

/// A form as people write it (no settings sheet, questions outside any group, English labels,
/// device metadata) becomes a draft over HTTP; what stayed out is kept as warnings with the run.
async fn an_xlsform_as_people_write_it_becomes_a_draft_with_its_warnings(app: TestApp) {
    use app::backend::entities::import_run;
    let researcher = app
        .logged_in("onderzoek@miv.nl", app::domain::Role::Researcher, &[])
        .await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("survey").expect("name");
    let rows = [
        ["type", "name", "label::English (en)"],
        ["today", "today", ""],
        ["integer", "staff", "How many staff?"],
        ["text", "remarks", "Remarks"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).expect("cell");
        }
    }
    let bytes = book.save_to_buffer().expect("xlsx");
    let upload = app
        .upload_to(
            &researcher,
            "/import/vragenlijst",
            "kobo-export.xlsx",
            bytes,
        )
        .await;
    let location = upload.headers()["location"].to_str().expect("location");
    let id: i32 = location
        .trim_start_matches("/vragenlijsten/versie/")
        .parse()
        .unwrap_or_else(|_| panic!("a draft, not {location}"));
    let draft = questionnaires::find(&app.db, id)
        .await
        .expect("find")
        .expect("stored");
    assert_eq!(draft.definition.key, "kobo_export");
    let keys: Vec<&str> = draft
        .definition
        .items()
        .map(|(_, i)| i.key.as_str())
        .collect();
    assert_eq!(keys, ["staff", "remarks"]);
    let runs = import_run::Entity::find().all(&app.db).await.expect("runs");
    let run = runs
        .iter()
        .find(|r| r.file_name == "kobo-export.xlsx")
        .expect("the import is on record");
    assert_eq!(run.status, "applied");
    assert!(run.problems.contains("today"), "{}", run.problems);
    assert!(run.problems.contains("Nederlandse"), "{}", run.problems);

    // English only: the draft keeps English as English; the version page says what lacks Dutch,
    // and publishing waits until it is translated (then it goes through).
    let staff = draft.definition.item("staff").expect("staff");
    assert_eq!(
        (staff.label.nl.as_str(), staff.label.en.as_str()),
        ("", "How many staff?")
    );
    let page = app.text(&researcher, location).await;
    assert!(
        page.contains("teksten hebben nog geen Nederlandse vertaling")
            && page.contains("algemeen/staff.label"),
        "{page}"
    );
    let id = id.to_string();
    let publish = [("id", id.as_str()), ("changelog", "eerste versie")];
    let refused = app.call(&researcher, "publish_version", &publish).await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("body");
    assert!(
        body.contains("algemeen/remarks.label: Nederlandse tekst ontbreekt"),
        "{body}"
    );
    let mut translated = draft.definition.clone();
    for section in &mut translated.sections {
        section.title.nl = format!("NL {}", section.title.get(app::i18n::Lang::En));
        for item in &mut section.items {
            item.label.nl = format!("NL {}", item.label.en);
        }
    }
    translated.title.nl = "Telling".into();
    questionnaires::save_draft(&app.db, &Actor::cli(), draft.id, &translated)
        .await
        .expect("save");
    assert!(!app
        .text(&researcher, location)
        .await
        .contains("data-untranslated"));
    let published = app.call(&researcher, "publish_version", &publish).await;
    assert_eq!(
        published.status(),
        200,
        "{}",
        published.text().await.unwrap_or_default()
    );
}
both!(an_xlsform_as_people_write_it_becomes_a_draft_with_its_warnings);
