//! The monitor's figures: share indicators over micro-data per year and breakdown, with the
//! unweighted n, the weighted share, the 95% Wilson interval and suppression of small cells; and
//! incident totals and rates per institution.
//!
//! Pure: rows arrive as bytes of whole CSV lines ([`table`]) or as codes; sums per cell are kept
//! in flat arrays ([`Sums`]); [`figures`] turns them into the published table. The command line
//! (`server aggregate`) and the reports run this same code.

pub mod kinds;
pub mod labels;
pub mod mapping;
pub mod suppress;
pub mod table;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959963984540054;

/// Default smallest n for which a share is shown.
pub const MIN_N_SHARES: u64 = 10;

/// Default smallest count shown (of registered incidents); zero is shown.
pub const MIN_N_COUNTS: u64 = 5;

/// Below which n a figure is not shown: shares of respondents, counts of incidents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    pub shares: u64,
    pub counts: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            shares: MIN_N_SHARES,
            counts: MIN_N_COUNTS,
        }
    }
}

/// When a respondent counts in an indicator's numerator.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The answer is at least this value (say, 4 or 5 on a five-point scale).
    AtLeast(f64),
    /// The answer equals this value (say, 1 for "yes").
    Equals(f64),
}

impl Condition {
    pub fn holds(self, value: f64) -> bool {
        match self {
            Condition::AtLeast(t) => value >= t,
            Condition::Equals(t) => value == t,
        }
    }
}

/// A share indicator, declared as data: among respondents with an answer to `variable`, the
/// (weighted) share for whom `condition` holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub name: String,
    pub variable: String,
    pub condition: Condition,
}

impl Indicator {
    pub fn new(name: &str, variable: &str, condition: Condition) -> Self {
        Indicator {
            name: name.into(),
            variable: variable.into(),
            condition,
        }
    }
}

/// The monitor's default student indicators: feeling safe (4 or 5 on the five-point scale),
/// bullied, discriminated and sexually harassed (yes = 1).
pub fn student_indicators() -> Vec<Indicator> {
    vec![
        Indicator::new("feels_safe", "feels_safe", Condition::AtLeast(4.0)),
        Indicator::new("bullied", "bullied", Condition::Equals(1.0)),
        Indicator::new("discriminated", "discriminated", Condition::Equals(1.0)),
        Indicator::new(
            "sexual_harassment",
            "sexual_harassment",
            Condition::Equals(1.0),
        ),
    ]
}

/// The breakdowns of student figures, in output order of their names: `national` (one group,
/// `all`), those read from each row, and those derived from the institution (via the register).
pub const STUDENT_ROW_BREAKDOWNS: [&str; 7] = [
    "brin",
    "sector",
    "level",
    "path",
    "gender",
    "age_band",
    "migration",
];
/// Row breakdowns used where the file has the column (not every survey asks).
pub const OPTIONAL_ROW_BREAKDOWNS: [&str; 1] = ["disability"];
/// Breakdowns that are characteristics of the institution, from the register.
pub const INSTITUTION_BREAKDOWNS: [&str; 2] = ["type", "region"];

/// What is known of each institution, by characteristic name: a value per institution code that
/// holds every year (type and region from the register) or in one year only (a coordinator's
/// answer in that year's round).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Characteristics {
    values: BTreeMap<String, BTreeMap<(String, Option<i64>), String>>,
}

impl Characteristics {
    /// Records `value` of characteristic `name` for institution `code`, in `year` or (with
    /// `None`) in every year.
    pub fn set(&mut self, name: &str, code: &str, year: Option<i64>, value: &str) {
        self.values
            .entry(name.to_owned())
            .or_default()
            .insert((code.to_owned(), year), value.to_owned());
    }

    /// The value of `name` for `code` in `year`: the year's own, else the one of every year.
    pub fn get(&self, name: &str, code: &str, year: i64) -> Option<&str> {
        let values = self.values.get(name)?;
        values
            .get(&(code.to_owned(), Some(year)))
            .or_else(|| values.get(&(code.to_owned(), None)))
            .map(String::as_str)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// Adds every value of `other`.
    pub fn extend(&mut self, other: Characteristics) {
        for (name, values) in other.values {
            self.values.entry(name).or_default().extend(values);
        }
    }

    /// Only the characteristics named in `names`.
    pub fn only(mut self, names: &[&str]) -> Characteristics {
        self.values.retain(|name, _| names.contains(&name.as_str()));
        self
    }
}

impl From<BTreeMap<String, BTreeMap<String, String>>> for Characteristics {
    /// Characteristics that hold every year: name → institution code → value.
    fn from(map: BTreeMap<String, BTreeMap<String, String>>) -> Self {
        let mut out = Characteristics::default();
        for (name, values) in map {
            for (code, value) in values {
                out.set(&name, &code, None, &value);
            }
        }
        out
    }
}

/// The sums of one cell for one indicator.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sums {
    /// Respondents with an answer.
    pub n: f64,
    /// Of those, for whom the condition holds.
    pub k: f64,
    /// Weight of those with an answer.
    pub sw: f64,
    /// Weight of those for whom the condition holds.
    pub swx: f64,
}

/// The published figure of a share cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Share {
    pub n: u64,
    /// `None` when suppressed (n below the threshold).
    pub value: Option<(f64, f64, f64)>,
}

/// Wilson score interval for `k` of `n` at `z`.
pub fn wilson(k: f64, n: f64, z: f64) -> (f64, f64) {
    let p = k / n;
    let z2 = z * z;
    let den = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / den;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / den;
    (center - half, center + half)
}

impl Sums {
    /// Share, interval and suppression below `min_n`.
    pub fn share(&self, min_n: u64) -> Share {
        let n = self.n as u64;
        if n < min_n || n == 0 {
            return Share { n, value: None };
        }
        let (low, high) = wilson(self.k, self.n, Z95);
        Share {
            n,
            value: Some((self.swx / self.sw, low, high)),
        }
    }
}

/// One row of the published table.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub year: i64,
    pub breakdown: String,
    pub group: String,
    pub indicator: String,
    pub n: u64,
    /// Share (or total, or rate) with its interval where it has one; `None` when suppressed.
    pub value: Option<f64>,
    pub interval: Option<(f64, f64)>,
    pub suppressed: bool,
}

/// Sums per (year, group) of one breakdown: `respondents` and one [`Sums`] per indicator.
pub type Cells = BTreeMap<(i64, String), (f64, Vec<Sums>)>;

/// Everything accumulated over the student rows, by breakdown name.
#[derive(Clone, Debug, Default)]
pub struct Accumulated {
    pub indicators: Vec<String>,
    pub by_breakdown: BTreeMap<String, Cells>,
}

/// Adds one cell's respondents and sums to the cell `key` of `cells`.
fn add_to(cells: &mut Cells, key: (i64, String), resp: f64, sums: &[Sums]) {
    let (r, s) = cells
        .entry(key)
        .or_insert_with(|| (0.0, vec![Sums::default(); sums.len()]));
    *r += resp;
    for (a, b) in s.iter_mut().zip(sums) {
        a.n += b.n;
        a.k += b.k;
        a.sw += b.sw;
        a.swx += b.swx;
    }
}

impl Accumulated {
    /// Adds `other` (accumulated over other rows) to this one.
    pub fn merge(&mut self, other: Accumulated) {
        if self.indicators.is_empty() {
            self.indicators = other.indicators.clone();
        }
        for (b, cells) in other.by_breakdown {
            let mine = self.by_breakdown.entry(b).or_default();
            for (key, (resp, sums)) in cells {
                add_to(mine, key, resp, &sums);
            }
        }
    }

    /// Adds the breakdowns that follow from another: `national` from `brin`, and every
    /// institution characteristic from `brin`. Institutions without a value (missing from the
    /// register, no answer that year) fall in the group "".
    pub fn derive(&mut self, characteristics: &Characteristics) {
        let Some(brin) = self.by_breakdown.get("brin").cloned() else {
            return;
        };
        let mut derived: BTreeMap<String, Cells> = BTreeMap::new();
        for ((year, code), (resp, sums)) in &brin {
            let mut targets = vec![("national".to_owned(), "all".to_owned())];
            for name in characteristics.names() {
                let group = characteristics.get(name, code, *year).unwrap_or_default();
                targets.push((name.to_owned(), group.to_owned()));
            }
            for (breakdown, group) in targets {
                add_to(
                    derived.entry(breakdown).or_default(),
                    (*year, group),
                    *resp,
                    sums,
                );
            }
        }
        self.by_breakdown.extend(derived);
    }
}

/// The published table: every share cell of every breakdown (suppressed below `min_n`), and for
/// the `brin` breakdown the institution's incident total (never suppressed: a registration
/// count, not a survey estimate) and its incidents per 1,000 respondents (suppressed below
/// `min_n` respondents). `incidents` holds totals by (institution, year). Sorted by year,
/// breakdown, group, indicator.
pub fn figures(
    acc: &Accumulated,
    incidents: &BTreeMap<(String, i64), f64>,
    min_n: u64,
) -> Vec<Figure> {
    let mut out = Vec::new();
    for (breakdown, cells) in &acc.by_breakdown {
        for ((year, group), (resp, sums)) in cells {
            for (name, s) in acc.indicators.iter().zip(sums) {
                let share = s.share(min_n);
                out.push(Figure {
                    year: *year,
                    breakdown: breakdown.clone(),
                    group: group.clone(),
                    indicator: name.clone(),
                    n: share.n,
                    value: share.value.map(|v| v.0),
                    interval: share.value.map(|v| (v.1, v.2)),
                    suppressed: share.value.is_none(),
                });
            }
            if breakdown == "brin" {
                let total = incidents
                    .get(&(group.clone(), *year))
                    .copied()
                    .unwrap_or(0.0);
                let n = *resp as u64;
                let suppressed = n < min_n || n == 0;
                for (indicator, value, suppressed) in [
                    ("incidents_total", Some(total), false),
                    (
                        "incidents_per_1000",
                        (!suppressed).then(|| total * 1000.0 / resp),
                        suppressed,
                    ),
                ] {
                    out.push(Figure {
                        year: *year,
                        breakdown: breakdown.clone(),
                        group: group.clone(),
                        indicator: indicator.into(),
                        n,
                        value,
                        interval: None,
                        suppressed,
                    });
                }
            }
        }
    }
    sort(&mut out);
    out
}

/// Sorts figures by year, breakdown, group, indicator.
fn sort(figures: &mut [Figure]) {
    figures.sort_by(|a, b| {
        (a.year, &a.breakdown, &a.group, &a.indicator).cmp(&(
            b.year,
            &b.breakdown,
            &b.group,
            &b.indicator,
        ))
    });
}

/// Students per institution and year, for incident rates.
pub type Population<'a> = &'a dyn Fn(&str, i64) -> Option<f64>;

/// Figures of counts by (year, institution, name): per year, breakdown (`national`, `brin` and
/// every characteristic) and `<prefix><name>`, n is the count; the value is the rate per 1,000
/// of `population` over the institutions in the group that have counts that year (no value
/// where none is known), or without a population the count itself. Counts from 1 to
/// `min_count` - 1 are suppressed.
///
/// Incidents are counted per category (`incidents:<category>`) with students as population;
/// there is no total over the categories: it would give a hidden category away as the total
/// minus the others, and each category is protected as a table of its own.
pub fn count_figures(
    counts: &BTreeMap<(i64, String, String), f64>,
    prefix: &str,
    population: Option<Population<'_>>,
    characteristics: &Characteristics,
    min_count: u64,
) -> Vec<Figure> {
    type Key = (i64, String, String);
    let mut sums: BTreeMap<(Key, String), f64> = BTreeMap::new();
    let mut members: BTreeMap<Key, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for ((year, brin, name), n) in counts {
        let mut targets = vec![
            ("national".to_owned(), "all".to_owned()),
            ("brin".to_owned(), brin.clone()),
        ];
        for c in characteristics.names() {
            let group = characteristics.get(c, brin, *year).unwrap_or_default();
            targets.push((c.to_owned(), group.to_owned()));
        }
        for (breakdown, group) in targets {
            let key = (*year, breakdown, group);
            members.entry(key.clone()).or_default().insert(brin);
            *sums.entry((key, name.clone())).or_insert(0.0) += n;
        }
    }
    let mut out: Vec<Figure> = sums
        .into_iter()
        .map(|((key, name), n)| {
            let count = n as u64;
            let suppressed = count > 0 && count < min_count;
            let value = match population {
                Some(of) => {
                    let total: f64 = members
                        .get(&key)
                        .into_iter()
                        .flatten()
                        .filter_map(|b| of(b, key.0))
                        .sum();
                    (total > 0.0).then(|| n * 1000.0 / total)
                }
                None => Some(n),
            };
            let (year, breakdown, group) = key;
            Figure {
                year,
                breakdown,
                group,
                indicator: format!("{prefix}{name}"),
                n: count,
                value: value.filter(|_| !suppressed),
                interval: None,
                suppressed,
            }
        })
        .collect();
    sort(&mut out);
    out
}

/// Complementary suppression over a table of [`figures`]: per year and share indicator, the
/// groups of every breakdown add up to the national figure, the institutions of one
/// `characteristics` value (type, region) add up to that value's figure, and the rows and
/// columns of a crossing add up to the groups of its two breakdowns. Cells are hidden until
/// no hidden one can be worked out from the published ones by addition or subtraction.
/// Incident counts by category (`incidents:<category>`) are protected in the same way; the
/// benchmark table's incident rows (`incidents_total`, `incidents_per_1000`) are left as they
/// are.
pub fn protect(figures: &mut [Figure], characteristics: &Characteristics) {
    let mut tables: BTreeMap<(i64, String), Vec<usize>> = BTreeMap::new();
    for (i, f) in figures.iter().enumerate() {
        if !f.indicator.starts_with("incidents_") {
            tables
                .entry((f.year, f.indicator.clone()))
                .or_default()
                .push(i);
        }
    }
    for ((year, _), cells) in &tables {
        let equations = equations_of(figures, cells, characteristics, *year);
        let size: Vec<f64> = cells.iter().map(|&i| figures[i].n as f64).collect();
        let mut hidden: Vec<bool> = cells.iter().map(|&i| figures[i].suppressed).collect();
        for c in suppress::complementary(&size, &mut hidden, &equations) {
            let f = &mut figures[cells[c]];
            f.suppressed = true;
            f.value = None;
            f.interval = None;
        }
    }
}

/// The sum equations of one table (`cells`, indices into `figures`; equations index `cells`):
/// every breakdown adds up to national, the institutions of a characteristic's value to that
/// value, a crossing's rows and columns to its margins.
fn equations_of(
    figures: &[Figure],
    cells: &[usize],
    characteristics: &Characteristics,
    year: i64,
) -> Vec<suppress::Equation> {
    let at = |b: &str, g: &str| {
        (0..cells.len()).find(|&c| figures[cells[c]].breakdown == b && figures[cells[c]].group == g)
    };
    let Some(national) = at("national", "all") else {
        return Vec::new();
    };
    let mut by_breakdown: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (c, &i) in cells.iter().enumerate() {
        if figures[i].breakdown != "national" {
            by_breakdown
                .entry(figures[i].breakdown.as_str())
                .or_default()
                .push(c);
        }
    }
    let mut equations: Vec<suppress::Equation> = by_breakdown
        .values()
        .map(|parts| suppress::Equation {
            total: national,
            parts: parts.clone(),
        })
        .collect();
    for name in characteristics.names() {
        let Some(groups) = by_breakdown.get(name) else {
            continue;
        };
        for &g in groups {
            let value = &figures[cells[g]].group;
            let parts = by_breakdown
                .get("brin")
                .map(|brins| {
                    brins
                        .iter()
                        .copied()
                        .filter(|&c| {
                            characteristics
                                .get(name, &figures[cells[c]].group, year)
                                .unwrap_or_default()
                                == value.as_str()
                        })
                        .collect()
                })
                .unwrap_or_default();
            equations.push(suppress::Equation { total: g, parts });
        }
    }
    // A crossing a×b: each group of a is the sum of its row, each group of b of its column.
    for (name, crossed) in &by_breakdown {
        let Some((a, b)) = name.split_once(table::CROSS) else {
            continue;
        };
        for (side, margin) in [(0, a), (1, b)] {
            for &g in by_breakdown.get(margin).into_iter().flatten() {
                let value = figures[cells[g]].group.as_str();
                let parts = crossed
                    .iter()
                    .copied()
                    .filter(|&c| {
                        let label = figures[cells[c]].group.as_str();
                        let mut halves = label.splitn(2, table::CROSS_GROUP);
                        let (first, second) = (halves.next(), halves.next());
                        [first, second][side] == Some(value)
                    })
                    .collect();
                equations.push(suppress::Equation { total: g, parts });
            }
        }
    }
    equations
}

/// A published share beside the national figure of its year and indicator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VersusNational {
    /// Share minus the national share.
    pub difference: f64,
    /// The two 95% intervals do not overlap (a difference worth pointing out).
    pub differs: bool,
}

/// For every published share of `figures` (same order), its difference from the national share
/// of the same year and indicator; `None` for national rows, suppressed cells and rows without
/// an interval.
pub fn versus_national(figures: &[Figure]) -> Vec<Option<VersusNational>> {
    let national: BTreeMap<(i64, &str), &Figure> = figures
        .iter()
        .filter(|f| f.breakdown == "national")
        .map(|f| ((f.year, f.indicator.as_str()), f))
        .collect();
    figures
        .iter()
        .map(|f| {
            if f.breakdown == "national" {
                return None;
            }
            let (value, (low, high)) = (f.value?, f.interval?);
            let all = national.get(&(f.year, f.indicator.as_str()))?;
            let (n_value, (n_low, n_high)) = (all.value?, all.interval?);
            Some(VersusNational {
                difference: value - n_value,
                differs: high < n_low || low > n_high,
            })
        })
        .collect()
}

/// The table as CSV: `year,breakdown,group,indicator,n,share,ci_low,ci_high,suppressed`, empty
/// fields for what is suppressed or has no interval.
pub fn figures_csv(figures: &[Figure]) -> String {
    use std::fmt::Write;
    let mut out =
        String::from("year,breakdown,group,indicator,n,share,ci_low,ci_high,suppressed\n");
    let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    for f in figures {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            f.year,
            csv_field(&f.breakdown),
            csv_field(&f.group),
            csv_field(&f.indicator),
            f.n,
            num(f.value),
            num(f.interval.map(|i| i.0)),
            num(f.interval.map(|i| i.1)),
            u8::from(f.suppressed),
        );
    }
    out
}

/// A CSV field, quoted where it has to be.
pub fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}
