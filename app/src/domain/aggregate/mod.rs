//! The monitor's figures: share indicators over micro-data per year and breakdown, with the
//! unweighted n, the weighted share, its 95% Wilson interval with Kish's effective n, and
//! suppression of small cells; and
//! incident totals and rates per institution.
//!
//! Pure: rows arrive as bytes of whole CSV lines ([`table`]) or as codes; sums per cell are kept
//! in flat arrays ([`Sums`]); [`figures`] turns them into the published table. The command line
//! (`server aggregate`) and the reports run this same code.

pub mod kinds;
pub mod labels;
pub mod mapping;
pub mod snapshot;
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
    /// How wide the interval an attacker can compute of a cell hidden for being small must be
    /// at least (the audit); by default the count threshold.
    #[serde(default = "default_protection_width")]
    pub protection_width: u64,
    /// A group of institutions is shown only where at least this many have data in it.
    #[serde(default = "default_min_institutions")]
    pub min_institutions: u64,
}

/// Default width of a small cell's interval.
pub const PROTECTION_WIDTH: u64 = MIN_N_COUNTS;

/// Default smallest number of institutions of a group that is shown.
pub const MIN_INSTITUTIONS: u64 = 5;

fn default_protection_width() -> u64 {
    PROTECTION_WIDTH
}

fn default_min_institutions() -> u64 {
    MIN_INSTITUTIONS
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            shares: MIN_N_SHARES,
            counts: MIN_N_COUNTS,
            protection_width: PROTECTION_WIDTH,
            min_institutions: MIN_INSTITUTIONS,
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
    /// Sum of the squared weights of those with an answer (for Kish's effective n).
    pub sww: f64,
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
    wilson_around(k / n, n, z)
}

/// Wilson score interval around the share `p` of a sample of (effective) size `n`, at `z`.
pub fn wilson_around(p: f64, n: f64, z: f64) -> (f64, f64) {
    let z2 = z * z;
    let den = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / den;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / den;
    (center - half, center + half)
}

impl Sums {
    /// Kish's effective sample size, (Σw)² / Σw²: the n of an unweighted sample as precise as
    /// this weighted one (equal weights: n).
    pub fn effective_n(&self) -> f64 {
        self.sw * self.sw / self.sww
    }

    /// The weighted share, its 95% Wilson interval with Kish's effective n (so the interval is
    /// the published estimate's), and suppression below `min_n` respondents.
    pub fn share(&self, min_n: u64) -> Share {
        let n = self.n as u64;
        if n < min_n || n == 0 || self.sw <= 0.0 {
            return Share { n, value: None };
        }
        let p = self.swx / self.sw;
        let (low, high) = wilson_around(p, self.effective_n(), Z95);
        Share {
            n,
            value: Some((p, low, high)),
        }
    }
}

/// One computed cell of a table, before disclosure control: everything known of it, including
/// what must not be published. Channels never see it: [`protect`] turns cells into [`Figure`]s.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub year: i64,
    pub breakdown: String,
    pub group: String,
    pub indicator: String,
    /// Respondents (of a share) or the count itself.
    pub n: u64,
    /// Of a share, the respondents for whom the condition holds (unweighted); `None` for counts.
    pub k: Option<f64>,
    /// Share (or total, or rate) with its interval where it has one; `None` below the threshold.
    pub value: Option<f64>,
    pub interval: Option<(f64, f64)>,
    /// Below its threshold (hidden for being small).
    pub suppressed: bool,
    /// Of a share, its weighted sums (for the test against the rest of the country).
    pub sums: Option<Sums>,
}

/// One published cell: what every channel (report page, chart, fact sheet, CSV, XLSX, API,
/// command line) shows. A hidden cell carries no value, no interval and no count; it can only be
/// made by [`Cell::publish`] (or read back from where published figures are kept).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
// Not `#[non_exhaustive]`: that would still let the rest of this crate make a figure.
#[allow(clippy::manual_non_exhaustive)]
pub struct Figure {
    pub year: i64,
    pub breakdown: String,
    pub group: String,
    pub indicator: String,
    /// Respondents or the count; `None` where hidden.
    pub n: Option<u64>,
    pub value: Option<f64>,
    pub interval: Option<(f64, f64)>,
    pub suppressed: bool,
    /// Of a published share of a group, how it compares with the rest of the country.
    pub versus: Option<Versus>,
    /// Only this module makes figures.
    #[serde(skip)]
    sealed: (),
}

/// Where a cell stands: year, breakdown, group, indicator.
pub type Key<'a> = (i64, &'a str, &'a str, &'a str);

impl Figure {
    pub fn key(&self) -> Key<'_> {
        (self.year, &self.breakdown, &self.group, &self.indicator)
    }
}

impl Cell {
    pub fn key(&self) -> Key<'_> {
        (self.year, &self.breakdown, &self.group, &self.indicator)
    }

    /// What the cell shows when published, `hidden` or not: the one place that decides.
    /// `versus`: its comparison with the rest of the country (only shown where published).
    pub fn publish(&self, hidden: bool, versus: Option<Versus>) -> Figure {
        let hidden = hidden || self.suppressed;
        Figure {
            versus: versus.filter(|_| !hidden),
            year: self.year,
            breakdown: self.breakdown.clone(),
            group: self.group.clone(),
            indicator: self.indicator.clone(),
            n: (!hidden).then_some(self.n),
            value: self.value.filter(|_| !hidden),
            interval: self.interval.filter(|_| !hidden),
            suppressed: hidden,
            sealed: (),
        }
    }
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
        a.sww += b.sww;
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
) -> Vec<Cell> {
    let mut out = Vec::new();
    for (breakdown, cells) in &acc.by_breakdown {
        for ((year, group), (resp, sums)) in cells {
            for (name, s) in acc.indicators.iter().zip(sums) {
                let share = s.share(min_n);
                out.push(Cell {
                    year: *year,
                    breakdown: breakdown.clone(),
                    group: group.clone(),
                    indicator: name.clone(),
                    n: share.n,
                    k: Some(s.k),
                    value: share.value.map(|v| v.0),
                    interval: share.value.map(|v| (v.1, v.2)),
                    suppressed: share.value.is_none(),
                    sums: Some(*s),
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
                    out.push(Cell {
                        year: *year,
                        breakdown: breakdown.clone(),
                        group: group.clone(),
                        indicator: indicator.into(),
                        n,
                        k: None,
                        value,
                        interval: None,
                        suppressed,
                        sums: None,
                    });
                }
            }
        }
    }
    sort(&mut out);
    out
}

/// Sorts cells by year, breakdown, group, indicator.
fn sort(figures: &mut [Cell]) {
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
) -> Vec<Cell> {
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
    let mut out: Vec<Cell> = sums
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
            Cell {
                year,
                breakdown,
                group,
                indicator: format!("{prefix}{name}"),
                n: count,
                k: None,
                value: value.filter(|_| !suppressed),
                interval: None,
                suppressed,
                sums: None,
            }
        })
        .collect();
    sort(&mut out);
    out
}

/// Why a cell is hidden.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hidden {
    /// Below its threshold (respondents of a share, or a count from 1 to the threshold).
    Small,
    /// A group of institutions with fewer than the minimum number of institutions with data.
    FewInstitutions,
    /// Hidden too, so that no small cell can be narrowed down from the published ones.
    Complementary,
    /// The table's protection could not be shown to hold: nothing of it is published.
    Unaudited,
}

impl Hidden {
    pub fn label(self) -> &'static str {
        match self {
            Hidden::Small => "klein / small",
            Hidden::FewInstitutions => "te weinig instellingen / too few institutions",
            Hidden::Complementary => "ter bescherming / complementary",
            Hidden::Unaudited => "tabel niet te beschermen / table not protected",
        }
    }
}

/// One additive part of a table that the audit measures: respondents or yes-answers of shares,
/// or the counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    Respondents,
    YesAnswers,
    Count,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Respondents => "respondents",
            Measure::YesAnswers => "yes_answers",
            Measure::Count => "count",
        }
    }
}

/// The attacker's interval of one cell hidden for being small, in one measure.
#[derive(Clone, Debug, PartialEq)]
pub struct CellAudit {
    /// Index into the cells given to [`plan`].
    pub cell: usize,
    pub measure: Measure,
    pub interval: suppress::Interval,
    /// The interval is at least the protection width wide.
    pub protected: bool,
}

/// What disclosure control decided for a whole set of cells.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Per cell, why it is hidden (`None`: published).
    pub hidden: Vec<Option<Hidden>>,
    /// The audit of every cell hidden for being small.
    pub audits: Vec<CellAudit>,
    /// Tables (year, indicator) whose protection failed: none of their cells is published.
    pub failed: Vec<(i64, String)>,
}

impl Plan {
    /// How many cells are hidden for `reason`.
    pub fn count(&self, reason: Hidden) -> usize {
        self.hidden.iter().filter(|h| **h == Some(reason)).count()
    }
}

/// The tables of a set of cells: per year and indicator, the indices of its cells. The
/// benchmark table's incident rows (`incidents_total`, `incidents_per_1000`) form none.
pub fn tables_of(cells: &[Cell]) -> BTreeMap<(i64, String), Vec<usize>> {
    let mut tables: BTreeMap<(i64, String), Vec<usize>> = BTreeMap::new();
    for (i, f) in cells.iter().enumerate() {
        if !f.indicator.starts_with("incidents_") {
            tables
                .entry((f.year, f.indicator.clone()))
                .or_default()
                .push(i);
        }
    }
    tables
}

/// Disclosure control over `cells` (of [`figures`] or [`count_figures`]), per year and
/// indicator as one table: the groups of every breakdown add up to the national figure, the
/// institutions of one `characteristics` value (type, region, size band, an answer) add up to
/// that value's figure, and the rows and columns of a crossing add up to the groups of its two
/// breakdowns; no count is negative.
///
/// Hidden are: cells below their threshold; groups of institutions (every characteristic) with
/// fewer than `rules.min_institutions` institutions with data; and the cells [`suppress::select`]
/// chooses so that every small cell's interval, as an attacker computes it by linear
/// programming from everything published, is at least `rules.protection_width` wide (shares on
/// their respondents and on their yes-answers); of those, largest first, each is published again
/// where every small cell stays protected without it. Every small cell is then audited; a table
/// whose audit fails (or whose programming fails) is hidden whole.
pub fn plan(cells: &[Cell], characteristics: &Characteristics, rules: &Thresholds) -> Plan {
    plan_beside(cells, characteristics, rules, &[])
}

/// [`plan`] for cells published beside `decided`, figures of the same tables published before
/// (a report's crossing or answer groups beside the standard figures): an attacker holds both,
/// so a cell hidden there stays hidden and a cell published there is taken as known; only cells
/// new here are chosen to protect.
pub fn plan_beside(
    cells: &[Cell],
    characteristics: &Characteristics,
    rules: &Thresholds,
    decided: &[Figure],
) -> Plan {
    let before: BTreeMap<Key<'_>, bool> = decided.iter().map(|f| (f.key(), f.suppressed)).collect();
    let decided_of = |c: &Cell| before.get(&c.key()).copied();
    let mut plan = Plan {
        hidden: cells
            .iter()
            .map(|c| c.suppressed.then_some(Hidden::Small))
            .collect(),
        ..Plan::default()
    };
    let width = rules.protection_width as f64;
    for ((year, indicator), members) in tables_of(cells) {
        let equations = equations_of(cells, &members, characteristics, year);
        let mut hidden: Vec<bool> = members.iter().map(|&i| cells[i].suppressed).collect();
        let mut fixed = vec![false; members.len()];
        for (c, &i) in members.iter().enumerate() {
            match decided_of(&cells[i]) {
                Some(true) if !hidden[c] => {
                    hidden[c] = true;
                    plan.hidden[i] = Some(Hidden::Complementary);
                }
                Some(false) => fixed[c] = true,
                _ => {}
            }
        }
        for c in few_institutions(
            cells,
            &members,
            characteristics,
            year,
            rules.min_institutions,
        ) {
            if !hidden[c] {
                hidden[c] = true;
                plan.hidden[members[c]] = Some(Hidden::FewInstitutions);
            }
        }
        let small: Vec<usize> = (0..members.len())
            .filter(|&c| cells[members[c]].suppressed)
            .collect();
        let costly: Vec<bool> = members
            .iter()
            .map(|&i| cells[i].breakdown == "national")
            .collect();
        let shares = members.iter().any(|&i| cells[i].k.is_some());
        let measures: &[Measure] = if shares {
            &[Measure::Respondents, Measure::YesAnswers]
        } else {
            &[Measure::Count]
        };
        let parts: Vec<(Measure, Vec<f64>)> = measures
            .iter()
            .map(|&m| {
                let values = members
                    .iter()
                    .map(|&i| match m {
                        Measure::YesAnswers => cells[i].k.unwrap_or(0.0),
                        _ => cells[i].n as f64,
                    })
                    .collect();
                (m, values)
            })
            .collect();
        let mut outcome: Result<(), suppress::LpError> = Ok(());
        let mut audits = Vec::new();
        if !small.is_empty() {
            let mut added = Vec::new();
            for (_, values) in &parts {
                match suppress::select(
                    suppress::Table::new(values, &equations),
                    &mut hidden,
                    &small,
                    width,
                    &costly,
                    &fixed,
                ) {
                    Ok(cells) => added.extend(cells),
                    Err(e) => outcome = Err(e),
                }
            }
            // Each choice protected one small cell given the earlier ones; together they may
            // hide more than needed. Largest first, a complementary cell is published again
            // where every small cell stays protected without it.
            added.sort_by(|&a, &b| parts[0].1[b].total_cmp(&parts[0].1[a]).then(a.cmp(&b)));
            for c in added {
                hidden[c] = false;
                let protected = parts.iter().all(|(_, values)| {
                    suppress::audit(suppress::Table::new(values, &equations), &hidden, &small)
                        .is_ok_and(|found| found.iter().all(|i| i.width() >= width - 1e-6))
                });
                hidden[c] = !protected;
            }
            for (c, &i) in members.iter().enumerate() {
                if hidden[c] && plan.hidden[i].is_none() {
                    plan.hidden[i] = Some(Hidden::Complementary);
                }
            }
            for (m, values) in &parts {
                match suppress::audit(suppress::Table::new(values, &equations), &hidden, &small) {
                    Ok(intervals) => audits.extend(intervals.into_iter().map(|mut interval| {
                        let cell = members[interval.cell];
                        interval.cell = cell;
                        for w in [&mut interval.witness_low, &mut interval.witness_high] {
                            for (c, _) in w.iter_mut() {
                                *c = members[*c];
                            }
                        }
                        CellAudit {
                            cell,
                            measure: *m,
                            protected: interval.width() >= width - 1e-6,
                            interval,
                        }
                    })),
                    Err(e) => outcome = Err(e),
                }
            }
        }
        if outcome.is_err() || audits.iter().any(|a| !a.protected) {
            for &i in &members {
                if plan.hidden[i] != Some(Hidden::Small) {
                    plan.hidden[i] = Some(Hidden::Unaudited);
                }
            }
            plan.failed.push((year, indicator));
        }
        plan.audits.extend(audits);
    }
    plan
}

/// The groups of institutions in a table (indices into `members`) that fewer than `minimum`
/// institutions with data make up.
fn few_institutions(
    cells: &[Cell],
    members: &[usize],
    characteristics: &Characteristics,
    year: i64,
    minimum: u64,
) -> Vec<usize> {
    let institutions: Vec<&str> = members
        .iter()
        .map(|&i| &cells[i])
        .filter(|c| c.breakdown == "brin")
        .map(|c| c.group.as_str())
        .collect();
    let names: Vec<&str> = characteristics.names().collect();
    (0..members.len())
        .filter(|&c| {
            let cell = &cells[members[c]];
            names.contains(&cell.breakdown.as_str())
                && (institutions
                    .iter()
                    .filter(|code| {
                        characteristics
                            .get(&cell.breakdown, code, year)
                            .unwrap_or_default()
                            == cell.group
                    })
                    .count() as u64)
                    < minimum
        })
        .collect()
}

/// The published figures of `cells` under disclosure control ([`plan`]): the only way from
/// cells to what a channel shows.
pub fn protect(
    cells: &[Cell],
    characteristics: &Characteristics,
    rules: &Thresholds,
) -> Vec<Figure> {
    let plan = plan(cells, characteristics, rules);
    publish(cells, &plan)
}

/// What [`plan`] decided, for people: per audited cell (hidden for being small) its true value
/// and the interval an attacker can compute, then how many cells are hidden and why. Holds true
/// values: for the operator of the monitor, never for publication.
pub fn audit_report(cells: &[Cell], plan: &Plan, rules: &Thresholds) -> String {
    use std::fmt::Write;
    let mut out = format!(
        "# protectiebreedte / protection width {}; drempels / thresholds {} respondenten, {} \
         incidenten; groepen vanaf / groups from {} instellingen\n\
         year\tbreakdown\tgroup\tindicator\tmeasure\tvalue\tlowest\thighest\twidth\tprotected\n",
        rules.protection_width, rules.shares, rules.counts, rules.min_institutions
    );
    for a in &plan.audits {
        let c = &cells[a.cell];
        let high = a
            .interval
            .high
            .map_or_else(|| "∞".to_owned(), |h| format!("{h:.1}"));
        let width = a
            .interval
            .high
            .map_or_else(|| "∞".to_owned(), |h| format!("{:.1}", h - a.interval.low));
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{:.1}\t{high}\t{width}\t{}",
            c.year,
            c.breakdown,
            c.group,
            c.indicator,
            a.measure.as_str(),
            a.interval.value,
            a.interval.low,
            if a.protected { "ja/yes" } else { "NEE/NO" },
        );
    }
    let national = cells.iter().filter(|c| c.breakdown == "national").count();
    let national_hidden = cells
        .iter()
        .zip(&plan.hidden)
        .filter(|(c, h)| c.breakdown == "national" && h.is_some())
        .count();
    let reasons: Vec<String> = [
        Hidden::Small,
        Hidden::FewInstitutions,
        Hidden::Complementary,
        Hidden::Unaudited,
    ]
    .into_iter()
    .map(|h| format!("{} {}", h.label(), plan.count(h)))
    .collect();
    let _ = writeln!(
        out,
        "# cellen / cells {}; verborgen / hidden: {}; landelijke cijfers verborgen / national \
         totals hidden {national_hidden} van / of {national}; tabellen niet te beschermen / tables \
         not protected {}",
        cells.len(),
        reasons.join(", "),
        plan.failed.len(),
    );
    out
}

/// The figures of `cells` as `plan` hides them.
pub fn publish(cells: &[Cell], plan: &Plan) -> Vec<Figure> {
    // The national cell of each year and indicator, where it is published.
    let national: BTreeMap<(i64, &str), &Sums> = cells
        .iter()
        .zip(&plan.hidden)
        .filter(|(c, h)| c.breakdown == "national" && h.is_none() && !c.suppressed)
        .filter_map(|(c, _)| Some(((c.year, c.indicator.as_str()), c.sums.as_ref()?)))
        .collect();
    cells
        .iter()
        .zip(&plan.hidden)
        .map(|(c, h)| {
            let versus = (c.breakdown != "national")
                .then(|| {
                    let all = national.get(&(c.year, c.indicator.as_str()))?;
                    versus_rest(c.sums.as_ref()?, all)
                })
                .flatten();
            c.publish(h.is_some(), versus)
        })
        .collect()
}

/// The sum equations of one table (`cells`, indices into `figures`; equations index `cells`):
/// every breakdown adds up to national, the institutions of a characteristic's value to that
/// value, a crossing's rows and columns to its margins.
pub fn equations_of(
    figures: &[Cell],
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

/// A group's share beside the rest of the country: everyone of the same year and indicator who
/// is not in the group (the national sums minus the group's).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Versus {
    /// The group's share minus the share of the rest of the country.
    pub difference: f64,
    /// The difference is significant at 95%: |z| > 1.96 in the test of two weighted shares,
    /// each with its variance p(1 − p)/n_eff and Kish's effective n.
    pub differs: bool,
}

/// The test of [`Versus`] of a group's sums against the national sums; `None` where the group
/// is the whole country (no rest) or either has no weight.
pub fn versus_rest(group: &Sums, national: &Sums) -> Option<Versus> {
    let rest = Sums {
        n: national.n - group.n,
        k: national.k - group.k,
        sw: national.sw - group.sw,
        swx: national.swx - group.swx,
        sww: national.sww - group.sww,
    };
    // Sums of floats: a rest below a millionth of the country's weight is nobody.
    let tiny = national.sw.abs() * 1e-9;
    if group.sw <= tiny || rest.sw <= tiny || rest.sww <= 0.0 || group.sww <= 0.0 {
        return None;
    }
    let share = |s: &Sums| (s.swx / s.sw).clamp(0.0, 1.0);
    let (p1, p2) = (share(group), share(&rest));
    let variance = p1 * (1.0 - p1) / group.effective_n() + p2 * (1.0 - p2) / rest.effective_n();
    let difference = p1 - p2;
    Some(Versus {
        difference,
        differs: variance > 0.0 && difference.abs() > Z95 * variance.sqrt(),
    })
}

/// The published table as CSV: `year,breakdown,group,indicator,n,share,ci_low,ci_high,suppressed`,
/// empty fields for what is hidden or has no interval.
pub fn figures_csv(figures: &[Figure]) -> String {
    table_csv(
        figures
            .iter()
            .map(|f| (f.key(), f.n, f.value, f.interval, f.suppressed)),
    )
}

/// The computed cells as CSV, with the n of every cell (also below its threshold): the table a
/// benchmark compares with its peers, never a published one.
pub fn cells_csv(cells: &[Cell]) -> String {
    table_csv(
        cells
            .iter()
            .map(|c| (c.key(), Some(c.n), c.value, c.interval, c.suppressed)),
    )
}

/// A row of a CSV table: key, n, value, interval, hidden.
type CsvRow<'a> = (Key<'a>, Option<u64>, Option<f64>, Option<(f64, f64)>, bool);

fn table_csv<'a>(rows: impl Iterator<Item = CsvRow<'a>>) -> String {
    use std::fmt::Write;
    let mut out =
        String::from("year,breakdown,group,indicator,n,share,ci_low,ci_high,suppressed\n");
    let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    for ((year, breakdown, group, indicator), n, value, interval, suppressed) in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            year,
            csv_field(breakdown),
            csv_field(group),
            csv_field(indicator),
            n.map(|n| n.to_string()).unwrap_or_default(),
            num(value),
            num(interval.map(|i| i.0)),
            num(interval.map(|i| i.1)),
            u8::from(suppressed),
        );
    }
    out
}

/// A CSV field, quoted where it has to be, and never read as a formula by a spreadsheet.
pub fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    let s = crate::domain::csv::spreadsheet_text(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s
    }
}
