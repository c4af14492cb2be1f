//! The XLSForm import and export, on forms as the export writes them and as people write them.

use super::*;
use crate::domain::questionnaire::{
    untranslated, validate_for_publishing, Appearance, ItemKind, ProblemKind,
};

fn default_definition() -> Definition {
    serde_json::from_str(include_str!(
        "../../../../server/questionnaires/veiligheidscoordinatoren.json"
    ))
    .expect("default")
}

#[test]
fn the_concordance_and_section_intros_survive_a_round_trip() {
    use crate::domain::questionnaire::edit::{self, options_of};
    let mut def = default_definition();
    def.sections[0].intro = Some(Text::new(
        "Eerst de organisatie.",
        "First the organisation.",
    ));
    let first = def
        .items()
        .next()
        .map(|(_, i)| i.key.clone())
        .expect("an item");
    edit::rename_item(&mut def, &first, "plan_hernoemd").expect("rename");
    let (item, code) = def
        .items()
        .find_map(|(_, i)| {
            let kind = &i.kind;
            options_of(kind)
                .and_then(|o| o.first())
                .map(|o| (i.key.clone(), o.code.clone()))
        })
        .expect("an item with options");
    edit::recode_option(&mut def, &item, &code, "hercodeerd").expect("recode");
    assert!(!def.concordance.keys.is_empty() && !def.concordance.codes.is_empty());
    let bytes = export(&def, Some(2)).expect("export");
    let back = import(&bytes, "v.xlsx").map(|i| i.definition);
    assert_eq!(back.ok(), Some(def));
}

#[test]
fn export_then_import_gives_the_same_version() {
    let def = default_definition();
    let bytes = export(&def, Some(3)).expect("export");
    let back = import(&bytes, "v.xlsx")
        .map(|i| i.definition)
        .unwrap_or_else(|p| {
            panic!(
                "{:?}",
                p.iter().map(|p| p.message(Lang::Nl)).collect::<Vec<_>>()
            )
        });
    assert_eq!(back, def);
    // Byte for byte the files differ only in their creation time (to the second).
    let again = export(&back, Some(3)).expect("export again");
    let again = import(&again, "v.xlsx").map(|i| i.definition);
    assert_eq!(again.ok(), Some(def), "stable output");
}

fn sheet_bytes(survey: &[&[&str]], choices: &[&[&str]]) -> Vec<u8> {
    let settings: &[&[&str]] = &[&["form_id", "form_title"], &["test", "Test"]];
    workbook(&[
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ])
}

/// A workbook with these sheets, every cell text.
fn workbook(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).expect("name");
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *v).expect("cell");
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

#[test]
fn every_problem_is_reported_with_sheet_row_and_column() {
    let bytes = sheet_bytes(
        &[
            &["type", "name", "label", "relevant", "calculation"],
            &["begin group", "a", "A", "", ""],
            &["select_one lijst", "q1", "Vraag 1", "", ""],
            &["geolocation", "q2", "Vraag 2", "", ""],
            &["integer", "q3", "Vraag 3", "", ""],
            &["integer", "q3", "Dubbel", "", ""],
            &["integer", "q4", "Vraag 4", "${q3} =", ""],
            &["begin group", "b", "B", "", ""],
        ],
        &[&["list_name", "name", "label"], &["andere", "x", "X"]],
    );
    let problems = import(&bytes, "test.xlsx").expect_err("invalid");
    let places: Vec<(usize, String)> = problems
        .iter()
        .map(|p| (p.line, p.column.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        places,
        vec![
            (3, "survey / type".to_owned()),
            (4, "survey / type".into()),
            (2, "survey / type".into()),
            (8, "survey / type".into()),
            (6, "survey / name".into()),
            (7, "survey / relevant".into()),
        ]
    );
    assert!(problems[0]
        .message(Lang::Nl)
        .contains("Keuzelijst ‘lijst’ staat niet op het werkblad choices."));
    assert!(problems[1]
        .message(Lang::En)
        .contains("Question type ‘geolocation’ does not exist in XLSForm or is not supported."));
    assert!(problems[2]
        .message(Lang::Nl)
        .contains("Groep wordt niet gesloten"));
}

fn imported(bytes: &[u8], file_name: &str) -> Imported {
    import(bytes, file_name).unwrap_or_else(|p| {
        panic!(
            "{:?}",
            p.iter().map(|p| p.message(Lang::En)).collect::<Vec<_>>()
        )
    })
}

fn warned(imported: &Imported, text: &str) -> bool {
    imported
        .warnings
        .iter()
        .any(|w| w.message(Lang::En).contains(text))
}

#[test]
fn a_form_as_people_write_it_imports_with_warnings_for_what_stays_out() {
    // No settings sheet, top-level questions around a group inside a group, labels in English
    // and French only, device metadata, an unknown column and `or_other`.
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label::English (en)",
            "label::Français (fr)",
            "relevant",
            "$kuid",
        ],
        &["start", "start", "", "", "", "a1"],
        &["integer", "age", "Age", "Âge", "", "a2"],
        &[
            "begin_group",
            "outer",
            "Outer",
            "Extérieur",
            "${age} > 18",
            "a3",
        ],
        &[
            "begin group",
            "inner",
            "Inner",
            "Intérieur",
            "${age} < 65",
            "a4",
        ],
        &[
            "select_one colours or_other",
            "colour",
            "Colour",
            "Couleur",
            "",
            "a5",
        ],
        &["end group", "", "", "", "", ""],
        &["text", "why", "Why", "Pourquoi", "", "a6"],
        &["end_group", "", "", "", "", ""],
        &["note", "bye", "Thanks", "Merci", "", "a7"],
    ];
    let choices: &[&[&str]] = &[
        &["list name", "name", "label::English (en)"],
        &["colours", "red", "Red"],
        &["colours", "blue", "Blue"],
    ];
    let form = imported(
        &workbook(&[("survey", survey), ("choices", choices)]),
        "my-form v2.xlsx",
    );
    let def = &form.definition;
    assert_eq!(def.key, "my_form_v2", "from the file name");
    assert_eq!(def.title.nl, "my-form v2");
    let sections: Vec<(&str, &str, Option<&str>, Vec<&str>)> = def
        .sections
        .iter()
        .map(|s| {
            (
                s.key.as_str(),
                s.title.get(Lang::Nl),
                s.relevant.as_deref(),
                s.items.iter().map(|i| i.key.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        sections,
        vec![
            ("algemeen", "my-form v2", None, vec!["age"]),
            (
                "inner",
                "Outer › Inner",
                Some("(${age} > 18) and (${age} < 65)"),
                vec!["colour", "colour_other"],
            ),
            ("outer", "Outer", Some("${age} > 18"), vec!["why"]),
            ("algemeen_2", "my-form v2", None, vec!["bye"]),
        ]
    );
    let colour = def.item("colour").expect("colour");
    assert_eq!(
        colour.label,
        Text::new("", "Colour"),
        "English kept as English, Dutch left to translate"
    );
    assert_eq!(colour.label.get(Lang::Nl), "Colour", "the draft shows it");
    assert!(validate(def).is_empty(), "a draft may lack Dutch");
    let missing: Vec<String> = untranslated(def).into_iter().map(|p| p.location).collect();
    assert!(
        missing.contains(&"inner/colour.label".to_owned())
            && missing.contains(&"inner/colour.options.red".to_owned())
            && missing.contains(&"inner.title".to_owned()),
        "{missing:?}"
    );
    assert!(
        validate_for_publishing(def)
            .iter()
            .any(|p| p.kind == ProblemKind::NoDutch),
        "publishing waits for Dutch"
    );
    let other = def
        .item("colour_other")
        .expect("the specify-other question");
    assert_eq!(
        other.relevant.as_deref(),
        Some("selected(${colour}, 'other')")
    );
    assert!(warned(&form, "Column ‘$kuid’ is not used"));
    assert!(warned(
        &form,
        "Column ‘label::Français (fr)’: only Dutch and English"
    ));
    assert!(warned(&form, "No Dutch labels"));
    assert!(warned(
        &form,
        "‘start’ is device data, not a question: skipped."
    ));
    let places: Vec<(usize, String)> = form
        .warnings
        .iter()
        .map(|w| (w.line, w.column.clone().unwrap_or_default()))
        .collect();
    assert!(places.contains(&(2, "survey / type".into())), "{places:?}");
    assert!(places.contains(&(1, "survey / F".into())), "{places:?}");
}

#[test]
fn names_and_form_ids_other_tools_allow_become_keys_and_references_follow() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "relevant"],
        &["begin group", "g1", "G1", ""],
        &["integer", "how-many", "How many?", ""],
        &["text", "q1", "Q1", "${how-many} > 1"],
        &["end group", "", "", ""],
        &["begin group", "g2", "G2", ""],
        &["text", "q1", "Q1 again", ""],
        &["end group", "", "", ""],
    ];
    let settings: &[&[&str]] = &[&["form_id", "form_title"], &["2024:monitor-mbo", "Monitor"]];
    let form = imported(
        &workbook(&[("survey", survey), ("settings", settings)]),
        "x.xlsx",
    );
    let def = &form.definition;
    assert_eq!(def.key, "form_2024_monitor_mbo");
    assert!(warned(
        &form,
        "form_id ‘2024:monitor-mbo’ is not a valid key and became ‘form_2024_monitor_mbo’"
    ));
    assert!(def.item("how_many").is_some());
    assert_eq!(
        def.item("q1").and_then(|i| i.relevant.clone()).as_deref(),
        Some("${how_many} > 1")
    );
    assert_eq!(
        def.item("g2_q1").map(|i| i.label.nl.as_str()),
        Some("Q1 again")
    );
    assert!(warned(&form, "Name ‘q1’ became ‘g2_q1’"));
    assert!(
        !warned(&form, "No Dutch labels"),
        "a plain label column may be Dutch"
    );
}

#[test]
fn what_the_platform_cannot_hold_is_refused_where_it_stands() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &["begin repeat", "people", "People"],
        &["geopoint", "where", "Where?"],
        &["image", "photo", "Photo"],
        &["select_one_from_file towns.csv", "town", "Town"],
        &["end repeat", "", ""],
        &["integer", "n", "N"],
    ];
    let problems = import(&workbook(&[("SURVEY", survey)]), "f.xlsx").expect_err("refused");
    let found: Vec<(usize, String, String)> = problems
        .iter()
        .map(|p| {
            let message = p.message(Lang::En);
            (
                p.line,
                p.column.clone().unwrap_or_default(),
                message.split(':').next().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                2,
                "SURVEY / type".into(),
                "Repeats (repeat, loop) are not supported".into()
            ),
            (
                3,
                "SURVEY / type".into(),
                "Locations (geopoint, geotrace, geoshape) are not asked".into()
            ),
            (
                4,
                "SURVEY / type".into(),
                "Files and media (image, audio, video, file) are not kept".into()
            ),
            (
                5,
                "SURVEY / type".into(),
                "Choices from an external file are not supported".into()
            ),
            (
                6,
                "SURVEY / type".into(),
                "Repeats (repeat, loop) are not supported".into()
            ),
        ]
    );
}

#[test]
fn old_spellings_of_types_are_read_as_today() {
    use super::kinds::{has_other, spelling};
    let read = |t: &str| {
        let (base, rest) = spelling(t);
        (base, rest.join(" "))
    };
    assert_eq!(
        read("select one from sex"),
        ("select_one".into(), "sex".into())
    );
    assert_eq!(
        read("select all that apply from fruit"),
        ("select_multiple".into(), "fruit".into())
    );
    assert_eq!(
        read("select1 yes_no"),
        ("select_one".into(), "yes_no".into())
    );
    assert_eq!(read("string"), ("text".into(), String::new()));
    assert_eq!(read("int"), ("integer".into(), String::new()));
    assert_eq!(read("phone number"), ("text".into(), String::new()));
    assert!(has_other("select one from sex or specify other"));
    assert!(has_other("select_one sex or_other"));
    assert!(!has_other("select_one sex"));
}

#[test]
fn calculations_import_are_used_by_rules_and_export_back() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "calculation", "relevant"],
        &["integer", "staff", "Medewerkers", "", ""],
        &["integer", "students", "Studenten", "", ""],
        &[
            "calculate",
            "ratio",
            "",
            "if(${staff} > 0, round(${students} div ${staff}, 1), '')",
            "",
        ],
        &["calculate", "code", "", "regex(${staff}, '[0-9]+')", ""],
        &["text", "why", "Waarom?", "", "${ratio} > 10"],
    ];
    let form = imported(&workbook(&[("survey", survey)]), "ratio.xlsx");
    let def = &form.definition;
    assert!(matches!(
        def.item("ratio").map(|i| &i.kind),
        Some(ItemKind::Calculated { expression }) if expression.starts_with("if(${staff} > 0")
    ));
    assert_eq!(
        def.item("ratio").map(|i| i.label.nl.as_str()),
        Some("ratio")
    );
    assert!(def.item("code").is_none(), "regex() is beyond the logic");
    assert!(
        warned(&form, "Calculation ‘code’ skipped"),
        "{:?}",
        form.warnings
    );
    assert!(!warned(&form, "Column ‘calculation’ is not used"));

    let bytes = export(def, Some(1)).expect("export");
    let again = imported(&bytes, "ratio.xlsx");
    assert_eq!(
        &again.definition, def,
        "the calculation survives a round trip"
    );
}

#[test]
fn a_choice_filter_becomes_a_condition_per_option_and_exports_back() {
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label",
            "choice_filter",
            "appearance",
            "required",
            "required_message",
        ],
        &[
            "select_one states",
            "state",
            "State",
            "",
            "horizontal",
            "yes",
            "Kies een staat",
        ],
        &[
            "select_one counties",
            "county",
            "County",
            "state=${state}",
            "minimal",
            "",
            "",
        ],
        &[
            "select_one cities",
            "city",
            "City",
            "county = ${county} and name != 'x'",
            "quick",
            "",
            "",
        ],
    ];
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label", "state", "county"],
        &["states", "texas", "Texas", "", ""],
        &["states", "washington", "Washington", "", ""],
        &["counties", "king", "King", "washington", ""],
        &["counties", "pierce", "Pierce", "washington", ""],
        &["counties", "king", "King", "texas", ""],
        &["counties", "cameron", "Cameron", "texas", ""],
        &["cities", "seattle", "Seattle's", "", "king"],
    ];
    let form = imported(
        &workbook(&[("survey", survey), ("choices", choices)]),
        "cascade.xlsx",
    );
    let def = &form.definition;
    let county = def.item("county").expect("county");
    assert_eq!(
        crate::domain::questionnaire::edit::options_of(&county.kind)
            .map(|o| o.iter().map(|c| c.code.as_str()).collect::<Vec<_>>()),
        Some(vec!["king", "pierce", "cameron"]),
        "king, listed for two states, is one option"
    );
    assert_eq!(
        county.choice_conditions.get("pierce").map(String::as_str),
        Some("'washington'=${state}")
    );
    assert_eq!(
        county.choice_conditions.get("king").map(String::as_str),
        Some("('washington'=${state}) or ('texas'=${state})")
    );
    assert_eq!(
        def.item("city")
            .and_then(|c| c.choice_conditions.get("seattle"))
            .map(String::as_str),
        Some("'king' = ${county} and 'seattle' != 'x'")
    );
    assert_eq!(county.appearance, Some(Appearance::Minimal));
    let state = def.item("state").expect("state");
    assert_eq!(state.appearance, Some(Appearance::Horizontal));
    assert_eq!(
        state.required_message.as_ref().map(|m| m.nl.as_str()),
        Some("Kies een staat")
    );
    assert!(
        warned(&form, "Appearance ‘quick’ is not known"),
        "{:?}",
        form.warnings
    );
    assert!(!warned(&form, "choice_filter’ is not used"));

    let bytes = export(def, Some(1)).expect("export");
    let again = imported(&bytes, "cascade.xlsx");
    assert_eq!(
        &again.definition, def,
        "conditions, appearance and message survive"
    );

    let wrong: &[&[&str]] = &[
        &["type", "name", "label", "choice_filter"],
        &["select_one states", "state", "State", ""],
        &["select_one counties", "county", "County", "land=${state}"],
    ];
    let problems = super::import(
        &workbook(&[("survey", wrong), ("choices", choices)]),
        "x.xlsx",
    )
    .expect_err("an unknown column");
    assert!(
        problems
            .iter()
            .any(|p| p.line == 3 && p.message(Lang::En).contains("choice_filter names ‘land’")),
        "{problems:?}"
    );
}

#[test]
fn a_filtered_value_with_a_quote_stays_one_text() {
    let cells = HashMap::from([("county".to_owned(), "O'Brien".to_owned())]);
    assert_eq!(
        filter::for_choice("county = ${c} and not(selected(${x}, name))", "ob", &cells),
        Ok("\"O'Brien\" = ${c} and not(selected(${x}, 'ob'))".to_owned())
    );
    assert_eq!(
        filter::for_choice("land = ${c}", "ob", &cells),
        Err("land".to_owned())
    );
    let dynamic = HashMap::from([("label".to_owned(), "${name1}".to_owned())]);
    assert_eq!(
        filter::for_choice("label != ''", "n1", &dynamic),
        Ok("${name1} != ''".to_owned()),
        "a cell that is a reference stays one"
    );
}

#[test]
fn defaults_read_only_and_hidden_values_import_and_export_back() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "default", "read_only"],
        &["integer", "staff", "Staff", "10", ""],
        &["text", "source", "Source", "register", "yes"],
        &["date", "when", "When", "today()", ""],
        &["hidden", "wave", "", "2026-a", ""],
        &["hidden", "nothing", "", "", ""],
    ];
    let form = imported(&workbook(&[("survey", survey)]), "defaults.xlsx");
    let def = &form.definition;
    let staff = def.item("staff").expect("staff");
    assert_eq!(staff.default.as_deref(), Some("10"));
    let source = def.item("source").expect("source");
    assert!(source.read_only && source.default.as_deref() == Some("register"));
    assert_eq!(def.item("when").and_then(|i| i.default.clone()), None);
    assert!(
        warned(&form, "Default ‘today()’ does not fit"),
        "{:?}",
        form.warnings
    );
    assert_eq!(
        def.item("wave").map(|i| &i.kind),
        Some(&ItemKind::Calculated {
            expression: "'2026-a'".into()
        })
    );
    assert!(def.item("nothing").is_none());
    assert!(warned(&form, "‘hidden’ without a default: skipped."));
    assert_eq!(
        crate::domain::response::defaults(def),
        [("source", "register"), ("staff", "10")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .into()
    );

    let bytes = export(def, Some(1)).expect("export");
    let again = imported(&bytes, "defaults.xlsx");
    assert_eq!(&again.definition, def);
}

#[test]
fn a_constraint_may_name_its_own_question_and_a_condition_may_be_a_number() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "constraint", "relevant"],
        &["integer", "n", "N", "${n} > 0 and ${n} < 10", ""],
        &["text", "never", "Never", "", "0"],
        &["text", "always", "Always", "", "1"],
    ];
    let form = imported(&workbook(&[("survey", survey)]), "own.xlsx");
    let def = &form.definition;
    assert_eq!(
        def.item("n")
            .and_then(|i| i.constraint.as_ref())
            .map(|c| c.expression.as_str()),
        Some(". > 0 and . < 10")
    );
    assert_eq!(
        def.item("never").and_then(|i| i.relevant.as_deref()),
        Some("false()")
    );
    assert_eq!(
        def.item("always").and_then(|i| i.relevant.as_deref()),
        Some("true()")
    );
}

#[test]
fn times_ranges_confirmations_and_scanned_codes_are_asked_as_the_platform_can() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "parameters", "constraint"],
        &["time", "at", "At", "", ""],
        &["dateTime", "when", "When", "", ""],
        &["range", "score", "Score", "start=0 end=10 step=1", ""],
        &["range", "share", "Share", "start=0;end=1;step=0.1", ""],
        &["acknowledge", "ok", "I agree", "", ""],
        &["barcode", "code", "Code", "", "regex(., '^[0-9]+$')"],
    ];
    let form = imported(&workbook(&[("survey", survey)]), "widgets.xlsx");
    let kind = |key: &str| form.definition.item(key).map(|i| i.kind.clone());
    assert_eq!(kind("at"), Some(ItemKind::Time));
    assert_eq!(kind("when"), Some(ItemKind::DateTime));
    assert_eq!(
        kind("score"),
        Some(ItemKind::Integer {
            min: Some(0),
            max: Some(10),
            unit: None
        })
    );
    assert_eq!(
        kind("share"),
        Some(ItemKind::Decimal {
            min: Some(0.0),
            max: Some(1.0),
            unit: None
        })
    );
    assert!(matches!(
        kind("ok"),
        Some(ItemKind::MultipleChoice { options }) if options.len() == 1 && options[0].code == "OK"
    ));
    assert_eq!(kind("code"), Some(ItemKind::ShortText));
    assert!(form
        .definition
        .item("code")
        .is_some_and(|i| i.constraint.is_none()));
    assert!(
        warned(
            &form,
            "The constraint on ‘code’ uses regex(), which the platform does not know"
        ),
        "{:?}",
        form.warnings
    );
    let bytes = export(&form.definition, None).expect("export");
    assert_eq!(imported(&bytes, "widgets.xlsx").definition, form.definition);
}

#[test]
fn xpath_paths_of_older_forms_become_references() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "relevant"],
        &["begin group", "g", "G", ""],
        &["text", "zone", "Zone", ""],
        &[
            "text",
            "state",
            "State",
            "../zone = '1/NW' and /data/g/zone != ‘’",
        ],
        &["end group", "", "", ""],
    ];
    let form = imported(&workbook(&[("survey", survey)]), "paths.xlsx");
    assert_eq!(
        form.definition
            .item("state")
            .and_then(|i| i.relevant.as_deref()),
        Some("${zone} = '1/NW' and ${zone} != ''")
    );
}

#[test]
fn a_date_or_time_default_the_spreadsheet_keeps_as_a_number_is_read_as_one() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "default"],
        &["time", "start", "Start", "0.3958333333333333"],
        &["date", "day", "Day", "46082"],
        &["dateTime", "moment", "Moment", "46082.75"],
        &["integer", "n", "N", "0.5"],
    ];
    let form = imported(&workbook(&[("survey", survey)]), "moments.xlsx");
    let default = |key: &str| form.definition.item(key).and_then(|i| i.default.clone());
    assert_eq!(default("start").as_deref(), Some("09:30"));
    assert_eq!(default("day").as_deref(), Some("2026-03-01"));
    assert_eq!(default("moment").as_deref(), Some("2026-03-01T18:00"));
    assert_eq!(default("n"), None, "0.5 is not a whole number");
}
