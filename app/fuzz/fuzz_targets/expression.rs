//! The expression language: parse, check against a scope and evaluate, as the server does on
//! every save and the browser as the user types. Nothing may panic, overflow the stack or hang.
#![no_main]

use std::collections::HashMap;

use app::domain::expr::{check, evaluate, parse, Env, Scope, Value, ValueType};
use libfuzzer_sys::fuzz_target;

struct Answers;

impl Env for Answers {
    fn get(&self, key: &str) -> Value {
        match key {
            "a" => Value::Text("ja".into()),
            "n" => Value::Number(3.0),
            "m" => Value::Multi(vec!["x".into(), "y".into()]),
            _ => Value::Null,
        }
    }
    fn current(&self) -> Value {
        Value::Number(-1.5)
    }
    fn today(&self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default()
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(node) = parse(src) else {
        return;
    };
    let scope = Scope {
        before: HashMap::from([
            ("a".to_owned(), ValueType::Text),
            ("n".to_owned(), ValueType::Number),
            ("m".to_owned(), ValueType::Multi),
        ]),
        after: vec!["later".to_owned()],
        own_key: "own".to_owned(),
        own_type: Some(ValueType::Number),
    };
    let _ = check(&node, &scope);
    let _ = evaluate(&node, &Answers);
});
