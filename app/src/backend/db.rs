//! Connecting to SQLite (embedded default) or PostgreSQL, and applying the schema.

use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};

/// How long a pooled connection may stay unused before it is tested (one round trip) again.
pub const IDLE_BEFORE_TEST: std::time::Duration = std::time::Duration::from_secs(30);

/// Connects to `url`. A SQLite file (and its folder) is created when missing.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let url = prepare_sqlite(url)?;
    let mut options = ConnectOptions::new(url.clone());
    // A pooled connection is tested (one round trip) only after it has been idle for a while:
    // testing it at every checkout doubled the round trips of a request that runs one short
    // statement per checkout. A connection the server dropped within that time fails one
    // statement, and the pool then replaces it.
    options
        .sqlx_logging(false)
        .max_connections(16)
        .test_before_acquire_if_idle_for(IDLE_BEFORE_TEST);
    let db = Database::connect(options)
        .await
        .with_context(|| format!("cannot connect to the database {}", redact(&url)))?;
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;")
            .await
            .context("cannot configure SQLite")?;
    }
    Ok(db)
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`, waiting up to the busy timeout for another writer): a deferred transaction
/// that read first and then writes fails at once with "database is locked" when another
/// connection wrote in between. Other databases begin as usual.
pub async fn begin(
    db: &DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Brings the schema up to date.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("database migration failed")
}

fn prepare_sqlite(url: &str) -> anyhow::Result<String> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(url.to_owned());
    };
    let path = rest.split('?').next().unwrap_or(rest);
    if let Some(parent) = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
    }
    // The database holds answers and personal data: its owner alone reads it (SQLite gives its
    // -wal and -shm files the same mode).
    let file = std::path::Path::new(path);
    if !path.is_empty() && !path.starts_with(':') && !rest.contains("mode=memory") {
        if file.exists() {
            super::private_file::restrict(file)
        } else {
            super::private_file::create(file, b"")
        }
        .with_context(|| format!("cannot make {} private", file.display()))?;
    }
    Ok(if rest.contains("mode=") {
        format!("sqlite://{rest}")
    } else if rest.contains('?') {
        format!("sqlite://{rest}&mode=rwc")
    } else {
        format!("sqlite://{rest}?mode=rwc")
    })
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden_in_database_urls() {
        assert_eq!(
            redact("postgres://miv:geheim@db/miv"),
            "postgres://miv:***@db/miv"
        );
        assert_eq!(
            redact("sqlite://data/miv.sqlite"),
            "sqlite://data/miv.sqlite"
        );
    }

    #[test]
    fn sqlite_urls_get_create_mode() {
        assert_eq!(
            prepare_sqlite("sqlite::memory:").ok(),
            Some("sqlite://:memory:?mode=rwc".into())
        );
        assert_eq!(
            prepare_sqlite("postgres://x/y").ok(),
            Some("postgres://x/y".into())
        );
    }
}
