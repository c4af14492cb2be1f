//! Benchmark: fact sheets and reports read by many coordinators and researchers at once, on a
//! student source of JOB-monitor size, with the published figures computed on every request
//! ("before": `keep_figures = false`) and computed once and kept in the database ("after").
//!
//! ```text
//! cargo run --release -p server --example bench_figures -- [--clients 60] [--requests 5]
//!     [--rows 200000] (respondents per year; two years) [--institutions 70]
//! ```
//! Both servers share one SQLite database and take turns; each turn starts with no figures kept.
//! Prints p50 and p99 latency of each (in milliseconds) and the ratio before/after.

use std::fmt::Write;
use std::time::Instant;

use anyhow::Context;
use app::backend::audit::Actor;
use app::domain::Role;
use sea_orm::EntityTrait;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    clients: usize,
    requests: usize,
    rows: usize,
    institutions: usize,
}

fn args() -> Args {
    let mut out = Args {
        clients: 60,
        requests: 5,
        rows: 200_000,
        institutions: 70,
    };
    let all: Vec<String> = std::env::args().skip(1).collect();
    for pair in all.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--clients" => out.clients = value.parse().unwrap_or(out.clients),
            "--requests" => out.requests = value.parse().unwrap_or(out.requests),
            "--rows" => out.rows = value.parse().unwrap_or(out.rows),
            "--institutions" => out.institutions = value.parse().unwrap_or(out.institutions),
            other => eprintln!("ignored argument {other}"),
        }
    }
    out
}

/// Student micro-data in the canonical layout: `rows` respondents in each of 2024 and 2025.
fn students(codes: &[String], rows: usize) -> Vec<u8> {
    let mut state: u64 = 7;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let mut out = String::from(
        "year,brin,sector,level,path,gender,age_band,migration,feels_safe,bullied,discriminated,sexual_harassment,weight\n",
    );
    let pick = |options: &[&'static str], r: usize| options[r % options.len()];
    for year in [2024, 2025] {
        for _ in 0..rows {
            let _ = writeln!(
                out,
                "{year},{},{},{},{},{},{},{},{},{},{},{},{}.{:02}",
                codes[next() % codes.len()],
                pick(&["economie", "techniek", "zorg_welzijn", "groen"], next()),
                1 + next() % 4,
                pick(&["BOL", "BBL"], next()),
                pick(&["man", "vrouw", "anders"], next()),
                pick(&["<18", "18-20", "21-26", ">26"], next()),
                pick(&["none", "western", "non_western"], next()),
                1 + next() % 5,
                usize::from(next() % 10 == 0),
                usize::from(next() % 12 == 0),
                usize::from(next() % 15 == 0),
                next() % 2,
                next() % 100,
            );
        }
    }
    out.into_bytes()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// `clients` clients at once, each making `requests` calls of `function` with its form; the
/// latencies in milliseconds, sorted.
async fn measure(
    http: &reqwest::Client,
    base: &str,
    function: &str,
    calls: Vec<(String, Vec<(String, String)>)>,
    requests: usize,
) -> anyhow::Result<Vec<f64>> {
    let mut tasks = Vec::new();
    for (cookie, form) in calls {
        let (http, url) = (http.clone(), format!("{base}/api/{function}"));
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for _ in 0..requests {
                let started = Instant::now();
                let r = http
                    .post(&url)
                    .header("cookie", format!("miv_session={cookie}"))
                    .header("sec-fetch-site", "same-origin")
                    .form(&form)
                    .send()
                    .await?;
                anyhow::ensure!(r.status().is_success(), "{url}: {}", r.status());
                r.bytes().await?;
                out.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            Ok::<_, anyhow::Error>(out)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.context("client")??);
    }
    all.sort_by(f64::total_cmp);
    Ok(all)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = args();
    let dir = std::env::temp_dir().join(format!("miv-bench-figures-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}/miv.sqlite?mode=rwc", dir.display());
    let result = run(&a, &url).await;
    std::fs::remove_dir_all(&dir).ok();
    result
}

async fn run(a: &Args, url: &str) -> anyhow::Result<()> {
    let db = app::backend::db::connect(url).await?;
    app::backend::db::migrate(&db).await?;
    println!(
        "setting up {} institutions with a coordinator each, and a student source of {} respondents in each of 2 years…",
        a.institutions, a.rows
    );
    let definition: app::domain::questionnaire::Definition =
        serde_json::from_str(server::seed::DEFAULT_QUESTIONNAIRE).context("questionnaire")?;
    let (_, sessions) = server::seed::load_round(&db, a.institutions, &definition).await?;
    let codes: Vec<String> = app::backend::entities::institution::Entity::find()
        .all(&db)
        .await?
        .into_iter()
        .map(|i| i.code)
        .collect();
    let researcher = server::seed::create(
        &db,
        "onderzoek@load.test",
        "Onderzoek",
        Role::Researcher,
        &[],
    )
    .await?;
    let researcher = app::backend::auth::create_session(&db, researcher, 24).await?;
    let source = app::backend::sources::create(&db, &Actor::cli(), "students", "JOB (bench)", None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let started = Instant::now();
    app::backend::sources::import(
        &db,
        &Actor::cli(),
        source,
        "job.csv",
        &students(&codes, a.rows),
        None,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    println!("imported in {:.1} s", started.elapsed().as_secs_f64());
    // Each coordinator asks for their own institution's fact sheet.
    let mut coordinators: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for (_, cookie) in &sessions {
        let idle = app::backend::auth::LinkSessions::default().idle;
        let user = app::backend::auth::lookup_session(&db, cookie, idle)
            .await?
            .context("the session just made")?;
        let code = user.me.institutions.first().cloned().unwrap_or_default();
        coordinators.push((cookie.clone(), vec![("code".into(), code)]));
    }
    let coordinators: Vec<_> = coordinators.into_iter().cycle().take(a.clients).collect();
    let reports: Vec<(String, Vec<(String, String)>)> = (0..a.clients)
        .map(|i| {
            let breakdown = ["type", "gender", "level", "brin"][i % 4];
            (
                researcher.clone(),
                vec![
                    ("source".into(), source.to_string()),
                    ("indicator".into(), "feels_safe".into()),
                    ("breakdown".into(), breakdown.into()),
                    ("cross".into(), String::new()),
                ],
            )
        })
        .collect();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(a.clients)
        .build()?;
    let mut results = Vec::new();
    for keep in [false, true] {
        app::backend::entities::figure_store::Entity::delete_many()
            .exec(&db)
            .await?;
        let config = server::config::Config {
            database_url: url.to_owned(),
            site_addr: "127.0.0.1:0".into(),
            keep_figures: keep,
            ..server::config::Config::default()
        };
        let application = server::startup::Application::build(&config).await?;
        let base = format!("http://127.0.0.1:{}", application.port());
        let server = tokio::spawn(application.run_until_stopped());
        let sheets = measure(&http, &base, "fact_sheet", coordinators.clone(), a.requests).await?;
        let report = measure(&http, &base, "report", reports.clone(), a.requests).await?;
        server.abort();
        let name = if keep {
            "after (kept)"
        } else {
            "before (computed per request)"
        };
        for (what, l) in [("fact sheet", &sheets), ("report", &report)] {
            println!(
                "{name:31} {what:10}: {} requests, p50 {:8.1} ms, p99 {:8.1} ms",
                l.len(),
                percentile(l, 0.5),
                percentile(l, 0.99)
            );
        }
        results.push((sheets, report));
    }
    for (i, what) in ["fact sheet", "report"].iter().enumerate() {
        let pick = |r: &(Vec<f64>, Vec<f64>)| if i == 0 { r.0.clone() } else { r.1.clone() };
        let (before, after) = (pick(&results[0]), pick(&results[1]));
        println!(
            "{what:10}: before/after p50 {:.1}×, p99 {:.1}×",
            percentile(&before, 0.5) / percentile(&after, 0.5),
            percentile(&before, 0.99) / percentile(&after, 0.99)
        );
    }
    Ok(())
}
