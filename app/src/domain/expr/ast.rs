//! The syntax tree. Every node knows the byte range it came from, for exact error positions.

use serde::{Deserialize, Serialize};

/// Byte offsets `start..end` in the expression text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// The 1-based character position(s) for messages: `positie 3–7`, or `positie 8` at one place.
    pub fn describe(&self, lang: crate::i18n::Lang) -> String {
        let word = lang.pick("positie", "position");
        if self.end <= self.start + 1 {
            format!("{word} {}", self.start + 1)
        } else {
            format!("{word} {}–{}", self.start + 1, self.end)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinaryOp {
    /// Binding strength: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq | BinaryOp::Ne => 3,
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 6,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "div",
            BinaryOp::Mod => "mod",
        }
    }
}

/// An expression node.
#[derive(Clone, Debug)]
pub struct Node {
    pub expr: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Number(f64),
    Text(String),
    /// `${key}`
    Ref(String),
    /// `.`: the value of the item the expression belongs to.
    Current,
    Unary(UnaryOp, Box<Node>),
    Binary(BinaryOp, Box<Node>, Box<Node>),
    Call(String, Vec<Node>),
}

/// Nodes are equal when their trees are; positions do not count.
impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.expr == other.expr
    }
}

impl Node {
    /// Every `${key}` in the expression, in order, with its position.
    pub fn references(&self) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        self.collect_refs(&mut out);
        out
    }

    fn collect_refs<'a>(&'a self, out: &mut Vec<(&'a str, Span)>) {
        match &self.expr {
            Expr::Ref(key) => out.push((key, self.span)),
            Expr::Unary(_, inner) => inner.collect_refs(out),
            Expr::Binary(_, l, r) => {
                l.collect_refs(out);
                r.collect_refs(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.collect_refs(out)),
            Expr::Number(_) | Expr::Text(_) | Expr::Current => {}
        }
    }
}
