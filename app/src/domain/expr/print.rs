//! Prints a tree back to text with as few parentheses as the precedence allows.

use std::fmt;

use super::ast::{Expr, Node, UnaryOp};

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_node(f, self, 0)
    }
}

fn write_node(f: &mut fmt::Formatter<'_>, node: &Node, parent: u8) -> fmt::Result {
    match &node.expr {
        Expr::Number(n) => write!(f, "{n}"),
        Expr::Text(t) if t.contains('\'') => write!(f, "\"{t}\""),
        Expr::Text(t) => write!(f, "'{t}'"),
        Expr::Ref(k) => write!(f, "${{{k}}}"),
        Expr::Current => f.write_str("."),
        Expr::Unary(UnaryOp::Neg, inner) => {
            f.write_str("-")?;
            write_node(f, inner, 7)
        }
        Expr::Binary(op, l, r) => {
            let p = op.precedence();
            let wrap = p < parent;
            if wrap {
                f.write_str("(")?;
            }
            write_node(f, l, p)?;
            write!(f, " {} ", op.symbol())?;
            // Left-associative: a right operand of equal precedence needs parentheses.
            write_node(f, r, p + 1)?;
            if wrap {
                f.write_str(")")?;
            }
            Ok(())
        }
        Expr::Call(name, args) => {
            write!(f, "{name}(")?;
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_node(f, arg, 0)?;
            }
            f.write_str(")")
        }
    }
}
