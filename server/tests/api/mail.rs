//! Invitations and reminders against a real SMTP server process (aiosmtpd, started per test on
//! loopback): recipients, headers, both languages, the link opening the right response, a
//! permanent refusal marking one recipient bounced while the rest go out, reminders only to
//! institutions that have not submitted, and a SIGKILL while 2,000 invitations are being sent.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use app::backend::audit::Actor;
use app::backend::entities::{outbox, user};
use app::backend::mail::invitations::{self, Audience, Site};
use app::backend::rounds;
use app::domain::Role;
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::both;
use crate::helpers::{
    client, default_definition, open_round, publish, spawn_app_with, Backend, TestApp,
};
use app::backend::entities::user_institution;

/// An SMTP server process writing what it receives into a folder.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A received message as the SMTP server decoded it.
pub struct Received {
    pub to: Vec<String>,
    pub headers: HashMap<String, String>,
    pub content_type: String,
    pub text: String,
    pub html: String,
    /// Attached files: name, content type and where the server wrote them, decoded.
    pub attachments: Vec<(String, String, PathBuf)>,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(&name.to_lowercase())
            .cloned()
            .unwrap_or_default()
    }

    /// The personal link in the plain-text part.
    pub fn link(&self) -> Option<String> {
        self.text
            .split_whitespace()
            .find(|w| w.starts_with("http") && w.contains("/r/"))
            .map(str::to_owned)
    }
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let python = std::env::var("MIV_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let dir = std::env::temp_dir().join(format!("miv-smtp-{}", uuid::Uuid::new_v4().simple()));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/server.py");
        let mut child = Command::new(&python)
            .arg(script)
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP test server (python3 with aiosmtpd; see .ci/setup.sh)");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)
            .expect("SMTP server port");
        let port = line.trim().parse().unwrap_or_else(|_| {
            panic!("the SMTP test server did not start (is aiosmtpd installed for {python}?)")
        });
        SmtpServer { child, port, dir }
    }

    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        names.retain(|p| p.extension().is_some_and(|e| e == "json"));
        names.sort();
        names
            .into_iter()
            .filter_map(|path| {
                let v: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
                let text = |key: &str| v[key].as_str().unwrap_or_default().to_owned();
                Some(Received {
                    to: v["to"]
                        .as_array()?
                        .iter()
                        .filter_map(|t| t.as_str().map(str::to_owned))
                        .collect(),
                    headers: v["headers"]
                        .as_object()?
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                        .collect(),
                    content_type: text("content_type"),
                    text: text("text"),
                    html: text("html"),
                    attachments: v["attachments"]
                        .as_array()
                        .map(|all| {
                            all.iter()
                                .map(|a| {
                                    let field =
                                        |k: &str| a[k].as_str().unwrap_or_default().to_owned();
                                    (field("name"), field("type"), PathBuf::from(field("path")))
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
            })
            .collect()
    }
}

async fn spawn_with_smtp(backend: Backend, smtp: &SmtpServer) -> TestApp {
    spawn_with_smtp_port(backend, smtp.port, |c| c.mail_lease_secs = 2).await
}

/// The app sending through the SMTP server on `port` (plain, 500 mails/s), with `change` on top.
async fn spawn_with_smtp_port(
    backend: Backend,
    port: u16,
    change: impl FnOnce(&mut server::config::Config),
) -> TestApp {
    spawn_app_with(backend, move |c| {
        c.mail_backend = "smtp".into();
        c.smtp_host = "127.0.0.1".into();
        c.smtp_port = port;
        c.smtp_security = "none".into();
        c.mail_per_second = 500;
        change(c);
    })
    .await
}

/// A round of the default questionnaire for `codes`.
async fn default_round(app: &TestApp, codes: &[&str]) -> i32 {
    let version = publish(app, &default_definition(), None).await;
    open_round(app, version, 2026, codes).await
}

async fn set_language(app: &TestApp, id: i32, lang: &str) {
    user::Entity::update(user::ActiveModel {
        id: Set(id),
        language: Set(lang.into()),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .expect("language");
}

/// How links and Message-IDs are made in these tests.
fn site_of(app: &TestApp) -> Site {
    Site {
        base_url: app.address.clone(),
        mail_domain: "miv.test".into(),
    }
}

/// Queues invitations to every contact of the round not yet invited.
async fn invite_all(app: &TestApp, round: i32) {
    invitations::invite(
        &app.db,
        &site_of(app),
        &Actor::cli(),
        round,
        Audience::NotYetInvited,
    )
    .await
    .expect("invite");
}

/// Marks the response of institution `code` in the round as submitted.
async fn mark_submitted(app: &TestApp, round: i32, code: &str) {
    use app::backend::entities::response;
    let id = app.response_of(round, code).await;
    response::Entity::update_many()
        .col_expr(
            response::Column::Status,
            sea_orm::sea_query::Expr::value("submitted"),
        )
        .filter(response::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .expect("submit");
}

/// Waits until the outbox has nothing queued or being sent.
async fn drained(app: &TestApp, seconds: u64) -> Vec<outbox::Model> {
    for _ in 0..seconds * 10 {
        let rows = outbox::Entity::find().all(&app.db).await.expect("outbox");
        if rows
            .iter()
            .all(|r| r.status != "queued" && r.status != "sending")
        {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the outbox was not delivered in {seconds} s");
}

async fn invitations_reach_a_real_smtp_server(backend: Backend) {
    let smtp = SmtpServer::start();
    let app = spawn_with_smtp(backend, &smtp).await;
    app.load_demo_register().await;
    let round = default_round(&app, &["25PX", "27GH"]).await;
    let anna = app
        .create_user("anna@roc-a.nl", Role::Coordinator, &["25PX"])
        .await;
    let bob = app
        .create_user("bob@roc-b.nl", Role::Coordinator, &["27GH"])
        .await;
    let gone = app
        .create_user("bounce@roc-b.nl", Role::Coordinator, &["27GH"])
        .await;
    set_language(&app, bob, "en").await;
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;

    let sent = app
        .call(
            &admin,
            "send_invitations",
            &[("round_id", &round.to_string())],
        )
        .await;
    assert_eq!(sent.status(), 200);
    let sent: serde_json::Value = sent.json().await.expect("json");
    assert_eq!(sent["mails"], 3);
    let rows = drained(&app, 20).await;
    let status: HashMap<i32, &str> = rows
        .iter()
        .map(|r| (r.user_id.unwrap_or(0), r.status.as_str()))
        .collect();
    assert_eq!(status[&anna], "sent");
    assert_eq!(status[&bob], "sent");
    assert_eq!(status[&gone], "bounced");
    let bounced = rows.iter().find(|r| r.user_id == Some(gone)).expect("row");
    assert!(
        bounced
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("User unknown"),
        "the server's reply is kept: {:?}",
        bounced.last_error
    );
    assert!(
        rows.iter().all(|r| r.body_text.is_none()),
        "links are not kept after sending"
    );

    let received = smtp.received();
    assert_eq!(received.len(), 2, "the bounced recipient got nothing");
    let by_to: BTreeMap<String, &Received> = received.iter().map(|m| (m.to.join(","), m)).collect();
    let to_anna = by_to["anna@roc-a.nl"];
    let to_bob = by_to["bob@roc-b.nl"];
    assert!(to_anna
        .header("Subject")
        .starts_with("Uitnodiging: Monitor 2026 voor "));
    assert!(to_bob
        .header("Subject")
        .starts_with("Invitation: Monitor 2026 for "));
    assert!(to_anna.text.starts_with("Beste Test anna@roc-a.nl,"));
    assert!(
        to_anna.text.contains("vóór"),
        "accented text arrives intact"
    );
    assert!(to_bob.text.starts_with("Dear Test bob@roc-b.nl,"));
    assert!(to_bob.html.contains("<html lang=\"en\">"));
    assert!(to_anna.html.contains("<html lang=\"nl\">"));
    assert!(to_anna.header("From").contains("noreply@miv-mbo.localhost"));
    assert_eq!(to_anna.header("To"), "anna@roc-a.nl");
    let anna_row = rows.iter().find(|r| r.user_id == Some(anna)).expect("row");
    assert_eq!(to_anna.header("Message-ID"), anna_row.message_id);
    assert_eq!(to_anna.content_type, "multipart/alternative");

    // The link opens Anna's institution's response, and the status follows.
    let link = to_anna.link().expect("link in the mail");
    let coordinator = client();
    let page = coordinator.get(&link).send().await.expect("open link");
    assert_eq!(page.status(), 200, "a page whose button opens the session");
    let opened = coordinator
        .post(&link)
        .send()
        .await
        .expect("press its button");
    assert_eq!(opened.status(), 303);
    let response = rounds::participants(&app.db, round)
        .await
        .expect("participants")
        .into_iter()
        .find(|p| p.institution.code == "25PX")
        .expect("25PX")
        .response
        .id;
    let target = opened.headers()["location"]
        .to_str()
        .unwrap_or("")
        .to_owned();
    assert!(
        target.starts_with(&format!("/vragenlijst/{response}")),
        "{target}"
    );
    let statuses = invitations::statuses(&app.db, round)
        .await
        .expect("statuses");
    let stage = |id: i32| {
        statuses
            .iter()
            .find(|s| s.contact.user_id == id)
            .map(|s| s.stage())
            .expect("listed")
    };
    assert_eq!(stage(anna), "opened");
    assert_eq!(stage(bob), "sent");
    assert_eq!(stage(gone), "bounced");

    // Sending again only reaches whoever was not invited yet: nobody.
    let again: serde_json::Value = app
        .call(
            &admin,
            "send_invitations",
            &[("round_id", &round.to_string())],
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again["mails"], 0);
}
both!(invitations_reach_a_real_smtp_server, backend);

/// The text of a PDF as `pdftotext` reads it, whitespace collapsed; and whether `qpdf --check`
/// passes.
fn pdf_text(path: &Path) -> (String, bool) {
    let text = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; see .ci/setup.sh)");
    let checked = Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .expect("qpdf (see .ci/setup.sh)");
    let text = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (text, checked.status.success())
}

async fn the_receipt_carries_the_submitted_copy_as_a_pdf(backend: Backend) {
    let smtp = SmtpServer::start();
    let app = spawn_with_smtp(backend, &smtp).await;
    app.load_demo_register().await;
    let round = default_round(&app, &["25PX"]).await;
    let c = app
        .logged_in("kopie@roc.nl", Role::Coordinator, &["25PX"])
        .await;
    let id = app.response_of(round, "25PX").await;
    crate::rounds::complete(&app, &c, id, 3).await;
    let submitted = app
        .call(&c, "submit_response", &[("id", &id.to_string())])
        .await;
    assert_eq!(submitted.status(), 200);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let receipt = loop {
        let found = smtp
            .received()
            .into_iter()
            .find(|m| m.to.iter().any(|t| t == "kopie@roc.nl"));
        if let Some(m) = found {
            break m;
        }
        assert!(std::time::Instant::now() < deadline, "no receipt arrived");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let (name, kind, path) = receipt.attachments.first().expect("an attachment").clone();
    assert_eq!(kind, "application/pdf");
    assert_eq!(name, "vragenlijst-25PX-2026.pdf");
    let (text, valid) = pdf_text(&path);
    assert!(valid, "qpdf --check passes");
    let def = default_definition();
    let answers = server::seed::made_up_answers(&def, 3);
    assert!(!answers.is_empty());
    for expected in [
        "ROC Midden-Voorbeeld",
        "25PX",
        "Ingediende antwoorden",
        "Ingediend door",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    assert!(text.contains("Monitor 2026"), "the round in {text}");
    for change in &answers {
        let shown =
            app::domain::response::display(&def, &change.key, &change.value, app::i18n::Lang::Nl);
        let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.contains(&shown),
            "answer {} = {shown:?} in the copy",
            change.key
        );
    }
    let copy = c
        .get(app.url(&format!("/vragenlijst/{id}/kopie.pdf?taal=en&blanco=1")))
        .send()
        .await
        .expect("blank copy");
    assert_eq!(copy.status(), 200);
    assert_eq!(copy.headers()["content-type"], "application/pdf");
    let blank =
        std::env::temp_dir().join(format!("miv-blank-{}.pdf", uuid::Uuid::new_v4().simple()));
    std::fs::write(&blank, copy.bytes().await.expect("bytes")).expect("write");
    let (text, valid) = pdf_text(&blank);
    let _ = std::fs::remove_file(&blank);
    assert!(
        valid && text.contains("Blank copy") && text.contains("Only if:"),
        "{text}"
    );
    let sheet = c
        .get(app.url("/instellingen/25PX/feitenblad.pdf"))
        .send()
        .await
        .expect("fact sheet");
    assert_eq!(sheet.status(), 200);
    let other = c
        .get(app.url("/instellingen/27GH/feitenblad.pdf"))
        .send()
        .await
        .expect("other fact sheet");
    assert_eq!(other.status(), 403, "another institution's fact sheet");
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"export.copy".to_owned()),
        "the copy is logged"
    );
    assert!(
        actions.contains(&"export.fact_sheet".to_owned()),
        "the fact sheet is logged"
    );
}
both!(the_receipt_carries_the_submitted_copy_as_a_pdf, backend);

async fn reminders_skip_submitted_institutions_and_respect_the_maximum(backend: Backend) {
    let smtp = SmtpServer::start();
    let app = spawn_with_smtp(backend, &smtp).await;
    app.load_demo_register().await;
    let round = default_round(&app, &["25PX", "27GH"]).await;
    app.create_user("anna@roc-a.nl", Role::Coordinator, &["25PX"])
        .await;
    app.create_user("bob@roc-b.nl", Role::Coordinator, &["27GH"])
        .await;
    // 27GH has submitted.
    mark_submitted(&app, round, "27GH").await;
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let set = app
        .call(
            &admin,
            "set_reminders",
            &[
                ("round_id", &round.to_string()),
                ("days", "7,2"),
                ("max", "1"),
            ],
        )
        .await;
    assert_eq!(set.status(), 200);
    let bad = app
        .call(
            &admin,
            "set_reminders",
            &[
                ("round_id", &round.to_string()),
                ("days", "zeven"),
                ("max", "1"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    for expected in [1, 0] {
        let r: serde_json::Value = app
            .call(
                &admin,
                "send_reminders",
                &[("round_id", &round.to_string())],
            )
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(r["mails"], expected, "max one reminder per contact");
    }
    drained(&app, 20).await;
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, vec!["anna@roc-a.nl".to_owned()]);
    assert!(received[0].header("Subject").starts_with("Herinnering"));
}
both!(
    reminders_skip_submitted_institutions_and_respect_the_maximum,
    backend
);

/// Scheduled reminders: none before invitations went out, each configured day before closing
/// once (however often the schedule runs), only to institutions that have not submitted.
async fn scheduled_reminders_fire_once_per_day_before_closing(backend: Backend) {
    use app::backend::entities::round;
    use sea_orm::sea_query::Expr;
    let app = crate::helpers::spawn_app(backend).await;
    app.load_demo_register().await;
    let round_id = default_round(&app, &["25PX", "27GH"]).await;
    let anna = app
        .create_user("anna@roc-a.nl", Role::Coordinator, &["25PX"])
        .await;
    app.create_user("bob@roc-b.nl", Role::Coordinator, &["27GH"])
        .await;
    let closes = round::Entity::find_by_id(round_id)
        .one(&app.db)
        .await
        .expect("round")
        .expect("round")
        .closes_at;
    round::Entity::update_many()
        .col_expr(round::Column::ReminderDays, Expr::value("7,2"))
        .col_expr(round::Column::MaxReminders, Expr::value(5))
        .filter(round::Column::Id.eq(round_id))
        .exec(&app.db)
        .await
        .expect("schedule");
    mark_submitted(&app, round_id, "27GH").await;
    let site = site_of(&app);
    let days_before = |d: i64| closes - chrono::Duration::days(d) + chrono::Duration::hours(1);
    let schedule = |at| {
        let (db, site) = (app.db.clone(), site.clone());
        async move {
            invitations::run_schedule(&db, &site, at)
                .await
                .expect("schedule")
        }
    };
    assert_eq!(
        schedule(days_before(2)).await,
        0,
        "nothing before invitations"
    );
    invite_all(&app, round_id).await;
    assert_eq!(schedule(days_before(10)).await, 0, "not yet due");
    assert_eq!(
        schedule(days_before(7)).await,
        1,
        "7 days before: anna only"
    );
    assert_eq!(schedule(days_before(7)).await, 0, "once");
    assert_eq!(schedule(days_before(6)).await, 0, "still once");
    assert_eq!(schedule(days_before(2)).await, 1, "2 days before");
    assert_eq!(schedule(days_before(1)).await, 0, "once");
    let reminders: Vec<outbox::Model> = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("reminder"))
        .all(&app.db)
        .await
        .expect("outbox");
    assert_eq!(reminders.len(), 2);
    assert!(reminders.iter().all(|r| r.user_id == Some(anna)));
}
both!(
    scheduled_reminders_fire_once_per_day_before_closing,
    backend
);

/// A temporary refusal (451) is retried after the configured delay, doubling; once the attempts
/// run out the mail is marked failed with the server's reply, and the other mails go out.
async fn temporary_failures_are_retried_with_backoff(backend: Backend) {
    for (attempts, expected) in [(3, "sent"), (2, "failed")] {
        let smtp = SmtpServer::start();
        let app = spawn_with_smtp_port(backend, smtp.port, move |c| {
            c.mail_retry_secs = 1;
            c.mail_max_attempts = attempts;
        })
        .await;
        app.load_demo_register().await;
        let round = default_round(&app, &["25PX"]).await;
        let anna = app
            .create_user("anna@roc-a.nl", Role::Coordinator, &["25PX"])
            .await;
        let slow = app
            .create_user("tempfail@roc-a.nl", Role::Coordinator, &["25PX"])
            .await;
        invite_all(&app, round).await;
        let rows = drained(&app, 30).await;
        let row = |user| rows.iter().find(|r| r.user_id == Some(user)).expect("row");
        assert_eq!((row(anna).status.as_str(), row(anna).attempts), ("sent", 1));
        let retried = row(slow);
        assert_eq!(retried.status, expected, "{retried:?}");
        assert_eq!(retried.attempts, attempts);
        assert!(
            retried.body_text.is_none(),
            "bodies go once the mail is done"
        );
        if expected == "sent" {
            // Waited 1 s after the first refusal and 2 s after the second.
            let waited = retried.sent_at.expect("sent at") - retried.created_at;
            assert!(waited >= chrono::Duration::seconds(3), "{waited}");
            let to: Vec<Vec<String>> = smtp.received().into_iter().map(|m| m.to).collect();
            assert!(to.contains(&vec!["tempfail@roc-a.nl".to_owned()]));
        } else {
            let reply = retried.last_error.as_deref().unwrap_or("");
            assert!(reply.contains("451"), "the server's reply is kept: {reply}");
        }
    }
}
both!(temporary_failures_are_retried_with_backoff, backend);

/// A kept SMTP connection that the server closed is not a failed mail: it is sent at once on a
/// new connection (one attempt each).
async fn a_closed_smtp_connection_is_replaced(backend: Backend) {
    let (port, accepted) = crate::sink::start(true).await.expect("sink");
    let app = spawn_with_smtp_port(backend, port, |c| c.mail_concurrency = 1).await;
    app.load_demo_register().await;
    let round = default_round(&app, &["25PX"]).await;
    for name in ["anna", "bert", "carla"] {
        app.create_user(&format!("{name}@roc-a.nl"), Role::Coordinator, &["25PX"])
            .await;
    }
    invite_all(&app, round).await;
    let rows = drained(&app, 20).await;
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!((row.status.as_str(), row.attempts), ("sent", 1), "{row:?}");
    }
    assert_eq!(accepted.load(std::sync::atomic::Ordering::Relaxed), 3);
}
both!(a_closed_smtp_connection_is_replaced, backend);

/// Queued reminders of an institution are cancelled the moment it submits.
async fn submitting_cancels_queued_reminders(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    app.load_demo_register().await;
    let round = default_round(&app, &["25PX"]).await;
    app.create_user("anna@roc-a.nl", Role::Coordinator, &["25PX"])
        .await;
    let site = site_of(&app);
    // Queue directly: the in-memory worker might deliver before the submit otherwise.
    let queued = invitations::remind(&app.db, &site, None, round, None)
        .await
        .expect("remind");
    assert_eq!(queued.mails, 1);
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::NextAttemptAt,
            sea_orm::sea_query::Expr::value(Utc::now() + chrono::Duration::hours(1)),
        )
        .exec(&app.db)
        .await
        .expect("hold");
    let inst = rounds::participants(&app.db, round).await.expect("p")[0]
        .institution
        .id;
    let cancelled = app::backend::mail::outbox::cancel_reminders(&app.db, round, inst)
        .await
        .expect("cancel");
    assert_eq!(cancelled, 1);
    let row = outbox::Entity::find()
        .one(&app.db)
        .await
        .expect("row")
        .expect("row");
    assert_eq!(row.status, "cancelled");
    assert!(row.body_text.is_none());
}
both!(submitting_cancels_queued_reminders, backend);

/// The server process is killed while it sends 2,000 invitations; after a restart every
/// recipient has the invitation, and a mail that went out twice is the very same message (one
/// Message-ID), which mail programs show once.
async fn no_invitation_is_lost_across_a_crash(backend: Backend) {
    use app::backend::db;
    let smtp = SmtpServer::start();
    let database_url = crate::helpers::fresh_database(backend).await;
    let conn = db::connect(&database_url).await.expect("connect");
    db::migrate(&conn).await.expect("migrate");
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/demo/institutions.csv"
    ))
    .expect("demo register");
    app::backend::register_import::import(&conn, &Actor::cli(), "demo.csv", &bytes)
        .await
        .expect("register");
    let app = TestApp {
        address: String::new(),
        db: conn.clone(),
        database_url: database_url.clone(),
        mail: None,
    };
    let round = default_round(&app, &["25PX"]).await;
    let inst = rounds::participants(&conn, round).await.expect("p")[0]
        .institution
        .id;
    let total = 2000usize;
    let new_users: Vec<user::ActiveModel> = (0..total)
        .map(|n| user::ActiveModel {
            email: Set(format!("coordinator{n:04}@roc-a.nl")),
            display_name: Set(format!("Coördinator {n}")),
            role: Set("coordinator".into()),
            password_hash: Set(None),
            active: Set(true),
            created_at: Set(Utc::now()),
            language: Set(if n % 2 == 0 { "nl" } else { "en" }.into()),
            ..Default::default()
        })
        .collect();
    for chunk in new_users.chunks(200) {
        user::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&conn)
            .await
            .expect("users");
    }
    let bindings: Vec<user_institution::ActiveModel> = user::Entity::find()
        .filter(user::Column::Email.like("coordinator%"))
        .all(&conn)
        .await
        .expect("users")
        .into_iter()
        .map(|u| user_institution::ActiveModel {
            user_id: Set(u.id),
            institution_id: Set(inst),
        })
        .collect();
    for chunk in bindings.chunks(200) {
        user_institution::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&conn)
            .await
            .expect("bindings");
    }
    let site = Site {
        base_url: "http://127.0.0.1:1".into(),
        mail_domain: "miv.test".into(),
    };
    let queued = invitations::invite(&conn, &site, &Actor::cli(), round, Audience::NotYetInvited)
        .await
        .expect("queue");
    assert_eq!(queued.mails, total);

    let start = || {
        Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("serve")
            .env("DATABASE_URL", &database_url)
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "error")
            .env("MIV_MAIL_BACKEND", "smtp")
            .env("MIV_SMTP_HOST", "127.0.0.1")
            .env("MIV_SMTP_PORT", smtp.port.to_string())
            .env("MIV_SMTP_SECURITY", "none")
            .env("MIV_MAIL_PER_SECOND", "400")
            .env("MIV_MAIL_LEASE_SECS", "2")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server binary")
    };
    let mut server = start();
    let mut waited = 0;
    while smtp.received().len() < total / 3 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += 1;
        assert!(waited < 3000, "sending did not start");
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    let at_kill = smtp.received().len();
    assert!(
        at_kill < total,
        "killed mid-way ({at_kill} of {total} received)"
    );

    let mut server = start();
    let rows = drained(&app, 60).await;
    server.kill().ok();
    server.wait().ok();
    assert!(rows.iter().all(|r| r.status == "sent"), "every mail sent");

    let received = smtp.received();
    let mut per_recipient: HashMap<String, Vec<String>> = HashMap::new();
    for m in &received {
        per_recipient
            .entry(m.to.join(","))
            .or_default()
            .push(m.header("Message-ID"));
    }
    assert_eq!(
        per_recipient.len(),
        total,
        "every recipient received the invitation"
    );
    let expected: HashMap<String, String> = rows
        .iter()
        .map(|r| (r.recipient.clone(), r.message_id.clone()))
        .collect();
    let mut repeated = 0;
    for (to, ids) in &per_recipient {
        assert!(
            ids.iter().all(|id| *id == expected[to]),
            "{to} got one message"
        );
        repeated += ids.len() - 1;
    }
    // Only a mail the server had accepted but whose success the killed process had not yet
    // written down can go out again: at most the mails in flight at the kill.
    assert!(repeated <= 4, "{repeated} repeated deliveries");
    eprintln!("crash test: {at_kill} received before the kill, {repeated} delivered twice");
}
both!(no_invitation_is_lost_across_a_crash, backend);

/// A contacts file lands whole or not at all; a second import updates and binds.
async fn contacts_import_lands_whole_or_not_at_all(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    app.load_demo_register().await;
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let count = || async {
        user::Entity::find()
            .filter(user::Column::Role.eq("coordinator"))
            .all(&app.db)
            .await
            .expect("users")
            .len()
    };
    let bad = "instellingscode;naam;e-mail;taal\r\n25PX;Anna de Vries;anna@roc-a.nl;nl\r\n99ZZ;Bob;bob@roc-b.nl;en\r\n27GH;Carla;carla@roc;nl\r\n";
    let r = app
        .upload_to(
            &admin,
            "/import/contactpersonen",
            "contacten.csv",
            bad.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status(), 303);
    let run_id: i32 = r.headers()["location"]
        .to_str()
        .unwrap_or("")
        .trim_start_matches("/import/")
        .parse()
        .expect("run id");
    let run = app::backend::register_import::find_run(&app.db, run_id)
        .await
        .expect("run")
        .expect("found");
    assert!(!run.applied);
    let lines: Vec<usize> = run.problems.iter().map(|p| p.line).collect();
    assert_eq!(
        lines,
        vec![3, 4],
        "unknown institution on line 3, bad address on line 4"
    );
    assert_eq!(count().await, 0, "nothing of a rejected file lands");

    let good = "Instellingscode;Naam;E-mail;Taal\r\n25PX;Anna de Vries;Anna@ROC-A.nl;nl\r\n27GH;Bob Smith;bob@roc-b.nl;en\r\n";
    let r = app
        .upload_to(
            &admin,
            "/import/contactpersonen",
            "contacten.csv",
            good.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(count().await, 2);
    let again = "instellingscode;naam;e-mail;taal\r\n27GH;Anna de Vries;anna@roc-a.nl;en\r\n";
    app.upload_to(
        &admin,
        "/import/contactpersonen",
        "c.csv",
        again.as_bytes().to_vec(),
    )
    .await;
    let anna = user::Entity::find()
        .filter(user::Column::Email.eq("anna@roc-a.nl"))
        .one(&app.db)
        .await
        .expect("read")
        .expect("anna");
    assert_eq!(anna.language, "en");
    let codes = app::backend::users::institution_codes_of(&app.db, anna.id)
        .await
        .expect("codes");
    assert_eq!(codes, vec!["25PX".to_owned(), "27GH".to_owned()]);
    // An administrator's address is not taken over by a contacts file.
    let hijack = "instellingscode;naam;e-mail\r\n25PX;X;beheer@miv.nl\r\n";
    app.upload_to(
        &admin,
        "/import/contactpersonen",
        "c.csv",
        hijack.as_bytes().to_vec(),
    )
    .await;
    let admin_row = user::Entity::find()
        .filter(user::Column::Email.eq("beheer@miv.nl"))
        .one(&app.db)
        .await
        .expect("read")
        .expect("admin");
    assert_eq!(admin_row.role, "admin");
    assert_ne!(admin_row.display_name, "X");
}
both!(contacts_import_lands_whole_or_not_at_all, backend);

/// The recipients list downloads as a Dutch CSV.
async fn recipients_export_as_csv(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    app.load_demo_register().await;
    let round = default_round(&app, &["25PX"]).await;
    app.create_user("anna@roc-a.nl", Role::Coordinator, &["25PX"])
        .await;
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let r = admin
        .get(app.url(&format!("/export/ronde/{round}/ontvangers.csv")))
        .send()
        .await
        .expect("export");
    assert_eq!(r.status(), 200);
    let text = r.text().await.expect("body");
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert!(lines
        .next()
        .unwrap_or("")
        .starts_with("instellingscode;instelling;naam;e-mail;taal;stand"));
    let row = lines.next().unwrap_or("");
    assert!(
        row.starts_with("25PX;") && row.contains(";anna@roc-a.nl;nl;not_invited;"),
        "{row}"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"export.recipients".to_owned()),
        "the export is recorded"
    );
}
both!(recipients_export_as_csv, backend);

/// An administrator's template is checked, used for the next mails and for a test mail to
/// themselves, and can be put back to the built-in one.
async fn templates_are_checked_used_and_reset(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let bad = app
        .call(
            &admin,
            "save_mail_template",
            &[
                ("kind", "invitation"),
                ("lang", "nl"),
                ("subject", "Hallo {{voornaam}}"),
                ("text", "Zonder link"),
                ("html", "<p>{{link}}</p>"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let body = bad.text().await.unwrap_or_default();
    assert!(body.contains("onbekend veld {{voornaam}}"), "{body}");
    assert!(body.contains("persoonlijke link {{link}}"), "{body}");
    let good = app
        .call(
            &admin,
            "save_mail_template",
            &[
                ("kind", "invitation"),
                ("lang", "nl"),
                ("subject", "Doe mee, {{naam}}"),
                ("text", "Beste {{naam}}, {{link}}"),
                (
                    "html",
                    "<p>Beste {{naam}}, <a href=\"{{link}}\">open</a></p>",
                ),
            ],
        )
        .await;
    assert_eq!(good.status(), 200);
    let test = app
        .call(
            &admin,
            "send_test_mail",
            &[("kind", "invitation"), ("lang", "nl")],
        )
        .await;
    assert_eq!(test.status(), 200);
    let rows = drained(&app, 20).await;
    let mail = rows
        .iter()
        .find(|r| r.subject.starts_with("[TEST]"))
        .expect("test mail");
    assert_eq!(mail.subject, "[TEST] Doe mee, Anna de Vries");
    assert_eq!(mail.recipient, "beheer@miv.nl");
    assert_eq!(mail.status, "sent");
    let reset = app
        .call(
            &admin,
            "reset_mail_template",
            &[("kind", "invitation"), ("lang", "nl")],
        )
        .await;
    assert_eq!(reset.status(), 200);
    let all: serde_json::Value = app
        .call(&admin, "mail_templates", &[])
        .await
        .json()
        .await
        .expect("json");
    let invitation_nl = all
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|t| t["kind"] == "invitation" && t["lang"] == "nl")
        })
        .expect("listed");
    assert_eq!(invitation_nl["custom"], false);
    assert!(invitation_nl["subject"]
        .as_str()
        .unwrap_or("")
        .starts_with("Uitnodiging"));
}
both!(templates_are_checked_used_and_reset, backend);

/// Admins edit a contact's name, address and language; a taken address is refused.
async fn contacts_are_edited(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    app.load_demo_register().await;
    let admin = app.logged_in("beheer@miv.nl", Role::Admin, &[]).await;
    let anna = app
        .create_user("anna@roc-a.nl", Role::Coordinator, &["25PX"])
        .await;
    let id = anna.to_string();
    let edit = |email: &'static str, language: &'static str| {
        let (admin, id) = (admin.clone(), id.clone());
        let app = &app;
        async move {
            app.call(
                &admin,
                "update_user",
                &[
                    ("user_id", id.as_str()),
                    ("name", "Anna de Vries"),
                    ("email", email),
                    ("language", language),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(edit("anna.devries@roc-a.nl", "en").await, 200);
    assert_eq!(
        edit("beheer@miv.nl", "en").await,
        409,
        "the address is taken"
    );
    assert_eq!(edit("anna@roc", "en").await, 422);
    assert_eq!(edit("anna@roc-a.nl", "fr").await, 422);
    let row = user::Entity::find_by_id(anna)
        .one(&app.db)
        .await
        .expect("read")
        .expect("anna");
    assert_eq!(
        (
            row.email.as_str(),
            row.display_name.as_str(),
            row.language.as_str()
        ),
        ("anna.devries@roc-a.nl", "Anna de Vries", "en")
    );
}
both!(contacts_are_edited, backend);
