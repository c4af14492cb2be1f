//! The comparison of one institution's response with the others of its round: per item, how the
//! submitted answers are distributed, over all institutions and over those of the same kind.

use std::collections::BTreeMap;

use super::{Answers, Evaluation};
use crate::domain::questionnaire::{Definition, ItemKind};

/// The share of each answer among institutions, for one item.
#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    /// Institutions that answered the item (where it applied).
    pub n: usize,
    /// Code → number of institutions (for choices), in option order.
    pub counts: Vec<(String, usize)>,
    /// For numbers: median and first and third quartile (never the lowest or highest answer:
    /// that is one institution's).
    pub median: Option<f64>,
    pub quartiles: Option<(f64, f64)>,
}

/// One submitted response of the round: whether its institution is of the same kind as the one
/// compared, its answers and what applied.
pub struct Submitted {
    pub same_kind: bool,
    pub answers: Answers,
    pub evaluation: Evaluation,
}

/// Per item key: the distribution over all institutions and over those of the same kind (`None`:
/// too few to show).
pub type Compared = BTreeMap<String, (Option<Distribution>, Option<Distribution>)>;

/// Per item of `def`: the distribution over all `submitted` responses and over those of the same
/// kind. A distribution of fewer than `k` institutions is left out (`None`).
pub fn distributions(def: &Definition, submitted: &[Submitted], k: usize) -> Compared {
    let mut out = BTreeMap::new();
    for (_, item) in def.items() {
        let codes = match &item.kind {
            ItemKind::SingleChoice { .. }
            | ItemKind::MultipleChoice { .. }
            | ItemKind::Likert { .. }
            | ItemKind::YesNoDontKnow => Some(item.kind.codes()),
            ItemKind::Integer { .. } | ItemKind::Decimal { .. } => None,
            _ => continue,
        };
        let over = |only_same: bool| {
            let values: Vec<&str> = submitted
                .iter()
                .filter(|s| !only_same || s.same_kind)
                .filter(|s| s.evaluation.applicable.contains(&item.key))
                .filter_map(|s| s.answers.get(&item.key).map(String::as_str))
                .collect();
            distribution(&values, codes.as_deref(), k)
        };
        out.insert(item.key.clone(), (over(false), over(true)));
    }
    out
}

/// The distribution of `values` (codes of a choice item when `codes` is given, numbers
/// otherwise); `None` for fewer than `k` values.
pub fn distribution(values: &[&str], codes: Option<&[String]>, k: usize) -> Option<Distribution> {
    if values.len() < k {
        return None;
    }
    let mut d = Distribution {
        n: values.len(),
        counts: Vec::new(),
        median: None,
        quartiles: None,
    };
    match codes {
        Some(codes) => {
            d.counts = codes
                .iter()
                .map(|c| {
                    let n = values
                        .iter()
                        .filter(|v| v.split_whitespace().any(|x| x == c))
                        .count();
                    (c.clone(), n)
                })
                .collect();
        }
        None => {
            let mut nums: Vec<f64> = values.iter().filter_map(|v| v.parse().ok()).collect();
            nums.sort_by(f64::total_cmp);
            if nums.len() >= k {
                d.median = quantile(&nums, 0.5);
                d.quartiles = quantile(&nums, 0.25).zip(quantile(&nums, 0.75));
            }
        }
    }
    Some(d)
}

/// The `q` quantile of sorted `values`, interpolated between the two nearest (Hyndman and Fan's
/// type 7, as spreadsheets compute it); `None` for no values.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let last = values.len().checked_sub(1)?;
    let at = q * last as f64;
    let (below, above) = (at.floor() as usize, at.ceil() as usize);
    Some(values[below] + (values[above] - values[below]) * (at - below as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_interpolate_as_spreadsheets_do() {
        let values = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&values, 0.5), Some(2.5));
        assert_eq!(quantile(&values, 0.25), Some(1.75));
        assert_eq!(quantile(&values, 0.75), Some(3.25));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn choices_are_counted_per_code_and_small_groups_left_out() {
        let codes = ["a".to_owned(), "b".to_owned()];
        let d = distribution(&["a", "a b", "b", "a"], Some(&codes), 3).expect("four answers");
        assert_eq!(d.n, 4);
        assert_eq!(d.counts, vec![("a".into(), 3), ("b".into(), 2)]);
        assert_eq!(distribution(&["a", "b"], Some(&codes), 3), None);
    }

    #[test]
    fn numbers_give_median_and_quartiles_never_the_extremes() {
        let d = distribution(&["10", "20", "30", "x"], None, 3).expect("four answers");
        assert_eq!(d.median, Some(20.0));
        assert_eq!(d.quartiles, Some((15.0, 25.0)));
        assert!(d.counts.is_empty());
    }
}
