//! The server is killed with SIGKILL while 50 clients save answers; after a restart, every save it
//! acknowledged is in the database.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use app::backend::{db, responses};
use serde_json::json;
use tokio::sync::Mutex;

use crate::helpers::{fresh_database, Backend};

const CATEGORIES: [&str; 5] = [
    "fysieke_agressie",
    "verbale_agressie",
    "pesten",
    "diefstal",
    "drugs",
];

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start(database_url: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "error")
        .env("MIV_MAIL_BACKEND", "memory")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server binary")
}

async fn wait_healthy(http: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if let Ok(r) = http.get(format!("{base}/health")).send().await {
            if r.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become healthy");
}

/// What a client knows was stored: (response, key, value, revision).
type Acked = Arc<Mutex<Vec<(i32, String, String, i32)>>>;

async fn acknowledged_saves_survive_sigkill(backend: Backend) {
    let database_url = fresh_database(backend).await;
    let conn = db::connect(&database_url).await.expect("connect");
    db::migrate(&conn).await.expect("migrate");
    let definition = serde_json::from_str(server::seed::DEFAULT_QUESTIONNAIRE).expect("definition");
    let (_, sessions) = server::seed::load_round(&conn, 10, &definition)
        .await
        .expect("round");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(&database_url, port);
    let http = reqwest::Client::new();
    wait_healthy(&http, &base).await;
    for (id, cookie) in &sessions {
        let r = http
            .post(format!("{base}/api/save_answers"))
            .header("cookie", format!("miv_session={cookie}"))
            .json(&json!({ "id": id, "section": null, "changes": [{ "key": "heeft_registratie", "value": "ja", "base": 0 }] }))
            .send()
            .await
            .expect("setup save");
        assert_eq!(r.status(), 200);
    }

    let acked: Acked = Arc::default();
    let mut clients = Vec::new();
    for c in 0..50 {
        let (id, cookie) = sessions[c % sessions.len()].clone();
        let key = format!("incidenten.{}", CATEGORIES[c / sessions.len()]);
        let (acked, base) = (acked.clone(), base.clone());
        clients.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut revision = 0;
            for value in 1..100_000 {
                let body = json!({ "id": id, "section": null, "changes": [{ "key": key, "value": value.to_string(), "base": revision }] });
                let sent = http
                    .post(format!("{base}/api/save_answers"))
                    .header("cookie", format!("miv_session={cookie}"))
                    .json(&body)
                    .send()
                    .await;
                let Ok(response) = sent else { break };
                if response.status() != 200 {
                    let status = response.status();
                    eprintln!("client {c}: {status} {}", response.text().await.unwrap_or_default());
                    break;
                }
                let Ok(result) = response.json::<serde_json::Value>().await else { break };
                revision = result["revisions"][0][1].as_i64().expect("revision") as i32;
                acked.lock().await.push((id, key.clone(), value.to_string(), revision));
            }
        }));
    }
    // Kill while all of them are busy: once every client has had a save acknowledged.
    for _ in 0..400 {
        let distinct: std::collections::HashSet<(i32, String)> = acked
            .lock()
            .await
            .iter()
            .map(|(i, k, _, _)| (*i, k.clone()))
            .collect();
        if distinct.len() == 50 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    for client in clients {
        client.await.expect("client task");
    }
    let acked = acked.lock().await.clone();
    assert!(
        acked.len() > 50,
        "the clients saved before the kill ({} saves)",
        acked.len()
    );

    let mut server = start(&database_url, port);
    wait_healthy(&http, &base).await;
    let conn = db::connect(&database_url).await.expect("reconnect");
    let mut missing = Vec::new();
    let mut last: std::collections::HashMap<(i32, String), (String, i32)> = Default::default();
    for (id, key, value, revision) in acked {
        last.insert((id, key), (value, revision));
    }
    for ((id, key), (value, revision)) in &last {
        let stored = responses::answers(&conn, *id)
            .await
            .expect("read")
            .into_iter()
            .find(|a| a.item_key == *key);
        match stored {
            Some(a) if a.revision > *revision || (a.revision == *revision && a.value == *value) => {
            }
            other => missing.push(format!(
                "{id}/{key}: acknowledged {value}@{revision}, stored {other:?}"
            )),
        }
    }
    let (id, cookie) = &sessions[0];
    let after = http
        .post(format!("{base}/api/get_survey"))
        .header("cookie", format!("miv_session={cookie}"))
        .form(&[("id", id.to_string())])
        .send()
        .await
        .expect("after restart");
    assert_eq!(
        after.status(),
        200,
        "the restarted server serves the response"
    );
    server.kill().ok();
    server.wait().ok();
    assert!(
        missing.is_empty(),
        "acknowledged saves lost:\n{}",
        missing.join("\n")
    );
    assert_eq!(last.len(), 50, "every client had a save acknowledged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_saves_survive_sigkill_on_sqlite() {
    acknowledged_saves_survive_sigkill(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_saves_survive_sigkill_on_postgres() {
    acknowledged_saves_survive_sigkill(Backend::Postgres).await;
}
