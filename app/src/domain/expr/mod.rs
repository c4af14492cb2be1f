//! Logic expressions in the XLSForm style, used for `relevant`, `constraint` and conditional
//! `required`. One parser, one checker and one evaluator, compiled for the server (which validates
//! every save) and the browser (which shows, hides and validates as the user types).
//!
//! ```text
//! ${has_registration} = 'ja' and count-selected(${kinds}) > 0
//! . >= 0 and . <= 10000
//! if(selected(${modules}, 'radicalisering'), 1, 0) + 2
//! ```

mod ast;
mod check;
mod eval;
mod lexer;
mod parser;
mod print;

pub use ast::{BinaryOp, Expr, Node, Span, UnaryOp};
pub use check::{check, CheckError, CheckErrorKind, Scope, ValueType};
pub use eval::{evaluate, Env, Value};
pub use lexer::is_key;
pub use lexer::{ParseError, ParseErrorKind};
pub use parser::parse;

#[cfg(test)]
mod tests;
