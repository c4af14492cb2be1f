//! Importing a register file (CSV or XLSX): read, check every row, then apply whole or not at all.

use std::io::Cursor;

use anyhow::Context;
use calamine::{Data, Reader};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};

use super::audit::{self, Actor};
use super::entities::import_run;
use super::institutions;
use crate::api::ImportRunView;
use crate::domain::register::{parse_register, ImportProblem, Problem, Table};

/// How a CSV file may be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// DUO's register: `;` separated, UTF-8.
    Register,
    /// A data source: `;`, `,` or tab (whichever the header line has most of), UTF-8 or, when
    /// it is not, Windows-1252.
    Source,
}

/// Turns the uploaded bytes of a register file into a table, by file extension.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table, Vec<ImportProblem>> {
    read_table_as(file_name, bytes, Dialect::Register)
}

/// Turns uploaded bytes into a table, by file extension.
pub fn read_table_as(
    file_name: &str,
    bytes: &[u8],
    dialect: Dialect,
) -> Result<Table, Vec<ImportProblem>> {
    let lower = file_name.to_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        read_csv(bytes, dialect)
    } else if lower.ends_with(".xlsx") {
        read_xlsx(bytes)
    } else {
        Err(vec![ImportProblem::file(Problem::UnsupportedFileType {
            name: file_name.to_owned(),
        })])
    }
}

/// Reads a Dutch CSV: UTF-8 with or without BOM (or Windows-1252 for sources), `;` separated
/// (or `,` or tab for sources), CRLF or LF.
fn read_csv(bytes: &[u8], dialect: Dialect) -> Result<Table, Vec<ImportProblem>> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let decoded;
    let text = match std::str::from_utf8(bytes) {
        Err(_) if dialect == Dialect::Source => {
            decoded = crate::domain::aggregate::mapping::decode_windows_1252(bytes);
            Ok(decoded.as_str())
        }
        other => other,
    };
    let text = text.map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        vec![ImportProblem {
            line,
            column: None,
            problem: Problem::NotUtf8,
        }]
    })?;
    let first = text.lines().next().unwrap_or("");
    if first.trim().is_empty() {
        return Err(vec![ImportProblem::file(Problem::EmptyFile)]);
    }
    let delimiter = match dialect {
        Dialect::Register => b';',
        Dialect::Source => [b';', b',', b'\t']
            .into_iter()
            .max_by_key(|d| (first.bytes().filter(|b| b == d).count(), *d == b';'))
            .unwrap_or(b';'),
    };
    if dialect == Dialect::Register && !first.contains(';') {
        let found = [(',', "komma (,)"), ('\t', "tab"), ('|', "|")]
            .iter()
            .find(|(c, _)| first.contains(*c))
            .map(|(_, name)| (*name).to_owned());
        if let Some(found) = found {
            return Err(vec![ImportProblem {
                line: 1,
                column: None,
                problem: Problem::WrongDelimiter { found },
            }]);
        }
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    let mut record = csv::StringRecord::new();
    let mut start = 0usize;
    loop {
        let line = first_line_from(text, start);
        let more = reader.read_record(&mut record).map_err(|e| {
            vec![ImportProblem {
                line,
                column: None,
                problem: Problem::UnreadableFile {
                    detail: e.to_string(),
                },
            }]
        })?;
        if !more {
            break;
        }
        start = reader.position().byte() as usize;
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if table.header.is_empty() {
            table.header = cells;
        } else {
            table.rows.push((line, cells));
        }
    }
    Ok(table)
}

/// The 1-based line of the first non-empty line at or after byte `offset` (the reader skips
/// empty lines, so that is where the next record starts).
fn first_line_from(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = offset.min(bytes.len());
    while at < bytes.len() && (bytes[at] == b'\r' || bytes[at] == b'\n') {
        at += 1;
    }
    bytes[..at].iter().filter(|b| **b == b'\n').count() + 1
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// Reads the first sheet of a workbook; row numbers are those Excel shows.
fn read_xlsx(bytes: &[u8]) -> Result<Table, Vec<ImportProblem>> {
    let unreadable = |detail: String| vec![ImportProblem::file(Problem::UnreadableFile { detail })];
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| unreadable(e.to_string()))?;
    let range = match workbook.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        Some(Err(e)) => return Err(unreadable(e.to_string())),
        None => return Err(vec![ImportProblem::file(Problem::EmptyFile)]),
    };
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut table = Table::default();
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        if table.header.is_empty() {
            table.header = cells;
        } else {
            table.rows.push((first_row + i + 1, cells));
        }
    }
    Ok(table)
}

/// Checks and applies a register file. The institutions change only when the whole file is valid;
/// either way the attempt is kept as an import run, which is returned.
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
) -> anyhow::Result<ImportRunView> {
    let checked = read_table(file_name, bytes).and_then(|t| parse_register(&t));
    let txn = crate::backend::db::begin(db)
        .await
        .context("begin import")?;
    let (status, created, updated, problems) = match checked {
        Ok(records) => {
            let (created, updated) = institutions::upsert(&txn, &records).await?;
            ("applied", created, updated, Vec::new())
        }
        Err(problems) => ("rejected", 0, 0, problems),
    };
    let run = record_run(
        &txn,
        actor,
        "institutions",
        file_name,
        status,
        (created, updated),
        &problems,
    )
    .await?;
    txn.commit().await.context("commit import")?;
    Ok(view(run))
}

/// Keeps one import attempt (and its audit entry); call inside the import's transaction.
pub async fn record_run(
    db: &impl ConnectionTrait,
    actor: &Actor,
    kind: &str,
    file_name: &str,
    status: &str,
    (created, updated): (i32, i32),
    problems: &[ImportProblem],
) -> anyhow::Result<import_run::Model> {
    let run = import_run::ActiveModel {
        kind: Set(kind.into()),
        file_name: Set(file_name.to_owned()),
        status: Set(status.into()),
        created: Set(created),
        updated: Set(updated),
        problems: Set(serde_json::to_string(problems).context("encode problems")?),
        user_id: Set(actor.user_id),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("store import run")?;
    audit::record(
        db,
        actor,
        &format!("{kind}.import"),
        &format!("import:{}", run.id),
        serde_json::json!({"file": file_name, "status": status, "created": created, "updated": updated, "problems": problems.len()}),
    )
    .await?;
    Ok(run)
}

pub fn view(run: import_run::Model) -> ImportRunView {
    ImportRunView {
        id: run.id,
        kind: run.kind.clone(),
        applied: run.status == "applied",
        created: run.created,
        updated: run.updated,
        problems: serde_json::from_str(&run.problems).unwrap_or_default(),
        at: run.at.format("%Y-%m-%d %H:%M").to_string(),
        file_name: run.file_name,
    }
}

pub async fn find_run(db: &impl ConnectionTrait, id: i32) -> anyhow::Result<Option<ImportRunView>> {
    Ok(import_run::Entity::find_by_id(id)
        .one(db)
        .await
        .context("read import run")?
        .map(view))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_are_numbered_as_an_editor_shows_them() {
        let bytes = "\u{feff}A;B\r\n1;2\r\n\r\n3;4\r\n".as_bytes();
        let table = read_table("x.csv", bytes).expect("table");
        assert_eq!(table.header, vec!["A", "B"]);
        let lines: Vec<usize> = table.rows.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![2, 4]);
    }
}
