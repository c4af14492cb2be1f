//! Values a mapping does not know, and the recode text that maps them.

use std::collections::BTreeMap;

use super::Kind;
use crate::domain::import::Table;

/// The values of `column` in `table` that `kind` (a category) does not allow as they are and
/// `recode` does not translate: what the user still has to recode. At most 30, sorted.
pub fn unknown_values(
    table: &Table,
    column: &str,
    kind: Kind,
    recode: Option<&BTreeMap<String, String>>,
) -> Vec<String> {
    let Kind::Category(codes) = kind else {
        return Vec::new();
    };
    let Some(at) = table.header.iter().position(|h| h.trim() == column.trim()) else {
        return Vec::new();
    };
    let mut out = std::collections::BTreeSet::new();
    for (_, cells) in &table.rows {
        let Some(v) = cells.get(at).map(|c| c.trim()) else {
            continue;
        };
        let translated = recode.and_then(|r| r.get(v)).map_or(v, String::as_str);
        if !v.is_empty() && !codes.iter().any(|c| c.eq_ignore_ascii_case(translated)) {
            out.insert(v.to_owned());
            if out.len() == 30 {
                break;
            }
        }
    }
    out.into_iter().collect()
}

/// A recoding as text, one `file value = canonical value` per line.
pub fn recode_text(recode: &BTreeMap<String, String>) -> String {
    recode
        .iter()
        .map(|(from, to)| format!("{from} = {to}\n"))
        .collect()
}

/// Reads [`recode_text`]: blank lines are skipped; a line without `=` is refused with its number.
pub fn parse_recode_text(text: &str) -> Result<BTreeMap<String, String>, usize> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (from, to) = line.split_once('=').ok_or(i + 1)?;
        let (from, to) = (from.trim(), to.trim());
        if from.is_empty() {
            return Err(i + 1);
        }
        out.insert(from.to_owned(), to.to_owned());
    }
    Ok(out)
}
