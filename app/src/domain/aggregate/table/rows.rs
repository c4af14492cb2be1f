//! A file's rows and header, with the errors that name the line.

use crate::domain::csv;

/// What is wrong with a line of a file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("regel {line}, kolom {column}: {message}")]
pub struct LineError {
    /// 1-based line number within the lines given (the header is line 1 of a file).
    pub line: u64,
    pub column: String,
    pub message: String,
}

/// The column names of a header line (BOM dropped, separator sniffed).
pub fn header(line: &[u8]) -> Vec<String> {
    csv::header(line).0
}

/// Where column `name` is in a header, or the message that it is missing.
pub(super) fn column(header: &[String], name: &str) -> Result<usize, LineError> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| LineError {
            line: 1,
            column: name.into(),
            message: format!("de kolom '{name}' ontbreekt"),
        })
}

/// The message of a record with another number of fields than the header, at the first column
/// it lacks (or the first one too many).
pub(super) fn ragged(line: u64, found: usize, header: &[String]) -> LineError {
    LineError {
        line,
        column: header
            .get(found)
            .cloned()
            .unwrap_or_else(|| format!("({})", header.len() + 1)),
        message: format!("{found} velden, de kop heeft er {}", header.len()),
    }
}

/// The header of a whole file and its records, through the one CSV reader: calls `row` with
/// each record's line and fields (as many as the header has, or the error of a ragged line).
pub(super) fn each_row(
    text: &[u8],
    mut row: impl FnMut(u64, &[std::borrow::Cow<'_, [u8]>]) -> Result<(), LineError>,
) -> Result<Vec<String>, LineError> {
    let text = csv::strip_bom(text);
    let end = text.iter().position(|&b| b == b'\n').unwrap_or(text.len());
    let (head, delimiter) = csv::header(&text[..end]);
    let body = text.get(end + 1..).unwrap_or_default();
    let mut records = csv::records(body, 2, true);
    loop {
        let record = match records.next_record() {
            Ok(Some(record)) => record,
            Ok(None) => return Ok(head),
            Err(csv::Unclosed { line }) => {
                return Err(LineError {
                    line,
                    column: String::new(),
                    message: "een veld tussen aanhalingstekens wordt niet gesloten".into(),
                })
            }
        };
        let fields = csv::fields(record.bytes, delimiter);
        if fields.len() != head.len() {
            return Err(ragged(record.line, fields.len(), &head));
        }
        row(record.line, &fields)?;
    }
}
