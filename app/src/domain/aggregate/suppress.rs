//! Complementary suppression: after small cells are hidden, further cells are hidden until no
//! hidden value can be worked out from the published ones by adding and subtracting.
//!
//! The published figures of a table obey linear equations: a total is the sum of its parts (the
//! national figure is the sum over the groups of every breakdown; an institution type is the sum
//! of its institutions). A hidden value is recoverable exactly when its unit vector lies in the
//! row space of those equations restricted to the hidden values; that is tested by Gaussian
//! elimination, and while some hidden value is recoverable the smallest published cell of an
//! equation it appears in is hidden too.

/// One equation: `total` is the sum of `parts` (indices into the cells).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Equation {
    pub total: usize,
    pub parts: Vec<usize>,
}

/// Hides further cells (setting `hidden[i]`) until no hidden cell is recoverable from the
/// published ones through `equations`. `size[i]` orders the candidates: the smallest published
/// cell is hidden first (least information lost). Returns the cells it hid.
pub fn complementary(size: &[f64], hidden: &mut [bool], equations: &[Equation]) -> Vec<usize> {
    let mut added = Vec::new();
    loop {
        let exposed = recoverable(hidden, equations);
        if exposed.is_empty() {
            return added;
        }
        // The smallest published cell that shares an equation with an exposed one.
        let choice = equations
            .iter()
            .filter(|e| exposed.iter().any(|x| e.total == *x || e.parts.contains(x)))
            .flat_map(|e| std::iter::once(e.total).chain(e.parts.iter().copied()))
            .filter(|&i| !hidden[i])
            .min_by(|&a, &b| size[a].total_cmp(&size[b]).then(a.cmp(&b)));
        match choice {
            Some(i) => {
                hidden[i] = true;
                added.push(i);
            }
            // No published cell is in any equation of an exposed one; then no published value
            // bears on them and there is nothing more to hide.
            None => return added,
        }
    }
}

/// The hidden cells whose value follows from the published ones.
pub fn recoverable(hidden: &[bool], equations: &[Equation]) -> Vec<usize> {
    let unknowns: Vec<usize> = (0..hidden.len()).filter(|&i| hidden[i]).collect();
    if unknowns.is_empty() {
        return Vec::new();
    }
    let column: std::collections::HashMap<usize, usize> =
        unknowns.iter().enumerate().map(|(c, &i)| (i, c)).collect();
    // Rows: total - sum(parts) = 0, restricted to the hidden cells.
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
    // Reduced row echelon form.
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
    // A hidden cell is recoverable when its pivot row has no other non-zero entry.
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
