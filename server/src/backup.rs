//! `server backup --out FILE` and `server restore FILE`. SQLite: a consistent copy of the
//! database file (`VACUUM INTO`), restored by writing it back in place of the database.
//! PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore --clean` (both from the
//! PostgreSQL client tools, which must be on PATH and of the server's major version).
//! [`fingerprint`] sums up every table, so a round trip can be checked.

use std::path::Path;

use anyhow::{bail, Context};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

/// The SQLite file behind a `sqlite:` URL.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest))
}

/// Writes a backup of the database at `url` to `out` (which must not exist yet).
pub async fn backup(db: &DatabaseConnection, url: &str, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        bail!("{} bestaat al / already exists", out.display());
    }
    // A backup holds everything the database does: made empty for its owner alone, then filled
    // (`VACUUM INTO` takes an empty file; pg_dump keeps the mode of the file it writes).
    app::backend::private_file::create(out, b"")
        .with_context(|| format!("create {}", out.display()))?;
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            let target = out.to_str().context("backup path is not UTF-8")?;
            db.execute_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("VACUUM INTO '{}'", target.replace('\'', "''")),
            ))
            .await
            .context("VACUUM INTO")?;
        }
        _ => {
            // A command-line step: waiting for the child blocks this thread only.
            let status = std::process::Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(out)
                .arg(url)
                .status()
                .context("pg_dump (PostgreSQL client tools) is not on PATH")?;
            if !status.success() {
                bail!("pg_dump failed ({status})");
            }
        }
    }
    Ok(())
}

/// Restores a backup made by [`backup`] into the database at `url`, replacing what is there.
/// The server must not be running against it meanwhile.
pub async fn restore(url: &str, file: &Path) -> anyhow::Result<()> {
    if !file.is_file() {
        bail!("{} is geen bestand / is not a file", file.display());
    }
    if let Some(path) = sqlite_path(url) {
        let header = std::fs::read(file)
            .map(|b| b.starts_with(b"SQLite format 3\0"))
            .context("read backup")?;
        if !header {
            bail!(
                "{} is geen SQLite-back-up / is not a SQLite backup",
                file.display()
            );
        }
        for suffix in ["-wal", "-shm"] {
            let side = format!("{path}{suffix}");
            if Path::new(&side).exists() {
                std::fs::remove_file(&side).with_context(|| format!("remove {side}"))?;
            }
        }
        std::fs::copy(file, path).with_context(|| format!("write {path}"))?;
        app::backend::private_file::restrict(Path::new(path))
            .with_context(|| format!("restrict {path}"))?;
        return Ok(());
    }
    let status = std::process::Command::new("pg_restore")
        .args([
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
        ])
        .arg(url)
        .arg(file)
        .status()
        .context("pg_restore (PostgreSQL client tools) is not on PATH")?;
    if !status.success() {
        bail!("pg_restore failed ({status})");
    }
    Ok(())
}

/// Every table with its rows, each row as text, sorted: equal fingerprints mean equal data.
pub async fn fingerprint(db: &DatabaseConnection) -> anyhow::Result<Vec<(String, Vec<String>)>> {
    let backend = db.get_database_backend();
    let names_sql = match backend {
        DbBackend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        _ => "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    };
    let mut out = Vec::new();
    for row in db
        .query_all_raw(Statement::from_string(backend, names_sql.to_owned()))
        .await
        .context("list tables")?
    {
        let table: String = row.try_get("", "t").context("table name")?;
        let select = match backend {
            DbBackend::Sqlite => {
                let columns: Vec<String> = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("SELECT name FROM pragma_table_info('{table}')"),
                    ))
                    .await
                    .context("columns")?
                    .iter()
                    .map(|c| c.try_get::<String>("", "name"))
                    .collect::<Result<_, _>>()
                    .context("column name")?;
                let parts: Vec<String> =
                    columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
                format!("SELECT {} AS r FROM \"{table}\"", parts.join(" || '|' || "))
            }
            _ => format!("SELECT t::text AS r FROM \"{table}\" t"),
        };
        let mut rows: Vec<String> = db
            .query_all_raw(Statement::from_string(backend, select))
            .await
            .with_context(|| format!("read {table}"))?
            .iter()
            .map(|r| r.try_get::<String>("", "r"))
            .collect::<Result<_, _>>()
            .context("row as text")?;
        rows.sort();
        out.push((table, rows));
    }
    Ok(out)
}
