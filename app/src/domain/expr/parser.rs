//! A precedence-climbing parser with exact error positions.

use super::ast::{BinaryOp, Expr, Node, Span, UnaryOp};
use super::lexer::{tokenize, ParseError, ParseErrorKind, Token};

/// The longest expression read, in bytes: far more than any condition people write, and short
/// enough that reading one costs nothing.
pub const MAX_LENGTH: usize = 20_000;

/// The deepest tree read (operators in a row such as `a or b or c …` make one level each): the
/// checker, the evaluator and dropping a tree recurse once per level, on a server worker's stack
/// and in the browser's alike.
pub const MAX_DEPTH: usize = 200;

/// The deepest nesting of parentheses, calls and minus signs read: the parser recurses several
/// times per level.
pub const MAX_NESTING: usize = 32;

/// Parses an expression.
pub fn parse(src: &str) -> Result<Node, ParseError> {
    if src.len() > MAX_LENGTH {
        let start = (0..=MAX_LENGTH)
            .rev()
            .find(|i| src.is_char_boundary(*i))
            .unwrap_or(0);
        return Err(ParseError::between(
            ParseErrorKind::TooLong,
            start,
            src.len(),
        ));
    }
    let tokens = tokenize(src)?;
    if tokens.is_empty() {
        return Err(ParseError::between(ParseErrorKind::Empty, 0, src.len()));
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        len: src.len(),
        nesting: 0,
    };
    let (node, _) = parser.expression(1)?;
    match parser.tokens.get(parser.pos) {
        None => Ok(node),
        Some((_, span)) => Err(ParseError::at(ParseErrorKind::UnexpectedToken, *span)),
    }
}

struct Parser {
    tokens: Vec<(Token, Span)>,
    pos: usize,
    len: usize,
    /// How deep the parser has recursed.
    nesting: usize,
}

/// A parsed node and the depth of its tree.
type Parsed = (Node, usize);

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
        ParseError::between(ParseErrorKind::UnexpectedEnd, self.len, self.len)
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

    /// Refuses to go deeper than [`MAX_DEPTH`] or [`MAX_NESTING`], naming the place where it would.
    fn too_deep(&self, depth: usize, span: Span) -> Result<(), ParseError> {
        if depth > MAX_DEPTH || self.nesting > MAX_NESTING {
            Err(ParseError::at(ParseErrorKind::TooDeep, span))
        } else {
            Ok(())
        }
    }

    /// Parses operators binding at least as tightly as `min`; all are left-associative.
    fn expression(&mut self, min: u8) -> Result<Parsed, ParseError> {
        let (mut left, mut depth) = self.unary()?;
        while let Some((op, at)) = self
            .tokens
            .get(self.pos)
            .and_then(|(t, span)| binary_op(t).map(|op| (op, *span)))
        {
            if op.precedence() < min {
                break;
            }
            self.pos += 1;
            let (right, right_depth) = self.expression(op.precedence() + 1)?;
            depth = depth.max(right_depth) + 1;
            self.too_deep(depth, at)?;
            let span = Span {
                start: left.span.start,
                end: right.span.end,
            };
            left = Node {
                expr: Expr::Binary(op, Box::new(left), Box::new(right)),
                span,
            };
        }
        Ok((left, depth))
    }

    fn unary(&mut self) -> Result<Parsed, ParseError> {
        if matches!(self.tokens.get(self.pos), Some((Token::Minus, _))) {
            let (_, minus) = self.next()?;
            self.nesting += 1;
            self.too_deep(0, minus)?;
            let (inner, depth) = self.unary()?;
            self.nesting -= 1;
            let span = Span {
                start: minus.start,
                end: inner.span.end,
            };
            return Ok((
                Node {
                    expr: Expr::Unary(UnaryOp::Neg, Box::new(inner)),
                    span,
                },
                depth + 1,
            ));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Parsed, ParseError> {
        let (token, span) = self.next()?;
        let leaf = |expr| Ok((Node { expr, span }, 1));
        match token {
            Token::Number(n) => leaf(Expr::Number(n)),
            Token::Text(t) => leaf(Expr::Text(t)),
            Token::Ref(k) => leaf(Expr::Ref(k)),
            Token::Dot => leaf(Expr::Current),
            Token::LParen => {
                self.nesting += 1;
                self.too_deep(0, span)?;
                let (inner, depth) = self.expression(1)?;
                self.nesting -= 1;
                match self.next() {
                    Ok((Token::RParen, close)) => Ok((
                        Node {
                            expr: inner.expr,
                            span: Span {
                                start: span.start,
                                end: close.end,
                            },
                        },
                        depth,
                    )),
                    _ => Err(ParseError::at(ParseErrorKind::UnclosedParen, span)),
                }
            }
            Token::Name(name) if binary_op(&Token::Name(name.clone())).is_none() => {
                self.call(name, span)
            }
            _ => Err(ParseError::at(ParseErrorKind::UnexpectedToken, span)),
        }
    }

    fn call(&mut self, name: String, name_span: Span) -> Result<Parsed, ParseError> {
        match self.next() {
            Ok((Token::LParen, _)) => {}
            Ok((_, span)) => return Err(ParseError::at(ParseErrorKind::UnexpectedToken, span)),
            Err(_) => return Err(ParseError::at(ParseErrorKind::UnexpectedToken, name_span)),
        }
        let call = |args, close: Span, depth| {
            let span = Span {
                start: name_span.start,
                end: close.end,
            };
            Ok((
                Node {
                    expr: Expr::Call(name, args),
                    span,
                },
                depth,
            ))
        };
        let mut args = Vec::new();
        if matches!(self.tokens.get(self.pos), Some((Token::RParen, _))) {
            let (_, close) = self.next()?;
            return call(args, close, 1);
        }
        let mut depth = 0;
        self.nesting += 1;
        self.too_deep(0, name_span)?;
        loop {
            let (arg, arg_depth) = self.expression(1)?;
            args.push(arg);
            depth = depth.max(arg_depth + 1);
            self.too_deep(depth, name_span)?;
            match self.next() {
                Ok((Token::Comma, _)) => continue,
                Ok((Token::RParen, close)) => {
                    self.nesting -= 1;
                    return call(args, close, depth);
                }
                Ok((_, span)) => return Err(ParseError::at(ParseErrorKind::UnexpectedToken, span)),
                Err(_) => return Err(ParseError::at(ParseErrorKind::UnclosedParen, name_span)),
            }
        }
    }
}
