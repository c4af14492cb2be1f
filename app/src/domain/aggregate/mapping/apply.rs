//! A file read through its mapping into canonical columns.

use super::{canonical, message, Canonical, Mapping, Variable};
use crate::domain::import::{ImportProblem, Problem, Table};

/// Applies `mapping` to `table`: the canonical rows, or every problem (a required variable
/// without a column, a mapped column missing from the file, every cell that does not fit).
pub fn apply(
    table: &Table,
    variables: &[Variable],
    mapping: &Mapping,
) -> Result<Canonical, Vec<ImportProblem>> {
    apply_with(table, variables, mapping, &mut |_| {})
}

/// How many rows [`apply_with`] checks between two reports of progress.
pub const PROGRESS_STEP: usize = 5_000;

/// [`apply`], telling `progress` how many rows it has checked every [`PROGRESS_STEP`] rows.
pub fn apply_with(
    table: &Table,
    variables: &[Variable],
    mapping: &Mapping,
    progress: &mut dyn FnMut(usize),
) -> Result<Canonical, Vec<ImportProblem>> {
    let columns = mapped_columns(table, variables, mapping)?;
    let mut problems = Vec::new();
    let mut rows = Vec::with_capacity(table.rows.len());
    for (done, (line, cells)) in table.rows.iter().enumerate() {
        if done % PROGRESS_STEP == 0 {
            progress(done);
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if cells.len() != table.header.len() {
            // At the first column the line lacks, or the first one too many.
            problems.push(ImportProblem {
                line: *line,
                column: Some(
                    table
                        .header
                        .get(cells.len())
                        .cloned()
                        .unwrap_or_else(|| format!("({})", table.header.len() + 1)),
                ),
                problem: Problem::WrongFieldCount {
                    expected: table.header.len(),
                    found: cells.len(),
                },
            });
            continue;
        }
        let mut row = Vec::with_capacity(columns.len());
        for (v, i, column) in &columns {
            let raw = cells[*i].trim();
            let recoded = mapping
                .recode
                .get(v.name)
                .and_then(|r| r.get(raw))
                .map_or(raw, String::as_str);
            match canonical(v.kind, recoded) {
                Ok(value) => row.push(value),
                Err(problem) => problems.push(ImportProblem {
                    line: *line,
                    column: Some((*column).clone()),
                    problem,
                }),
            }
        }
        rows.push(row);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Canonical {
        header: columns.iter().map(|(v, _, _)| v.name.to_owned()).collect(),
        rows,
    })
}

/// Each mapped variable with the index and name of its column in the file; every variable that is
/// required but unmapped, or mapped to a column the file lacks, is a problem.
fn mapped_columns<'a>(
    table: &Table,
    variables: &'a [Variable],
    mapping: &'a Mapping,
) -> Result<Vec<(&'a Variable, usize, &'a String)>, Vec<ImportProblem>> {
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for v in variables {
        let Some(column) = mapping.columns.get(v.name) else {
            if v.required {
                problems.push(ImportProblem::file(message(
                    format!("Variabele {} is aan geen kolom gekoppeld.", v.name),
                    format!("Variable {} is not mapped to a column.", v.name),
                )));
            }
            continue;
        };
        match table.header.iter().position(|h| h.trim() == column.trim()) {
            Some(i) => columns.push((v, i, column)),
            None => problems.push(ImportProblem::file(Problem::MissingColumn {
                column: column.clone(),
            })),
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}
