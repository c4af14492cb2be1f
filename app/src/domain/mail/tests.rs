use super::*;

#[test]
fn every_built_in_template_passes_its_own_check() {
    for kind in MailKind::ALL {
        for lang in [Lang::Nl, Lang::En] {
            let problems = check(kind, &kind.default_template(lang));
            assert!(problems.is_empty(), "{kind:?} {lang:?}: {problems:?}");
        }
    }
}

#[test]
fn fields_are_filled_and_escaped_only_in_html() {
    let template = Template {
        subject: "Voor {{ instelling }}".into(),
        text: "Beste {{naam}}, {{link}}".into(),
        html: "<p>Beste {{naam}}</p><a href=\"{{link}}\">x</a>".into(),
    };
    let mut fields = Fields::new();
    fields.insert("naam", "Jan <de> \"Boer\" & zn".into());
    fields.insert("instelling", "ROC A\nB".into());
    fields.insert("link", "https://x.nl/r/a?b=1&c=2".into());
    let out = render(&template, &fields);
    assert_eq!(out.subject, "Voor ROC A B");
    assert_eq!(
        out.text,
        "Beste Jan <de> \"Boer\" & zn, https://x.nl/r/a?b=1&c=2"
    );
    assert_eq!(
        out.html,
        "<p>Beste Jan &lt;de&gt; &quot;Boer&quot; &amp; zn</p><a href=\"https://x.nl/r/a?b=1&amp;c=2\">x</a>"
    );
}

#[test]
fn problems_name_the_part_and_the_field() {
    let template = Template {
        subject: "Hallo {{voornaam}}".into(),
        text: "Beste {{naam}, tot ziens".into(),
        html: "<p>{{naam}}</p>".into(),
    };
    let problems = check(MailKind::Invitation, &template);
    assert_eq!(
        problems,
        vec![
            TemplateProblem::UnknownField {
                part: Part::Subject,
                name: "voornaam".into()
            },
            TemplateProblem::Unclosed(Part::Text),
            TemplateProblem::MissingLink(Part::Html),
        ]
    );
    assert_eq!(
        problems[0].message(Lang::Nl, MailKind::Invitation),
        "In het onderwerp: onbekend veld {{voornaam}}. Te gebruiken: {{naam}}, {{instelling}}, \
         {{ronde}}, {{link}}, {{sluitingsdatum}}."
    );
    let receipt_without_deadline = Template {
        subject: "{{sluitingsdatum}}".into(),
        text: "{{link}}".into(),
        html: String::new(),
    };
    assert_eq!(
        check(MailKind::Receipt, &receipt_without_deadline),
        vec![
            TemplateProblem::UnknownField {
                part: Part::Subject,
                name: "sluitingsdatum".into()
            },
            TemplateProblem::Empty(Part::Html),
        ]
    );
}

#[test]
fn a_subject_stays_on_one_line() {
    let mut template = MailKind::Reminder.default_template(Lang::En);
    template.subject = "Reminder\nBcc: someone@example.org".into();
    assert!(check(MailKind::Reminder, &template).contains(&TemplateProblem::SubjectLines));
}

#[test]
fn kinds_round_trip_through_their_keys() {
    for kind in MailKind::ALL {
        assert_eq!(MailKind::parse(kind.key()), Some(kind));
    }
    assert_eq!(MailKind::parse("newsletter"), None);
}

/// Every built-in message as it is sent, with made-up values: a change to a template shows up in
/// review as a changed snapshot.
#[test]
fn rendered_messages_match_their_snapshots() {
    for kind in MailKind::ALL {
        for lang in [Lang::Nl, Lang::En] {
            let out = render(&kind.default_template(lang), &example_fields(lang));
            insta::assert_snapshot!(
                format!("{}_{}", kind.key(), lang.code()),
                format!(
                    "Subject: {}\n\n--- text ---\n{}\n--- html ---\n{}",
                    out.subject, out.text, out.html
                )
            );
        }
    }
}
