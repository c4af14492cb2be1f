//! Evaluates a checked expression against the answers given so far. Unanswered items are
//! [`Value::Null`]: equal to `''`, not equal to any number, and false in a condition.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ast::{BinaryOp, Expr, Node, UnaryOp};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Null,
    Number(f64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
    Multi(Vec<String>),
}

/// Where answers come from.
pub trait Env {
    /// The answer to the item with this key (`Null` when unanswered or not relevant).
    fn get(&self, key: &str) -> Value;
    /// The answer of the item the expression belongs to (`.`).
    fn current(&self) -> Value;
    fn today(&self) -> NaiveDate;
}

impl Value {
    /// The value as an answer is stored (a calculation's result): nothing for no value, a
    /// number that is not one, or empty text.
    pub fn stored(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Number(n) if !n.is_finite() => None,
            other => Some(other.text()).filter(|t| !t.is_empty()),
        }
    }

    /// The value as a condition.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::Text(t) => !t.is_empty(),
            Value::Date(_) => true,
            Value::Multi(codes) => !codes.is_empty(),
        }
    }

    fn number(&self) -> f64 {
        match self {
            Value::Number(n) => *n,
            Value::Text(t) => t.trim().replace(',', ".").parse().unwrap_or(f64::NAN),
            Value::Bool(b) => f64::from(u8::from(*b)),
            _ => f64::NAN,
        }
    }

    fn text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Number(n) => n.to_string(),
            Value::Text(t) => t.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::Multi(codes) => codes.join(" "),
        }
    }

    fn date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            Value::Text(t) => NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok(),
            _ => None,
        }
    }
}

/// Evaluates `node` with the answers in `env`.
pub fn evaluate(node: &Node, env: &dyn Env) -> Value {
    match &node.expr {
        Expr::Number(n) => Value::Number(*n),
        Expr::Text(t) => Value::Text(t.clone()),
        Expr::Ref(key) => env.get(key),
        Expr::Current => env.current(),
        Expr::Unary(UnaryOp::Neg, inner) => Value::Number(-evaluate(inner, env).number()),
        Expr::Binary(BinaryOp::And, l, r) => {
            Value::Bool(evaluate(l, env).truthy() && evaluate(r, env).truthy())
        }
        Expr::Binary(BinaryOp::Or, l, r) => {
            Value::Bool(evaluate(l, env).truthy() || evaluate(r, env).truthy())
        }
        Expr::Binary(op, l, r) => binary(*op, evaluate(l, env), evaluate(r, env)),
        Expr::Call(function, args) => call(function, args, env),
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, other) | (other, Value::Null) => {
            matches!(other, Value::Text(t) if t.is_empty())
        }
        (Value::Number(_), _) | (_, Value::Number(_)) => a.number() == b.number(),
        (Value::Date(_), _) | (_, Value::Date(_)) => a.date().is_some() && a.date() == b.date(),
        (Value::Bool(x), Value::Bool(y)) => x == y,
        _ => a.text() == b.text(),
    }
}

fn binary(op: BinaryOp, a: Value, b: Value) -> Value {
    use std::cmp::Ordering;
    let order = || -> Option<Ordering> {
        if matches!(a, Value::Null) || matches!(b, Value::Null) {
            return None;
        }
        if let (Some(x), Some(y)) = (a.date(), b.date()) {
            return Some(x.cmp(&y));
        }
        a.number().partial_cmp(&b.number())
    };
    match op {
        BinaryOp::Eq => Value::Bool(equal(&a, &b)),
        BinaryOp::Ne => Value::Bool(!equal(&a, &b)),
        BinaryOp::Lt => Value::Bool(order() == Some(Ordering::Less)),
        BinaryOp::Le => Value::Bool(matches!(order(), Some(Ordering::Less | Ordering::Equal))),
        BinaryOp::Gt => Value::Bool(order() == Some(Ordering::Greater)),
        BinaryOp::Ge => Value::Bool(matches!(order(), Some(Ordering::Greater | Ordering::Equal))),
        BinaryOp::Add => Value::Number(a.number() + b.number()),
        BinaryOp::Sub => Value::Number(a.number() - b.number()),
        BinaryOp::Mul => Value::Number(a.number() * b.number()),
        BinaryOp::Div => {
            let d = b.number();
            Value::Number(if d == 0.0 { f64::NAN } else { a.number() / d })
        }
        BinaryOp::Mod => {
            let d = b.number();
            Value::Number(if d == 0.0 { f64::NAN } else { a.number() % d })
        }
        BinaryOp::And => Value::Bool(a.truthy() && b.truthy()),
        BinaryOp::Or => Value::Bool(a.truthy() || b.truthy()),
    }
}

fn call(function: &str, args: &[Node], env: &dyn Env) -> Value {
    let arg = |i: usize| args.get(i).map(|a| evaluate(a, env)).unwrap_or(Value::Null);
    match function {
        "selected" => {
            let code = arg(1).text();
            Value::Bool(match arg(0) {
                Value::Multi(codes) => codes.contains(&code),
                Value::Null => false,
                single => single.text() == code,
            })
        }
        "count-selected" => Value::Number(match arg(0) {
            Value::Multi(codes) => codes.len() as f64,
            _ => 0.0,
        }),
        "if" => {
            if arg(0).truthy() {
                arg(1)
            } else {
                arg(2)
            }
        }
        "not" => Value::Bool(!arg(0).truthy()),
        "string-length" => Value::Number(arg(0).text().chars().count() as f64),
        "today" => Value::Date(env.today()),
        "concat" => Value::Text(args.iter().map(|a| evaluate(a, env).text()).collect()),
        "string" => Value::Text(arg(0).text()),
        "number" => Value::Number(arg(0).number()),
        "int" => Value::Number(arg(0).number().trunc()),
        "round" => {
            let digits = if args.len() > 1 { arg(1).number() } else { 0.0 };
            let scale = 10f64.powi(digits.clamp(-15.0, 15.0) as i32);
            Value::Number((arg(0).number() * scale).round() / scale)
        }
        "coalesce" => match arg(0) {
            v if v.truthy() || matches!(v, Value::Number(_) | Value::Bool(_)) => v,
            _ => arg(1),
        },
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::Null,
    }
}
