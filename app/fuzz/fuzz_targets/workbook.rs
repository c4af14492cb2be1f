//! Uploaded workbooks: the one reader (XLSX: archive limits, cell by cell; XLS: records walked and
//! bounded before calamine) and the XLSForm import built on it, as the register, contacts,
//! questionnaire and source uploads use them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut book) = app::backend::spreadsheet::open(data) {
        for name in app::backend::spreadsheet::sheet_names(&book) {
            let _ = app::backend::spreadsheet::read_sheet(&mut book, &name);
        }
    }
    let _ = app::backend::xlsform::import(data, "fuzz.xlsx");
});
