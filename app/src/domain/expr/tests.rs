use std::collections::HashMap;

use chrono::NaiveDate;

use super::*;

struct Answers(HashMap<&'static str, Value>, Value);

impl Env for Answers {
    fn get(&self, key: &str) -> Value {
        self.0.get(key).cloned().unwrap_or(Value::Null)
    }
    fn current(&self) -> Value {
        self.1.clone()
    }
    fn today(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
    }
}

fn eval(src: &str, answers: &[(&'static str, Value)], current: Value) -> Value {
    let node = parse(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
    evaluate(&node, &Answers(answers.iter().cloned().collect(), current))
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

#[test]
fn conditions_follow_xlsform_semantics() {
    let registered = [
        ("registratie", text("ja")),
        (
            "soorten",
            Value::Multi(vec!["agressie".into(), "diefstal".into()]),
        ),
    ];
    assert_eq!(
        eval("${registratie} = 'ja'", &registered, Value::Null),
        Value::Bool(true)
    );
    assert_eq!(
        eval(
            "${registratie} != 'ja' or count-selected(${soorten}) > 1",
            &registered,
            Value::Null
        ),
        Value::Bool(true)
    );
    assert_eq!(
        eval(
            "selected(${soorten}, 'diefstal') and not(selected(${soorten}, 'wapens'))",
            &registered,
            Value::Null
        ),
        Value::Bool(true)
    );
    assert_eq!(
        eval("${onbeantwoord} = ''", &[], Value::Null),
        Value::Bool(true)
    );
    assert_eq!(
        eval("${onbeantwoord} > 3", &[], Value::Null),
        Value::Bool(false)
    );
    assert_eq!(
        eval("${onbeantwoord} < 3", &[], Value::Null),
        Value::Bool(false)
    );
    assert_eq!(
        eval("count-selected(${onbeantwoord})", &[], Value::Null),
        Value::Number(0.0)
    );
}

#[test]
fn constraints_use_the_current_value() {
    assert_eq!(
        eval(". >= 0 and . <= 10000", &[], Value::Number(42.0)),
        Value::Bool(true)
    );
    assert_eq!(
        eval(". >= 0 and . <= 10000", &[], Value::Number(-1.0)),
        Value::Bool(false)
    );
    assert_eq!(
        eval("string-length(.) <= 5", &[], text("abcdef")),
        Value::Bool(false)
    );
    assert_eq!(
        eval(". <= today()", &[], text("2026-01-01")),
        Value::Bool(true)
    );
    assert_eq!(
        eval(". <= today()", &[], text("2027-01-01")),
        Value::Bool(false)
    );
}

#[test]
fn arithmetic_and_if() {
    assert_eq!(
        eval("1 + 2 * 3 - 4 div 2", &[], Value::Null),
        Value::Number(5.0)
    );
    assert_eq!(eval("(1 + 2) * 3", &[], Value::Null), Value::Number(9.0));
    assert_eq!(eval("-2 * -3", &[], Value::Null), Value::Number(6.0));
    assert_eq!(eval("7 mod 4", &[], Value::Null), Value::Number(3.0));
    assert_eq!(
        eval(
            "if(${a} > 1, 'veel', 'weinig')",
            &[("a", Value::Number(2.0))],
            Value::Null
        ),
        text("veel")
    );
    assert!(matches!(eval("1 div 0", &[], Value::Null), Value::Number(n) if n.is_nan()));
}

#[test]
fn parse_errors_point_at_the_problem() {
    let cases = [
        ("${a} = ", 7, 7),
        ("${a} = 'ja", 7, 10),
        ("${a b} = 1", 0, 6),
        ("(1 + 2", 0, 1),
        ("1 + # 2", 4, 5),
        ("selected(${a}, 'x'", 0, 8),
        ("1 2", 2, 3),
        ("", 0, 0),
    ];
    for (src, start, end) in cases {
        let error = parse(src).expect_err(src);
        assert_eq!(
            (error.span.start, error.span.end),
            (start, end),
            "{src}: {error:?}"
        );
    }
    let message = parse("${a} = 'ja")
        .expect_err("unclosed")
        .message(crate::i18n::Lang::Nl);
    assert!(
        message.contains("aanhalingsteken") && message.contains("positie 8–10"),
        "{message}"
    );
}

/// Runs `f` on a thread with half the stack of a server worker (2 MiB) or all of the browser's
/// (1 MiB), in a debug build (larger frames), so that an
/// expression that recursed without limit would abort the test instead of passing by luck.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no overflow");
}

#[test]
fn hostile_expressions_are_refused_at_a_position_not_by_a_stack_overflow() {
    on_small_stack(|| {
        let long = "1+".repeat(30_000) + "1";
        let error = parse(&long).expect_err("too long");
        assert_eq!(error.kind, ParseErrorKind::TooLong);
        assert_eq!(error.span.start, parser::MAX_LENGTH);
        let nested = [
            "(".repeat(5_000) + "1" + &")".repeat(5_000),
            "-".repeat(9_000) + "1",
            "1".to_owned() + &" or 1".repeat(3_000),
            "if(".repeat(3_000) + "1",
            "not(".repeat(3_000) + "1" + &")".repeat(3_000),
        ];
        for src in nested {
            let error = parse(&src).expect_err("too deep");
            assert_eq!(error.kind, ParseErrorKind::TooDeep, "{error:?}");
            let message = error.message(crate::i18n::Lang::Nl);
            assert!(
                message.contains("te diep") && message.contains("positie"),
                "{message}"
            );
        }
        // At the limits everything still works: parsed, checked, evaluated and dropped.
        let n = parser::MAX_NESTING - 1;
        let deep = "(".repeat(n) + "1" + &")".repeat(n);
        assert_eq!(eval(&deep, &[], Value::Null), Value::Number(1.0));
        let calls = "if(1 = 1, ".repeat(n) + "1" + &", 0)".repeat(n);
        assert_eq!(eval(&calls, &[], Value::Null), Value::Number(1.0));
        let chain = "1".to_owned() + &" + 1".repeat(parser::MAX_DEPTH - 1);
        let node = parse(&chain).expect("at the limit");
        assert!(check(&node, &scope()).is_ok());
        assert_eq!(
            eval(&chain, &[], Value::Null),
            Value::Number(parser::MAX_DEPTH as f64)
        );
        let minus = "-".repeat(n) + "1";
        assert!(parse(&minus).is_ok());
    });
}

fn scope() -> Scope {
    Scope {
        before: [
            ("aantal".to_owned(), ValueType::Number),
            ("registratie".to_owned(), ValueType::Choice),
            ("soorten".to_owned(), ValueType::Multi),
            ("datum".to_owned(), ValueType::Date),
        ]
        .into_iter()
        .collect(),
        after: vec!["later".into()],
        own_key: "zelf".into(),
        own_type: Some(ValueType::Number),
    }
}

#[test]
fn the_checker_reports_each_error_with_its_position() {
    let errors = |src: &str| check(&parse(src).expect(src), &scope()).expect_err(src);
    let e = errors("${onbekend} = 1");
    assert_eq!(e[0].kind, CheckErrorKind::UnknownKey("onbekend".into()));
    assert_eq!((e[0].span.start, e[0].span.end), (0, 11));
    assert_eq!(
        errors("${later} > 2")[0].kind,
        CheckErrorKind::ForwardReference("later".into())
    );
    assert_eq!(
        errors("${zelf} > 2")[0].kind,
        CheckErrorKind::CircularReference("zelf".into())
    );
    let e = errors("1 + foo(2)");
    assert_eq!(e[0].kind, CheckErrorKind::UnknownFunction("foo".into()));
    assert_eq!((e[0].span.start, e[0].span.end), (4, 10));
    assert!(matches!(
        errors("count-selected(${soorten}, 1)")[0].kind,
        CheckErrorKind::WrongArity { .. }
    ));
    let e = errors("${aantal} + 'tekst'");
    assert!(matches!(e[0].kind, CheckErrorKind::TypeMismatch { .. }));
    assert_eq!((e[0].span.start, e[0].span.end), (12, 19));
    assert!(matches!(
        errors("${soorten} = 'a'")[0].kind,
        CheckErrorKind::TypeMismatch { .. }
    ));
    assert!(matches!(
        errors("${aantal} and true()")[0].kind,
        CheckErrorKind::TypeMismatch { .. }
    ));
    assert_eq!(errors("${x} + ${y}").len(), 2, "all errors at once");
}

#[test]
fn well_typed_expressions_pass_the_checker() {
    for src in [
        "${registratie} = 'ja' and count-selected(${soorten}) > 0",
        "selected(${soorten}, 'agressie') or selected(${registratie}, 'nee')",
        ". >= 0 and . <= ${aantal} * 2",
        "${datum} <= today()",
        "if(${aantal} > 10, 1, 0) + 1 = 2",
        "not(${registratie} = 'nee')",
    ] {
        check(&parse(src).expect(src), &scope()).unwrap_or_else(|e| panic!("{src}: {e:?}"));
    }
}

/// A small deterministic generator (xorshift), so the property test needs no extra crate.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_node(g: &mut Gen, depth: u32) -> Node {
    let span = Span { start: 0, end: 0 };
    let leaf = depth == 0 || g.below(3) == 0;
    let expr = if leaf {
        match g.below(4) {
            0 => Expr::Number((g.below(10_000) as f64) / [1.0, 10.0, 100.0][g.below(3) as usize]),
            1 => Expr::Text(["ja", "nee", "", "it's", "a b"][g.below(5) as usize].into()),
            2 => Expr::Ref(["a", "b_2", "Vraag"][g.below(3) as usize].into()),
            _ => Expr::Current,
        }
    } else {
        match g.below(4) {
            0 => Expr::Unary(UnaryOp::Neg, Box::new(random_node(g, depth - 1))),
            1 => {
                let name = ["if", "selected", "today", "count-selected"][g.below(4) as usize];
                let n = g.below(4) as usize;
                Expr::Call(
                    name.into(),
                    (0..n).map(|_| random_node(g, depth - 1)).collect(),
                )
            }
            _ => {
                const OPS: [BinaryOp; 13] = [
                    BinaryOp::Or,
                    BinaryOp::And,
                    BinaryOp::Eq,
                    BinaryOp::Ne,
                    BinaryOp::Lt,
                    BinaryOp::Le,
                    BinaryOp::Gt,
                    BinaryOp::Ge,
                    BinaryOp::Add,
                    BinaryOp::Sub,
                    BinaryOp::Mul,
                    BinaryOp::Div,
                    BinaryOp::Mod,
                ];
                let op = OPS[g.below(13) as usize];
                Expr::Binary(
                    op,
                    Box::new(random_node(g, depth - 1)),
                    Box::new(random_node(g, depth - 1)),
                )
            }
        }
    };
    Node { expr, span }
}

#[test]
fn printing_and_parsing_round_trip_for_random_trees() {
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    for _ in 0..5_000 {
        let node = random_node(&mut g, 5);
        let printed = node.to_string();
        let reparsed = parse(&printed).unwrap_or_else(|e| panic!("{printed}: {e:?}"));
        assert_eq!(reparsed, node, "{printed}");
        assert_eq!(reparsed.to_string(), printed);
    }
}

#[test]
fn calculations_join_convert_round_and_fall_back() {
    let given = [("a", Value::Number(7.0)), ("t", text("12,5"))];
    let cases = [
        ("concat('n=', ${a}, '!')", text("n=7!")),
        ("string(${a})", text("7")),
        ("number(${t}) * 2", Value::Number(25.0)),
        ("int(7.9)", Value::Number(7.0)),
        ("round(2 div 3, 2)", Value::Number(0.67)),
        ("round(2.5)", Value::Number(3.0)),
        ("coalesce(${leeg}, ${a})", Value::Number(7.0)),
        ("coalesce(${a}, 1)", Value::Number(7.0)),
        ("if(${a} > 5, ${a}, '')", Value::Number(7.0)),
    ];
    for (src, want) in cases {
        assert_eq!(eval(src, &given, Value::Null), want, "{src}");
    }
    assert_eq!(Value::Number(3.0).stored().as_deref(), Some("3"));
    assert_eq!(Value::Number(f64::NAN).stored(), None);
    assert_eq!(text("").stored(), None);
    assert_eq!(Value::Null.stored(), None);
}
