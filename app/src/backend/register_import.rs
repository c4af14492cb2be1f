//! Importing a register file (CSV or XLSX): read, check every row, then apply whole or not at all.

use anyhow::Context;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};

use super::audit::{self, Actor};
use super::entities::import_run;
use super::institutions;
use crate::domain::csv;
use crate::domain::import::{ImportProblem, Problem, Table};
use crate::domain::register::parse_register;
use crate::types::ImportRunView;

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

/// [`read_table_as`] on a blocking thread, a few files at a time (see
/// [`super::spreadsheet::parse_off_thread`]): every upload is read this way.
pub async fn read_off_thread(
    file_name: &str,
    bytes: &[u8],
    dialect: Dialect,
) -> anyhow::Result<Result<Table, Vec<ImportProblem>>> {
    let (name, bytes) = (file_name.to_owned(), bytes.to_vec());
    super::spreadsheet::parse_off_thread(move || read_table_as(&name, &bytes, dialect)).await
}

/// Reads a CSV through the one reader ([`crate::domain::csv`]): UTF-8 with or without BOM (or
/// Windows-1252 for sources), `;` separated (or `,` or tab for sources), CRLF or LF, quoted
/// fields with separators, quotes and line breaks. Rows keep the line they start on.
fn read_csv(bytes: &[u8], dialect: Dialect) -> Result<Table, Vec<ImportProblem>> {
    let bytes = csv::strip_bom(bytes);
    if let (Dialect::Register, Err(e)) = (dialect, std::str::from_utf8(bytes)) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        return Err(vec![ImportProblem {
            line,
            column: None,
            problem: Problem::NotUtf8,
        }]);
    }
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let first = csv::text(&bytes[..end]);
    if first.trim().is_empty() {
        return Err(vec![ImportProblem::file(Problem::EmptyFile)]);
    }
    let (header, sniffed) = csv::header(&bytes[..end]);
    let delimiter = match dialect {
        Dialect::Register => b';',
        Dialect::Source => sniffed,
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
    let mut table = Table {
        header: if delimiter == sniffed {
            header
        } else {
            csv::fields(
                bytes[..end].strip_suffix(b"\r").unwrap_or(&bytes[..end]),
                delimiter,
            )
            .iter()
            .map(|f| csv::text(f).trim().to_owned())
            .collect()
        },
        rows: Vec::new(),
    };
    let mut records = csv::records(bytes.get(end + 1..).unwrap_or_default(), 2, true);
    loop {
        match records.next_record() {
            Ok(Some(record)) => {
                let cells = csv::fields(record.bytes, delimiter)
                    .iter()
                    .map(|f| csv::text(f).into_owned())
                    .collect();
                table.rows.push((record.line as usize, cells));
            }
            Ok(None) => return Ok(table),
            Err(csv::Unclosed { line }) => {
                return Err(vec![ImportProblem {
                    line: line as usize,
                    column: None,
                    problem: Problem::UnreadableFile {
                        detail: "een veld tussen aanhalingstekens wordt niet gesloten / a quoted field is never closed".into(),
                    },
                }])
            }
        }
    }
}

/// Reads the first sheet of a workbook (see [`super::spreadsheet`]); row numbers are those Excel
/// shows.
fn read_xlsx(bytes: &[u8]) -> Result<Table, Vec<ImportProblem>> {
    let refused =
        |e: super::spreadsheet::SpreadsheetError| vec![ImportProblem::file(Problem::from(e))];
    let mut book = super::spreadsheet::open(bytes).map_err(refused)?;
    let Some(first) = super::spreadsheet::sheet_names(&book).into_iter().next() else {
        return Err(vec![ImportProblem::file(Problem::EmptyFile)]);
    };
    let mut rows = super::spreadsheet::read_sheet(&mut book, &first)
        .map_err(refused)?
        .into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(vec![ImportProblem::file(Problem::EmptyFile)]);
    };
    Ok(Table {
        header,
        rows: rows.collect(),
    })
}

/// Checks and applies a register file. The institutions change only when the whole file is valid;
/// either way the attempt is kept as an import run, which is returned.
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
) -> anyhow::Result<ImportRunView> {
    let checked = read_off_thread(file_name, bytes, Dialect::Register)
        .await?
        .and_then(|t| parse_register(&t));
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
