//! The life cycle of a source's snapshots, and what a corrected file changes. A source's year has
//! at most one snapshot in use; the figures are those of the snapshots in use. A corrected file
//! supersedes the snapshot in use (after the researcher has seen what changes), a year can be
//! withdrawn, and a superseded or withdrawn snapshot can be brought back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::kinds::SourceKind;

/// Where a snapshot stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotStatus {
    /// Its year's figures come from it.
    InUse,
    /// A corrected file (or a restored earlier one) took its place.
    Superseded,
    /// Its year was withdrawn: no figures of that year from this source.
    Withdrawn,
}

impl SnapshotStatus {
    pub const ALL: [SnapshotStatus; 3] = [
        SnapshotStatus::InUse,
        SnapshotStatus::Superseded,
        SnapshotStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotStatus::InUse => "in_use",
            SnapshotStatus::Superseded => "superseded",
            SnapshotStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<SnapshotStatus> {
        SnapshotStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            SnapshotStatus::InUse => lang.pick("in gebruik", "in use"),
            SnapshotStatus::Superseded => lang.pick("vervangen", "superseded"),
            SnapshotStatus::Withdrawn => lang.pick("ingetrokken", "withdrawn"),
        }
    }
}

/// One institution's measure before and after a correction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstitutionChange {
    pub code: String,
    /// `None`: the institution is not in that file.
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// What importing a file changes in one year of a source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearChange {
    pub year: i32,
    /// The snapshot in use that the file would supersede (`None`: the year has none in use).
    pub replaces: Option<i32>,
    pub rows_before: u64,
    pub rows_after: u64,
    /// The measure per institution over the whole year (respondents, incidents or students).
    pub total_before: f64,
    pub total_after: f64,
    /// Institutions whose measure differs, by code.
    pub institutions: Vec<InstitutionChange>,
}

/// What is counted per institution when a file is compared with the snapshot it corrects.
pub fn measure_label(kind: SourceKind, lang: crate::i18n::Lang) -> &'static str {
    match kind {
        SourceKind::Students | SourceKind::Staff => lang.pick("respondenten", "respondents"),
        SourceKind::Incidents => lang.pick("incidenten", "incidents"),
        SourceKind::Register => lang.pick("studenten", "students"),
    }
}

/// The measure per institution of a canonical snapshot (CSV as stored: `,` separated, no
/// quotes, a header): rows of micro-data, the sum of `count` (incidents), or the students of
/// all learning paths (register); with the number of rows.
pub fn per_institution(kind: SourceKind, canonical: &[u8]) -> (u64, BTreeMap<String, f64>) {
    let text = String::from_utf8_lossy(canonical);
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let at = |name: &str| head.iter().position(|h| *h == name);
    let summed: Vec<usize> = match kind {
        SourceKind::Students | SourceKind::Staff => Vec::new(),
        SourceKind::Incidents => at("count").into_iter().collect(),
        SourceKind::Register => ["bol_vt", "bol_dt", "bbl"]
            .iter()
            .filter_map(|c| at(c))
            .collect(),
    };
    let brin = at("brin");
    let mut rows = 0;
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    for line in lines.filter(|l| !l.is_empty()) {
        rows += 1;
        let fields: Vec<&str> = line.split(',').collect();
        let code = brin
            .and_then(|i| fields.get(i))
            .copied()
            .unwrap_or_default();
        let value = if summed.is_empty() {
            1.0
        } else {
            summed
                .iter()
                .filter_map(|&i| fields.get(i).and_then(|v| v.parse::<f64>().ok()))
                .sum()
        };
        *out.entry(code.to_owned()).or_insert(0.0) += value;
    }
    (rows, out)
}

/// What replacing `before` (the snapshot in use, if any) by `after` changes in `year`.
pub fn year_change(
    kind: SourceKind,
    year: i32,
    replaces: Option<(i32, &[u8])>,
    after: &[u8],
) -> YearChange {
    let (rows_before, before) = replaces
        .map(|(_, content)| per_institution(kind, content))
        .unwrap_or_default();
    let (rows_after, now) = per_institution(kind, after);
    let codes: std::collections::BTreeSet<&String> = before.keys().chain(now.keys()).collect();
    let institutions = codes
        .into_iter()
        .map(|code| InstitutionChange {
            code: code.clone(),
            before: before.get(code).copied(),
            after: now.get(code).copied(),
        })
        .filter(|c| c.before != c.after)
        .collect();
    YearChange {
        year,
        replaces: replaces.map(|(id, _)| id),
        rows_before,
        rows_after,
        total_before: before.values().sum(),
        total_after: now.values().sum(),
        institutions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correction_names_the_institutions_whose_counts_change() {
        let before = b"year,brin,category,count\n2024,01AA,theft,3\n2024,02BB,theft,5\n";
        let after =
            b"year,brin,category,count\n2024,01AA,theft,4\n2024,02BB,theft,5\n2024,03CC,theft,1\n";
        let change = year_change(SourceKind::Incidents, 2024, Some((7, before)), after);
        assert_eq!(change.replaces, Some(7));
        assert_eq!((change.rows_before, change.rows_after), (2, 3));
        assert_eq!((change.total_before, change.total_after), (8.0, 10.0));
        assert_eq!(
            change.institutions,
            vec![
                InstitutionChange {
                    code: "01AA".into(),
                    before: Some(3.0),
                    after: Some(4.0)
                },
                InstitutionChange {
                    code: "03CC".into(),
                    before: None,
                    after: Some(1.0)
                },
            ]
        );
    }

    #[test]
    fn micro_data_counts_respondents() {
        let data = b"year,brin,gender\n2024,01AA,man\n2024,01AA,vrouw\n2024,02BB,man\n";
        let (rows, per) = per_institution(SourceKind::Students, data);
        assert_eq!(rows, 3);
        assert_eq!(per.get("01AA"), Some(&2.0));
        assert_eq!(
            SnapshotStatus::parse("withdrawn"),
            Some(SnapshotStatus::Withdrawn)
        );
    }
}
