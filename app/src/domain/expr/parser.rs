//! A precedence-climbing parser with exact error positions.

use serde::{Deserialize, Serialize};

use super::ast::{BinaryOp, Expr, Node, Span, UnaryOp};
use super::lexer::{tokenize, Token};
use crate::i18n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParseErrorKind {
    Empty,
    UnexpectedCharacter,
    UnclosedString,
    BadReference,
    BadNumber,
    UnexpectedEnd,
    UnexpectedToken,
    UnclosedParen,
}

/// Why an expression cannot be read, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub span: Span,
}

impl ParseError {
    pub fn message(&self, lang: Lang) -> String {
        use ParseErrorKind::*;
        let (nl, en) = match self.kind {
            Empty => ("De expressie is leeg", "The expression is empty"),
            UnexpectedCharacter => ("Onverwacht teken", "Unexpected character"),
            UnclosedString => (
                "Tekst zonder afsluitend aanhalingsteken",
                "Text without a closing quote",
            ),
            BadReference => (
                "Verwijzing moet de vorm ${sleutel} hebben",
                "A reference must look like ${key}",
            ),
            BadNumber => ("Ongeldig getal", "Invalid number"),
            UnexpectedEnd => (
                "De expressie houdt te vroeg op",
                "The expression ends too early",
            ),
            UnexpectedToken => (
                "Hier wordt iets anders verwacht",
                "Something else is expected here",
            ),
            UnclosedParen => (
                "Haakje ‘(’ wordt niet gesloten",
                "Parenthesis ‘(’ is not closed",
            ),
        };
        format!("{} ({})", lang.pick(nl, en), self.span.describe(lang))
    }
}

/// Parses an expression.
pub fn parse(src: &str) -> Result<Node, ParseError> {
    let tokens = tokenize(src)?;
    if tokens.is_empty() {
        return Err(ParseError {
            kind: ParseErrorKind::Empty,
            span: Span {
                start: 0,
                end: src.len(),
            },
        });
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        len: src.len(),
    };
    let node = parser.expression(1)?;
    match parser.tokens.get(parser.pos) {
        None => Ok(node),
        Some((_, span)) => Err(ParseError {
            kind: ParseErrorKind::UnexpectedToken,
            span: *span,
        }),
    }
}

struct Parser {
    tokens: Vec<(Token, Span)>,
    pos: usize,
    len: usize,
}

fn binary_op(token: &Token) -> Option<BinaryOp> {
    Some(match token {
        Token::Eq => BinaryOp::Eq,
        Token::Ne => BinaryOp::Ne,
        Token::Lt => BinaryOp::Lt,
        Token::Le => BinaryOp::Le,
        Token::Gt => BinaryOp::Gt,
        Token::Ge => BinaryOp::Ge,
        Token::Plus => BinaryOp::Add,
        Token::Minus => BinaryOp::Sub,
        Token::Star => BinaryOp::Mul,
        Token::Name(n) if n == "and" => BinaryOp::And,
        Token::Name(n) if n == "or" => BinaryOp::Or,
        Token::Name(n) if n == "div" => BinaryOp::Div,
        Token::Name(n) if n == "mod" => BinaryOp::Mod,
        _ => return None,
    })
}

impl Parser {
    fn end(&self) -> ParseError {
        ParseError {
            kind: ParseErrorKind::UnexpectedEnd,
            span: Span {
                start: self.len,
                end: self.len,
            },
        }
    }

    fn next(&mut self) -> Result<(Token, Span), ParseError> {
        let token = self
            .tokens
            .get(self.pos)
            .cloned()
            .ok_or_else(|| self.end())?;
        self.pos += 1;
        Ok(token)
    }

    /// Parses operators binding at least as tightly as `min`; all are left-associative.
    fn expression(&mut self, min: u8) -> Result<Node, ParseError> {
        let mut left = self.unary()?;
        while let Some(op) = self.tokens.get(self.pos).and_then(|(t, _)| binary_op(t)) {
            if op.precedence() < min {
                break;
            }
            self.pos += 1;
            let right = self.expression(op.precedence() + 1)?;
            let span = Span {
                start: left.span.start,
                end: right.span.end,
            };
            left = Node {
                expr: Expr::Binary(op, Box::new(left), Box::new(right)),
                span,
            };
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, ParseError> {
        if matches!(self.tokens.get(self.pos), Some((Token::Minus, _))) {
            let (_, minus) = self.next()?;
            let inner = self.unary()?;
            let span = Span {
                start: minus.start,
                end: inner.span.end,
            };
            return Ok(Node {
                expr: Expr::Unary(UnaryOp::Neg, Box::new(inner)),
                span,
            });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Node, ParseError> {
        let (token, span) = self.next()?;
        let leaf = |expr| Ok(Node { expr, span });
        match token {
            Token::Number(n) => leaf(Expr::Number(n)),
            Token::Text(t) => leaf(Expr::Text(t)),
            Token::Ref(k) => leaf(Expr::Ref(k)),
            Token::Dot => leaf(Expr::Current),
            Token::LParen => {
                let inner = self.expression(1)?;
                match self.next() {
                    Ok((Token::RParen, close)) => Ok(Node {
                        expr: inner.expr,
                        span: Span {
                            start: span.start,
                            end: close.end,
                        },
                    }),
                    _ => Err(ParseError {
                        kind: ParseErrorKind::UnclosedParen,
                        span,
                    }),
                }
            }
            Token::Name(name) if binary_op(&Token::Name(name.clone())).is_none() => {
                self.call(name, span)
            }
            _ => Err(ParseError {
                kind: ParseErrorKind::UnexpectedToken,
                span,
            }),
        }
    }

    fn call(&mut self, name: String, name_span: Span) -> Result<Node, ParseError> {
        match self.next() {
            Ok((Token::LParen, _)) => {}
            Ok((_, span)) => {
                return Err(ParseError {
                    kind: ParseErrorKind::UnexpectedToken,
                    span,
                })
            }
            Err(_) => {
                return Err(ParseError {
                    kind: ParseErrorKind::UnexpectedToken,
                    span: name_span,
                })
            }
        }
        let mut args = Vec::new();
        if matches!(self.tokens.get(self.pos), Some((Token::RParen, _))) {
            let (_, close) = self.next()?;
            return Ok(Node {
                expr: Expr::Call(name, args),
                span: Span {
                    start: name_span.start,
                    end: close.end,
                },
            });
        }
        loop {
            args.push(self.expression(1)?);
            match self.next() {
                Ok((Token::Comma, _)) => continue,
                Ok((Token::RParen, close)) => {
                    return Ok(Node {
                        expr: Expr::Call(name, args),
                        span: Span {
                            start: name_span.start,
                            end: close.end,
                        },
                    })
                }
                Ok((_, span)) => {
                    return Err(ParseError {
                        kind: ParseErrorKind::UnexpectedToken,
                        span,
                    })
                }
                Err(_) => {
                    return Err(ParseError {
                        kind: ParseErrorKind::UnclosedParen,
                        span: name_span,
                    })
                }
            }
        }
    }
}
