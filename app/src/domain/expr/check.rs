//! Static checks run on every save and import: unknown keys, forward and circular references,
//! unknown functions, wrong argument counts and type mismatches — each with its position.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::ast::{BinaryOp, Expr, Node, Span};
use crate::i18n::Lang;

/// The type of an item's answer, or of an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueType {
    Number,
    Text,
    Bool,
    Date,
    /// The code of a single choice (compares like text).
    Choice,
    /// The codes of a multiple choice: only for `selected()` and `count-selected()`.
    Multi,
    /// A note or group: has no value.
    NoValue,
    /// The type of a part that already has an error: compatible with everything, so one mistake
    /// is reported once.
    Unknown,
}

impl ValueType {
    fn is_textual(self) -> bool {
        matches!(self, ValueType::Text | ValueType::Choice)
    }
}

/// What an expression may refer to: the items before it (by key, with type), the items after it
/// (a forward reference), its own item's key and type.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub before: HashMap<String, ValueType>,
    pub after: Vec<String>,
    pub own_key: String,
    pub own_type: Option<ValueType>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckErrorKind {
    UnknownKey(String),
    ForwardReference(String),
    CircularReference(String),
    UnknownFunction(String),
    WrongArity {
        function: String,
        expected: String,
        found: usize,
    },
    TypeMismatch {
        expected: String,
        found: String,
    },
    NoCurrentValue,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckError {
    pub kind: CheckErrorKind,
    pub span: Span,
}

impl CheckError {
    pub fn message(&self, lang: Lang) -> String {
        use CheckErrorKind::*;
        let text = match (&self.kind, lang) {
            (UnknownKey(k), Lang::Nl) => format!("Onbekende vraag ${{{k}}}"),
            (UnknownKey(k), Lang::En) => format!("Unknown question ${{{k}}}"),
            (ForwardReference(k), Lang::Nl) => {
                format!("${{{k}}} komt later in de vragenlijst; verwijs alleen naar eerdere vragen")
            }
            (ForwardReference(k), Lang::En) => format!(
                "${{{k}}} comes later in the questionnaire; refer only to earlier questions"
            ),
            (CircularReference(k), Lang::Nl) => {
                format!("${{{k}}} verwijst naar zichzelf; gebruik ‘.’ voor de eigen waarde")
            }
            (CircularReference(k), Lang::En) => {
                format!("${{{k}}} refers to itself; use ‘.’ for the own value")
            }
            (UnknownFunction(f), Lang::Nl) => format!("Onbekende functie {f}()"),
            (UnknownFunction(f), Lang::En) => format!("Unknown function {f}()"),
            (
                WrongArity {
                    function,
                    expected,
                    found,
                },
                Lang::Nl,
            ) => format!("{function}() verwacht {expected} argument(en), gekregen: {found}"),
            (
                WrongArity {
                    function,
                    expected,
                    found,
                },
                Lang::En,
            ) => format!("{function}() expects {expected} argument(s), got {found}"),
            (TypeMismatch { expected, found }, Lang::Nl) => {
                format!("Verwacht {expected}, gevonden {found}")
            }
            (TypeMismatch { expected, found }, Lang::En) => {
                format!("Expected {expected}, found {found}")
            }
            (NoCurrentValue, Lang::Nl) => {
                "‘.’ kan hier niet: dit onderdeel heeft geen eigen waarde".into()
            }
            (NoCurrentValue, Lang::En) => {
                "‘.’ cannot be used here: this element has no value of its own".into()
            }
        };
        format!("{text} ({})", self.span.describe(lang))
    }
}

fn name(t: ValueType) -> &'static str {
    match t {
        ValueType::Number => "number",
        ValueType::Text => "text",
        ValueType::Bool => "true/false",
        ValueType::Date => "date",
        ValueType::Choice => "choice",
        ValueType::Multi => "multiple choice",
        ValueType::NoValue => "no value",
        ValueType::Unknown => "unknown",
    }
}

/// Checks an expression; returns its type, or every problem found.
pub fn check(node: &Node, scope: &Scope) -> Result<ValueType, Vec<CheckError>> {
    let mut errors = Vec::new();
    let t = infer(node, scope, &mut errors);
    if errors.is_empty() {
        Ok(t)
    } else {
        Err(errors)
    }
}

fn mismatch(errors: &mut Vec<CheckError>, span: Span, expected: &str, found: ValueType) {
    if found == ValueType::Unknown {
        return;
    }
    errors.push(CheckError {
        kind: CheckErrorKind::TypeMismatch {
            expected: expected.into(),
            found: name(found).into(),
        },
        span,
    });
}

/// Infers the type, recording errors; a part with an error is `Unknown` so checking goes on.
fn infer(node: &Node, scope: &Scope, errors: &mut Vec<CheckError>) -> ValueType {
    let err = |errors: &mut Vec<CheckError>, kind| {
        errors.push(CheckError {
            kind,
            span: node.span,
        })
    };
    match &node.expr {
        Expr::Number(_) => ValueType::Number,
        Expr::Text(_) => ValueType::Text,
        Expr::Current => match scope.own_type {
            Some(ValueType::NoValue) | None => {
                err(errors, CheckErrorKind::NoCurrentValue);
                ValueType::Unknown
            }
            Some(t) => t,
        },
        Expr::Ref(key) => {
            if *key == scope.own_key {
                err(errors, CheckErrorKind::CircularReference(key.clone()));
                return ValueType::Unknown;
            }
            match scope.before.get(key) {
                Some(t) => *t,
                None if scope.after.contains(key) => {
                    err(errors, CheckErrorKind::ForwardReference(key.clone()));
                    ValueType::Unknown
                }
                None => {
                    err(errors, CheckErrorKind::UnknownKey(key.clone()));
                    ValueType::Unknown
                }
            }
        }
        Expr::Unary(_, inner) => {
            let t = infer(inner, scope, errors);
            if t != ValueType::Number {
                mismatch(errors, inner.span, "number", t);
            }
            ValueType::Number
        }
        Expr::Binary(op, l, r) => binary(*op, l, r, scope, errors),
        Expr::Call(function, args) => call(function, args, node.span, scope, errors),
    }
}

fn binary(
    op: BinaryOp,
    l: &Node,
    r: &Node,
    scope: &Scope,
    errors: &mut Vec<CheckError>,
) -> ValueType {
    let (lt, rt) = (infer(l, scope, errors), infer(r, scope, errors));
    for (t, span) in [(lt, l.span), (rt, r.span)] {
        if matches!(t, ValueType::Multi | ValueType::NoValue) {
            mismatch(
                errors,
                span,
                "a single value (use selected() or count-selected())",
                t,
            );
        }
    }
    match op {
        BinaryOp::Or | BinaryOp::And => {
            for (t, span) in [(lt, l.span), (rt, r.span)] {
                if t != ValueType::Bool && !matches!(t, ValueType::Multi | ValueType::NoValue) {
                    mismatch(errors, span, "true/false", t);
                }
            }
            ValueType::Bool
        }
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            let comparable = lt == rt
                || lt == ValueType::Unknown
                || rt == ValueType::Unknown
                || (lt.is_textual() && rt.is_textual())
                || (lt == ValueType::Date && rt.is_textual())
                || (rt == ValueType::Date && lt.is_textual())
                || matches!(lt, ValueType::Multi | ValueType::NoValue)
                || matches!(rt, ValueType::Multi | ValueType::NoValue);
            if !comparable {
                mismatch(errors, r.span, name(lt), rt);
            }
            ValueType::Bool
        }
        _ => {
            for (t, span) in [(lt, l.span), (rt, r.span)] {
                if t != ValueType::Number && !matches!(t, ValueType::Multi | ValueType::NoValue) {
                    mismatch(errors, span, "number", t);
                }
            }
            ValueType::Number
        }
    }
}

fn call(
    function: &str,
    args: &[Node],
    span: Span,
    scope: &Scope,
    errors: &mut Vec<CheckError>,
) -> ValueType {
    let arity = |errors: &mut Vec<CheckError>, expected: &str| {
        errors.push(CheckError {
            kind: CheckErrorKind::WrongArity {
                function: function.into(),
                expected: expected.into(),
                found: args.len(),
            },
            span,
        })
    };
    let types: Vec<ValueType> = args.iter().map(|a| infer(a, scope, errors)).collect();
    match function {
        "selected" => {
            if args.len() != 2 {
                arity(errors, "2");
            } else {
                if types[0] != ValueType::Multi && types[0] != ValueType::Choice {
                    mismatch(errors, args[0].span, "a choice question", types[0]);
                }
                if !types[1].is_textual() {
                    mismatch(errors, args[1].span, "an option code", types[1]);
                }
            }
            ValueType::Bool
        }
        "count-selected" => {
            if args.len() != 1 {
                arity(errors, "1");
            } else if types[0] != ValueType::Multi {
                mismatch(errors, args[0].span, "a multiple choice question", types[0]);
            }
            ValueType::Number
        }
        "if" => {
            if args.len() != 3 {
                arity(errors, "3");
                return ValueType::Unknown;
            }
            if types[0] != ValueType::Bool {
                mismatch(errors, args[0].span, "true/false", types[0]);
            }
            // `''` is XLSForm's "no value": it goes with any type.
            let empty = |i: usize| matches!(&args[i].expr, Expr::Text(t) if t.is_empty());
            if empty(2) {
                return types[1];
            }
            if empty(1) {
                return types[2];
            }
            if types[1] != types[2]
                && types[1] != ValueType::Unknown
                && !(types[1].is_textual() && types[2].is_textual())
            {
                mismatch(errors, args[2].span, name(types[1]), types[2]);
            }
            if types[1] == ValueType::Unknown {
                types[2]
            } else {
                types[1]
            }
        }
        "not" => {
            if args.len() != 1 {
                arity(errors, "1");
            } else if types[0] != ValueType::Bool {
                mismatch(errors, args[0].span, "true/false", types[0]);
            }
            ValueType::Bool
        }
        "string-length" => {
            if args.len() != 1 {
                arity(errors, "1");
            } else if matches!(types[0], ValueType::Multi | ValueType::NoValue) {
                mismatch(errors, args[0].span, "text", types[0]);
            }
            ValueType::Number
        }
        "today" => {
            if !args.is_empty() {
                arity(errors, "0");
            }
            ValueType::Date
        }
        // For calculations: text joined, numbers converted and rounded, the first answered value.
        "concat" => ValueType::Text,
        "string" => {
            if args.len() != 1 {
                arity(errors, "1");
            }
            ValueType::Text
        }
        "number" | "int" => {
            if args.len() != 1 {
                arity(errors, "1");
            }
            ValueType::Number
        }
        "round" => {
            if !(1..=2).contains(&args.len()) {
                arity(errors, "1 or 2");
            }
            for (arg, t) in args.iter().zip(&types) {
                if !matches!(t, ValueType::Number | ValueType::Text | ValueType::Choice) {
                    mismatch(errors, arg.span, "a number", *t);
                }
            }
            ValueType::Number
        }
        "coalesce" => {
            if args.len() != 2 {
                arity(errors, "2");
                return ValueType::Unknown;
            }
            if types[0] == ValueType::Unknown {
                types[1]
            } else {
                types[0]
            }
        }
        "true" | "false" => {
            if !args.is_empty() {
                arity(errors, "0");
            }
            ValueType::Bool
        }
        _ => {
            errors.push(CheckError {
                kind: CheckErrorKind::UnknownFunction(function.into()),
                span,
            });
            ValueType::Unknown
        }
    }
}
