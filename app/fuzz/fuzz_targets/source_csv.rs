//! A source's CSV file (`POST /import/bron/{id}`, `server sources import`): the one CSV reader with
//! separator sniffing, Windows-1252, quotes and decimal commas.
#![no_main]

use app::backend::register_import::{read_table_as, Dialect};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = read_table_as("bron.csv", data, Dialect::Source);
    let mut records = app::domain::csv::records(data, 1, true);
    while let Ok(Some(record)) = records.next_record() {
        for field in app::domain::csv::fields(record.bytes, b';') {
            let _ = app::domain::csv::number(&field);
            let _ = app::domain::csv::text(&field);
        }
    }
});
