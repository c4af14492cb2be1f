//! E-mail messages: the kinds the platform sends, their merge fields, and rendering a template
//! (subject, plain text, HTML) with them. Pure: the template editor's preview in the browser and
//! the outbox on the server render the same way.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

mod defaults;

/// What a mail is for. Each kind has its own template per language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MailKind {
    Invitation,
    Reminder,
    Receipt,
    PasswordLink,
    /// A personal link a coordinator asked for on the login page.
    PersonalLink,
}

impl MailKind {
    pub const ALL: [MailKind; 5] = [
        MailKind::Invitation,
        MailKind::Reminder,
        MailKind::Receipt,
        MailKind::PasswordLink,
        MailKind::PersonalLink,
    ];

    pub fn key(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::Reminder => "reminder",
            MailKind::Receipt => "receipt",
            MailKind::PasswordLink => "password_link",
            MailKind::PersonalLink => "personal_link",
        }
    }

    pub fn parse(key: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (MailKind::Invitation, Lang::Nl) => "Uitnodiging",
            (MailKind::Invitation, Lang::En) => "Invitation",
            (MailKind::Reminder, Lang::Nl) => "Herinnering",
            (MailKind::Reminder, Lang::En) => "Reminder",
            (MailKind::Receipt, Lang::Nl) => "Ontvangstbevestiging",
            (MailKind::Receipt, Lang::En) => "Submission receipt",
            (MailKind::PasswordLink, Lang::Nl) => "Link om een wachtwoord in te stellen",
            (MailKind::PasswordLink, Lang::En) => "Set-password link",
            (MailKind::PersonalLink, Lang::Nl) => "Gevraagde persoonlijke link",
            (MailKind::PersonalLink, Lang::En) => "Requested personal link",
        }
    }

    /// The merge fields a template of this kind may use.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            MailKind::Invitation | MailKind::Reminder | MailKind::PersonalLink => {
                &["naam", "instelling", "ronde", "link", "sluitingsdatum"]
            }
            MailKind::Receipt => &["naam", "instelling", "ronde", "link"],
            MailKind::PasswordLink => &["naam", "link", "geldig_tot"],
        }
    }

    /// The built-in template, used until an administrator changes it.
    pub fn default_template(self, lang: Lang) -> Template {
        defaults::template(self, lang)
    }
}

/// A message template: `{{field}}` is replaced by the merge field's value (HTML-escaped in the
/// HTML part).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A rendered message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The values of the merge fields.
pub type Fields = BTreeMap<&'static str, String>;

/// Which part of a template a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Part {
    Subject,
    Text,
    Html,
}

impl Part {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Part::Subject, Lang::Nl) => "onderwerp",
            (Part::Subject, Lang::En) => "subject",
            (Part::Text, Lang::Nl) => "tekst",
            (Part::Text, Lang::En) => "plain text",
            (Part::Html, _) => "HTML",
        }
    }
}

/// Why a template cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateProblem {
    Empty(Part),
    SubjectLines,
    Unclosed(Part),
    UnknownField { part: Part, name: String },
    MissingLink(Part),
}

impl TemplateProblem {
    pub fn message(&self, lang: Lang, kind: MailKind) -> String {
        let fields = kind
            .fields()
            .iter()
            .map(|f| format!("{{{{{f}}}}}"))
            .collect::<Vec<_>>()
            .join(", ");
        match (self, lang) {
            (TemplateProblem::Empty(p), Lang::Nl) => format!("Het {} is leeg.", p.label(lang)),
            (TemplateProblem::Empty(p), Lang::En) => format!("The {} is empty.", p.label(lang)),
            (TemplateProblem::SubjectLines, Lang::Nl) => {
                "Het onderwerp moet op één regel staan.".into()
            }
            (TemplateProblem::SubjectLines, Lang::En) => "The subject must be one line.".into(),
            (TemplateProblem::Unclosed(p), Lang::Nl) => format!(
                "In het {}: een veld dat met {{{{ begint, sluit niet af met }}}}.",
                p.label(lang)
            ),
            (TemplateProblem::Unclosed(p), Lang::En) => format!(
                "In the {}: a field opened with {{{{ is not closed with }}}}.",
                p.label(lang)
            ),
            (TemplateProblem::UnknownField { part, name }, Lang::Nl) => format!(
                "In het {}: onbekend veld {{{{{name}}}}}. Te gebruiken: {fields}.",
                part.label(lang)
            ),
            (TemplateProblem::UnknownField { part, name }, Lang::En) => format!(
                "In the {}: unknown field {{{{{name}}}}}. Available: {fields}.",
                part.label(lang)
            ),
            (TemplateProblem::MissingLink(p), Lang::Nl) => format!(
                "Het {} moet de persoonlijke link {{{{link}}}} bevatten.",
                p.label(lang)
            ),
            (TemplateProblem::MissingLink(p), Lang::En) => format!(
                "The {} must contain the personal link {{{{link}}}}.",
                p.label(lang)
            ),
        }
    }
}

/// The pieces of a template text: literal text and field names.
enum Piece<'a> {
    Literal(&'a str),
    Field(&'a str),
}

fn pieces(text: &str) -> Result<Vec<Piece<'_>>, ()> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push(Piece::Literal(&rest[..open]));
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or(())?;
        out.push(Piece::Field(after[..close].trim()));
        rest = &after[close + 2..];
    }
    out.push(Piece::Literal(rest));
    Ok(out)
}

/// Checks a template for a kind: every part filled, known fields only, the subject on one line,
/// and the personal link in both bodies where the mail is about a personal link.
pub fn check(kind: MailKind, template: &Template) -> Vec<TemplateProblem> {
    let mut problems = Vec::new();
    let parts = [
        (Part::Subject, &template.subject),
        (Part::Text, &template.text),
        (Part::Html, &template.html),
    ];
    for (part, text) in parts {
        if text.trim().is_empty() {
            problems.push(TemplateProblem::Empty(part));
            continue;
        }
        let Ok(found) = pieces(text) else {
            problems.push(TemplateProblem::Unclosed(part));
            continue;
        };
        let mut has_link = false;
        for piece in found {
            if let Piece::Field(name) = piece {
                if name == "link" {
                    has_link = true;
                }
                if !kind.fields().contains(&name) {
                    problems.push(TemplateProblem::UnknownField {
                        part,
                        name: name.to_owned(),
                    });
                }
            }
        }
        if part != Part::Subject && !has_link && kind.fields().contains(&"link") {
            problems.push(TemplateProblem::MissingLink(part));
        }
    }
    if template.subject.contains(['\n', '\r']) {
        problems.push(TemplateProblem::SubjectLines);
    }
    problems
}

fn fill(text: &str, fields: &Fields, escape: bool) -> String {
    let Ok(found) = pieces(text) else {
        return text.to_owned();
    };
    let mut out = String::with_capacity(text.len() + 64);
    for piece in found {
        match piece {
            Piece::Literal(s) => out.push_str(s),
            Piece::Field(name) => {
                let value = fields.get(name).map(String::as_str).unwrap_or("");
                if escape {
                    out.push_str(&escape_html(value));
                } else {
                    out.push_str(value);
                }
            }
        }
    }
    out
}

/// Renders a template with the given fields; unknown fields become empty (a checked template has
/// none). The subject is kept on one line.
pub fn render(template: &Template, fields: &Fields) -> Rendered {
    Rendered {
        subject: fill(&template.subject, fields, false)
            .replace(['\r', '\n'], " ")
            .trim()
            .to_owned(),
        text: fill(&template.text, fields, false),
        html: fill(&template.html, fields, true),
    }
}

/// Escapes the characters HTML gives a meaning.
pub fn escape_html(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Made-up values for a preview or a test mail.
pub fn example_fields(lang: Lang) -> Fields {
    let mut f = Fields::new();
    f.insert("naam", "Anna de Vries".into());
    f.insert(
        "instelling",
        match lang {
            Lang::Nl => "ROC Voorbeeld".into(),
            Lang::En => "ROC Example".into(),
        },
    );
    f.insert("ronde", "Monitor Integrale Veiligheid mbo 2026".into());
    f.insert("link", "https://miv.example.nl/r/voorbeeld".into());
    f.insert(
        "sluitingsdatum",
        match lang {
            Lang::Nl => "vrijdag 18 december 2026, 17:00".into(),
            Lang::En => "Friday 18 December 2026, 17:00".into(),
        },
    );
    f.insert("geldig_tot", "28-11-2026 12:00".into());
    f
}

#[cfg(test)]
mod tests;
