//! Workbooks for analysis: the figures of a source with a codebook, so that the file explains
//! itself when it is passed on.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::sources::SnapshotInfo;
use crate::domain::aggregate::labels::{self, Label};
use crate::domain::aggregate::Figure;

/// One cell of a sheet.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Cell::Empty, Cell::Number)
    }
}

/// Writes text that a spreadsheet must show as text: a cell that would read as a formula
/// (`=`, `+`, `-`, `@` …, see [`formula_like`]) is marked as text (Excel's quote prefix), so it
/// stays text when someone edits it.
///
/// [`formula_like`]: crate::domain::csv::formula_like
pub fn write_text(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    let guarded = crate::domain::csv::formula_like(text);
    match (format, guarded) {
        (None, false) => sheet.write_string(row, col, text).map(|_| ()),
        (Some(format), false) => sheet
            .write_string_with_format(row, col, text, format)
            .map(|_| ()),
        (format, true) => {
            let quoted = format.cloned().unwrap_or_default().set_quote_prefix();
            sheet
                .write_string_with_format(row, col, text, &quoted)
                .map(|_| ())
        }
    }
}

/// Adds a sheet named `name` whose first row (bold, frozen) is the header.
pub fn add_sheet(book: &mut Workbook, name: &str, rows: &[Vec<Cell>]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    sheet.set_freeze_panes(1, 0)?;
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            match (cell, r) {
                (Cell::Text(s), 0) => write_text(sheet, r, c, s, Some(&bold))?,
                (Cell::Text(s), _) => write_text(sheet, r, c, s, None)?,
                (Cell::Number(x), _) => sheet.write_number(r, c, *x).map(|_| ())?,
                (Cell::Empty, _) => {}
            }
        }
    }
    Ok(())
}

/// A codebook sheet's rows: name, Dutch and English label, definition in both languages.
pub fn codebook_rows(list: &[Label]) -> Vec<Vec<Cell>> {
    let mut rows = vec![vec![
        "naam / name".into(),
        "label (nl)".into(),
        "label (en)".into(),
        "omschrijving".into(),
        "description".into(),
    ]];
    rows.extend(list.iter().map(|l| {
        vec![
            l.key.into(),
            l.nl.into(),
            l.en.into(),
            l.definition_nl.into(),
            l.definition_en.into(),
        ]
    }));
    rows
}

/// The figures of a source as a workbook: `Cijfers` (the table of the CSV export), `Codeboek`
/// (its columns), `Indicatoren`, `Indelingen` and `Bron` (the snapshots the figures come from
/// and the suppression rule).
pub fn figures_workbook(
    source: &str,
    snapshots: &[SnapshotInfo],
    thresholds: crate::domain::aggregate::Thresholds,
    figures: &[Figure],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let mut table: Vec<Vec<Cell>> = vec![labels::FIGURE_COLUMNS
        .iter()
        .map(|c| c.key.into())
        .collect()];
    table.extend(figures.iter().map(|f| {
        vec![
            Cell::Number(f.year as f64),
            f.breakdown.as_str().into(),
            f.group.as_str().into(),
            f.indicator.as_str().into(),
            f.n.map(|n| n as f64).into(),
            f.value.into(),
            f.interval.map(|i| i.0).into(),
            f.interval.map(|i| i.1).into(),
            Cell::Number(f64::from(u8::from(f.suppressed))),
        ]
    }));
    add_sheet(&mut book, "Cijfers", &table)?;
    add_sheet(
        &mut book,
        "Codeboek",
        &codebook_rows(labels::FIGURE_COLUMNS),
    )?;
    add_sheet(&mut book, "Indicatoren", &codebook_rows(labels::INDICATORS))?;
    add_sheet(&mut book, "Indelingen", &codebook_rows(labels::BREAKDOWNS))?;
    let mut about: Vec<Vec<Cell>> = vec![vec![
        "bron / source".into(),
        "jaar / year".into(),
        "bestand / file".into(),
        "sha256".into(),
        "rijen / rows".into(),
    ]];
    about.extend(snapshots.iter().map(|s| {
        vec![
            source.into(),
            Cell::Number(f64::from(s.year)),
            s.file_name.as_str().into(),
            s.sha256.as_str().into(),
            Cell::Number(f64::from(s.rows)),
        ]
    }));
    about.push(Vec::new());
    let (shares, counts) = (thresholds.shares, thresholds.counts);
    about.push(vec![format!(
        "Aandelen over minder dan {shares} respondenten, aantallen van 1 tot {counts} en cellen \
         waaruit die te herleiden zijn, zijn onderdrukt. / Shares over fewer than {shares} \
         respondents, counts from 1 to {counts}, and cells they could be derived from, are \
         suppressed."
    )
    .into()]);
    add_sheet(&mut book, "Bron", &about)?;
    book.save_to_buffer()
}
