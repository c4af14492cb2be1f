//! Benchmark of disclosure control (not a timed test): how many cells the protection hides and
//! how long protection and audit take, beside the former rule in the same run (hide, smallest
//! first, until no hidden cell follows exactly by addition and subtraction; no audit of widths).
//!
//! Two tables: the demo's incident registrations (as the README's run command seeds them) and
//! the largest realistic one: 70 institutions with a type, a region and a size band, 9 incident
//! categories, 10 years, sparse categories (most counts 0 or small).
//!
//! ```text
//! cargo run --release -p server --example bench_protect
//! ```

use std::collections::BTreeMap;
use std::time::Instant;

use app::domain::aggregate::{
    self as agg, count_figures, suppress, Cell, Characteristics, Hidden, Thresholds,
};

/// The former rule: per table, while a hidden cell follows exactly from the published ones,
/// hide the smallest published cell of an equation it is in. Returns per cell whether hidden.
fn former_rule(cells: &[Cell], chars: &Characteristics) -> Vec<bool> {
    let mut hidden: Vec<bool> = cells.iter().map(|c| c.suppressed).collect();
    for ((year, _), members) in agg::tables_of(cells) {
        let equations = agg::equations_of(cells, &members, chars, year);
        let size: Vec<f64> = members.iter().map(|&i| cells[i].n as f64).collect();
        let mut local: Vec<bool> = members.iter().map(|&i| hidden[i]).collect();
        loop {
            let exposed = suppress::recoverable(&local, &equations);
            let choice = equations
                .iter()
                .filter(|e| exposed.iter().any(|x| e.total == *x || e.parts.contains(x)))
                .flat_map(|e| std::iter::once(e.total).chain(e.parts.iter().copied()))
                .filter(|&i| !local[i])
                .min_by(|&a, &b| size[a].total_cmp(&size[b]).then(a.cmp(&b)));
            match choice {
                Some(i) if !exposed.is_empty() => local[i] = true,
                _ => break,
            }
        }
        for (c, &i) in members.iter().enumerate() {
            hidden[i] = local[c];
        }
    }
    hidden
}

fn national_hidden(cells: &[Cell], hidden: impl Fn(usize) -> bool) -> usize {
    (0..cells.len())
        .filter(|&i| cells[i].breakdown == "national" && hidden(i))
        .count()
}

fn compare(name: &str, cells: &[Cell], chars: &Characteristics, rules: &Thresholds) {
    let nationals = cells.iter().filter(|c| c.breakdown == "national").count();
    let small = cells.iter().filter(|c| c.suppressed).count();
    let started = Instant::now();
    let former = former_rule(cells, chars);
    let former_s = started.elapsed().as_secs_f64();
    let hidden = former.iter().filter(|h| **h).count();
    println!(
        "{name}: {} cells, {nationals} national totals, {small} small",
        cells.len()
    );
    println!(
        "  former rule (exact recovery only):  hidden {hidden} (primary {small}, secondary {}), \
         national totals hidden {} of {nationals}; {former_s:.3} s",
        hidden - small,
        national_hidden(cells, |i| former[i]),
    );
    let started = Instant::now();
    let plan = agg::plan(cells, chars, rules);
    let took = started.elapsed().as_secs_f64();
    let widths: Vec<f64> = plan.audits.iter().map(|a| a.interval.width()).collect();
    let narrowest = widths.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "  linear programming + audit (width {}): hidden {} (primary {}, too few institutions {}, \
         secondary {}, unaudited {}), national totals hidden {} of {nationals}; \
         {} audits, narrowest interval {narrowest:.1}, tables failed {}; {took:.3} s",
        rules.protection_width,
        plan.hidden.iter().filter(|h| h.is_some()).count(),
        plan.count(Hidden::Small),
        plan.count(Hidden::FewInstitutions),
        plan.count(Hidden::Complementary),
        plan.count(Hidden::Unaudited),
        national_hidden(cells, |i| plan.hidden[i].is_some()),
        plan.audits.len(),
        plan.failed.len(),
    );
    // What the former rule leaves narrower than the width (audited with the same LP).
    let mut narrow = 0;
    for ((year, _), members) in agg::tables_of(cells) {
        let equations = agg::equations_of(cells, &members, chars, year);
        let values: Vec<f64> = members.iter().map(|&i| cells[i].n as f64).collect();
        let local: Vec<bool> = members.iter().map(|&i| former[i]).collect();
        let small: Vec<usize> = (0..members.len())
            .filter(|&c| cells[members[c]].suppressed)
            .collect();
        let table = suppress::Table {
            values: &values,
            equations: &equations,
        };
        if let Ok(intervals) = suppress::audit(table, &local, &small) {
            narrow += intervals
                .iter()
                .filter(|i| i.width() < rules.protection_width as f64 - 1e-6)
                .count();
        }
    }
    println!(
        "  small cells the former rule leaves narrower than {}: {narrow} of {small}",
        rules.protection_width
    );
}

/// 70 institutions × 9 categories × 10 years, sparse.
fn generated() -> (Vec<Cell>, Characteristics) {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    };
    let mut chars = Characteristics::default();
    let mut counts = BTreeMap::new();
    let categories = agg::mapping::INCIDENT_CATEGORIES;
    for i in 0..70 {
        let code = format!("{:02}{}", 10 + i, ["AB", "CD", "EF", "GH"][i % 4]);
        let kind = match next(10) {
            0..=5 => "ROC",
            6..=7 => "AOC",
            _ => "vakinstelling",
        };
        chars.set("type", &code, None, kind);
        chars.set("region", &code, None, ["West", "Overig"][next(2) as usize]);
        chars.set(
            "size_band",
            &code,
            None,
            ["Klein", "Middelgroot", "Groot"][next(3) as usize],
        );
        let scale = 1 + next(30);
        for year in 2016..2026 {
            for category in categories {
                // Sparse: discrimination, weapons and drugs are rare.
                let rare = matches!(category, "discrimination" | "weapons" | "drugs");
                let n = if rare {
                    next(4) * next(2)
                } else {
                    next(scale * 3)
                };
                counts.insert((year, code.clone(), category.to_owned()), n as f64);
            }
        }
    }
    let cells = count_figures(&counts, "incidents:", None, &chars, agg::MIN_N_COUNTS);
    (cells, chars)
}

/// Student micro-data: 70 institutions (a few tiny), 10 years of 20,000 respondents, every row
/// breakdown (sector, level, path, gender, age band, migration, disability) and the register's
/// type, region and size band; crossings gender × level and sector × age band; the four share
/// indicators.
fn students() -> (Vec<Cell>, Characteristics) {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    };
    let (_, chars) = generated();
    let sectors = [
        "economie",
        "zorg_welzijn",
        "techniek",
        "ict_creatief",
        "groen",
        "horeca",
        "transport",
        "veiligheid",
    ];
    let mut data = String::new();
    for year in 2016..2026 {
        for _ in 0..20_000 {
            // Institution sizes skewed: the last ten get few respondents.
            let i = if next(400) == 0 {
                60 + next(10)
            } else {
                next(60)
            };
            let code = format!(
                "{:02}{}",
                10 + i,
                ["AB", "CD", "EF", "GH"][(i % 4) as usize]
            );
            data += &format!(
                "{year},{code},{},{},{},{},{},{},{},{},{},{},{:.3},{}\n",
                sectors[next(8) as usize],
                1 + next(4),
                ["BOL", "BBL", "BOL"][next(3) as usize],
                ["man", "vrouw", "anders"][[0, 1, 0, 1, 0, 1, 0, 1, 0, 2][next(10) as usize]],
                ["<18", "18-20", "21-26", ">26"][next(4) as usize],
                ["none", "western", "non_western"][next(3) as usize],
                1 + next(5),
                u8::from(next(8) == 0),
                u8::from(next(12) == 0),
                u8::from(next(15) == 0),
                0.5 + next(1000) as f64 / 1000.0,
                ["ja", "nee"][next(2) as usize],
            );
        }
    }
    let header = agg::table::header(
        b"year,brin,sector,level,path,gender,age_band,migration,feels_safe,bullied,discriminated,sexual_harassment,weight,disability",
    );
    let layout = agg::table::StudentLayout::new(&header, &agg::student_indicators())
        .and_then(|l| l.with_crossings(&[("gender", "level"), ("sector", "age_band")]))
        .expect("layout");
    let mut sums = agg::table::StudentSums::new(layout);
    sums.add_lines(data.as_bytes(), 2).expect("rows");
    let mut acc = sums.finish();
    acc.derive(&chars);
    let cells = agg::figures(&acc, &BTreeMap::new(), agg::MIN_N_SHARES)
        .into_iter()
        .filter(|c| !c.indicator.starts_with("incidents_"))
        .collect();
    (cells, chars)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let rules = Thresholds::default();
    let dir = std::env::temp_dir().join(format!("miv-bench-protect-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}?mode=rwc", dir.join("demo.sqlite").display());
    let db = app::backend::db::connect(&url).await?;
    app::backend::db::migrate(&db).await?;
    server::seed::first_start(&db, "127.0.0.1:3000", true, &dir.join("logins.txt")).await?;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let source = app::backend::entities::data_source::Entity::find()
        .filter(app::backend::entities::data_source::Column::Kind.eq("incidents"))
        .one(&db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo has incidents"))?;
    let ids = app::backend::sources::in_use(&db, source.id).await?;
    let demo = app::backend::sources::cells(&db, &ids, rules, &Default::default()).await?;
    compare(
        "demo incidents (2 years, 9 categories)",
        &demo.cells,
        &demo.characteristics,
        &rules,
    );
    let (cells, chars) = generated();
    compare(
        "generated (70 institutions, 9 categories, 10 years, sparse)",
        &cells,
        &chars,
        &rules,
    );
    let (cells, chars) = students();
    compare(
        "students (70 institutions, 10 years x 20,000, every breakdown, 2 crossings, 4 shares)",
        &cells,
        &chars,
        &rules,
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
