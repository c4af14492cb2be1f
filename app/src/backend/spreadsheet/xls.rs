//! Old Excel (.xls) is checked before calamine reads it. calamine parses every sheet when it
//! opens the file and gives each a dense grid from its first to its last cell; it also reserves
//! what a sheet's DIMENSIONS record declares. A few hundred bytes can declare 4 billion rows, and
//! one cell at each end of a sheet makes a grid of 65536 × 65536: both abort the process. So the
//! workbook stream is walked first as calamine walks it (each sheet from the offset the
//! workbook's BOUNDSHEET records give, embedded substreams skipped), and a declared or used area
//! beyond the limits is refused.

use std::io::{Cursor, Read};

use super::{SpreadsheetError, MAX_CELLS, MAX_COLUMNS};

/// The largest workbook stream read (an XLSForm's is a few hundred kilobytes).
const MAX_STREAM: u64 = 16 << 20;
/// The most sheets read: each is walked from its offset, so their number bounds the work.
const MAX_SHEETS: usize = 64;

/// Record types (MS-XLS 2.3).
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;
const DIMENSIONS: u16 = 0x0200;
const MULRK: u16 = 0x00BD;
/// Records that are one cell each, with its row and column first (NUMBER, LABEL, RSTRING,
/// BOOLERR, RK, LABELSST, FORMULA).
const CELLS: [u16; 7] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006];

/// Refuses an .xls workbook that calamine could not hold: an unreadable container or stream, a
/// sheet whose declared or used area exceeds [`MAX_COLUMNS`] or [`MAX_CELLS`].
pub fn check(bytes: &[u8]) -> Result<(), SpreadsheetError> {
    let unreadable = |e: &dyn std::fmt::Display| SpreadsheetError::Unreadable(e.to_string());
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let path = ["/Workbook", "/Book"]
        .into_iter()
        .find(|p| file.is_stream(p))
        .ok_or_else(|| unreadable(&"no workbook stream"))?;
    let mut stream = Vec::new();
    file.open_stream(path)
        .map_err(|e| unreadable(&e))?
        .take(MAX_STREAM + 1)
        .read_to_end(&mut stream)
        .map_err(|e| unreadable(&e))?;
    if stream.len() as u64 > MAX_STREAM {
        return Err(SpreadsheetError::TooLarge);
    }
    let sheets = sheets(&stream);
    if sheets.len() > MAX_SHEETS {
        return Err(unreadable(&format!(
            "{} sheets (at most {MAX_SHEETS})",
            sheets.len()
        )));
    }
    for (offset, name) in sheets {
        let sheet = stream
            .get(offset..)
            .ok_or_else(|| unreadable(&format!("sheet {name} starts outside the workbook")))?;
        check_sheet(sheet, &name)?;
    }
    Ok(())
}

/// The records of a stream: type and data (a truncated record ends it).
fn records(mut stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let typ = u16::from_le_bytes([*stream.first()?, *stream.get(1)?]);
        let len = usize::from(u16::from_le_bytes([*stream.get(2)?, *stream.get(3)?]));
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        Some((typ, data))
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes([
        *data.get(at)?,
        *data.get(at + 1)?,
    ])))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// Each sheet's offset in the stream, with its name (from the workbook's globals).
fn sheets(stream: &[u8]) -> Vec<(usize, String)> {
    records(stream)
        .take_while(|(typ, _)| *typ != EOF)
        .filter(|(typ, _)| *typ == BOUNDSHEET)
        .enumerate()
        .filter_map(|(i, (_, data))| {
            let name = sheet_name(data).unwrap_or_else(|| format!("{}", i + 1));
            Some((u32_at(data, 0)? as usize, name))
        })
        .collect()
}

/// A BOUNDSHEET record's name (BIFF8: a length, a flag for UTF-16, the characters).
fn sheet_name(data: &[u8]) -> Option<String> {
    let len = usize::from(*data.get(6)?);
    let wide = data.get(7)? & 1 == 1;
    let chars = data.get(8..)?;
    if wide {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(len)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(chars.iter().take(len).map(|&b| char::from(b)).collect())
    }
}

/// Checks one sheet's declared dimension and the area its cells span.
fn check_sheet(sheet: &[u8], name: &str) -> Result<(), SpreadsheetError> {
    let mut area = Area::default();
    let mut depth = 0usize;
    let mut seen_bof = false;
    for (typ, data) in records(sheet) {
        if depth > 0 {
            match typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => declared(data, name)?,
            MULRK => {
                if let (Some(row), Some(first), Some(last)) = (
                    u16_at(data, 0),
                    u16_at(data, 2),
                    data.len().checked_sub(2).and_then(|at| u16_at(data, at)),
                ) {
                    area.add(row, first.min(last), name)?;
                    area.add(row, last.max(first), name)?;
                }
            }
            t if CELLS.contains(&t) => {
                if let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) {
                    area.add(row, col, name)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The rows and columns a sheet's cells span so far.
#[derive(Default)]
struct Area {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Area {
    fn add(&mut self, row: u32, col: u32, name: &str) -> Result<(), SpreadsheetError> {
        let widen = |span: Option<(u32, u32)>, at: u32| {
            span.map_or((at, at), |(lo, hi)| (lo.min(at), hi.max(at)))
        };
        let rows = widen(self.rows, row);
        let cols = widen(self.cols, col);
        (self.rows, self.cols) = (Some(rows), Some(cols));
        within(
            u64::from(rows.1 - rows.0) + 1,
            u64::from(cols.1 - cols.0) + 1,
            name,
        )
    }
}

/// A DIMENSIONS record (MS-XLS 2.4.90), read as calamine reads it: its first and last rows and
/// columns must make an area within the limits.
fn declared(data: &[u8], name: &str) -> Result<(), SpreadsheetError> {
    let (first_row, last_row, first_col, last_col) = match data.len() {
        10 => (
            u16_at(data, 0),
            u16_at(data, 2),
            u16_at(data, 4),
            u16_at(data, 6),
        ),
        14 | 16 => (
            u32_at(data, 0),
            u32_at(data, 4),
            u16_at(data, 8),
            u16_at(data, 10),
        ),
        // calamine refuses other lengths itself.
        _ => return Ok(()),
    };
    let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = (first_row, last_row, first_col, last_col)
    else {
        return Ok(());
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    if rl == 0 || cl == 0 {
        return Ok(());
    }
    // calamine takes the last row and column as one before the stored ones.
    let (rows, cols) = (i64::from(rl) - i64::from(rf), i64::from(cl) - i64::from(cf));
    if rows < 0 || cols < 0 {
        return Err(SpreadsheetError::Unreadable(format!(
            "sheet {name} declares an empty or inverted dimension"
        )));
    }
    within(rows as u64, cols as u64, name)
}

fn within(rows: u64, columns: u64, name: &str) -> Result<(), SpreadsheetError> {
    if columns > u64::from(MAX_COLUMNS) {
        return Err(SpreadsheetError::TooWide {
            sheet: name.to_owned(),
            columns,
        });
    }
    let cells = rows.saturating_mul(columns);
    if cells > MAX_XLS_CELLS {
        return Err(SpreadsheetError::TooManyCells {
            sheet: name.to_owned(),
            cells,
        });
    }
    Ok(())
}

/// calamine holds an .xls sheet as a dense grid of cells (32 bytes each) and its formulas as
/// another: a quarter of [`MAX_CELLS`] keeps both within a few hundred megabytes.
const MAX_XLS_CELLS: u64 = MAX_CELLS / 4;

#[cfg(test)]
mod tests;
