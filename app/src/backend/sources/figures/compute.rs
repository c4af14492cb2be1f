//! Computing a figure from its inputs.

use std::collections::BTreeMap;

use super::{FigureRequest, Inputs};
use crate::backend::sources::register::yearly_students;
use crate::domain::aggregate::kinds::SourceKind;
use crate::domain::aggregate::table::{self, StudentLayout, StudentSums};
use crate::domain::aggregate::{self as agg, Characteristics};

/// The cells of snapshots of one kind (no I/O: run it off the async workers).
pub(super) fn compute(
    inputs: &Inputs,
    snapshots: &[(i32, Vec<u8>)],
    thresholds: agg::Thresholds,
    request: &FigureRequest,
) -> anyhow::Result<Computed> {
    let (kind, register) = (inputs.kind, &inputs.register);
    let characteristics = inputs.characteristics.clone();
    let cells = if kind == SourceKind::Incidents {
        let mut counts = BTreeMap::new();
        for (id, content) in snapshots {
            table::add_incident_counts(content, &mut counts)
                .map_err(|e| anyhow::anyhow!("snapshot {id}: {e}"))?;
        }
        let students = |code: &str, year: i64| register.students(code, year);
        agg::count_figures(
            &counts,
            "incidents:",
            Some(&students),
            &characteristics,
            thresholds.counts,
        )
    } else if kind == SourceKind::Register {
        // Public counts (DUO masks small ones itself): nothing to suppress.
        let counts = yearly_students(snapshots)?
            .into_iter()
            .map(|((code, year), n)| ((year, code, "students".to_owned()), n))
            .collect();
        agg::count_figures(&counts, "register:", None, &characteristics, 0)
    } else {
        let crossings: Vec<(&str, &str)> = request
            .crossings
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let (required, optional) = kind.row_breakdowns();
        let indicators = kind.indicators();
        let mut acc = agg::Accumulated::default();
        for (id, content) in snapshots {
            let (head, body) = content.split_at(
                content
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(0, |i| i + 1),
            );
            let layout = StudentLayout::with_breakdowns(
                &table::header(head.trim_ascii_end()),
                &indicators,
                required,
                optional,
            )
            .and_then(|l| l.with_crossings(&crossings))
            .map_err(|e| anyhow::anyhow!("snapshot {id}: {e}"))?;
            let mut sums = StudentSums::new(layout);
            sums.add_lines(body, 2)
                .map_err(|e| anyhow::anyhow!("snapshot {id}: {e}"))?;
            acc.merge(sums.finish());
        }
        acc.derive(&characteristics);
        let mut cells = agg::figures(&acc, &BTreeMap::new(), thresholds.shares);
        // Incident rows of micro-data need an incident source.
        cells.retain(|f| !f.indicator.starts_with("incidents_"));
        cells
    };
    Ok(Computed {
        cells,
        characteristics,
    })
}

/// The cells of a source's snapshots before disclosure control, and what is known of the
/// institutions (the equations of its tables).
pub struct Computed {
    pub cells: Vec<agg::Cell>,
    pub characteristics: Characteristics,
}
