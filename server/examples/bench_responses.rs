//! Benchmark: storing complete 100-answer responses over HTTP on PostgreSQL, beside the pgbench
//! ceiling scripts in `../shared/bench/pg/` measured in the same run, and the latency of
//! single-answer autosaves with 50 concurrent clients.
//!
//! ```text
//! cargo run --release -p server --example bench_responses -- [--seconds 9] [--clients 8]
//!     [--institutions 30000] (responses stored at most: each is stored once)
//!     [--postgres postgres://postgres@127.0.0.1:5432] [--pg-scripts ../shared/bench/pg]
//! ```
//! Prints one line per measurement: the app and pgbench take turns (three each) at storing
//! complete responses, and the median of the turns' ratios is the ratio to the ceiling. Before
//! each turn its database is vacuumed, analysed and checkpointed.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

/// The server binary's allocator (`server/src/main.rs`), so that the benchmark measures what runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use app::domain::questionnaire::{Choice, Definition, Item, ItemKind, Section, Text};
use sea_orm::ConnectionTrait;
use serde_json::json;

struct Args {
    seconds: u64,
    clients: usize,
    postgres: String,
    scripts: String,
    institutions: usize,
}

fn args() -> Args {
    let mut out = Args {
        seconds: 9,
        clients: 8,
        postgres: "postgres://postgres@127.0.0.1:5432".into(),
        scripts: "../shared/bench/pg".into(),
        institutions: 30_000,
    };
    let all: Vec<String> = std::env::args().skip(1).collect();
    for pair in all.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--seconds" => out.seconds = value.parse().unwrap_or(out.seconds),
            "--clients" => out.clients = value.parse().unwrap_or(out.clients),
            "--postgres" => out.postgres = value,
            "--pg-scripts" => out.scripts = value,
            "--institutions" => out.institutions = value.parse().unwrap_or(out.institutions),
            other => eprintln!("ignored argument {other}"),
        }
    }
    out
}

/// 100 questions like the pgbench script's rows: scales, frequencies, yes/no and every tenth an
/// open answer.
fn definition() -> Definition {
    let choices = |codes: &[&str]| {
        codes
            .iter()
            .map(|c| Choice {
                code: (*c).into(),
                label: Text::new(c, ""),
            })
            .collect::<Vec<_>>()
    };
    let items = (1..=100)
        .map(|i| {
            Item::new(
                &format!("q{i:03}"),
                match i % 10 {
                    0 => ItemKind::LongText,
                    1 | 4 | 7 => ItemKind::SingleChoice {
                        options: choices(&["nooit", "soms", "vaak", "weet_niet"]),
                    },
                    2 | 5 => ItemKind::YesNoDontKnow,
                    _ => ItemKind::Likert {
                        points: 5,
                        anchors: Vec::new(),
                    },
                },
                Text::new(&format!("Vraag {i}"), ""),
            )
        })
        .collect();
    Definition {
        key: "bench".into(),
        title: Text::new("Benchmark", ""),
        sections: vec![Section {
            key: "alles".into(),
            title: Text::new("Alles", ""),
            intro: None,
            relevant: None,
            items,
        }],
        concordance: Default::default(),
    }
}

fn answers(def: &Definition, seed: usize) -> Vec<serde_json::Value> {
    def.items()
        .enumerate()
        .map(|(n, (_, item))| {
            let value = match &item.kind {
                ItemKind::LongText => format!(
                    "vrije tekst antwoord nummer {} over veiligheid op school",
                    n + 1
                ),
                kind => {
                    let codes = kind.codes();
                    codes[(seed + n * 7) % codes.len()].clone()
                }
            };
            json!({ "key": item.key, "value": value, "base": 0 })
        })
        .collect()
}

async fn create_database(admin_url: &str, name: &str) -> anyhow::Result<String> {
    let admin = sea_orm::Database::connect(format!("{admin_url}/postgres")).await?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
        .await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    admin.close().await.ok();
    Ok(format!("{admin_url}/{name}"))
}

async fn drop_database(admin_url: &str, name: &str) {
    if let Ok(admin) = sea_orm::Database::connect(format!("{admin_url}/postgres")).await {
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .ok();
    }
}

/// Brings a database to rest before a measured turn: the statistics current (the seeding just
/// filled empty tables) and the write-ahead log of what came before flushed by a
/// checkpoint, so that neither autovacuum nor a checkpoint of one side's turn runs in the next.
fn settle(url: &str) -> anyhow::Result<()> {
    let status = Command::new("psql")
        .args(["-q", "-c", "VACUUM ANALYZE", "-c", "CHECKPOINT", url])
        .status()
        .context("run psql")?;
    anyhow::ensure!(status.success(), "psql VACUUM ANALYZE / CHECKPOINT failed");
    Ok(())
}

/// Runs a pgbench script; returns transactions per second and the average latency in ms.
fn pgbench(url: &str, script: &str, clients: usize, seconds: u64) -> anyhow::Result<(f64, f64)> {
    let out = Command::new("pgbench")
        .args([
            "-n",
            "-M",
            "prepared",
            "-c",
            &clients.to_string(),
            "-j",
            "2",
            "-T",
            &seconds.to_string(),
            "-f",
            script,
            url,
        ])
        .output()
        .context("run pgbench (Debian package postgresql-client)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let find = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
    };
    let tps = find("tps = ").with_context(|| {
        format!(
            "pgbench output:\n{text}{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    Ok((tps, find("latency average = ").unwrap_or(f64::NAN)))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = args();
    let suffix = std::process::id();
    let (app_db, pg_db) = (
        format!("miv_bench_app_{suffix}"),
        format!("miv_bench_pg_{suffix}"),
    );
    let result = run(&a, &app_db, &pg_db).await;
    drop_database(&a.postgres, &app_db).await;
    drop_database(&a.postgres, &pg_db).await;
    result
}

async fn run(a: &Args, app_db: &str, pg_db: &str) -> anyhow::Result<()> {
    let def = definition();
    let institutions = a.institutions;
    println!("setting up {institutions} institutions with a coordinator and a session each…");
    let url = create_database(&a.postgres, app_db).await?;
    let conn = app::backend::db::connect(&url).await?;
    app::backend::db::migrate(&conn).await?;
    let (_, sessions) = server::seed::load_round(&conn, institutions, &def).await?;
    let config = server::config::Config {
        database_url: url.clone(),
        site_addr: "127.0.0.1:0".into(),
        log_format: "text".into(),
        ..server::config::Config::default()
    };
    let application = server::startup::Application::build(&config).await?;
    let base = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let sessions = Arc::new(sessions);

    // The ceiling's database: the same rows straight into PostgreSQL with pgbench.
    let pg_url = create_database(&a.postgres, pg_db).await?;
    let status = Command::new("psql")
        .args(["-q", "-f", &format!("{}/schema.sql", a.scripts), &pg_url])
        .status()
        .context("run psql")?;
    anyhow::ensure!(status.success(), "psql schema.sql failed");

    // A: complete responses, `clients` at a time, each a fresh response of 100 answers, taking
    // turns with pgbench's 100-row questionnaire script (ROUNDS turns each, so that a change of
    // the machine's speed during the run falls on both). The request bodies are made
    // beforehand, as pgbench's script is.
    let bodies: Arc<Vec<Vec<u8>>> = Arc::new(
        sessions
            .iter()
            .enumerate()
            .map(|(i, (id, _))| {
                serde_json::to_vec(
                    &json!({ "id": id, "section": null, "changes": answers(&def, i) }),
                )
            })
            .collect::<Result<_, _>>()?,
    );
    let next = Arc::new(AtomicUsize::new(0));
    let turn = (a.seconds / ROUNDS).max(1);
    let mut ratios = Vec::new();
    let (mut stored, mut app_seconds, mut pg_total) = (0, 0.0, 0.0);
    for round in 1..=ROUNDS {
        settle(&url)?;
        let (done, elapsed) =
            complete_responses(&http, &base, &sessions, &bodies, &next, a.clients, turn).await?;
        anyhow::ensure!(
            next.load(Ordering::Relaxed) < sessions.len(),
            "turn {round} used up the {institutions} responses before its time was over: run again with a larger --institutions"
        );
        let responses_per_s = done as f64 / elapsed;
        settle(&pg_url)?;
        let (tps, latency) = pgbench(
            &pg_url,
            &format!("{}/b_questionnaire_100.sql", a.scripts),
            a.clients,
            turn,
        )?;
        println!("turn {round}: app {responses_per_s:.0} complete 100-answer responses/s over HTTP ({} clients); pgbench b_questionnaire_100 {tps:.0} questionnaires/s (latency average {latency:.1} ms); ratio {:.2}", a.clients, responses_per_s / tps);
        ratios.push(responses_per_s / tps);
        stored += done;
        app_seconds += elapsed;
        pg_total += tps * turn as f64;
    }
    ratios.sort_by(f64::total_cmp);
    let median_ratio = ratios[ratios.len() / 2];
    println!(
        "app: {stored} complete responses in {app_seconds:.1} s = {:.0} responses/s; pgbench: {:.0} questionnaires/s",
        stored as f64 / app_seconds,
        pg_total / (turn * ROUNDS) as f64
    );

    // B: single-answer autosaves, 50 clients, each on its own stored response: back to back (the
    // server saturated), then each client saving every 100 ms (500 saves/s in all, far more than
    // a round's coordinators produce while typing).
    let clients = 50.min(stored.max(1));
    let seconds = a.seconds.min(10);
    let mut p50_saturated = f64::NAN;
    for pace in [None, Some(Duration::from_millis(100))] {
        let latencies = autosaves(&http, &base, &sessions, clients, seconds, pace).await?;
        let (p50, p99) = (percentile(&latencies, 0.5), percentile(&latencies, 0.99));
        if pace.is_none() {
            p50_saturated = p50;
        }
        let how = match pace {
            None => "back to back".to_owned(),
            Some(p) => format!("one save per client every {} ms", p.as_millis()),
        };
        println!(
            "app: {} single-answer autosaves, {clients} concurrent clients, {how}: {:.0} saves/s, p50 {p50:.1} ms, p99 {p99:.1} ms (goal p99 < 20 ms)",
            latencies.len(),
            latencies.len() as f64 / seconds as f64
        );
    }
    let (single_tps, single_latency) = pgbench(
        &pg_url,
        &format!("{}/a_single_insert.sql", a.scripts),
        clients,
        seconds,
    )?;
    println!("pgbench a_single_insert: {single_tps:.0} inserts/s ({clients} clients, latency average {single_latency:.1} ms)");
    println!(
        "ratio responses/s ÷ ceiling = {median_ratio:.2} (median of {ROUNDS} turns; goal ≥ 0.5); autosave p50 ÷ pgbench single-insert latency = {:.2}",
        p50_saturated / single_latency
    );
    Ok(())
}

/// How many turns the app and pgbench take each.
const ROUNDS: u64 = 3;

/// Stores complete responses from `clients` clients for `seconds`, each response once (the next
/// unused one of `sessions`); returns how many were stored and the time taken in seconds.
async fn complete_responses(
    http: &reqwest::Client,
    base: &str,
    sessions: &Arc<Vec<(i32, String)>>,
    bodies: &Arc<Vec<Vec<u8>>>,
    next: &Arc<AtomicUsize>,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<(usize, f64)> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, base, next, sessions, bodies) = (
            http.clone(),
            base.to_owned(),
            next.clone(),
            sessions.clone(),
            bodies.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut done = 0usize;
            while Instant::now() < deadline {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let (Some((_, cookie)), Some(body)) = (sessions.get(i), bodies.get(i)) else {
                    break;
                };
                let r = http
                    .post(format!("{base}/api/save_answers"))
                    .header("cookie", format!("miv_session={cookie}"))
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await;
                if matches!(r, Ok(ref r) if r.status() == 200) {
                    done += 1;
                }
            }
            done
        }));
    }
    let mut stored = 0;
    for t in tasks {
        stored += t.await?;
    }
    Ok((stored, started.elapsed().as_secs_f64()))
}

/// Saves one answer at a time from `clients` clients for `seconds`; returns the latencies in ms.
async fn autosaves(
    http: &reqwest::Client,
    base: &str,
    sessions: &Arc<Vec<(i32, String)>>,
    clients: usize,
    seconds: u64,
    pace: Option<Duration>,
) -> anyhow::Result<Vec<f64>> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, base, sessions) = (http.clone(), base.to_owned(), sessions.clone());
        tasks.push(tokio::spawn(async move {
            let (id, cookie) = sessions[c].clone();
            let mut revision = current_revision(&http, &base, id, &cookie).await;
            let mut latencies = Vec::new();
            let codes = ["1", "2", "3", "4", "5"];
            let mut n = c;
            // Spread the paced clients over the interval.
            if let Some(p) = pace {
                tokio::time::sleep(p * c as u32 / clients as u32).await;
            }
            while Instant::now() < deadline {
                n += 1;
                let body = json!({ "id": id, "section": null, "changes": [{ "key": "q003", "value": codes[n % 5], "base": revision }] });
                let t = Instant::now();
                let r = http
                    .post(format!("{base}/api/save_answers"))
                    .header("cookie", format!("miv_session={cookie}"))
                    .json(&body)
                    .send()
                    .await;
                if let Ok(r) = r {
                    if r.status() == 200 {
                        if let Ok(v) = r.json::<serde_json::Value>().await {
                            revision = v["revisions"][0][1].as_i64().unwrap_or(revision as i64) as i32;
                            latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                        }
                    }
                }
                if let Some(p) = pace {
                    tokio::time::sleep(p.saturating_sub(t.elapsed())).await;
                }
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await?);
    }
    all.sort_by(f64::total_cmp);
    Ok(all)
}

/// The revision of the benchmark's autosave answer as stored now.
async fn current_revision(http: &reqwest::Client, base: &str, id: i32, cookie: &str) -> i32 {
    let survey = http
        .post(format!("{base}/api/get_survey"))
        .header("cookie", format!("miv_session={cookie}"))
        .form(&[("id", id.to_string())])
        .send()
        .await;
    let Ok(survey) = survey else { return 0 };
    let Ok(v) = survey.json::<serde_json::Value>().await else {
        return 0;
    };
    v["answers"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["key"] == "q003"))
        .and_then(|x| x["revision"].as_i64())
        .unwrap_or(0) as i32
}
