//! Splits expression text into tokens with their byte positions.

use serde::{Deserialize, Serialize};

use super::ast::Span;
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
    TooLong,
    TooDeep,
}

/// Why an expression cannot be read, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub span: Span,
}

impl ParseError {
    /// A `kind` of error from byte `start` to `end`.
    pub fn between(kind: ParseErrorKind, start: usize, end: usize) -> Self {
        Self::at(kind, Span { start, end })
    }

    /// A `kind` of error at `span`.
    pub fn at(kind: ParseErrorKind, span: Span) -> Self {
        Self { kind, span }
    }

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
            TooLong => (
                "De expressie is te lang (hoogstens 20.000 tekens)",
                "The expression is too long (at most 20,000 characters)",
            ),
            TooDeep => (
                "De expressie is te diep genest (hoogstens 32 niveaus haakjes, functies of mintekens, en 200 operatoren na elkaar)",
                "The expression is nested too deeply (at most 32 levels of parentheses, functions or minus signs, and 200 operators in a row)",
            ),
        };
        format!("{} ({})", lang.pick(nl, en), self.span.describe(lang))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    Number(f64),
    Text(String),
    Ref(String),
    Dot,
    Name(String),
    LParen,
    RParen,
    Comma,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
}

pub fn tokenize(src: &str) -> Result<Vec<(Token, Span)>, ParseError> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let single = |t: Token| {
            (
                t,
                Span {
                    start,
                    end: start + 1,
                },
            )
        };
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'(' => tokens.push(single(Token::LParen)),
            b')' => tokens.push(single(Token::RParen)),
            b',' => tokens.push(single(Token::Comma)),
            b'+' => tokens.push(single(Token::Plus)),
            b'-' => tokens.push(single(Token::Minus)),
            b'*' => tokens.push(single(Token::Star)),
            b'=' => tokens.push(single(Token::Eq)),
            b'!' if bytes.get(i + 1) == Some(&b'=') => {
                tokens.push((Token::Ne, Span { start, end: i + 2 }));
                i += 2;
                continue;
            }
            b'<' | b'>' => {
                let eq = bytes.get(i + 1) == Some(&b'=');
                let token = match (c, eq) {
                    (b'<', true) => Token::Le,
                    (b'<', false) => Token::Lt,
                    (_, true) => Token::Ge,
                    (_, false) => Token::Gt,
                };
                let len = if eq { 2 } else { 1 };
                tokens.push((
                    token,
                    Span {
                        start,
                        end: i + len,
                    },
                ));
                i += len;
                continue;
            }
            b'\'' | b'"' => {
                let close = src[i + 1..].find(c as char).ok_or(ParseError::between(
                    ParseErrorKind::UnclosedString,
                    start,
                    src.len(),
                ))?;
                let end = i + 1 + close;
                tokens.push((
                    Token::Text(src[i + 1..end].to_owned()),
                    Span {
                        start,
                        end: end + 1,
                    },
                ));
                i = end + 1;
                continue;
            }
            b'$' => {
                let rest = &src[i..];
                let close = rest.find('}').filter(|_| rest.starts_with("${"));
                let Some(close) = close else {
                    return Err(ParseError::between(
                        ParseErrorKind::BadReference,
                        start,
                        src.len(),
                    ));
                };
                let key = &rest[2..close];
                if !is_key(key) {
                    return Err(ParseError::between(
                        ParseErrorKind::BadReference,
                        start,
                        i + close + 1,
                    ));
                }
                tokens.push((
                    Token::Ref(key.to_owned()),
                    Span {
                        start,
                        end: i + close + 1,
                    },
                ));
                i += close + 1;
                continue;
            }
            b'0'..=b'9' | b'.' => {
                let mut end = i;
                while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b'.') {
                    end += 1;
                }
                let text = &src[i..end];
                if text == "." {
                    tokens.push(single(Token::Dot));
                } else {
                    let value = text
                        .parse::<f64>()
                        .map_err(|_| ParseError::between(ParseErrorKind::BadNumber, start, end))?;
                    tokens.push((Token::Number(value), Span { start, end }));
                }
                i = end;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut end = i;
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric()
                        || bytes[end] == b'-'
                        || bytes[end] == b'_')
                {
                    end += 1;
                }
                tokens.push((Token::Name(src[i..end].to_owned()), Span { start, end }));
                i = end;
                continue;
            }
            _ => {
                let len = src[i..].chars().next().map(char::len_utf8).unwrap_or(1);
                return Err(ParseError::between(
                    ParseErrorKind::UnexpectedCharacter,
                    start,
                    i + len,
                ));
            }
        }
        i += 1;
    }
    Ok(tokens)
}

/// Item keys: a letter or `_` first, then letters, digits and `_` (XLSForm names).
pub fn is_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
