//! Aggregating files: the student file is read in parts, one thread per core, each in blocks of
//! whole lines that go through the pure engine (`domain::aggregate`); memory stays at a few
//! blocks whatever the file's size.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use anyhow::Context;

use crate::domain::aggregate::table::{self, LineError, StudentLayout, StudentSums};
use crate::domain::aggregate::{self as agg, Accumulated, Indicator};
use crate::domain::csv;

const BLOCK: usize = 4 << 20;

/// Why files could not be aggregated.
#[derive(Debug, thiserror::Error)]
pub enum AggregateError {
    #[error("{file}: {error}")]
    Line { file: String, error: LineError },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// How to aggregate files.
#[derive(Clone, Debug)]
pub struct Options {
    /// Smallest n for which a share is shown, and (with `complementary`) the rest of
    /// disclosure control: protection width and smallest number of institutions of a group.
    pub thresholds: agg::Thresholds,
    /// Threads reading the student file.
    pub threads: usize,
    /// Also complementary suppression.
    pub complementary: bool,
    /// Two-way crossings of row breakdowns, such as `("gender", "level")`.
    pub crossings: Vec<(String, String)>,
}

/// The table over `students.csv`, `institutions.csv` and `incidents.csv` in `dir` as CSV, and
/// its number of rows: the monitor's student indicators by year and every breakdown (and the
/// crossings asked for), suppressed below the threshold. With `complementary` it is the
/// published table (disclosure control as every channel applies it: no hidden cell carries a
/// value, an interval or a count); without, the benchmark specification's table (the n of
/// every cell, as its peers write it).
pub fn aggregate_dir(dir: &Path, options: &Options) -> Result<(String, usize), AggregateError> {
    let read =
        |name: &str| std::fs::read(dir.join(name)).with_context(|| format!("cannot read {name}"));
    let line_error = |file: &str| {
        let file = file.to_owned();
        move |error| AggregateError::Line { file, error }
    };
    let institutions =
        table::institutions(&read("institutions.csv")?).map_err(line_error("institutions.csv"))?;
    let incidents =
        table::incident_totals(&read("incidents.csv")?).map_err(line_error("incidents.csv"))?;
    let mut acc = students(
        &dir.join("students.csv"),
        &agg::student_indicators(),
        &options.crossings,
        options.threads,
    )?;
    let characteristics =
        agg::Characteristics::from(institutions).only(&agg::INSTITUTION_BREAKDOWNS);
    acc.derive(&characteristics);
    let cells = agg::figures(&acc, &incidents, options.thresholds.shares);
    let csv = if options.complementary {
        agg::figures_csv(&agg::protect(&cells, &characteristics, &options.thresholds))
    } else {
        agg::cells_csv(&cells)
    };
    Ok((csv, cells.len()))
}

/// Sums over a student file, read by `threads` threads.
pub fn students(
    path: &Path,
    indicators: &[Indicator],
    crossings: &[(String, String)],
    threads: usize,
) -> Result<Accumulated, AggregateError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (header, delimiter, first, len) = read_header(path, &name)?;
    let crossings: Vec<(&str, &str)> = crossings
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let layout = StudentLayout::new(&header, indicators)
        .map(|l| l.with_delimiter(delimiter))
        .and_then(|l| l.with_crossings(&crossings))
        .map_err(|error| AggregateError::Line {
            file: name.clone(),
            error,
        })?;
    let parts = |threads: usize| -> Vec<Result<(Accumulated, u64), AggregateError>> {
        let starts = match part_starts(path, first, len, threads) {
            Ok(starts) => starts,
            Err(e) => return vec![Err(e.into())],
        };
        std::thread::scope(|scope| {
            let handles: Vec<_> = starts
                .windows(2)
                .map(|w| {
                    let (from, to) = (w[0], w[1]);
                    let layout = layout.clone();
                    let name = name.clone();
                    scope.spawn(move || part(path, &name, layout, from, to))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(anyhow::anyhow!("aggregation thread failed").into())
                    })
                })
                .collect()
        })
    };
    let mut results = parts(threads.max(1));
    // A part is split off at a line end; where a quoted field holds line breaks, that line end
    // may lie inside a field. Each part counts its quotes: a part may only start after an even
    // number of them. Otherwise (or on any error, which may come from such a start) the file
    // is read again by one thread, which is always right.
    if results.len() > 1 && !starts_sound(&results) {
        results = parts(1);
    }
    let mut acc = Accumulated::default();
    for r in results {
        acc.merge(r?.0);
    }
    Ok(acc)
}

/// A student file's header (its names and separator), where its first data line starts and its
/// length.
fn read_header(path: &Path, name: &str) -> Result<(Vec<String>, u8, u64, u64), AggregateError> {
    let mut file = File::open(path).with_context(|| format!("cannot open {name}"))?;
    let len = file.metadata().context("file size")?.len();
    let mut head = Vec::new();
    (&mut file)
        .take(64 << 10)
        .read_to_end(&mut head)
        .context("read header")?;
    let Some(end) = head.iter().position(|&b| b == b'\n') else {
        return Err(AggregateError::Line {
            file: name.to_owned(),
            error: LineError {
                line: 1,
                column: String::new(),
                message: "geen kopregel".into(),
            },
        });
    };
    let (header, delimiter) = csv::header(&head[..end]);
    Ok((header, delimiter, end as u64 + 1, len))
}

/// Whether every part started outside a quoted field: after an even number of quotes in the
/// parts before it, and none of them failed.
fn starts_sound(results: &[Result<(Accumulated, u64), AggregateError>]) -> bool {
    let mut quotes = 0;
    for r in results {
        match r {
            Ok((_, q)) if quotes % 2 == 0 => quotes += q,
            _ => return false,
        }
    }
    true
}

/// Where each thread's part begins (at a line start), and the end of the file.
fn part_starts(path: &Path, first: u64, len: u64, parts: usize) -> anyhow::Result<Vec<u64>> {
    let mut file = File::open(path).context("open")?;
    let mut starts = vec![first];
    let mut probe = vec![0; 64 << 10];
    for i in 1..parts as u64 {
        let guess = first + (len - first) * i / parts as u64;
        file.seek(SeekFrom::Start(guess)).context("seek")?;
        let got = file.read(&mut probe).context("read")?;
        let Some(nl) = probe[..got].iter().position(|&b| b == b'\n') else {
            continue;
        };
        let start = guess + nl as u64 + 1;
        if start > *starts.last().unwrap_or(&0) && start < len {
            starts.push(start);
        }
    }
    starts.push(len);
    Ok(starts)
}

/// Lines in `path` before byte `offset` (for a message's line number).
fn lines_before(path: &Path, offset: u64) -> anyhow::Result<u64> {
    let mut file = File::open(path).context("open")?.take(offset);
    let mut buf = vec![0; BLOCK];
    let mut lines = 0;
    loop {
        let got = file.read(&mut buf).context("read")?;
        if got == 0 {
            return Ok(lines);
        }
        lines += buf[..got].iter().filter(|&&b| b == b'\n').count() as u64;
    }
}

/// Sums over the records between byte `from` and `to`, read in blocks, and the quote
/// characters in them.
fn part(
    path: &Path,
    name: &str,
    layout: StudentLayout,
    from: u64,
    to: u64,
) -> Result<(Accumulated, u64), AggregateError> {
    let mut file = File::open(path).context("open")?;
    file.seek(SeekFrom::Start(from)).context("seek")?;
    let mut file = file.take(to - from);
    let mut sums = StudentSums::new(layout);
    let mut buf = vec![0u8; BLOCK];
    let mut kept = 0;
    let mut line = 1;
    loop {
        let got = file.read(&mut buf[kept..]).context("read")?;
        let filled = kept + got;
        let last = got == 0;
        match sums.add_records(&buf[..filled], line, last) {
            Ok((used, lines)) => {
                line += lines;
                if last {
                    break;
                }
                buf.copy_within(used..filled, 0);
                kept = filled - used;
                // A record longer than the buffer: make room.
                if kept == buf.len() {
                    buf.resize(buf.len() * 2, 0);
                }
            }
            Err(mut error) => {
                error.line += lines_before(path, from)?;
                return Err(AggregateError::Line {
                    file: name.to_owned(),
                    error,
                });
            }
        }
    }
    let quotes = sums.quotes();
    Ok((sums.finish(), quotes))
}
