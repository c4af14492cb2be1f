use app::domain::Role;

use crate::both;
use crate::helpers::TestApp;

const HEADER: &str =
    "\u{feff}INSTELLINGSCODE;INSTELLINGSNAAM;PROVINCIE INSTELLING;GEMEENTE;BOLVT;BOLDT;BBL;EX\r\n";

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut text = HEADER.to_owned();
    for row in rows {
        text.push_str(row);
        text.push_str("\r\n");
    }
    text.into_bytes()
}

/// Uploads a file as admin, follows the redirect and returns the result page (without the
/// hydration markers `<!>`, which depend on the build flags).
async fn import(app: &TestApp, admin: &reqwest::Client, name: &str, bytes: Vec<u8>) -> String {
    let response = app.upload(admin, name, bytes).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let html = app.text(admin, &location).await;
    html.replace("<!>", "")
}

async fn a_duo_csv_is_imported_and_a_second_import_updates(app: TestApp) {
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let page = import(
        &app,
        &admin,
        "duo.csv",
        csv(&[
            "25PX;ROC Midden;Utrecht;Utrecht;14.210;312;3.901;0",
            "12AB;AOC Groen;Overijssel;Zwolle;3.250;<5;1.120;0",
        ]),
    )
    .await;
    assert!(
        page.contains("2 nieuwe en 0 bijgewerkte instellingen"),
        "{page}"
    );
    let page = import(
        &app,
        &admin,
        "duo.csv",
        csv(&["25PX;ROC Midden Nederland;Utrecht;Utrecht;15.000;312;3.901;0"]),
    )
    .await;
    assert!(page.contains("0 nieuwe en 1 bijgewerkte instellingen"));
    let row: serde_json::Value = app
        .call(&admin, "get_institution", &[("code", "25PX")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(row["name"], "ROC Midden Nederland");
    assert_eq!(row["kind"], "roc");
    assert_eq!(row["total"], 15_000 + 312 + 3_901);
    assert_eq!(row["size_band"], "Large");
    assert_eq!(row["region"], "West");
    let aoc: serde_json::Value = app
        .call(&admin, "get_institution", &[("code", "12AB")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(aoc["kind"], "aoc");
    assert!(app
        .audit_actions()
        .await
        .contains(&"institutions.import".to_owned()));
}
both!(a_duo_csv_is_imported_and_a_second_import_updates);

async fn an_xlsx_register_is_imported(app: TestApp) {
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let header = [
        "INSTELLINGSCODE",
        "INSTELLINGSNAAM",
        "PROVINCIE INSTELLING",
        "GEMEENTE",
        "BOLVT",
        "BOLDT",
        "BBL",
        "SOORT INSTELLING",
    ];
    for (col, h) in header.iter().enumerate() {
        sheet.write_string(0, col as u16, *h).expect("cell");
    }
    let values = ["04EF", "Grafisch Lyceum", "Noord-Holland", "Amsterdam"];
    for (col, v) in values.iter().enumerate() {
        sheet.write_string(1, col as u16, *v).expect("cell");
    }
    for (col, n) in [3880.0, 24.0, 210.0].iter().enumerate() {
        sheet.write_number(1, (col + 4) as u16, *n).expect("cell");
    }
    sheet.write_string(1, 7, "Vakinstelling").expect("cell");
    let bytes = workbook.save_to_buffer().expect("xlsx");
    let page = import(&app, &admin, "register.xlsx", bytes).await;
    assert!(page.contains("1 nieuwe en 0 bijgewerkte"), "{page}");
    let row: serde_json::Value = app
        .call(&admin, "get_institution", &[("code", "04EF")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(row["kind"], "vakinstelling");
    assert_eq!(row["bolvt"], 3880);
}
both!(an_xlsx_register_is_imported);

async fn malformed_files_are_rejected_whole_with_every_problem_listed(app: TestApp) {
    app.load_demo_register().await;
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let before = app.institution_count().await;
    let mut latin1 = csv(&["33QQ;ROC Nieuw;Utrecht;Utrecht;1;1;1;0"]);
    let at = latin1.len() - 10;
    latin1.insert(at, 0xE9);
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "komma.csv",
            b"INSTELLINGSCODE,INSTELLINGSNAAM\r\n25PX,ROC\r\n".to_vec(),
            vec!["Verwacht puntkomma (;) als scheidingsteken, gevonden: komma (,)"],
        ),
        (
            "kolom.csv",
            "INSTELLINGSCODE;INSTELLINGSNAAM;GEMEENTE;BOLVT;BOLDT;BBL\r\n33QQ;X;Y;1;1;1\r\n"
                .as_bytes()
                .to_vec(),
            vec!["Kolom PROVINCIE INSTELLING ontbreekt."],
        ),
        (
            "code.csv",
            csv(&[
                "33QQ;ROC Goed;Utrecht;Utrecht;1;1;1;0",
                "3Q3Q;ROC Fout;Utrecht;Utrecht;1;1;1;0",
            ]),
            vec![
                "<td>3</td><td>INSTELLINGSCODE</td>",
                "‘3Q3Q’ is geen instellingscode",
            ],
        ),
        (
            "dubbel.csv",
            csv(&[
                "33QQ;ROC A;Utrecht;Utrecht;1;1;1;0",
                "44WW;ROC B;Utrecht;Utrecht;1;1;1;0",
                "33QQ;ROC C;Utrecht;Utrecht;1;1;1;0",
            ]),
            vec!["<td>4</td>", "Instellingscode 33QQ staat ook op regel 2."],
        ),
        ("latin1.csv", latin1, vec!["Het bestand is geen UTF-8"]),
        (
            "aantal.csv",
            csv(&[
                "33QQ;ROC A;Utrecht;Utrecht;veel;1;1;0",
                "44WW;;Utrecht;Utrecht;1;1;1;0",
            ]),
            vec![
                "‘veel’ is geen aantal",
                "<td>3</td><td>INSTELLINGSNAAM</td><td>Waarde ontbreekt.</td>",
            ],
        ),
        (
            "lijst.pdf",
            b"%PDF".to_vec(),
            vec!["‘lijst.pdf’ is geen .csv- of .xlsx-bestand."],
        ),
        (
            "kapot.xlsx",
            b"geen zip".to_vec(),
            vec!["Het bestand kan niet worden gelezen"],
        ),
    ];
    for (name, bytes, expected) in cases {
        let page = import(&app, &admin, name, bytes).await;
        assert!(page.contains("Er is niets opgeslagen"), "{name}: {page}");
        for text in expected {
            assert!(page.contains(text), "{name} should say {text:?}: {page}");
        }
        assert_eq!(
            app.institution_count().await,
            before,
            "{name} wrote nothing"
        );
    }
    let row: serde_json::Value = app
        .call(&admin, "get_institution", &[("code", "33QQ")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(row, serde_json::json!("NotFound"));
}
both!(malformed_files_are_rejected_whole_with_every_problem_listed);

async fn admins_edit_the_type_and_coordinators_see_only_their_own(app: TestApp) {
    app.load_demo_register().await;
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let edit = app
        .call(
            &admin,
            "update_institution",
            &[
                ("code", "05GH"),
                ("name", "Maritiem"),
                ("municipality", "Vlissingen"),
                ("province", "Zeeland"),
                ("kind", "aoc"),
            ],
        )
        .await;
    assert_eq!(edit.status(), 200);
    let bad = app
        .call(
            &admin,
            "update_institution",
            &[
                ("code", "05GH"),
                ("name", ""),
                ("municipality", "V"),
                ("province", "Z"),
                ("kind", "hbo"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let filtered: serde_json::Value = app
        .call(
            &admin,
            "list_institutions",
            &[("search", ""), ("kind", "aoc"), ("province", "Zeeland")],
        )
        .await
        .json()
        .await
        .expect("json");
    let codes: Vec<&str> = filtered
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert_eq!(codes, vec!["05GH"]);
    let search: serde_json::Value = app
        .call(
            &admin,
            "list_institutions",
            &[("search", "rotterdam"), ("kind", ""), ("province", "")],
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(search.as_array().expect("list").len(), 1);
    assert!(app
        .audit_actions()
        .await
        .contains(&"institution.update".to_owned()));

    let coordinator = app
        .logged_in("c@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let mine: serde_json::Value = app
        .call(&coordinator, "my_institutions", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine.as_array().expect("list").len(), 1);
    assert_eq!(
        app.call(&coordinator, "get_institution", &[("code", "27GH")])
            .await
            .status(),
        403
    );
    let page = coordinator
        .get(app.url("/instellingen/27GH"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 403);
}
both!(admins_edit_the_type_and_coordinators_see_only_their_own);

#[test]
fn the_command_line_import_refuses_a_bad_file_and_names_each_problem() {
    let dir = std::env::temp_dir().join(format!("miv-cli-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("fout.csv");
    std::fs::write(
        &file,
        csv(&[
            "25PX;ROC A;Utrecht;Utrecht;1;1;1;0",
            "25PX;ROC B;Utrecht;Utrecht;1;1;1;0",
        ]),
    )
    .expect("write");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["institutions", "import"])
        .arg(&file)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/miv.sqlite", dir.display()),
        )
        .output()
        .expect("run server");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("regel/line 3, kolom/column INSTELLINGSCODE: Instellingscode 25PX staat ook op regel 2."), "{stderr}");
    let good = dir.join("goed.csv");
    std::fs::write(&good, csv(&["25PX;ROC A;Utrecht;Utrecht;1;1;1;0"])).expect("write");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["institutions", "import"])
        .arg(&good)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/miv.sqlite", dir.display()),
        )
        .output()
        .expect("run server");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 nieuw / new"));
}
