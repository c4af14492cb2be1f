//! Reading CSV records into sums, fast: a file is read in blocks of whole records (by as many
//! threads as there are cores, each over its own part), every field is looked at once, group
//! values become small codes through a tiny hash table, and each row adds its contribution to
//! one flat array per breakdown. The records and fields are those of the one CSV reader
//! ([`crate::domain::csv`]): `;`, `,` or tab, BOM, CRLF, quoted fields with line breaks,
//! decimal commas, UTF-8 or Windows-1252.

mod dict;
mod incidents;
mod layout;
mod rows;

use std::collections::BTreeMap;

use super::{Accumulated, Cells, Sums};
use crate::domain::csv::{self, number};
use dict::Dict;
use layout::FIELDS;
use rows::{column, each_row, ragged};

pub use incidents::{add_incident_counts, incident_totals, institutions};
pub use layout::{crossing_name, StudentLayout, CROSS, CROSS_GROUP};
pub use rows::{header, LineError};

/// Sums over student rows, per row breakdown, in flat arrays indexed by year and group code.
#[derive(Clone, Debug)]
pub struct StudentSums {
    layout: StudentLayout,
    years: Vec<i64>,
    dicts: Vec<Dict>,
    /// Per breakdown: groups the array has room for, and the array
    /// (`(year * capacity + group) * width`, width = 1 + 5 × indicators).
    cells: Vec<(usize, Vec<f64>)>,
    row: Vec<f64>,
    fields: Vec<(usize, usize)>,
    key: Vec<u8>,
    quotes: u64,
}

impl StudentSums {
    pub fn new(layout: StudentLayout) -> Self {
        let breakdowns = layout.groups.len();
        let width = 1 + FIELDS * layout.values.len();
        StudentSums {
            years: Vec::new(),
            dicts: vec![Dict::default(); breakdowns],
            cells: vec![(0, Vec::new()); breakdowns],
            row: vec![0.0; width],
            fields: Vec::with_capacity(layout.width),
            key: Vec::new(),
            quotes: 0,
            layout,
        }
    }

    fn width(&self) -> usize {
        self.row.len()
    }

    fn year_code(&mut self, year: i64) -> usize {
        match self.years.iter().position(|&y| y == year) {
            Some(i) => i,
            None => {
                self.years.push(year);
                let years = self.years.len();
                let width = self.width();
                for (capacity, cells) in &mut self.cells {
                    cells.resize(years * *capacity * width, 0.0);
                }
                years - 1
            }
        }
    }

    /// Makes room for group `code` of breakdown `b`.
    fn ensure_group(&mut self, b: usize, code: usize) {
        let (capacity, cells) = &mut self.cells[b];
        if code < *capacity {
            return;
        }
        let width = self.row.len();
        let new_capacity = (code + 1).next_power_of_two().max(8);
        let mut grown = vec![0.0; self.years.len() * new_capacity * width];
        for y in 0..self.years.len() {
            let from = y * *capacity * width;
            let to = y * new_capacity * width;
            grown[to..to + *capacity * width]
                .copy_from_slice(&cells[from..from + *capacity * width]);
        }
        *capacity = new_capacity;
        *cells = grown;
    }

    /// Adds the rows of `bytes` (whole records, no header; the last may lack its line end)
    /// and returns how many lines they span. `first_line` is the line number of the first of
    /// them, for messages.
    pub fn add_lines(&mut self, bytes: &[u8], first_line: u64) -> Result<u64, LineError> {
        let (_, lines) = self.add_records(bytes, first_line, true)?;
        Ok(lines)
    }

    /// Adds the records of a block of a file; without `last`, a record the block does not end
    /// is left for the next block. Returns (bytes used, lines they span).
    pub fn add_records(
        &mut self,
        bytes: &[u8],
        first_line: u64,
        last: bool,
    ) -> Result<(usize, u64), LineError> {
        let mut records = csv::records(bytes, first_line, last);
        loop {
            match records.next_record() {
                Ok(Some(record)) => self.add_line(record.bytes, record.line, record.quoted)?,
                Ok(None) => break,
                Err(csv::Unclosed { line }) => {
                    return Err(LineError {
                        line,
                        column: String::new(),
                        message: "een veld tussen aanhalingstekens wordt niet gesloten".into(),
                    })
                }
            }
        }
        self.quotes += records.quotes;
        Ok((records.consumed(), records.line() - first_line))
    }

    /// Quote characters in the records added (their parity checks where a part began).
    pub fn quotes(&self) -> u64 {
        self.quotes
    }

    /// Adds one record; `quoted`: it holds a quote (the reader looked already).
    fn add_line(&mut self, line: &[u8], line_no: u64, quoted: bool) -> Result<(), LineError> {
        if quoted {
            let fields: Vec<Vec<u8>> = csv::fields(line, self.layout.delimiter)
                .into_iter()
                .map(|f| f.into_owned())
                .collect();
            let joined: Vec<u8> = fields.join(&b'\x1f');
            return self.add_fields(&joined, b'\x1f', line_no);
        }
        self.add_fields(line, self.layout.delimiter, line_no)
    }

    fn error(&self, line: u64, column: usize, message: String) -> LineError {
        LineError {
            line,
            column: self.layout.names.get(column).cloned().unwrap_or_default(),
            message,
        }
    }

    fn add_fields(&mut self, line: &[u8], sep: u8, line_no: u64) -> Result<(), LineError> {
        self.fields.clear();
        let mut start = 0;
        for (i, &b) in line.iter().enumerate() {
            if b == sep {
                self.fields.push((start, i));
                start = i + 1;
            }
        }
        self.fields.push((start, line.len()));
        if self.fields.len() != self.layout.width {
            return Err(ragged(line_no, self.fields.len(), &self.layout.names));
        }
        let (year, weight) = self.year_and_weight(line, line_no)?;
        let field = |i: usize| {
            let (a, b) = self.fields[i];
            &line[a..b]
        };
        self.row[0] = 1.0;
        for (i, (&column, &condition)) in self
            .layout
            .values
            .iter()
            .zip(&self.layout.conditions)
            .enumerate()
        {
            let f = field(column);
            let (n, k) = if f.is_empty() {
                (0.0, 0.0)
            } else {
                let v = number(f).ok_or_else(|| {
                    self.error(
                        line_no,
                        column,
                        format!("'{}' is geen getal", String::from_utf8_lossy(f)),
                    )
                })?;
                (1.0, if condition.holds(v) { 1.0 } else { 0.0 })
            };
            let at = 1 + FIELDS * i;
            self.row[at] = n;
            self.row[at + 1] = k;
            self.row[at + 2] = n * weight;
            self.row[at + 3] = k * weight;
            self.row[at + 4] = n * weight * weight;
        }
        let year = self.year_code(year);
        let width = self.width();
        for b in 0..self.layout.groups.len() {
            let code = self.group_code(b, line);
            self.ensure_group(b, code);
            let (capacity, cells) = &mut self.cells[b];
            let at = (year * *capacity + code) * width;
            for (c, r) in cells[at..at + width].iter_mut().zip(&self.row) {
                *c += r;
            }
        }
        Ok(())
    }

    /// The line's year and its weight (1 without a weight column).
    #[inline]
    fn year_and_weight(&self, line: &[u8], line_no: u64) -> Result<(i64, f64), LineError> {
        let field = |i: usize| {
            let (a, b) = self.fields[i];
            &line[a..b]
        };
        let year_field = field(self.layout.year);
        let year = number(year_field)
            .filter(|y| y.fract() == 0.0)
            .ok_or_else(|| {
                self.error(
                    line_no,
                    self.layout.year,
                    format!("'{}' is geen jaartal", String::from_utf8_lossy(year_field)),
                )
            })? as i64;
        let weight = match self.layout.weight {
            None => 1.0,
            Some(w) => {
                let f = field(w);
                number(f)
                    .filter(|x| x.is_finite() && *x >= 0.0)
                    .ok_or_else(|| {
                        self.error(
                            line_no,
                            w,
                            format!("'{}' is geen gewicht", String::from_utf8_lossy(f)),
                        )
                    })?
            }
        };
        Ok((year, weight))
    }

    /// The dictionary code of the line's group in breakdown `b` (a crossing's values joined).
    #[inline]
    fn group_code(&mut self, b: usize, line: &[u8]) -> usize {
        let code = match self.layout.groups[b].as_slice() {
            [column] => {
                let (a, e) = self.fields[*column];
                self.dicts[b].code(&line[a..e])
            }
            columns => {
                self.key.clear();
                for (i, &column) in columns.iter().enumerate() {
                    if i > 0 {
                        self.key.extend_from_slice(CROSS_GROUP.as_bytes());
                    }
                    let (a, e) = self.fields[column];
                    self.key.extend_from_slice(&line[a..e]);
                }
                self.dicts[b].code(&self.key)
            }
        };
        code as usize
    }

    /// The sums by breakdown name, year and group label.
    pub fn finish(self) -> Accumulated {
        let width = self.width();
        let indicators = self.layout.values.len();
        let mut by_breakdown = BTreeMap::new();
        for (b, name) in self.layout.breakdowns.iter().enumerate() {
            let (capacity, cells) = &self.cells[b];
            let mut out: Cells = BTreeMap::new();
            for (y, year) in self.years.iter().enumerate() {
                for code in 0..self.dicts[b].values.len() {
                    let at = (y * capacity + code) * width;
                    let c = &cells[at..at + width];
                    if c[0] == 0.0 {
                        continue;
                    }
                    let sums = (0..indicators)
                        .map(|i| Sums {
                            n: c[1 + FIELDS * i],
                            k: c[2 + FIELDS * i],
                            sw: c[3 + FIELDS * i],
                            swx: c[4 + FIELDS * i],
                            sww: c[5 + FIELDS * i],
                        })
                        .collect();
                    out.insert((*year, self.dicts[b].label(code)), (c[0], sums));
                }
            }
            by_breakdown.insert(name.clone(), out);
        }
        Accumulated {
            indicators: self.layout.indicators,
            by_breakdown,
        }
    }
}
