//! What the register tells of each institution: students per year, kind, region and size band.

use std::collections::BTreeMap;

use anyhow::Context;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::backend::entities::{data_source, institution, source_snapshot as snapshot};
use crate::domain::aggregate::snapshot::SnapshotStatus;
use crate::domain::aggregate::Characteristics;
use crate::domain::institution::{InstitutionKind, Region, SizeBand};
use crate::i18n::Lang;

use crate::domain::aggregate::kinds::SourceKind;

/// What the register says of the institutions: their characteristics (type, region, size
/// band) and students, from the institution register and, per year where a `register` source
/// has that year, from its snapshots (the year's size band and students).
#[derive(Clone, Debug, Default)]
pub struct RegisterFacts {
    pub characteristics: Characteristics,
    pub(super) now: BTreeMap<String, f64>,
    pub(super) yearly: BTreeMap<(String, i64), f64>,
}

impl RegisterFacts {
    /// Students of institution `code` in `year` (the register's count now where the year has
    /// none).
    pub fn students(&self, code: &str, year: i64) -> Option<f64> {
        self.yearly
            .get(&(code.to_owned(), year))
            .or_else(|| self.now.get(code))
            .copied()
    }
}

/// Students by (institution, year) in the snapshots of `register` sources: BOL full-time, BOL
/// part-time and BBL added up.
pub(super) fn yearly_students(
    snapshots: &[(i32, Vec<u8>)],
) -> anyhow::Result<BTreeMap<(String, i64), f64>> {
    let mut counts = BTreeMap::new();
    for (id, content) in snapshots {
        let text = std::str::from_utf8(content).context("register snapshot")?;
        let mut lines = text.lines();
        let head: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        let at = |name: &str| head.iter().position(|h| *h == name);
        let (Some(year), Some(brin)) = (at("year"), at("brin")) else {
            anyhow::bail!("register snapshot {id} without year or brin");
        };
        let paths: Vec<usize> = ["bol_vt", "bol_dt", "bbl"]
            .iter()
            .filter_map(|p| at(p))
            .collect();
        for line in lines.filter(|l| !l.is_empty()) {
            let fields: Vec<&str> = line.split(',').collect();
            let get = |i: usize| fields.get(i).copied().unwrap_or_default();
            let total: f64 = paths
                .iter()
                .filter_map(|&i| get(i).parse::<f64>().ok())
                .sum();
            let y: i64 = get(year).parse().context("register year")?;
            *counts.entry((get(brin).to_owned(), y)).or_insert(0.0) += total;
        }
    }
    Ok(counts)
}

/// The register's facts (see [`RegisterFacts`]).
pub async fn register_facts(db: &impl ConnectionTrait) -> anyhow::Result<RegisterFacts> {
    let mut out = RegisterFacts::default();
    for i in institution::Entity::find()
        .all(db)
        .await
        .context("read institutions")?
    {
        let total =
            i64::from(i.students_bolvt) + i64::from(i.students_boldt) + i64::from(i.students_bbl);
        let size = SizeBand::from_students(total).label(Lang::Nl).to_owned();
        let region = Region::from_province(&i.province)
            .label(Lang::Nl)
            .to_owned();
        let kind = InstitutionKind::parse(&i.kind)
            .map_or_else(|| i.kind.clone(), |k| k.label(Lang::Nl).to_owned());
        for (name, value) in [("type", kind), ("region", region), ("size_band", size)] {
            out.characteristics.set(name, &i.code, None, &value);
        }
        out.now.insert(i.code, total as f64);
    }
    let registers: Vec<i32> = data_source::Entity::find()
        .filter(data_source::Column::Kind.eq(SourceKind::Register.as_str()))
        .all(db)
        .await
        .context("read sources")?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let snapshots = snapshot::Entity::find()
        .select_only()
        .columns([snapshot::Column::Id, snapshot::Column::Content])
        .filter(snapshot::Column::SourceId.is_in(registers))
        .filter(snapshot::Column::Status.eq(SnapshotStatus::InUse.as_str()))
        .into_tuple::<(i32, Vec<u8>)>()
        .all(db)
        .await
        .context("read register snapshots")?;
    out.yearly = yearly_students(&snapshots)?;
    for ((code, year), total) in &out.yearly {
        let band = SizeBand::from_students(*total as i64).label(Lang::Nl);
        out.characteristics
            .set("size_band", code, Some(*year), band);
    }
    Ok(out)
}
