//! A questionnaire definition as JSON (`POST /import/vragenlijst`, the CLI): read, then validate
//! (which parses and checks every expression in it).
#![no_main]

use app::domain::questionnaire::{validate, Definition};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(definition) = serde_json::from_slice::<Definition>(data) {
        let _ = validate(&definition);
    }
});
