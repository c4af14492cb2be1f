//! Where a student file's columns are, and the crossings it allows.

use super::{column, LineError};
use crate::domain::aggregate::{
    Condition, Indicator, OPTIONAL_ROW_BREAKDOWNS, STUDENT_ROW_BREAKDOWNS,
};

/// Where the columns a student file needs are.
#[derive(Clone, Debug)]
pub struct StudentLayout {
    /// The file's separator (`,` unless set).
    pub delimiter: u8,
    pub(super) width: usize,
    pub(super) year: usize,
    pub(super) weight: Option<usize>,
    /// Per breakdown, the column it reads; a crossing of two breakdowns reads both.
    pub(super) groups: Vec<Vec<usize>>,
    pub(super) breakdowns: Vec<String>,
    pub(super) values: Vec<usize>,
    pub(super) conditions: Vec<Condition>,
    pub(super) names: Vec<String>,
    pub(super) indicators: Vec<String>,
}

impl StudentLayout {
    /// The layout of a file with `header` for `indicators`; every breakdown column and every
    /// indicator's variable must be there (optional breakdowns such as `disability` are used
    /// where the file has them) (`weight` may be missing: then every row weighs 1).
    pub fn new(header: &[String], indicators: &[Indicator]) -> Result<Self, LineError> {
        Self::with_breakdowns(
            header,
            indicators,
            &STUDENT_ROW_BREAKDOWNS,
            &OPTIONAL_ROW_BREAKDOWNS,
        )
    }

    /// The layout of micro-data of any kind (students, staff): the row breakdowns it must have
    /// and those used where present.
    pub fn with_breakdowns(
        header: &[String],
        indicators: &[Indicator],
        required: &[&str],
        optional: &[&str],
    ) -> Result<Self, LineError> {
        let find = |name: &str| column(header, name);
        let mut layout = StudentLayout {
            delimiter: b',',
            width: header.len(),
            year: find("year")?,
            weight: header.iter().position(|h| h == "weight"),
            groups: required
                .iter()
                .map(|b| find(b).map(|c| vec![c]))
                .collect::<Result<_, _>>()?,
            breakdowns: required.iter().map(|b| (*b).to_owned()).collect(),
            values: indicators
                .iter()
                .map(|i| find(&i.variable))
                .collect::<Result<_, _>>()?,
            conditions: indicators.iter().map(|i| i.condition).collect(),
            names: header.to_vec(),
            indicators: indicators.iter().map(|i| i.name.clone()).collect(),
        };
        for b in optional {
            if let Some(c) = header.iter().position(|h| h == b) {
                layout.groups.push(vec![c]);
                layout.breakdowns.push((*b).to_owned());
            }
        }
        Ok(layout)
    }

    /// The layout for a file separated by `delimiter`.
    pub fn with_delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// Adds two-way crossings of row breakdowns (such as gender × level): a breakdown named
    /// `a×b` whose groups are `x × y`.
    pub fn with_crossings(mut self, crossings: &[(&str, &str)]) -> Result<Self, LineError> {
        for (a, b) in crossings {
            let column = |name: &str| {
                self.breakdowns
                    .iter()
                    .position(|x| x == name)
                    .filter(|&i| self.groups[i].len() == 1)
                    .map(|i| self.groups[i][0])
                    .ok_or_else(|| LineError {
                        line: 1,
                        column: name.into(),
                        message: format!("'{name}' is geen indeling van de rijen"),
                    })
            };
            let pair = vec![column(a)?, column(b)?];
            self.groups.push(pair);
            self.breakdowns.push(crossing_name(a, b));
        }
        Ok(self)
    }
}

/// The name of the crossing of breakdowns `a` and `b`.
pub fn crossing_name(a: &str, b: &str) -> String {
    format!("{a}{CROSS}{b}")
}

/// Between the two breakdowns of a crossing's name.
pub const CROSS: char = '×';

/// Between the two values of a crossing's group.
pub const CROSS_GROUP: &str = " × ";

/// Sums per indicator in a row of the arrays: n, k, Σw, Σw·x, Σw².
pub(super) const FIELDS: usize = 5;
