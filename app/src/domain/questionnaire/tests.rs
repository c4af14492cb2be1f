use std::collections::BTreeMap;

use super::*;

fn sample() -> Definition {
    serde_json::from_value(serde_json::json!({
        "key": "veiligheidscoordinatoren",
        "title": {"nl": "Vragenlijst veiligheidscoördinatoren", "en": "Safety coordinators questionnaire"},
        "sections": [{
            "key": "registratie",
            "title": {"nl": "Melden en registreren", "en": "Reporting and registration"},
            "items": [
                {"key": "heeft_registratie", "type": "yes_no_dont_know", "required": true,
                 "label": {"nl": "Registreert uw instelling incidenten?", "en": "Does your institution register incidents?"}},
                {"key": "aantallen", "type": "incident_grid", "relevant": "${heeft_registratie} = 'ja'",
                 "label": {"nl": "Aantal incidenten vorig schooljaar", "en": "Number of incidents last school year"},
                 "categories": [{"code": "agressie", "label": {"nl": "Agressie"}}, {"code": "diefstal", "label": {"nl": "Diefstal"}}]},
                {"key": "uren", "type": "integer", "min": 0, "max": 2000, "unit": {"nl": "uur per jaar"},
                 "label": {"nl": "Uren voor de coördinator"},
                 "constraint": {"expression": ". >= 0 and . <= 2000", "message": {"nl": "Tussen 0 en 2000", "en": "Between 0 and 2000"}}},
                {"key": "modules", "type": "multiple_choice", "required": "${uren} > 0",
                 "label": {"nl": "Welke modules gebruikt u?"},
                 "options": [{"code": "radicalisering", "label": {"nl": "Radicalisering"}}, {"code": "cyber", "label": {"nl": "Cyberveiligheid"}}]}
            ]
        }]
    }))
    .expect("sample definition")
}

#[test]
fn a_well_formed_definition_has_no_problems_and_round_trips_through_json() {
    let def = sample();
    assert_eq!(validate(&def), vec![]);
    let json = serde_json::to_string(&def).expect("json");
    let back: Definition = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, def);
    assert_eq!(def.item("uren").map(|i| i.kind.name()), Some("integer"));
}

#[test]
fn every_problem_is_reported_with_its_place() {
    let mut def = sample();
    let items = &mut def.sections[0].items;
    items[1].key = "heeft_registratie".into();
    items[1].relevant = Some("${later} = 'ja'".into());
    items[2].constraint.as_mut().expect("constraint").expression = ". >= 0 and".into();
    items[3].required = Required::When("${uren} + 1".into());
    if let ItemKind::MultipleChoice { options } = &mut items[3].kind {
        options[1].code = "radicalisering".into();
    }
    items[3].label.nl.clear();
    let problems = validate(&def);
    let places: Vec<&str> = problems.iter().map(|p| p.location.as_str()).collect();
    assert_eq!(
        places,
        vec![
            "registratie/heeft_registratie",
            "registratie/heeft_registratie.relevant",
            "registratie/uren.constraint",
            "registratie/modules.label",
            "registratie/modules.options",
            "registratie/modules.required",
        ]
    );
    let message = problems[1].message(crate::i18n::Lang::Nl);
    assert!(
        message.contains("Onbekende vraag ${later}") && message.contains("positie 1–8"),
        "{message}"
    );
    assert!(matches!(problems[2].kind, ProblemKind::Syntax { .. }));
    assert_eq!(problems[5].kind, ProblemKind::NotACondition);
}

#[test]
fn references_must_point_backwards() {
    let mut def = sample();
    def.sections[0].items[0].relevant = Some("${uren} > 3".into());
    let problems = validate(&def);
    assert_eq!(problems.len(), 1);
    assert!(matches!(
        &problems[0].kind,
        ProblemKind::Logic { error } if error.kind == crate::domain::expr::CheckErrorKind::ForwardReference("uren".into())
    ));
}

fn changes(
    old: &Definition,
    new: &Definition,
    concordance: &Concordance,
) -> Vec<(String, Severity, String)> {
    diff(old, new, concordance)
        .into_iter()
        .map(|c| (c.key.clone(), c.severity, c.describe(crate::i18n::Lang::En)))
        .collect()
}

#[test]
fn a_question_reworded_is_to_check_for_comparability_with_old_and_new_text() {
    let old = sample();
    let mut new = sample();
    new.sections[0].items[0].label.nl = "Registreert uw instelling incidenten systematisch?".into();
    assert_eq!(
        changes(&old, &new, &Concordance::default()),
        vec![(
            "heeft_registratie".into(),
            Severity::Check,
            "heeft_registratie: text changed (label): “Registreert uw instelling incidenten?” → “Registreert uw instelling incidenten systematisch?”".into()
        )]
    );
    assert!(changes(&old, &old, &Concordance::default()).is_empty());
}

#[test]
fn units_ranges_anchors_and_sections_are_seen() {
    let old = sample();
    let mut new = sample();
    new.sections[0].items[2].kind = ItemKind::Integer {
        min: Some(0),
        max: Some(4000),
        unit: Some(Text::new("uur per maand", "")),
    };
    new.sections[0].title.nl = "Registratie van incidenten".into();
    new.sections[0].relevant = Some("true()".into());
    let found = changes(&old, &new, &Concordance::default());
    let severity_of = |start: &str| {
        found
            .iter()
            .find(|c| c.2.starts_with(start))
            .map(|c| c.1)
            .unwrap_or_else(|| panic!("no change {start}: {found:?}"))
    };
    assert_eq!(severity_of("uren: max 2000 → 4000"), Severity::Breaking);
    assert_eq!(
        severity_of("uren: unit uur per jaar → uur per maand"),
        Severity::Breaking
    );
    assert_eq!(
        severity_of("section registratie: title"),
        Severity::Cosmetic
    );
    assert_eq!(
        severity_of("section registratie: relevant “none” → “true()”"),
        Severity::Compatible
    );

    let likert = |anchor: &str| {
        let kind = ItemKind::Likert {
            points: 5,
            anchors: vec![Choice {
                code: "1".into(),
                label: Text::new(anchor, ""),
            }],
        };
        Item::new("veilig", kind, Text::new("Voelt u zich veilig?", ""))
    };
    let (mut before, mut after) = (sample(), sample());
    before.sections[0].items.push(likert("Helemaal niet"));
    after.sections[0].items.push(likert("Nooit"));
    assert_eq!(
        changes(&before, &after, &Concordance::default()),
        vec![(
            "veilig".into(),
            Severity::Check,
            "veilig: text changed (anchors): “1 Helemaal niet” → “1 Nooit”".into()
        )]
    );
}

#[test]
fn type_changes_removed_codes_and_renames_are_breaking() {
    let old = sample();
    let mut new = sample();
    new.sections[0].items[2].kind = ItemKind::Decimal {
        min: None,
        max: None,
        unit: None,
    };
    if let ItemKind::MultipleChoice { options } = &mut new.sections[0].items[3].kind {
        options.remove(1);
        options.push(Choice {
            code: "kennisveiligheid".into(),
            label: Text::new("Kennisveiligheid", ""),
        });
    }
    let found = changes(&old, &new, &Concordance::default());
    assert_eq!(found[0].0, "uren");
    assert_eq!(found[0].1, Severity::Breaking);
    assert!(found.iter().any(|c| c.2
        == "modules: option cyber removed; earlier answers cyber have no counterpart"
        && c.1 == Severity::Breaking));
    assert!(found.iter().any(
        |c| c.2.starts_with("modules: option kennisveiligheid added")
            && c.1 == Severity::Compatible
    ));
}

#[test]
fn a_concordance_links_renamed_keys_and_recoded_options() {
    let old = sample();
    let mut new = sample();
    new.sections[0].items[3].key = "modules_gebruikt".into();
    if let ItemKind::MultipleChoice { options } = &mut new.sections[0].items[3].kind {
        options[1].code = "cyberveiligheid".into();
    }
    let without = changes(&old, &new, &Concordance::default());
    let kinds: Vec<&str> = without.iter().map(|c| c.2.as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "modules_gebruikt: new; no comparison with earlier years",
            "modules: removed; the time series stops"
        ]
    );
    let concordance = Concordance {
        keys: [("modules".to_owned(), "modules_gebruikt".to_owned())].into(),
        codes: [(
            "modules_gebruikt".to_owned(),
            [("cyber".to_owned(), "cyberveiligheid".to_owned())].into(),
        )]
        .into(),
    };
    let with = changes(&old, &new, &concordance);
    let kinds: Vec<&str> = with.iter().map(|c| c.2.as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "modules_gebruikt: renamed (was modules); compare through the concordance",
            "modules_gebruikt: option code cyber → cyberveiligheid; recode earlier answers",
        ]
    );
    assert!(with.iter().all(|c| c.1 == Severity::Breaking));
}

#[test]
fn moved_items_and_new_logic_are_listed() {
    let old = sample();
    let mut new = sample();
    let moved = new.sections[0].items.remove(2);
    new.sections.push(Section {
        key: "organisatie".into(),
        title: Text::new("Organisatie", ""),
        intro: None,
        relevant: None,
        items: vec![moved],
    });
    new.sections[0].items[2].relevant = Some("${heeft_registratie} = 'ja'".into());
    let found = changes(&old, &new, &Concordance::default());
    assert!(found.contains(&(
        "uren".into(),
        Severity::Cosmetic,
        "uren: moved from registratie to organisatie".into()
    )));
    assert!(found.iter().any(|c| c.0 == "modules"
        && c.1 == Severity::Compatible
        && c.2.contains("logic changed (relevant)")));
}

#[test]
fn the_default_coordinators_questionnaire_is_valid_and_bilingual() {
    let source = include_str!("../../../../server/questionnaires/veiligheidscoordinatoren.json");
    let def: Definition = serde_json::from_str(source).expect("definition parses");
    let problems: Vec<String> = validate(&def)
        .iter()
        .map(|p| p.message(crate::i18n::Lang::Nl))
        .collect();
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(def.sections.len(), 10, "the ten topic areas");
    for (_, item) in def.items() {
        assert!(
            !item.label.en.is_empty(),
            "{} has an English label",
            item.key
        );
    }
    let grid = def.item("incidenten").expect("incident grid");
    assert_eq!(
        grid.relevant.as_deref(),
        Some("${heeft_registratie} = 'ja'")
    );
}

#[test]
fn editor_edits_change_the_definition_as_intended() {
    use super::edit::*;
    let mut def = sample();
    let fields = ItemFields {
        label: Text::new("Is het plan geëvalueerd?", "Was the plan evaluated?"),
        relevant: "${heeft_registratie} = 'ja'".into(),
        ..ItemFields::default()
    };
    add_item(
        &mut def,
        "registratie",
        "evaluatie",
        new_kind("yes_no_dont_know", "").expect("kind"),
        &fields,
    )
    .expect("add");
    assert_eq!(validate(&def), vec![]);
    move_item(&mut def, "evaluatie", true).expect("move");
    let keys: Vec<&str> = def.items().map(|(_, i)| i.key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            "heeft_registratie",
            "aantallen",
            "uren",
            "evaluatie",
            "modules"
        ]
    );
    let options = "a | Optie A | Option A\nb | Optie B";
    let changed = ItemFields {
        label: Text::new("Modules", ""),
        options: options.into(),
        ..ItemFields::default()
    };
    update_item(&mut def, "modules", &changed).expect("update");
    let kind = &def.item("modules").expect("modules").kind;
    assert_eq!(format_options(options_of(kind).expect("options")), options);
    remove_item(&mut def, "evaluatie").expect("remove");
    assert!(def.item("evaluatie").is_none());
    let calculation = ItemFields {
        label: Text::new("Uren per jaar", "Hours a year"),
        calculation: "${uren} * 40".into(),
        ..ItemFields::default()
    };
    add_item(
        &mut def,
        "registratie",
        "uren_jaar",
        new_kind("calculated", "").expect("kind"),
        &calculation,
    )
    .expect("add a calculation");
    assert_eq!(
        def.item("uren_jaar").map(|i| &i.kind),
        Some(&ItemKind::Calculated {
            expression: "${uren} * 40".into()
        })
    );
    assert_eq!(validate(&def), vec![]);
    assert_eq!(
        parse_options("zonder label").err(),
        Some(EditError::BadOptionLine(1))
    );
    assert_eq!(
        remove_item(&mut def, "bestaat_niet").err(),
        Some(EditError::UnknownItem("bestaat_niet".into()))
    );
}

#[test]
fn renaming_and_recoding_in_the_editor_keep_versions_comparable() {
    use super::edit::*;
    let old = sample();
    let mut new = sample();
    rename_item(&mut new, "heeft_registratie", "registreert").expect("rename");
    assert_eq!(
        new.item("aantallen").and_then(|i| i.relevant.as_deref()),
        Some("${registreert} = 'ja'")
    );
    recode_option(&mut new, "modules", "cyber", "cyberveiligheid").expect("recode");
    rename_item(&mut new, "registreert", "registreert_incidenten").expect("rename again");
    assert_eq!(validate(&new), vec![]);
    assert_eq!(
        new.concordance
            .keys
            .get("heeft_registratie")
            .map(String::as_str),
        Some("registreert_incidenten")
    );
    let found = changes(&old, &new, &new.concordance);
    let texts: Vec<&str> = found.iter().map(|c| c.2.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "registreert_incidenten: renamed (was heeft_registratie); compare through the concordance",
            "aantallen: logic changed (relevant); who gets the question may differ",
            "modules: option code cyber → cyberveiligheid; recode earlier answers",
        ]
    );
    let json = serde_json::to_string(&new).expect("json");
    assert_eq!(
        serde_json::from_str::<Definition>(&json).expect("parse"),
        new,
        "the concordance travels with the version"
    );
}

#[test]
fn a_privacy_mark_is_stored_only_when_set_and_its_change_is_listed() {
    let old = sample();
    let json = serde_json::to_string(&old).expect("json");
    assert!(!json.contains("privacy"), "unmarked items store no mark");
    let mut new = old.clone();
    let key = new.sections[0].items[0].key.clone();
    let fields = edit::ItemFields {
        label: new.sections[0].items[0].label.clone(),
        required: "ja".into(),
        privacy: "special".into(),
        ..Default::default()
    };
    edit::update_item(&mut new, &key, &fields).expect("edit");
    assert_eq!(new.sections[0].items[0].privacy, Some(Privacy::Special));
    let stored: Definition =
        serde_json::from_str(&serde_json::to_string(&new).expect("json")).expect("parse");
    assert_eq!(stored, new, "the mark round-trips");
    let found = diff(&old, &new, &Concordance::default());
    let change = found
        .iter()
        .find(|c| matches!(c.kind, ChangeKind::PrivacyChanged { .. }))
        .expect("the mark's change");
    assert_eq!(
        change.severity,
        Severity::Compatible,
        "a mark added keeps more out of raw exports"
    );
    let back = diff(&new, &old, &Concordance::default());
    let removed = back
        .iter()
        .find(|c| matches!(c.kind, ChangeKind::PrivacyChanged { .. }))
        .expect("the mark's removal");
    assert_eq!(
        removed.severity,
        Severity::Breaking,
        "a mark taken away lets answers into raw exports"
    );
    assert_eq!(
        weakened_marks(&new, &old, &Concordance::default()),
        vec![key.clone()]
    );
    assert!(weakened_marks(&old, &new, &Concordance::default()).is_empty());
    // Renamed in the next version and unmarked there: the mark still holds for the old answers.
    let mut renamed = old.clone();
    renamed.sections[0].items[0].key = "nieuw".into();
    let concordance = Concordance {
        keys: BTreeMap::from([(key.clone(), "nieuw".to_owned())]),
        ..Default::default()
    };
    assert_eq!(
        weakened_marks(&new, &renamed, &concordance),
        vec!["nieuw".to_owned()]
    );
    keep_strictest_marks(&mut renamed, &new, &[&concordance]);
    assert_eq!(renamed.sections[0].items[0].privacy, Some(Privacy::Special));
    assert!(change
        .describe(crate::i18n::Lang::Nl)
        .contains("geen → special"));
    let wrong = edit::ItemFields {
        privacy: "geheim".into(),
        ..fields
    };
    assert_eq!(
        edit::update_item(&mut new, &key, &wrong),
        Err(edit::EditError::UnknownPrivacy("geheim".into()))
    );
}

#[test]
fn an_item_has_exactly_the_codes_it_lists() {
    let kinds = [
        ItemKind::Likert {
            points: 5,
            anchors: Vec::new(),
        },
        ItemKind::YesNoDontKnow,
        ItemKind::SingleChoice {
            options: vec![Choice {
                code: "vaak".into(),
                label: Text::new("Vaak", ""),
            }],
        },
        ItemKind::ShortText,
    ];
    let tried = [
        "1",
        "5",
        "6",
        "0",
        "01",
        "+1",
        " 1",
        "ja",
        "weet_niet",
        "Ja",
        "vaak",
        "",
    ];
    for kind in &kinds {
        let codes = kind.codes();
        for code in tried {
            assert_eq!(
                kind.has_code(code),
                codes.iter().any(|c| c == code),
                "{kind:?} {code:?}"
            );
        }
    }
}

#[test]
fn a_changed_calculation_breaks_its_series() {
    let mut old = sample();
    let calculation = |expression: &str| {
        let kind = ItemKind::Calculated {
            expression: expression.into(),
        };
        Item::new("uren_jaar", kind, Text::new("Uren per jaar", ""))
    };
    old.sections[0].items.push(calculation("${uren} * 40"));
    let mut new = old.clone();
    new.sections[0].items.pop();
    new.sections[0].items.push(calculation("${uren} * 52"));
    let changes = diff(&old, &new, &Concordance::default());
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].severity, Severity::Breaking);
    assert!(
        changes[0]
            .describe(crate::i18n::Lang::En)
            .contains("“${uren} * 40” → “${uren} * 52”"),
        "{}",
        changes[0].describe(crate::i18n::Lang::En)
    );
}
