//! .xls workbooks: one written by another tool, and hostile ones built record by record.

use std::io::{Cursor, Write};

use super::*;
use crate::backend::spreadsheet::{open, read_sheet, sheet_names};

/// A BIFF record: type, length, data.
fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend((data.len() as u16).to_le_bytes());
    r.extend(data);
    r
}

/// A BIFF8 BOF record for the workbook globals (`0x0005`) or a worksheet (`0x0010`).
fn bof(kind: u16) -> Vec<u8> {
    let mut data = 0x0600u16.to_le_bytes().to_vec();
    data.extend(kind.to_le_bytes());
    data.extend([0u8; 12]);
    record(BOF, &data)
}

/// A LABEL cell (BIFF8, compressed characters).
fn label(row: u16, col: u16, text: &str) -> Vec<u8> {
    let mut data = row.to_le_bytes().to_vec();
    data.extend(col.to_le_bytes());
    data.extend(0u16.to_le_bytes());
    data.extend((text.len() as u16).to_le_bytes());
    data.push(0);
    data.extend(text.as_bytes());
    record(0x0204, &data)
}

/// A compound file whose workbook stream has one sheet, `survey`, made of `records`.
fn workbook(records: &[Vec<u8>]) -> Vec<u8> {
    let globals_end = |offset: u32| {
        let mut sheet = offset.to_le_bytes().to_vec();
        sheet.extend([0u8, 0, 6, 0]);
        sheet.extend(b"survey");
        [bof(0x0005), record(BOUNDSHEET, &sheet), record(EOF, &[])].concat()
    };
    let offset = globals_end(0).len() as u32;
    let mut stream = globals_end(offset);
    stream.extend(bof(0x0010));
    records.iter().for_each(|r| stream.extend(r));
    stream.extend(record(EOF, &[]));
    let mut file =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
            .expect("create");
    file.create_stream("/Workbook")
        .expect("stream")
        .write_all(&stream)
        .expect("write");
    file.flush().expect("flush");
    file.into_inner().into_inner()
}

fn dimensions(first_row: u32, last_row: u32, first_col: u16, last_col: u16) -> Vec<u8> {
    let mut data = first_row.to_le_bytes().to_vec();
    data.extend(last_row.to_le_bytes());
    data.extend(first_col.to_le_bytes());
    data.extend(last_col.to_le_bytes());
    data.extend([0u8, 0]);
    record(DIMENSIONS, &data)
}

#[test]
fn an_xls_written_by_another_tool_is_read_like_an_xlsx() {
    let bytes = include_bytes!("../testdata/calculate.xls");
    let mut book = open(bytes).expect("opens");
    assert!(matches!(book, crate::backend::spreadsheet::Book::Xls(_)));
    let names = sheet_names(&book);
    assert!(names.iter().any(|n| n == "survey"), "{names:?}");
    let rows = read_sheet(&mut book, "survey").expect("survey");
    let header = &rows[0].1;
    assert_eq!(
        (rows[0].0, header[0].as_str(), header[1].as_str()),
        (1, "type", "name")
    );
    assert!(
        rows.iter().any(|(_, r)| r.iter().any(|c| c == "calculate")),
        "{rows:?}"
    );
    assert!(matches!(
        read_sheet(&mut book, "nothing"),
        Err(SpreadsheetError::MissingSheet(_))
    ));
}

#[test]
fn a_built_workbook_is_read_cell_by_cell() {
    let bytes = workbook(&[
        dimensions(0, 2, 0, 2),
        label(0, 0, "type"),
        label(0, 1, "name"),
        label(1, 1, "q1"),
    ]);
    let mut book = open(&bytes).expect("opens");
    let rows = read_sheet(&mut book, "survey").expect("read");
    assert_eq!(
        rows,
        vec![
            (1, vec!["type".to_owned(), "name".to_owned()]),
            (2, vec![String::new(), "q1".to_owned()]),
        ]
    );
}

#[test]
fn a_declared_four_billion_rows_are_refused_before_calamine_reserves_them() {
    let bytes = workbook(&[dimensions(0, u32::MAX, 0, 200), label(0, 0, "type")]);
    assert!(bytes.len() < 8192, "{} bytes", bytes.len());
    assert!(matches!(
        check(&bytes),
        Err(SpreadsheetError::TooManyCells { .. })
    ));
    assert!(matches!(
        open(&bytes),
        Err(SpreadsheetError::TooManyCells { .. })
    ));
    let inverted = workbook(&[dimensions(9, 2, 0, 2)]);
    assert!(matches!(
        check(&inverted),
        Err(SpreadsheetError::Unreadable(_))
    ));
}

#[test]
fn cells_at_the_far_ends_of_a_sheet_are_refused_not_allocated() {
    let wide = workbook(&[label(0, 0, "a"), label(0, 65535, "b")]);
    assert!(matches!(
        check(&wide),
        Err(SpreadsheetError::TooWide { columns: 65536, .. })
    ));
    let tall = workbook(&[label(0, 0, "a"), label(65535, 255, "b")]);
    let refused = check(&tall).expect_err("16 million cells");
    assert!(
        matches!(&refused, SpreadsheetError::TooManyCells { sheet, cells: 16_777_216 } if sheet == "survey"),
        "{refused:?}"
    );
    assert!(matches!(
        open(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 not a compound file"),
        Err(SpreadsheetError::Unreadable(_))
    ));
}

#[test]
fn a_workbook_of_many_sheets_is_refused_before_each_is_walked() {
    let mut globals = bof(0x0005);
    for _ in 0..1000 {
        let mut sheet = 0u32.to_le_bytes().to_vec();
        sheet.extend([0u8, 0, 1, 0, b'x']);
        globals.extend(record(BOUNDSHEET, &sheet));
    }
    globals.extend(record(EOF, &[]));
    let mut file =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
            .expect("create");
    file.create_stream("/Workbook")
        .expect("stream")
        .write_all(&globals)
        .expect("write");
    file.flush().expect("flush");
    let bytes = file.into_inner().into_inner();
    assert!(matches!(
        check(&bytes),
        Err(SpreadsheetError::Unreadable(why)) if why.contains("1000 sheets")
    ));
}
