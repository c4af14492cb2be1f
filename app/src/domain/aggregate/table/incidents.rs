//! Incident registrations counted per institution.

use std::collections::BTreeMap;

use super::{column, each_row, header, LineError};
use crate::domain::csv::{self, number};

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
