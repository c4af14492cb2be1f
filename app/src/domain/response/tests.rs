use chrono::NaiveDate;

use super::*;
use crate::domain::questionnaire::{Choice, Concordance, Constraint, Required, Section, Text};

fn item(key: &str, kind: ItemKind) -> Item {
    Item {
        required: Required::Always(true),
        ..Item::new(key, kind, Text::new(key, ""))
    }
}

fn choices(codes: &[&str]) -> Vec<Choice> {
    codes
        .iter()
        .map(|c| Choice {
            code: (*c).into(),
            label: Text::new(c, ""),
        })
        .collect()
}

/// Items with logic, a range, a constraint, a multiple choice and a grid (also used by the
/// backend's tests).
pub(crate) fn definition() -> Definition {
    let mut incidents = item("incidenten", ItemKind::YesNoDontKnow);
    incidents.required = Required::Always(true);
    let mut count = item(
        "aantal",
        ItemKind::Integer {
            min: Some(0),
            max: Some(500),
            unit: None,
        },
    );
    count.relevant = Some("${incidenten} = 'ja'".into());
    count.constraint = Some(Constraint {
        expression: ". != 13".into(),
        message: Text::new("Geen 13.", "No 13."),
    });
    let mut soorten = item(
        "soorten",
        ItemKind::MultipleChoice {
            options: choices(&["a", "b", "c"]),
        },
    );
    soorten.required = Required::No;
    let grid = item(
        "registratie",
        ItemKind::IncidentGrid {
            categories: choices(&["diefstal", "geweld"]),
        },
    );
    Definition {
        key: "test".into(),
        title: Text::new("Test", ""),
        sections: vec![Section {
            key: "s1".into(),
            title: Text::new("S1", ""),
            intro: None,
            relevant: None,
            items: vec![incidents, count, soorten, grid],
        }],
        concordance: Concordance::default(),
    }
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
}

#[test]
fn answers_are_normalised_or_refused_by_their_item() {
    let d = definition();
    assert_eq!(normalise(&d, "aantal", " 12 "), Ok(Some("12".into())));
    assert_eq!(
        normalise(&d, "aantal", "1,5"),
        Err(AnswerError::NotAWholeNumber)
    );
    assert_eq!(
        normalise(&d, "aantal", "veel"),
        Err(AnswerError::NotANumber)
    );
    assert_eq!(normalise(&d, "aantal", ""), Ok(None));
    assert_eq!(
        normalise(&d, "incidenten", "misschien"),
        Err(AnswerError::NotAnOption)
    );
    assert_eq!(normalise(&d, "soorten", "c a a"), Ok(Some("a c".into())));
    assert_eq!(
        normalise(&d, "soorten", "a z"),
        Err(AnswerError::NotAnOption)
    );
    assert_eq!(
        normalise(&d, "registratie.geweld", "3"),
        Ok(Some("3".into()))
    );
    assert_eq!(
        normalise(&d, "registratie.geweld", "-1"),
        Err(AnswerError::Negative)
    );
    assert_eq!(
        normalise(&d, "registratie", "3"),
        Err(AnswerError::UnknownKey)
    );
    assert_eq!(
        normalise(&d, "registratie.brand", "3"),
        Err(AnswerError::UnknownKey)
    );
    assert_eq!(
        normalise(&d, "bestaat_niet", "3"),
        Err(AnswerError::UnknownKey)
    );
}

#[test]
fn hidden_items_are_neither_counted_nor_required_nor_checked() {
    let d = definition();
    let e = evaluate(
        &d,
        &answers(&[("incidenten", "nee"), ("aantal", "13")]),
        today(),
    );
    assert!(!e.applicable.contains("aantal"));
    assert!(e.invalid.is_empty(), "{:?}", e.invalid);
    assert_eq!(e.missing, vec!["registratie".to_string()]);
    assert_eq!((e.answered, e.total), (1, 3));
}

#[test]
fn shown_items_are_required_ranged_and_constrained() {
    let d = definition();
    let e = evaluate(
        &d,
        &answers(&[
            ("incidenten", "ja"),
            ("aantal", "13"),
            ("registratie.diefstal", "1"),
        ]),
        today(),
    );
    assert!(e.applicable.contains("aantal"));
    assert_eq!(e.problem("aantal").map(|t| t.nl.as_str()), Some("Geen 13."));
    assert_eq!(
        e.missing,
        vec!["registratie".to_string()],
        "a required grid needs every row"
    );
    let e = evaluate(
        &d,
        &answers(&[("incidenten", "ja"), ("aantal", "501")]),
        today(),
    );
    assert!(e
        .problem("aantal")
        .is_some_and(|t| t.nl.contains("maximaal 500")));
    let e = evaluate(
        &d,
        &answers(&[
            ("incidenten", "ja"),
            ("aantal", "2"),
            ("registratie.diefstal", "1"),
            ("registratie.geweld", "0"),
        ]),
        today(),
    );
    assert!(e.complete());
    assert_eq!(e.percent(), 75);
}

#[test]
fn last_years_answers_follow_renamed_keys_and_recoded_options() {
    let d = definition();
    let mut first = Concordance::default();
    first.rename("incident", "incidenten");
    let mut second = Concordance::default();
    second.recode("soorten", "x", "c");
    let old = answers(&[
        ("incident", "ja"),
        ("soorten", "a x"),
        ("weg", "1"),
        ("aantal", "veel"),
    ]);
    let carried = carry_forward(&old, &[&first, &second], &d);
    assert_eq!(
        carried,
        answers(&[("incidenten", "ja"), ("soorten", "a c")])
    );
}

#[test]
fn calculations_are_worked_out_used_by_later_logic_and_never_given() {
    let mut def = definition();
    let mut share = item(
        "aandeel",
        ItemKind::Calculated {
            expression: "if(${aantal} > 0, round(count-selected(${soorten}) div ${aantal}, 2), '')"
                .into(),
        },
    );
    share.required = Required::No;
    let double = item(
        "dubbel",
        ItemKind::Calculated {
            expression: "${aantal} * 2".into(),
        },
    );
    let mut note = item("groot", ItemKind::Note);
    note.relevant = Some("${dubbel} > 100".into());
    def.sections[0].items.extend([share, double, note]);
    assert_eq!(crate::domain::questionnaire::validate(&def), vec![]);

    let given = [("incidenten", "ja"), ("aantal", "60"), ("soorten", "a b c")];
    let e = evaluate(&def, &answers(&given), today());
    assert_eq!(e.calculated.get("dubbel").map(String::as_str), Some("120"));
    assert_eq!(
        e.calculated.get("aandeel").map(String::as_str),
        Some("0.05")
    );
    assert!(
        e.applicable.contains("groot"),
        "later logic sees the calculation"
    );
    assert_eq!(e.total, 4, "calculations are not questions");
    let e = evaluate(
        &def,
        &answers(&[("incidenten", "nee"), ("aantal", "60")]),
        today(),
    );
    assert_eq!(
        e.calculated.get("dubbel"),
        None,
        "a hidden number doubles to nothing"
    );
    assert_eq!(e.calculated.get("aandeel"), None, "'' stores nothing");
    assert!(
        !e.applicable.contains("groot"),
        "the hidden answer counts as none"
    );

    assert_eq!(normalise(&def, "dubbel", "5"), Err(AnswerError::Calculated));
    assert_eq!(normalise(&def, "dubbel", ""), Err(AnswerError::Calculated));

    let mut broken = def.clone();
    broken.sections[0].items.push(item(
        "fout",
        ItemKind::Calculated {
            expression: "${later} + regex(1)".into(),
        },
    ));
    let problems: Vec<String> = crate::domain::questionnaire::validate(&broken)
        .iter()
        .map(|p| p.message(crate::i18n::Lang::En))
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("s1/fout.calculation: Unknown question"))
            && problems
                .iter()
                .any(|p| p.contains("Unknown function regex()")),
        "{problems:?}"
    );
}

#[test]
fn options_are_offered_under_their_conditions_and_a_withheld_one_is_invalid() {
    let mut def = definition();
    let mut county = item(
        "county",
        ItemKind::SingleChoice {
            options: choices(&["king", "pierce", "cameron"]),
        },
    );
    county.required = Required::No;
    county.choice_conditions = [
        ("pierce", "${incidenten} = 'ja'"),
        ("cameron", "${incidenten} = 'nee'"),
    ]
    .map(|(c, e)| (c.to_owned(), e.to_owned()))
    .into();
    def.sections[0].items.push(county);
    assert_eq!(crate::domain::questionnaire::validate(&def), vec![]);

    let e = evaluate(
        &def,
        &answers(&[("incidenten", "ja"), ("county", "pierce")]),
        today(),
    );
    assert!(e.offers("county", "pierce") && e.offers("county", "king"));
    assert!(!e.offers("county", "cameron"));
    assert!(e.problem("county").is_none());
    let e = evaluate(
        &def,
        &answers(&[("incidenten", "nee"), ("county", "pierce")]),
        today(),
    );
    assert_eq!(
        e.withheld_options.get("county"),
        Some(&vec!["pierce".to_owned()])
    );
    assert_eq!(
        e.problem("county").map(|m| m.nl.as_str()),
        Some("Kies een van de gegeven antwoorden."),
        "an answer no longer offered is reported"
    );

    let mut broken = def.clone();
    if let Some(last) = broken.sections[0].items.last_mut() {
        last.choice_conditions
            .insert("nergens".into(), "${later} = 1".into());
    }
    let problems: Vec<String> = crate::domain::questionnaire::validate(&broken)
        .iter()
        .map(|p| p.location.clone())
        .collect();
    assert_eq!(problems, vec!["s1/county.choice_conditions.nergens"]);
}

#[test]
fn times_and_dates_with_times_are_stored_as_one_form() {
    let mut def = definition();
    def.sections[0].items.push(item("om", ItemKind::Time));
    def.sections[0]
        .items
        .push(item("moment", ItemKind::DateTime));
    let ok = |key: &str, raw: &str| normalise(&def, key, raw).ok().flatten();
    assert_eq!(ok("om", "9:05").as_deref(), Some("09:05"));
    assert_eq!(ok("om", "21:30:59").as_deref(), Some("21:30"));
    assert_eq!(normalise(&def, "om", "25:00"), Err(AnswerError::NotATime));
    assert_eq!(
        ok("moment", "2026-03-01T09:30").as_deref(),
        Some("2026-03-01T09:30")
    );
    assert_eq!(
        ok("moment", "2026-03-01 09:30:15").as_deref(),
        Some("2026-03-01T09:30")
    );
    assert_eq!(
        normalise(&def, "moment", "1 maart"),
        Err(AnswerError::NotADateTime)
    );
}

#[test]
fn a_label_shows_the_answers_and_calculations_it_names() {
    let mut def = definition();
    def.sections[0].items.push(item(
        "dubbel",
        ItemKind::Calculated {
            expression: "${aantal} * 2".into(),
        },
    ));
    let given = answers(&[("incidenten", "ja"), ("aantal", "21"), ("soorten", "a c")]);
    let e = evaluate(&def, &given, today());
    let lang = crate::i18n::Lang::Nl;
    assert_eq!(
        fill(
            "${aantal} keer (dubbel: ${dubbel}); soorten ${soorten}; ${onbekend}.",
            &def,
            &given,
            &e,
            lang
        ),
        "21 keer (dubbel: 42); soorten a, c; ."
    );
    let hidden = answers(&[("incidenten", "nee"), ("aantal", "21")]);
    let e = evaluate(&def, &hidden, today());
    assert_eq!(
        fill("[${aantal}] ${", &def, &hidden, &e, lang),
        "[] ${",
        "a hidden answer shows nothing"
    );
}
