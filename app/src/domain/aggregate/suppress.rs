//! Disclosure control of an additive table, measured as statistical offices measure it
//! (τ-ARGUS and sdcTable call it an audit).
//!
//! A table is a set of cells with non-negative values (counts of respondents, of yes-answers,
//! of incidents) and equations between them: a total is the sum of its parts (the national
//! figure the sum over the groups of every breakdown, an institution type the sum of its
//! institutions). Some cells are hidden. An attacker who knows the published cells, the
//! equations and that no count is negative can compute, by linear programming, the lowest and
//! highest value each hidden cell can have: [`audit`]. A cell hidden for being small is
//! protected when that interval is at least the protection width wide.
//!
//! [`select`] chooses the further cells to hide, one small cell at a time, as Fischetti and
//! Salazar's model does: it looks for the cheapest way to change the table that raises the
//! small cell by the width while every equation still holds and no count goes below zero; the
//! published cells that change are hidden. Once every cell that change touches is hidden, an
//! attacker cannot tell the true table from the changed one, so the small cell's upper bound is
//! at least its value plus the width. Hiding a cell costs per unit of change 1 plus its share
//! of the largest value (fewest cells first, then the smallest), a cell already hidden costs
//! nothing, and a cell marked `costly` (a national total) costs more than any other choice, so
//! it is hidden only when nothing else protects.

use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};

/// One equation: `total` is the sum of `parts` (indices into the cells).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Equation {
    pub total: usize,
    pub parts: Vec<usize>,
}

/// A table's cells and the equations between them.
#[derive(Clone, Copy, Debug)]
pub struct Table<'a> {
    /// The true value of each cell (non-negative).
    pub values: &'a [f64],
    pub equations: &'a [Equation],
}

impl<'a> Table<'a> {
    pub fn new(values: &'a [f64], equations: &'a [Equation]) -> Self {
        Table { values, equations }
    }
}

/// The linear programming failed (a numerical failure of the solver): the table is not to be
/// published.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("lineaire programmering mislukt: {0}")]
pub struct LpError(String);

impl From<microlp::Error> for LpError {
    fn from(e: microlp::Error) -> Self {
        LpError(e.to_string())
    }
}

/// Above this an attacker's bound counts as unbounded.
pub const UNBOUNDED: f64 = 1e9;

/// What an attacker can work out of one hidden cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Interval {
    pub cell: usize,
    pub value: f64,
    pub low: f64,
    /// `None`: no upper bound.
    pub high: Option<f64>,
    /// Values of the hidden cells (cell, value) consistent with everything published in which
    /// the cell has its lowest value, and values in which it has its highest (or a very large
    /// one, when unbounded): proof of the interval that needs no solver to check.
    pub witness_low: Vec<(usize, f64)>,
    pub witness_high: Vec<(usize, f64)>,
}

impl Interval {
    /// High minus low (infinite when unbounded).
    pub fn width(&self) -> f64 {
        self.high.map_or(f64::INFINITY, |h| h - self.low)
    }
}

/// Coefficient of cell `c` in each equation (`total - Σ parts = 0`), by equation.
fn rows(table: Table<'_>) -> Vec<Vec<(usize, f64)>> {
    table
        .equations
        .iter()
        .map(|e| {
            let mut row: Vec<(usize, f64)> = vec![(e.total, 1.0)];
            for &p in &e.parts {
                match row.iter_mut().find(|(c, _)| *c == p) {
                    Some(x) => x.1 -= 1.0,
                    None => row.push((p, -1.0)),
                }
            }
            row.retain(|&(_, a)| a != 0.0);
            row
        })
        .filter(|r| !r.is_empty())
        .collect()
}

/// The attacker's interval of every hidden cell listed in `cells`: the published cells are
/// known, the equations hold and no cell is negative.
pub fn audit(table: Table<'_>, hidden: &[bool], cells: &[usize]) -> Result<Vec<Interval>, LpError> {
    let rows = rows(table);
    let mut out = Vec::with_capacity(cells.len());
    for &cell in cells {
        let mut ends = Vec::with_capacity(2);
        for direction in [
            OptimizationDirection::Minimize,
            OptimizationDirection::Maximize,
        ] {
            let mut problem = Problem::new(direction);
            let vars: Vec<Option<Variable>> = (0..table.values.len())
                .map(|c| {
                    hidden[c].then(|| {
                        let objective = if c == cell { 1.0 } else { 0.0 };
                        problem.add_var(objective, (0.0, UNBOUNDED))
                    })
                })
                .collect();
            add_equations(&mut problem, &rows, |c| vars[c], |c| table.values[c]);
            let solution = problem
                .solve()?
                .into_solution()
                .map_err(|_| LpError("interrupted".into()))?;
            let witness: Vec<(usize, f64)> = vars
                .iter()
                .enumerate()
                .filter_map(|(c, v)| v.map(|v| (c, solution.var_value(v))))
                .collect();
            ends.push((solution.objective(), witness));
        }
        let (high, witness_high) = ends.pop().unwrap_or_default();
        let (low, witness_low) = ends.pop().unwrap_or_default();
        out.push(Interval {
            cell,
            value: table.values[cell],
            low: low.max(0.0),
            high: (high < UNBOUNDED * 0.5).then_some(high),
            witness_low,
            witness_high,
        });
    }
    Ok(out)
}

/// Adds `Σ coefficient × cell = 0` for every row: a cell with a variable enters as that
/// variable, any other as its known value (moved to the right-hand side).
fn add_equations(
    problem: &mut Problem,
    rows: &[Vec<(usize, f64)>],
    var: impl Fn(usize) -> Option<Variable>,
    known: impl Fn(usize) -> f64,
) {
    for row in rows {
        let mut terms = Vec::new();
        let mut rhs = 0.0;
        for &(c, a) in row {
            match var(c) {
                Some(v) => terms.push((v, a)),
                None => rhs -= a * known(c),
            }
        }
        if !terms.is_empty() {
            problem.add_constraint(terms, ComparisonOp::Eq, rhs);
        }
    }
}

/// Hides further cells (setting `hidden[c]`) until every cell of `primary` can rise by `width`
/// in a table that an attacker cannot tell from the true one. `costly[c]` marks cells hidden
/// only when nothing else protects (national totals); `fixed[c]` cells published elsewhere,
/// which cannot be hidden. Returns the cells it hid, in order.
pub fn select(
    table: Table<'_>,
    hidden: &mut [bool],
    primary: &[usize],
    width: f64,
    costly: &[bool],
    fixed: &[bool],
) -> Result<Vec<usize>, LpError> {
    let rows = rows(table);
    let largest = table.values.iter().copied().fold(1.0, f64::max);
    let expensive = 10.0 * (table.values.len() as f64 + 1.0);
    let mut added = Vec::new();
    for &p in primary {
        let cost = |c: usize| {
            if hidden[c] {
                0.0
            } else if costly[c] {
                expensive
            } else {
                1.0 + table.values[c] / largest
            }
        };
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        // Per cell a rise and a fall; a fall never takes a count below zero.
        let changes: Vec<(Variable, Variable)> = (0..table.values.len())
            .map(|c| {
                let (rise, fall) = if c == p {
                    ((width, width), (0.0, 0.0))
                } else if fixed[c] {
                    ((0.0, 0.0), (0.0, 0.0))
                } else {
                    ((0.0, f64::INFINITY), (0.0, table.values[c]))
                };
                (
                    problem.add_var(cost(c), rise),
                    problem.add_var(cost(c), fall),
                )
            })
            .collect();
        for row in &rows {
            let terms: Vec<(Variable, f64)> = row
                .iter()
                .flat_map(|&(c, a)| [(changes[c].0, a), (changes[c].1, -a)])
                .collect();
            problem.add_constraint(terms, ComparisonOp::Eq, 0.0);
        }
        let solution = problem
            .solve()?
            .into_solution()
            .map_err(|_| LpError("interrupted".into()))?;
        for (c, &(rise, fall)) in changes.iter().enumerate() {
            let moved = solution.var_value(rise) + solution.var_value(fall);
            if !hidden[c] && moved > 1e-6 {
                hidden[c] = true;
                added.push(c);
            }
        }
    }
    Ok(added)
}

/// The hidden cells whose value follows exactly from the published ones (their interval has
/// no width): a unit vector in the row space of the equations restricted to the hidden cells,
/// found by Gaussian elimination. Independent of the linear programming; used to check it.
pub fn recoverable(hidden: &[bool], equations: &[Equation]) -> Vec<usize> {
    let unknowns: Vec<usize> = (0..hidden.len()).filter(|&i| hidden[i]).collect();
    if unknowns.is_empty() {
        return Vec::new();
    }
    let column: std::collections::HashMap<usize, usize> =
        unknowns.iter().enumerate().map(|(c, &i)| (i, c)).collect();
    let mut rows: Vec<Vec<f64>> = equations
        .iter()
        .map(|e| {
            let mut row = vec![0.0; unknowns.len()];
            if let Some(&c) = column.get(&e.total) {
                row[c] += 1.0;
            }
            for p in &e.parts {
                if let Some(&c) = column.get(p) {
                    row[c] -= 1.0;
                }
            }
            row
        })
        .filter(|r| r.iter().any(|&x| x != 0.0))
        .collect();
    let mut pivots = Vec::new();
    let mut r = 0;
    for c in 0..unknowns.len() {
        let Some(p) = (r..rows.len()).find(|&i| rows[i][c].abs() > 1e-9) else {
            continue;
        };
        rows.swap(r, p);
        let lead = rows[r][c];
        for x in &mut rows[r] {
            *x /= lead;
        }
        for i in 0..rows.len() {
            if i != r && rows[i][c].abs() > 1e-9 {
                let f = rows[i][c];
                let pivot_row = rows[r].clone();
                for (x, y) in rows[i].iter_mut().zip(&pivot_row) {
                    *x -= f * y;
                }
            }
        }
        pivots.push(c);
        r += 1;
        if r == rows.len() {
            break;
        }
    }
    pivots
        .iter()
        .enumerate()
        .filter(|(row, &c)| {
            rows[*row]
                .iter()
                .enumerate()
                .all(|(j, &x)| j == c || x.abs() <= 1e-9)
        })
        .map(|(_, &c)| unknowns[c])
        .collect()
}
