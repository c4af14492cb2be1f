//! Benchmark: invitations through the outbox to a local SMTP server, beside Python's smtplib
//! sending the same number of messages to the same server in the same run; once to aiosmtpd (the
//! tests' SMTP server, accepting and discarding) and once to a minimal SMTP sink in this process
//! that is never the bottleneck. Also the peak memory of the sending process for a small and a
//! large batch (it should stay flat).
//!
//! ```text
//! cargo build --release -p server --examples
//! target/release/examples/bench_mail [--mails 10000] [--small 1000]
//!     [--postgres postgres://postgres@127.0.0.1:5432] [--python /var/tmp/miv-venv/bin/python3]
//! ```

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Context;
use app::backend::audit::Actor;
use app::backend::entities::{outbox, user, user_institution};
use app::backend::mail::invitations::{self, Audience, Site};
use app::backend::{questionnaires, register_import, rounds};
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

#[path = "../tests/smtp/sink.rs"]
mod sink;

struct Args {
    mails: usize,
    small: usize,
    postgres: String,
    python: String,
}

fn args() -> Args {
    let mut out = Args {
        mails: 10_000,
        small: 1_000,
        postgres: "postgres://postgres@127.0.0.1:5432".into(),
        python: "/var/tmp/miv-venv/bin/python3".into(),
    };
    let all: Vec<String> = std::env::args().skip(1).collect();
    for pair in all.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--mails" => out.mails = value.parse().unwrap_or(out.mails),
            "--small" => out.small = value.parse().unwrap_or(out.small),
            "--postgres" => out.postgres = value,
            "--python" => out.python = value,
            other => eprintln!("ignored argument {other}"),
        }
    }
    out
}

async fn database(admin_url: &str, name: &str) -> anyhow::Result<String> {
    let admin = sea_orm::Database::connect(format!("{admin_url}/postgres")).await?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    Ok(format!("{admin_url}/{name}"))
}

/// A fresh database with a round and `n` contacts spread over the demo institutions, all
/// invited (queued in the outbox). Returns the URL and the seconds queueing took.
async fn prepare(a: &Args, name: &str, n: usize) -> anyhow::Result<(String, f64)> {
    let url = database(&a.postgres, name).await?;
    let db = app::backend::db::connect(&url).await?;
    app::backend::db::migrate(&db).await?;
    let register = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/demo/institutions.csv"
    ))?;
    register_import::import(&db, &Actor::cli(), "demo.csv", &register).await?;
    let definition = serde_json::from_str(server::seed::DEFAULT_QUESTIONNAIRE)?;
    let draft = questionnaires::create_draft(&db, &Actor::cli(), &definition, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    questionnaires::publish(
        &db,
        &Actor::cli(),
        draft.id,
        "v1",
        questionnaires::Publisher::Admin,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let now = Utc::now();
    let round = rounds::create(
        &db,
        &Actor::cli(),
        &rounds::NewRound {
            name: "Monitor 2026".into(),
            year: 2026,
            version_id: draft.id,
            opens_at: now - chrono::Duration::hours(1),
            closes_at: now + chrono::Duration::days(20),
            institutions: Vec::new(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let institutions: Vec<i32> = app::backend::entities::institution::Entity::find()
        .all(&db)
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    let users: Vec<user::ActiveModel> = (0..n)
        .map(|i| user::ActiveModel {
            email: Set(format!("contact{i:05}@roc.nl")),
            display_name: Set(format!("Contactpersoon {i}")),
            role: Set("coordinator".into()),
            password_hash: Set(None),
            active: Set(true),
            created_at: Set(now),
            language: Set(if i % 3 == 0 { "en" } else { "nl" }.into()),
            ..Default::default()
        })
        .collect();
    for chunk in users.chunks(500) {
        user::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&db)
            .await?;
    }
    let ids: Vec<i32> = user::Entity::find()
        .filter(user::Column::Role.eq("coordinator"))
        .all(&db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    let bindings: Vec<user_institution::ActiveModel> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| user_institution::ActiveModel {
            user_id: Set(*id),
            institution_id: Set(institutions[i % institutions.len()]),
        })
        .collect();
    for chunk in bindings.chunks(500) {
        user_institution::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&db)
            .await?;
    }
    let site = Site {
        base_url: "http://127.0.0.1:3000".into(),
        mail_domain: "miv-mbo.localhost".into(),
    };
    let started = Instant::now();
    let queued = invitations::invite(&db, &site, &Actor::cli(), round, Audience::NotYetInvited)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    anyhow::ensure!(queued.mails == n, "queued {} of {n}", queued.mails);
    Ok((url, started.elapsed().as_secs_f64()))
}

/// Starts the server binary on the database, waits until every mail is sent; returns seconds and
/// the process's peak resident memory in MiB.
async fn deliver(url: &str, smtp_port: u16, n: usize) -> anyhow::Result<(f64, f64)> {
    let exe = std::env::current_exe()?;
    let server = exe
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("server"))
        .context("server binary next to examples/")?;
    let db = app::backend::db::connect(url).await?;
    let started = Instant::now();
    let mut child = Command::new(&server)
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "error")
        .env("MIV_MAIL_BACKEND", "smtp")
        .env("MIV_SMTP_HOST", "127.0.0.1")
        .env("MIV_SMTP_PORT", smtp_port.to_string())
        .env("MIV_SMTP_SECURITY", "none")
        .env("MIV_MAIL_PER_SECOND", "5000")
        .env("MIV_MAIL_CONCURRENCY", "8")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("start {}", server.display()))?;
    let pid = child.id();
    loop {
        let sent = outbox::Entity::find()
            .filter(outbox::Column::Status.eq("sent"))
            .count(&db)
            .await? as usize;
        if sent >= n {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "only {sent} of {n} sent"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let peak_kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    child.kill().ok();
    child.wait().ok();
    Ok((seconds, peak_kib / 1024.0))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = args();
    let dir = std::env::temp_dir().join(format!("miv-bench-smtp-{}", std::process::id()));
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp/server.py");
    let mut smtp = Command::new(&a.python)
        .args([script, "--discard", "--dir"])
        .arg(&dir)
        .stdout(Stdio::piped())
        .spawn()
        .context("start the SMTP server (python with aiosmtpd: .ci/setup.sh --test)")?;
    let mut line = String::new();
    std::io::BufReader::new(smtp.stdout.take().context("stdout")?).read_line(&mut line)?;
    let port: u16 = line.trim().parse().context("SMTP server port")?;
    let result = run(&a, "aiosmtpd", port).await;
    smtp.kill().ok();
    smtp.wait().ok();
    std::fs::remove_dir_all(&dir).ok();
    result?;
    let (port, accepted) = sink::start(false).await?;
    run(&a, "sink", port).await?;
    println!(
        "sink accepted {} messages in all",
        accepted.load(Ordering::Relaxed)
    );
    Ok(())
}

async fn run(a: &Args, server: &str, port: u16) -> anyhow::Result<()> {
    let mut rate = 0.0;
    for (label, n) in [("small", a.small), ("large", a.mails)] {
        let name = format!("miv_bench_mail_{label}_{}", std::process::id());
        let (url, queue_s) = prepare(a, &name, n).await?;
        let (seconds, peak) = deliver(&url, port, n).await?;
        rate = n as f64 / seconds;
        println!(
            "app → {server}: {n} invitations queued in {queue_s:.2} s ({:.0}/s, links and outbox rows in one transaction); delivered in {seconds:.2} s = {rate:.0} mails/s (goal ≥ 200); peak memory of the sending process {peak:.1} MiB",
            n as f64 / queue_s
        );
        let admin = sea_orm::Database::connect(format!("{}/postgres", a.postgres)).await?;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await?;
    }
    let peer = Command::new(&a.python)
        .args([
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp/send_peer.py"),
            "--port",
            &port.to_string(),
            "--count",
            &a.mails.to_string(),
        ])
        .output()
        .context("run the smtplib peer")?;
    let v: serde_json::Value = serde_json::from_slice(&peer.stdout).context("peer output")?;
    let peer_rate = a.mails as f64 / v["seconds"].as_f64().unwrap_or(f64::NAN);
    println!(
        "peer → {server}: Python smtplib, {} ready-made messages over one connection: {peer_rate:.0} mails/s",
        a.mails
    );
    println!("ratio app ÷ smtplib ({server}) = {:.2}", rate / peer_rate);
    Ok(())
}
