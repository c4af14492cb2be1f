//! The contract between a survey section's page (`ui::survey`), the survey module that runs on it
//! (`frontend`, feature `survey`) and the form's handler (`POST /vragenlijst/<id>/deel/<section>`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The id of the `<script type="application/json">` element that holds [`SurveyConfig`].
pub const CONFIG_ID: &str = "miv-survey";
/// The name of an answer's control is this prefix and the answer key (`a:<key>`).
pub const ANSWER: &str = "a:";
/// The hidden field with the revision the page shows (`r:<key>`).
pub const REVISION: &str = "r:";
/// The hidden field with the saved value (`o:<key>`): a form post sends only what differs.
pub const SAVED: &str = "o:";

/// A section form as posted: the answers (a multiple choice's codes joined by spaces), the
/// revisions and saved values the page was rendered with, where to go next, and which
/// answers from last year are confirmed unchanged (`confirm`: one item; `confirm_all`).
#[derive(Debug, Default)]
pub struct SectionPost {
    pub answers: BTreeMap<String, String>,
    pub revisions: BTreeMap<String, i32>,
    pub saved: BTreeMap<String, String>,
    pub go: Option<String>,
    pub confirm: Option<String>,
    pub confirm_all: bool,
}

impl SectionPost {
    pub fn read(fields: impl IntoIterator<Item = (String, String)>) -> SectionPost {
        let mut post = SectionPost::default();
        for (name, value) in fields {
            if let Some(k) = name.strip_prefix(ANSWER) {
                let entry = post.answers.entry(k.to_owned()).or_default();
                if !entry.is_empty() {
                    entry.push(' ');
                }
                entry.push_str(&value);
            } else if let Some(k) = name.strip_prefix(REVISION) {
                post.revisions
                    .insert(k.to_owned(), value.parse().unwrap_or(0));
            } else if let Some(k) = name.strip_prefix(SAVED) {
                post.saved.insert(k.to_owned(), value);
            } else if name == "go" {
                post.go = Some(value);
            } else if name == "confirm" {
                post.confirm = Some(value);
            } else if name == "confirm_all" {
                post.confirm_all = true;
            }
        }
        post
    }

    /// Where to go after the post: `go` when it is a page of this response, else `here`.
    pub fn next(&self, response: i32, here: &str) -> String {
        self.go
            .clone()
            .filter(|g| g.starts_with(&format!("/vragenlijst/{response}/")) && !g.contains("//"))
            .unwrap_or_else(|| here.to_owned())
    }
}

/// What the page embeds for the survey module: the page serialises it with borrowed
/// definition and answers, the module reads it into owned ones.
#[derive(Serialize, Deserialize)]
pub struct SurveyConfig<D, A> {
    pub response: i32,
    pub section: String,
    pub today: NaiveDate,
    pub editable: bool,
    pub lang: String,
    pub definition: D,
    pub answers: A,
}
