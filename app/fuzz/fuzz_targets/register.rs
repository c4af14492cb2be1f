//! DUO's register of institutions (`POST /import/instellingen`, `server institutions import`):
//! read as CSV and checked row by row.
#![no_main]

use app::backend::register_import::read_table;
use app::domain::register::parse_register;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = read_table("instellingen.csv", data) {
        let _ = parse_register(&table);
    }
});
