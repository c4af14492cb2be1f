//! Autosaves written together (PostgreSQL). Fifty coordinators saving at once would cost fifty
//! statements, fifty commits and fifty round trips to the database; the writer gathers the saves
//! that arrive while earlier ones are being written and stores them with one statement, in one
//! commit. Each save still lands only while the answers version it was planned against is
//! current, as a single save does; a save whose version moved, or a second save of a response
//! already in the batch, is reported as not written and its caller takes the locking path. A save
//! is acknowledged only after the statement holding it has committed. Each writer keeps one
//! connection for itself: a connection taken from the pool and given back costs two round trips
//! more than its statement (the pool tests it at both ends).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::sqlx::{pool::PoolConnection, PgPool, Postgres};
use sea_orm::{DatabaseConnection, DbBackend};
use tokio::sync::{mpsc, oneshot, Mutex};

/// At most this many statements are in flight; saves arriving meanwhile wait for the next one.
const WRITERS: usize = 2;
/// The most saves one statement carries.
const MAX_BATCH: usize = 256;

/// One response's answers to merge into its stored document.
#[derive(Debug)]
pub struct Write {
    pub response_id: i32,
    /// The answers version the save was planned against.
    pub version: i32,
    pub at: DateTime<Utc>,
    pub section: Option<String>,
    /// A JSON object of the written answers (item key → stored answer).
    pub written: String,
}

type Reply = oneshot::Sender<anyhow::Result<Option<i32>>>;
type Queue = mpsc::UnboundedReceiver<(Write, Reply)>;

pub struct BatchWriter {
    db: DatabaseConnection,
    queue: OnceLock<mpsc::UnboundedSender<(Write, Reply)>>,
}

impl BatchWriter {
    pub fn new(db: DatabaseConnection) -> Self {
        BatchWriter {
            db,
            queue: OnceLock::new(),
        }
    }

    /// Stores `write` with whatever else is waiting. Returns the new answers version, or `None`
    /// when the response's version is no longer the one the write was planned against.
    pub async fn write(&self, write: Write) -> anyhow::Result<Option<i32>> {
        let queue = self.queue.get_or_init(|| self.start());
        let (reply, answer) = oneshot::channel();
        queue
            .send((write, reply))
            .map_err(|_| anyhow::anyhow!("the answer writer has stopped"))?;
        answer.await.context("the answer writer has stopped")?
    }

    /// Starts the writers on the running runtime (at the first save, so that building the state
    /// needs none).
    fn start(&self) -> mpsc::UnboundedSender<(Write, Reply)> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let receiver = Arc::new(Mutex::new(receiver));
        for _ in 0..WRITERS {
            tokio::spawn(writer(self.db.clone(), receiver.clone()));
        }
        sender
    }
}

/// Takes what is waiting (at least one save), writes it, answers every caller; until the state
/// holding the queue is dropped. The writer's connection is taken at its first batch and given up
/// after a failed one, or when it has been unused as long as the pool lets a connection go
/// untested (the next batch takes one from the pool, which tests it).
async fn writer(db: DatabaseConnection, queue: Arc<Mutex<Queue>>) {
    let mut held: Option<(PoolConnection<Postgres>, Instant)> = None;
    loop {
        let batch = {
            let mut queue = queue.lock().await;
            let Some(first) = queue.recv().await else {
                return;
            };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            batch
        };
        let (writes, replies) = one_per_response(batch);
        if held
            .as_ref()
            .is_some_and(|(_, used)| used.elapsed() >= super::db::IDLE_BEFORE_TEST)
        {
            held = None;
        }
        let result = match held.as_mut() {
            Some((conn, _)) => store(&mut **conn, &writes).await,
            None => match take(&db).await {
                Ok(conn) => store(&mut *held.insert((conn, Instant::now())).0, &writes).await,
                Err(e) => Err(e),
            },
        };
        held = match result {
            Ok(_) => held.map(|(conn, _)| (conn, Instant::now())),
            Err(_) => None,
        };
        match result {
            Ok(written) => {
                let versions: HashMap<i32, i32> = written.into_iter().collect();
                for (id, reply) in replies {
                    let _ = reply.send(Ok(versions.get(&id).copied()));
                }
            }
            Err(error) => {
                let error = format!("{error:#}");
                for (_, reply) in replies {
                    let _ = reply.send(Err(anyhow::anyhow!("{error:#}")));
                }
            }
        }
    }
}

/// Splits a batch into its writes and their callers, one write per response: a later save of a
/// response already in the batch is answered at once as not written (its caller then locks the
/// row, which waits for this batch). The writes are in the order of their response ids, so that
/// two batches in flight lock the rows they share in the same order and cannot deadlock.
fn one_per_response(batch: Vec<(Write, Reply)>) -> (Vec<Write>, Vec<(i32, Reply)>) {
    let mut seen = HashSet::new();
    let mut writes = Vec::with_capacity(batch.len());
    let mut replies = Vec::with_capacity(batch.len());
    for (write, reply) in batch {
        if seen.insert(write.response_id) {
            replies.push((write.response_id, reply));
            writes.push(write);
        } else {
            let _ = reply.send(Ok(None));
        }
    }
    writes.sort_by_key(|w| w.response_id);
    (writes, replies)
}

/// A written response: its id and new answers version.
type Written = (i32, i32);

/// The batch as the JSON array the statement reads with `jsonb_to_recordset`.
fn records(writes: &[Write]) -> anyhow::Result<String> {
    let mut out = String::with_capacity(writes.iter().map(|w| w.written.len() + 96).sum());
    out.push('[');
    for (n, w) in writes.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            r#"{{"rid":{},"base":{},"at":{},"sec":{},"doc":{}}}"#,
            w.response_id,
            w.version,
            serde_json::to_string(&w.at.to_rfc3339())?,
            serde_json::to_string(&w.section)?,
            w.written,
        ));
    }
    out.push(']');
    Ok(out)
}

/// Stores one write on its own (where no writer runs: seeding, the command line).
pub async fn write_now(db: &DatabaseConnection, write: Write) -> anyhow::Result<Option<i32>> {
    let written = store(pool(db)?, std::slice::from_ref(&write)).await?;
    Ok(written.first().map(|&(_, version)| version))
}

/// A connection of `db`'s pool for a writer to keep.
async fn take(db: &DatabaseConnection) -> anyhow::Result<PoolConnection<Postgres>> {
    pool(db)?
        .acquire()
        .await
        .context("take a connection for the answer writer")
}

/// The PostgreSQL pool behind `db`.
fn pool(db: &DatabaseConnection) -> anyhow::Result<&PgPool> {
    anyhow::ensure!(
        db.get_database_backend() == DbBackend::Postgres,
        "batched answer writes need PostgreSQL"
    );
    Ok(db.get_postgres_connection_pool())
}

async fn store<'c>(
    conn: impl sea_orm::sqlx::PgExecutor<'c>,
    writes: &[Write],
) -> anyhow::Result<Vec<Written>> {
    let sql = super::responses::touch_sql(
        " FROM jsonb_to_recordset($1::jsonb) AS v(rid integer, base integer, at timestamptz, sec text, doc jsonb)",
        ["v.rid", "v.at", "v.sec"],
        ", answers = answers || v.doc",
        // The ids once more, as an array: with it the planner finds the rows by their key
        // instead of joining the whole table to the records.
        "AND answers_version = v.base AND id = ANY($2::text::integer[])",
        "id, answers_version",
    );
    let ids = writes
        .iter()
        .map(|w| w.response_id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    sea_orm::sqlx::query_as(sea_orm::sqlx::AssertSqlSafe(sql))
        .bind(records(writes)?)
        .bind(format!("{{{ids}}}"))
        .fetch_all(conn)
        .await
        .context("write a batch of answers")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(id: i32, section: Option<&str>) -> Write {
        Write {
            response_id: id,
            version: 3,
            at: DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            section: section.map(str::to_owned),
            written: r#"{"q1":{"v":"ja","r":1,"at":1}}"#.into(),
        }
    }

    #[test]
    fn a_batch_is_one_json_record_per_write() {
        let json = records(&[write(1, None), write(2, Some("deel \"2\""))]).unwrap_or_default();
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(parsed[0]["rid"], 1);
        assert_eq!(parsed[0]["base"], 3);
        assert_eq!(parsed[0]["sec"], serde_json::Value::Null);
        assert_eq!(parsed[1]["sec"], "deel \"2\"");
        assert_eq!(parsed[1]["doc"]["q1"]["v"], "ja");
        assert_eq!(parsed[1]["at"], "2023-11-14T22:13:20+00:00");
    }

    #[tokio::test]
    async fn a_second_save_of_a_response_in_a_batch_is_left_to_the_locking_path() {
        let (a, _ra) = oneshot::channel();
        let (b, rb) = oneshot::channel();
        let (c, _rc) = oneshot::channel();
        let (writes, replies) = one_per_response(vec![
            (write(2, None), c),
            (write(1, None), a),
            (write(1, None), b),
        ]);
        assert_eq!(
            writes.iter().map(|w| w.response_id).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(replies.len(), 2);
        assert!(matches!(rb.await, Ok(Ok(None))));
    }
}
