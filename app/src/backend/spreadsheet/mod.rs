//! The one way an uploaded workbook (XLSX, or old Excel's XLS) is read: register, contacts,
//! XLSForm, sources.
//!
//! A workbook is a zip archive of XML, so a small file can ask for a great deal: a 2 KB file with
//! cells at A1 and XFD1048576 makes a dense sheet of 17 billion cells, and a `sharedStrings.xml`
//! that inflates 1000:1 fills the memory before a row is read. So, before parsing, every entry is
//! inflated once into nothing, counting, up to a limit (the sizes an archive declares can lie);
//! then the sheet is read cell by cell, keeping only cells that hold something, up to a number of
//! columns and cells. Parsing runs off the async workers, a few at a time.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xls, Xlsx};

mod xls;

/// What the uncompressed entries of a workbook may add up to.
pub const MAX_UNCOMPRESSED: u64 = 512 << 20;
/// How much larger than its compressed bytes an entry over [`RATIO_FROM`] may become.
pub const MAX_RATIO: u64 = 200;
pub const RATIO_FROM: u64 = 16 << 20;
/// The widest sheet read (from its first to its last used column).
pub const MAX_COLUMNS: u32 = 2_000;
/// The most cells (rows × width) a sheet is turned into.
pub const MAX_CELLS: u64 = 20_000_000;

/// Why a workbook is not read. The messages name the limit, in Dutch and English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpreadsheetError {
    #[error("not a readable workbook: {0}")]
    Unreadable(String),
    #[error("the workbook unpacks to more than {} MiB", MAX_UNCOMPRESSED >> 20)]
    TooLarge,
    #[error("entry {0} unpacks to more than {MAX_RATIO} times its size")]
    Bomb(String),
    #[error("sheet {sheet} uses {columns} columns")]
    TooWide { sheet: String, columns: u64 },
    #[error("sheet {sheet} would hold {cells} cells")]
    TooManyCells { sheet: String, cells: u64 },
    #[error("sheet {0} is missing")]
    MissingSheet(String),
}

impl SpreadsheetError {
    /// What the user reads, Dutch and English.
    pub fn messages(&self) -> (String, String) {
        match self {
            SpreadsheetError::Unreadable(detail) => (
                format!("Het bestand is geen leesbare Excel-werkmap (.xlsx of .xls): {detail}"),
                format!("The file is not a readable Excel workbook (.xlsx or .xls): {detail}"),
            ),
            SpreadsheetError::TooLarge => (
                format!("De werkmap is uitgepakt groter dan {} MB; splits het bestand of lever het als CSV.", MAX_UNCOMPRESSED >> 20),
                format!("The workbook unpacks to more than {} MB; split the file or deliver it as CSV.", MAX_UNCOMPRESSED >> 20),
            ),
            SpreadsheetError::Bomb(entry) => (
                format!("Het onderdeel {entry} van de werkmap pakt uit tot meer dan {MAX_RATIO} keer zijn grootte; zo'n bestand wordt niet gelezen."),
                format!("Part {entry} of the workbook unpacks to more than {MAX_RATIO} times its size; such a file is not read."),
            ),
            SpreadsheetError::TooWide { sheet, columns } => (
                format!("Werkblad ‘{sheet}’ gebruikt {columns} kolommen (hoogstens {MAX_COLUMNS}); verwijder lege of verre cellen."),
                format!("Sheet ‘{sheet}’ uses {columns} columns (at most {MAX_COLUMNS}); remove empty or distant cells."),
            ),
            SpreadsheetError::TooManyCells { sheet, cells } => (
                format!("Werkblad ‘{sheet}’ zou {cells} cellen bevatten (hoogstens {MAX_CELLS}); lever het als CSV."),
                format!("Sheet ‘{sheet}’ would hold {cells} cells (at most {MAX_CELLS}); deliver it as CSV."),
            ),
            SpreadsheetError::MissingSheet(sheet) => (
                format!("Werkblad ‘{sheet}’ ontbreekt."),
                format!("Sheet ‘{sheet}’ is missing."),
            ),
        }
    }
}

impl From<SpreadsheetError> for crate::domain::import::Problem {
    fn from(error: SpreadsheetError) -> Self {
        use crate::domain::import::Problem;
        match error {
            SpreadsheetError::Unreadable(detail) => Problem::UnreadableFile { detail },
            other => {
                let (nl, en) = other.messages();
                Problem::Message { nl, en }
            }
        }
    }
}

/// One sheet: its rows that hold something, each with the row number Excel shows, from the first
/// used column on.
pub type Rows = Vec<(usize, Vec<String>)>;

/// Inflates every entry of the archive into nothing, counting: refuses a workbook whose entries
/// unpack beyond [`MAX_UNCOMPRESSED`] together or beyond [`MAX_RATIO`] each.
pub fn check_archive(bytes: &[u8]) -> Result<(), SpreadsheetError> {
    let unreadable = |e: &dyn std::fmt::Display| SpreadsheetError::Unreadable(e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| unreadable(&e))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let compressed = entry.compressed_size().max(1);
        let left = MAX_UNCOMPRESSED - total;
        let allowed = left.min(compressed.saturating_mul(MAX_RATIO).max(RATIO_FROM));
        // One byte more than allowed tells that the entry is too big.
        let read = std::io::copy(&mut entry.take(allowed + 1), &mut std::io::sink())
            .map_err(|e| unreadable(&e))?;
        if read > allowed {
            return Err(if allowed == left {
                SpreadsheetError::TooLarge
            } else {
                SpreadsheetError::Bomb(name)
            });
        }
        total += read;
    }
    Ok(())
}

/// An uploaded workbook: Excel 2007 and later (.xlsx) or old Excel (.xls), told apart by their
/// first bytes, not by the file's name.
pub enum Book<'a> {
    Xlsx(Xlsx<Cursor<&'a [u8]>>),
    Xls(Xls<Cursor<&'a [u8]>>),
}

/// The first bytes of a compound file (old Excel).
const COMPOUND_FILE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Opens a workbook after [`check_archive`] (.xlsx) or [`xls::check`] (.xls).
pub fn open(bytes: &[u8]) -> Result<Book<'_>, SpreadsheetError> {
    let unreadable = |e: &dyn std::fmt::Display| SpreadsheetError::Unreadable(e.to_string());
    if bytes.starts_with(COMPOUND_FILE) {
        xls::check(bytes)?;
        let book = Xls::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
        return Ok(Book::Xls(book));
    }
    check_archive(bytes)?;
    let book = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    Ok(Book::Xlsx(book))
}

/// The names of the sheets, in order.
pub fn sheet_names(book: &Book) -> Vec<String> {
    match book {
        Book::Xlsx(book) => book.sheet_names(),
        Book::Xls(book) => book.sheet_names(),
    }
}

/// Reads one sheet: only cells that hold something are kept, and the sheet may span at most
/// [`MAX_COLUMNS`] columns and [`MAX_CELLS`] cells, whatever its declared dimension. An .xlsx
/// sheet is read cell by cell; an .xls sheet, already bounded by [`xls::check`], as calamine
/// holds it.
pub fn read_sheet(book: &mut Book, name: &str) -> Result<Rows, SpreadsheetError> {
    let unreadable = |e: &dyn std::fmt::Display| SpreadsheetError::Unreadable(e.to_string());
    let mut cells = Cells::new(name);
    match book {
        Book::Xlsx(book) => {
            let mut reader = book.worksheet_cells_reader(name).map_err(|e| match e {
                calamine::XlsxError::WorksheetNotFound(_) => {
                    SpreadsheetError::MissingSheet(name.to_owned())
                }
                other => unreadable(&other),
            })?;
            while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
                let (row, col) = cell.get_position();
                cells.push(row, col, text_of(&Data::from(cell.get_value().clone())))?;
            }
        }
        Book::Xls(book) => {
            if !book.sheet_names().iter().any(|n| n == name) {
                return Err(SpreadsheetError::MissingSheet(name.to_owned()));
            }
            let range = book.worksheet_range(name).map_err(|e| unreadable(&e))?;
            let (top, left) = range.start().unwrap_or_default();
            for (row, col, value) in range.used_cells() {
                cells.push(top + row as u32, left + col as u32, text_of(value))?;
            }
        }
    }
    Ok(cells.rows())
}

/// The cells of a sheet that hold something, gathered within the limits.
struct Cells<'n> {
    sheet: &'n str,
    cells: Vec<(u32, u32, String)>,
    min_col: u32,
    max_col: u32,
    rows_used: u64,
    last_row: Option<u32>,
}

impl<'n> Cells<'n> {
    fn new(sheet: &'n str) -> Self {
        Cells {
            sheet,
            cells: Vec::new(),
            min_col: u32::MAX,
            max_col: 0,
            rows_used: 0,
            last_row: None,
        }
    }

    /// Keeps a cell that holds something; refuses a sheet that grows too wide or too large.
    fn push(&mut self, row: u32, col: u32, text: String) -> Result<(), SpreadsheetError> {
        if text.is_empty() {
            return Ok(());
        }
        self.min_col = self.min_col.min(col);
        self.max_col = self.max_col.max(col);
        let columns = u64::from(self.max_col - self.min_col) + 1;
        if columns > u64::from(MAX_COLUMNS) {
            return Err(SpreadsheetError::TooWide {
                sheet: self.sheet.to_owned(),
                columns,
            });
        }
        if self.last_row != Some(row) {
            self.rows_used += 1;
            self.last_row = Some(row);
        }
        if self.rows_used.saturating_mul(columns) > MAX_CELLS {
            return Err(SpreadsheetError::TooManyCells {
                sheet: self.sheet.to_owned(),
                cells: self.rows_used.saturating_mul(columns),
            });
        }
        self.cells.push((row, col, text));
        Ok(())
    }

    /// The rows in order, each with the row number Excel shows and as wide as the sheet.
    fn rows(mut self) -> Rows {
        self.cells.sort_by_key(|(row, col, _)| (*row, *col));
        let width = if self.cells.is_empty() {
            0
        } else {
            (self.max_col - self.min_col) as usize + 1
        };
        let mut rows: Rows = Vec::new();
        for (row, col, text) in self.cells {
            let line = row as usize + 1;
            if rows.last().is_none_or(|(l, _)| *l != line) {
                rows.push((line, Vec::new()));
            }
            if let Some((_, values)) = rows.last_mut() {
                let at = (col - self.min_col) as usize;
                if values.len() <= at {
                    values.resize(at + 1, String::new());
                }
                values[at] = text;
            }
        }
        for (_, values) in &mut rows {
            values.resize(width, String::new());
        }
        rows
    }
}

/// A cell as text: whole numbers without a fraction, empty cells empty.
pub fn text_of(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// Workbooks parsed at once: each can take hundreds of megabytes while it is read.
static PARSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Runs `parse` (reading an uploaded file) on a blocking thread, at most two at a time, so that
/// parsing never stalls the async workers and a burst of uploads cannot take all the memory.
pub async fn parse_off_thread<T: Send + 'static>(
    parse: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    use anyhow::Context;
    let _permit = PARSING.acquire().await.context("parse permits closed")?;
    tokio::task::spawn_blocking(parse)
        .await
        .context("parsing task failed")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A workbook whose sheet XML is `sheet` (and, if given, shared strings `strings`), written
    /// with the given compression.
    fn workbook(sheet: &str, strings: Option<&[u8]>) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut add = |name: &str, body: &[u8]| {
            zip.start_file(name, options).expect("entry");
            zip.write_all(body).expect("write");
        };
        add("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#);
        add("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#);
        add("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="survey" sheetId="1" r:id="rId1"/></sheets></workbook>"#);
        add("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#);
        add("xl/worksheets/sheet1.xml", sheet.as_bytes());
        if let Some(strings) = strings {
            add("xl/sharedStrings.xml", strings);
        }
        zip.finish().expect("finish").into_inner()
    }

    fn sheet_xml(dimension: &str, cells: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>"#
        )
    }

    #[test]
    fn a_sheet_is_read_by_its_cells_not_by_its_declared_size() {
        let xml = sheet_xml(
            "A1:XFD1048576",
            r#"<row r="2"><c r="B2" t="inlineStr"><is><t>type</t></is></c><c r="C2" t="inlineStr"><is><t>name</t></is></c></row><row r="5"><c r="C5"><v>42</v></c></row>"#,
        );
        let bytes = workbook(&xml, None);
        assert!(bytes.len() < 4096);
        let mut book = open(&bytes).expect("opens");
        let rows = read_sheet(&mut book, "survey").expect("read");
        assert_eq!(
            rows,
            vec![
                (2, vec!["type".to_owned(), "name".to_owned()]),
                (5, vec![String::new(), "42".to_owned()]),
            ]
        );
        assert_eq!(
            read_sheet(&mut book, "choices"),
            Err(SpreadsheetError::MissingSheet("choices".into()))
        );
    }

    #[test]
    fn cells_at_both_ends_of_a_sheet_are_refused_not_allocated() {
        let xml = sheet_xml(
            "A1:XFD1048576",
            r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        );
        let bytes = workbook(&xml, None);
        assert!(bytes.len() < 4096, "a 2 KB file");
        let mut book = open(&bytes).expect("opens");
        let refused = read_sheet(&mut book, "survey").expect_err("too wide");
        assert!(matches!(
            refused,
            SpreadsheetError::TooWide { columns: 16384, .. }
        ));
        let (nl, en) = refused.messages();
        assert!(
            nl.contains("16384 kolommen") && en.contains("at most 2000"),
            "{nl}"
        );
    }

    #[test]
    fn an_entry_that_inflates_a_thousandfold_is_refused_before_parsing() {
        let mut strings = br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>"#.to_vec();
        strings.extend(std::iter::repeat_n(b'a', 64 << 20));
        strings.extend_from_slice(b"</t></si></sst>");
        let bytes = workbook(&sheet_xml("A1", ""), Some(&strings));
        assert!(bytes.len() < 200 << 10, "{} bytes", bytes.len());
        assert!(matches!(
            check_archive(&bytes),
            Err(SpreadsheetError::Bomb(entry)) if entry == "xl/sharedStrings.xml"
        ));
        assert!(matches!(open(&bytes), Err(SpreadsheetError::Bomb(_))));
        assert!(matches!(
            open(b"PK\x03\x04 not a zip"),
            Err(SpreadsheetError::Unreadable(_))
        ));
    }
}
