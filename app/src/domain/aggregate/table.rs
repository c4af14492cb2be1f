//! Reading CSV records into sums, fast: a file is read in blocks of whole records (by as many
//! threads as there are cores, each over its own part), every field is looked at once, group
//! values become small codes through a tiny hash table, and each row adds its contribution to
//! one flat array per breakdown. The records and fields are those of the one CSV reader
//! ([`crate::domain::csv`]): `;`, `,` or tab, BOM, CRLF, quoted fields with line breaks,
//! decimal commas, UTF-8 or Windows-1252.

use std::collections::BTreeMap;

use super::{
    Accumulated, Cells, Condition, Indicator, Sums, OPTIONAL_ROW_BREAKDOWNS, STUDENT_ROW_BREAKDOWNS,
};
use crate::domain::csv::{self, number};

/// What is wrong with a line of a file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("regel {line}, kolom {column}: {message}")]
pub struct LineError {
    /// 1-based line number within the lines given (the header is line 1 of a file).
    pub line: u64,
    pub column: String,
    pub message: String,
}

/// The column names of a header line (BOM dropped, separator sniffed).
pub fn header(line: &[u8]) -> Vec<String> {
    csv::header(line).0
}

/// Where column `name` is in a header, or the message that it is missing.
fn column(header: &[String], name: &str) -> Result<usize, LineError> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| LineError {
            line: 1,
            column: name.into(),
            message: format!("de kolom '{name}' ontbreekt"),
        })
}

/// Byte strings to dense codes: open addressing on an FNV-1a hash.
#[derive(Clone, Debug, Default)]
struct Dict {
    values: Vec<Vec<u8>>,
    slots: Vec<u32>,
}

const EMPTY: u32 = u32::MAX;

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Dict {
    fn code(&mut self, bytes: &[u8]) -> u32 {
        if self.slots.is_empty() {
            self.slots = vec![EMPTY; 64];
        }
        let mask = self.slots.len() - 1;
        let mut i = (fnv(bytes) as usize) & mask;
        loop {
            match self.slots[i] {
                EMPTY => break,
                c if self.values[c as usize] == bytes => return c,
                _ => i = (i + 1) & mask,
            }
        }
        let code = self.values.len() as u32;
        self.values.push(bytes.to_vec());
        self.slots[i] = code;
        if self.values.len() * 2 > self.slots.len() {
            self.grow();
        }
        code
    }

    fn grow(&mut self) {
        let mut slots = vec![EMPTY; self.slots.len() * 2];
        let mask = slots.len() - 1;
        for (code, v) in self.values.iter().enumerate() {
            let mut i = (fnv(v) as usize) & mask;
            while slots[i] != EMPTY {
                i = (i + 1) & mask;
            }
            slots[i] = code as u32;
        }
        self.slots = slots;
    }

    fn label(&self, code: usize) -> String {
        csv::text(&self.values[code]).into_owned()
    }
}

/// Where the columns a student file needs are.
#[derive(Clone, Debug)]
pub struct StudentLayout {
    /// The file's separator (`,` unless set).
    pub delimiter: u8,
    width: usize,
    year: usize,
    weight: Option<usize>,
    /// Per breakdown, the column it reads; a crossing of two breakdowns reads both.
    groups: Vec<Vec<usize>>,
    breakdowns: Vec<String>,
    values: Vec<usize>,
    conditions: Vec<Condition>,
    names: Vec<String>,
    indicators: Vec<String>,
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
const FIELDS: usize = 5;

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
            } as usize;
            self.ensure_group(b, code);
            let (capacity, cells) = &mut self.cells[b];
            let at = (year * *capacity + code) * width;
            for (c, r) in cells[at..at + width].iter_mut().zip(&self.row) {
                *c += r;
            }
        }
        Ok(())
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

/// The message of a record with another number of fields than the header, at the first column
/// it lacks (or the first one too many).
fn ragged(line: u64, found: usize, header: &[String]) -> LineError {
    LineError {
        line,
        column: header
            .get(found)
            .cloned()
            .unwrap_or_else(|| format!("({})", header.len() + 1)),
        message: format!("{found} velden, de kop heeft er {}", header.len()),
    }
}

/// The header of a whole file and its records, through the one CSV reader: calls `row` with
/// each record's line and fields (as many as the header has, or the error of a ragged line).
fn each_row(
    text: &[u8],
    mut row: impl FnMut(u64, &[std::borrow::Cow<'_, [u8]>]) -> Result<(), LineError>,
) -> Result<Vec<String>, LineError> {
    let text = csv::strip_bom(text);
    let end = text.iter().position(|&b| b == b'\n').unwrap_or(text.len());
    let (head, delimiter) = csv::header(&text[..end]);
    let body = text.get(end + 1..).unwrap_or_default();
    let mut records = csv::records(body, 2, true);
    loop {
        let record = match records.next_record() {
            Ok(Some(record)) => record,
            Ok(None) => return Ok(head),
            Err(csv::Unclosed { line }) => {
                return Err(LineError {
                    line,
                    column: String::new(),
                    message: "een veld tussen aanhalingstekens wordt niet gesloten".into(),
                })
            }
        };
        let fields = csv::fields(record.bytes, delimiter);
        if fields.len() != head.len() {
            return Err(ragged(record.line, fields.len(), &head));
        }
        row(record.line, &fields)?;
    }
}

/// The characteristics of institutions from a register file (`brin` and further columns):
/// column name → institution code → value.
pub fn institutions(text: &[u8]) -> Result<BTreeMap<String, BTreeMap<String, String>>, LineError> {
    let head = header(text.split(|&b| b == b'\n').next().unwrap_or_default());
    let brin = column(&head, "brin")?;
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    each_row(text, |_, fields| {
        let code = csv::text(&fields[brin]).into_owned();
        for (name, value) in head.iter().zip(fields) {
            if name != "brin" {
                out.entry(name.clone())
                    .or_default()
                    .insert(code.clone(), csv::text(value).into_owned());
            }
        }
        Ok(())
    })?;
    Ok(out)
}

/// Incident totals by (institution, year) from a file with `brin`, `year` and `count` (and
/// `category`, summed over).
pub fn incident_totals(text: &[u8]) -> Result<BTreeMap<(String, i64), f64>, LineError> {
    let mut counts = BTreeMap::new();
    add_incident_counts(text, &mut counts)?;
    let mut out = BTreeMap::new();
    for ((year, brin, _), n) in counts {
        *out.entry((brin, year)).or_insert(0.0) += n;
    }
    Ok(out)
}

/// Adds the counts of a file with `year`, `brin`, `category` and `count` to `out`, by (year,
/// institution, category); a file without `category` counts everything as `""`.
pub fn add_incident_counts(
    text: &[u8],
    out: &mut BTreeMap<(i64, String, String), f64>,
) -> Result<(), LineError> {
    let head = header(text.split(|&b| b == b'\n').next().unwrap_or_default());
    let (brin, year, count) = (
        column(&head, "brin")?,
        column(&head, "year")?,
        column(&head, "count")?,
    );
    let category = head.iter().position(|h| h == "category");
    each_row(text, |line, fields| {
        let get = |c: usize, what: &str| -> Result<f64, LineError> {
            number(&fields[c]).ok_or_else(|| LineError {
                line,
                column: head[c].clone(),
                message: format!("geen {what}"),
            })
        };
        let y = get(year, "jaartal")? as i64;
        let n = get(count, "aantal")?;
        let text_of = |c: Option<usize>| {
            c.map(|c| csv::text(&fields[c]).into_owned())
                .unwrap_or_default()
        };
        *out.entry((y, text_of(Some(brin)), text_of(category)))
            .or_insert(0.0) += n;
        Ok(())
    })?;
    Ok(())
}
