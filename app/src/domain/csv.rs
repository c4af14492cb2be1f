//! The one CSV reader of every file people bring: source imports (through the upload form and
//! `server sources import`), the institution register, and `server aggregate`. It reads what
//! Excel, SPSS and scripts write: `;`, `,` or tab as separator (whichever the header has most
//! of), UTF-8 with or without BOM or Windows-1252, CRLF or LF, fields in double quotes holding
//! separators, doubled quotes and line breaks, and numbers with a decimal point or comma. No I/O:
//! it works on bytes, in blocks, so a file of any size streams through it.

use std::borrow::Cow;

/// The separators a file may use.
pub const SEPARATORS: [u8; 3] = [b';', b',', b'\t'];

/// The file without its UTF-8 byte order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The separator of a file, from its header line: the one of `;`, `,` and tab it has most of
/// (outside quotes); `;` on a tie, as Dutch Excel writes.
pub fn delimiter_of(header: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in header {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = SEPARATORS.iter().position(|&s| s == b) {
                counts[i] += 1;
            }
        }
    }
    SEPARATORS
        .into_iter()
        .zip(counts)
        .max_by_key(|&(s, n)| (n, s == b';'))
        .map_or(b';', |(s, _)| s)
}

/// Bytes as text: UTF-8 where they are, else Windows-1252 (what Excel writes as "CSV" on Dutch
/// Windows).
pub fn text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(decode_windows_1252(bytes)),
    }
}

/// Text in Windows-1252: Latin-1, except 0x80–0x9F.
pub fn decode_windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// One record of a file: where it starts (1-based line, as an editor shows it), its bytes
/// (without the line end) and how many lines it spans (more than one where a quoted field
/// holds a line break).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    pub line: u64,
    pub bytes: &'a [u8],
    pub lines: u64,
    /// It holds a quote (its fields need [`fields`]; without, a plain split will do).
    pub quoted: bool,
}

/// The records of a block of whole lines.
pub struct Records<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
    last: bool,
    /// Quote characters seen (their parity tells whether a byte offset can start a record).
    pub quotes: u64,
}

/// The records in `bytes`, the first on line `first_line`. With `last`, the block ends the file:
/// a final line without a line end is a record. Without it, a record that does not end in the
/// block is left for the next ([`Records::consumed`]).
pub fn records(bytes: &[u8], first_line: u64, last: bool) -> Records<'_> {
    Records {
        bytes,
        at: 0,
        line: first_line,
        last,
        quotes: 0,
    }
}

/// A record whose quoted field is not closed by the end of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unclosed {
    pub line: u64,
}

impl<'a> Records<'a> {
    /// Bytes of the block taken by the records returned so far.
    pub fn consumed(&self) -> usize {
        self.at
    }

    /// The line the next record starts on.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The next record, `Ok(None)` at the end (or before an unfinished record of a block that
    /// is not the last), or the error of a quote never closed.
    pub fn next_record(&mut self) -> Result<Option<Record<'a>>, Unclosed> {
        loop {
            let rest = &self.bytes[self.at..];
            if rest.is_empty() {
                return Ok(None);
            }
            let mut end = 0;
            let mut lines = 1;
            let mut odd = false;
            let mut quoted = false;
            let stop = loop {
                let found = rest[end..].iter().position(|&b| b == b'\n');
                let segment = &rest[end..found.map_or(rest.len(), |i| end + i)];
                if segment.contains(&b'"') {
                    quoted = true;
                    let q = segment.iter().filter(|&&b| b == b'"').count();
                    self.quotes += q as u64;
                    odd ^= q % 2 == 1;
                }
                match found {
                    Some(i) if odd => {
                        end += i + 1;
                        lines += 1;
                    }
                    Some(i) => break Some(end + i),
                    None if !self.last => return Ok(None),
                    None if odd => return Err(Unclosed { line: self.line }),
                    None => break None,
                }
            };
            let (record, next) = match stop {
                Some(i) => (&rest[..i], i + 1),
                None => (rest, rest.len()),
            };
            let record = record.strip_suffix(b"\r").unwrap_or(record);
            let line = self.line;
            self.at += next;
            self.line += lines;
            if record.is_empty() {
                continue;
            }
            return Ok(Some(Record {
                line,
                bytes: record,
                lines,
                quoted,
            }));
        }
    }
}

/// The fields of one record, quotes removed where a field was quoted (`""` inside is one `"`).
pub fn fields(record: &[u8], delimiter: u8) -> Vec<Cow<'_, [u8]>> {
    if !record.contains(&b'"') {
        return record.split(|&b| b == delimiter).map(Into::into).collect();
    }
    let mut out = Vec::new();
    let mut field = Vec::new();
    let mut quoted = false;
    let mut i = 0;
    while i < record.len() {
        let b = record[i];
        match (quoted, b) {
            (true, b'"') if record.get(i + 1) == Some(&b'"') => {
                field.push(b'"');
                i += 1;
            }
            (true, b'"') => quoted = false,
            (false, b'"') => quoted = true,
            (false, d) if d == delimiter => out.push(std::mem::take(&mut field).into()),
            // A line break inside quotes is kept as LF.
            (true, b'\r') if record.get(i + 1) == Some(&b'\n') => {}
            _ => field.push(b),
        }
        i += 1;
    }
    out.push(field.into());
    out
}

/// The column names of a header line (BOM dropped, separator sniffed), trimmed.
pub fn header(line: &[u8]) -> (Vec<String>, u8) {
    let line = strip_bom(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let delimiter = delimiter_of(line);
    let names = fields(line, delimiter)
        .iter()
        .map(|f| text(f).trim().to_owned())
        .collect();
    (names, delimiter)
}

/// A number as people write it in a data file: `12`, `0.8731`, `0,8731`, `-3`, `1e-3`; a
/// non-negative decimal without exponent is read exactly as `str::parse` reads it (one
/// correctly rounded division), fast.
pub fn number(field: &[u8]) -> Option<f64> {
    let mut mantissa: u64 = 0;
    let mut scale: i32 = -1;
    let mut digits = 0;
    for &b in field {
        match b {
            // More digits than an f64 holds exactly (and soon more than a u64): the slow way.
            b'0'..=b'9' if digits == 15 => return slow_number(field),
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
                if scale >= 0 {
                    scale += 1;
                }
            }
            b'.' | b',' if scale < 0 => scale = 0,
            _ => return slow_number(field),
        }
    }
    if digits == 0 {
        return slow_number(field);
    }
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    Some(mantissa as f64 / POW10[scale.max(0) as usize])
}

fn slow_number(field: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(field).ok()?.trim();
    if text.matches(',').count() == 1 && !text.contains('.') {
        text.replace(',', ".").parse().ok()
    } else {
        text.parse().ok()
    }
}

/// Whether a spreadsheet would read `text` as a formula (or a command): it starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return and is not simply a number (`-3`, `+1.5` stay numbers).
pub fn formula_like(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
        && text.trim().replace(',', ".").parse::<f64>().is_err()
}

/// `text` as a spreadsheet shows it as text: with a leading `'` where Excel and LibreOffice would
/// otherwise read a formula (for CSV files; a workbook marks such a cell as text instead).
pub fn spreadsheet_text(text: &str) -> Cow<'_, str> {
    if formula_like(text) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_number_with_more_digits_than_a_u64_holds_is_read_the_slow_way() {
        // Found by `cargo fuzz` (target source_csv): 20 digits overflowed the fast path.
        let long = b"209999999999999999999999";
        assert_eq!(super::number(long), Some(2.1e23));
        assert_eq!(
            super::number(b"123456789012345"),
            Some(123_456_789_012_345.0)
        );
        assert_eq!(
            super::number(b"1234567890123456"),
            Some(1_234_567_890_123_456.0)
        );
        assert_eq!(super::number(b"0,8731"), Some(0.8731));
    }

    #[test]
    fn text_a_spreadsheet_would_run_is_written_as_text() {
        for hostile in [
            "=HYPERLINK(\"http://evil.example\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert!(super::formula_like(hostile), "{hostile:?}");
            assert_eq!(super::spreadsheet_text(hostile), format!("'{hostile}"));
        }
        for plain in ["-3", "+1.5", "-0,5", "Albeda", "a=b", "", "2026"] {
            assert_eq!(super::spreadsheet_text(plain), plain);
        }
    }

    use super::*;

    fn all(bytes: &[u8]) -> Vec<(u64, Vec<String>)> {
        let (_, d) = header(bytes.split(|&b| b == b'\n').next().unwrap_or_default());
        let mut r = records(bytes, 1, true);
        let mut out = Vec::new();
        while let Some(rec) = r.next_record().expect("closed") {
            out.push((
                rec.line,
                fields(rec.bytes, d)
                    .iter()
                    .map(|f| text(f).into_owned())
                    .collect(),
            ));
        }
        out
    }

    #[test]
    fn quoted_fields_hold_separators_quotes_and_line_breaks() {
        let file = b"a;b;c\r\n1;\"x;y\";\"regel 1\r\nregel 2\"\r\n\r\n2;\"zei \"\"hoi\"\"\";3";
        let got = all(file);
        assert_eq!(
            got[1],
            (2, vec!["1".into(), "x;y".into(), "regel 1\nregel 2".into()])
        );
        assert_eq!(
            got[2],
            (5, vec!["2".into(), "zei \"hoi\"".into(), "3".into()])
        );
    }

    #[test]
    fn a_block_leaves_an_unfinished_record_for_the_next() {
        let block = b"1,\"open\nstill\n";
        let mut r = records(block, 2, false);
        assert_eq!(r.next_record(), Ok(None));
        assert_eq!(r.consumed(), 0);
        let mut end = records(block, 2, true);
        assert_eq!(end.next_record(), Err(Unclosed { line: 2 }));
    }

    #[test]
    fn separators_encodings_and_decimal_commas_are_recognised() {
        assert_eq!(delimiter_of(b"jaar;brin;gewicht"), b';');
        assert_eq!(delimiter_of(b"year,brin,\"a;b\""), b',');
        assert_eq!(delimiter_of(b"year\tbrin"), b'\t');
        assert_eq!(
            header(b"\xEF\xBB\xBFjaar;caf\xe9\r").0,
            vec!["jaar", "café"]
        );
        assert_eq!(number(b"0,875"), Some(0.875));
        assert_eq!(number(b"12"), Some(12.0));
        assert_eq!(number(b"-1,5"), Some(-1.5));
        assert_eq!(number(b"1,000.5"), None);
        assert_eq!(number(b""), None);
    }
}
