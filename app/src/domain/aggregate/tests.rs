use std::collections::BTreeMap;

use super::table::{self, StudentLayout, StudentSums};
use super::*;

const HEAD: &str = "year,brin,sector,level,path,gender,age_band,migration,feels_safe,bullied,discriminated,sexual_harassment,weight";

fn sums(lines: &str) -> Result<Accumulated, table::LineError> {
    let header = table::header(HEAD.as_bytes());
    let mut s = StudentSums::new(StudentLayout::new(&header, &student_indicators())?);
    s.add_lines(lines.as_bytes(), 2)?;
    Ok(s.finish())
}

fn row(year: i64, brin: &str, gender: &str, feels: &str, bullied: u8, weight: f64) -> String {
    format!("{year},{brin},zorg_welzijn,3,BOL,{gender},18-20,none,{feels},{bullied},0,0,{weight}\n")
}

#[test]
fn wilson_matches_the_textbook_values() {
    // 8 of 10 at 95%: 0.4902 .. 0.9433 (Wilson 1927; as in statsmodels' proportion_confint).
    let (low, high) = wilson(8.0, 10.0, Z95);
    assert!((low - 0.490_162).abs() < 1e-5, "{low}");
    assert!((high - 0.943_318).abs() < 1e-5, "{high}");
    let (low, high) = wilson(0.0, 20.0, Z95);
    assert!(
        low.abs() < 1e-12 && (high - 0.161_125).abs() < 1e-5,
        "{low} {high}"
    );
}

#[test]
fn the_interval_belongs_to_the_weighted_share() {
    let mut r = Lcg(11);
    for _ in 0..500 {
        let mut sums = Sums::default();
        let mut equal = Sums::default();
        for _ in 0..(1 + r.next(60)) {
            let yes = r.next(3) == 0;
            let w = 0.05 + r.next(400) as f64 / 40.0;
            for (s, w) in [(&mut sums, w), (&mut equal, 1.0)] {
                s.n += 1.0;
                s.k += f64::from(u8::from(yes));
                s.sw += w;
                s.swx += if yes { w } else { 0.0 };
                s.sww += w * w;
            }
        }
        if let Some((p, low, high)) = sums.share(1).value {
            assert!(
                low <= p + 1e-12 && p <= high + 1e-12,
                "{p} in [{low}, {high}]"
            );
            assert!(
                sums.effective_n() <= sums.n + 1e-9,
                "weights never add precision"
            );
        }
        let (_, low, high) = equal.share(1).value.expect("n ≥ 1");
        let (l, h) = wilson(equal.k, equal.n, Z95);
        assert!(
            (low - l).abs() < 1e-12 && (high - h).abs() < 1e-12,
            "equal weights: Wilson"
        );
    }
}

#[test]
fn shares_are_weighted_and_counts_are_not() {
    let mut data = String::new();
    for i in 0..12 {
        // 4 of 12 feel safe; they weigh 3 each, the others 1.
        let safe = i < 4;
        data += &row(
            2025,
            "25PX",
            "vrouw",
            if safe { "5" } else { "2" },
            0,
            if safe { 3.0 } else { 1.0 },
        );
    }
    data += &row(2025, "25PX", "man", "", 1, 1.0);
    let acc = sums(&data).expect("sums");
    let (resp, s) = &acc.by_breakdown["brin"][&(2025, "25PX".into())];
    assert_eq!(*resp, 13.0);
    let feels = s[0];
    assert_eq!(
        (feels.n, feels.k),
        (12.0, 4.0),
        "a missing answer is not counted"
    );
    let share = feels.share(10);
    let (value, low, high) = share.value.expect("n = 12 is shown");
    assert!((value - 12.0 / 20.0).abs() < 1e-12, "weighted: {value}");
    // Kish: (4·3 + 8·1)² / (4·9 + 8·1) = 400 / 44 effective respondents.
    assert!((feels.effective_n() - 400.0 / 44.0).abs() < 1e-12);
    assert_eq!(
        (low, high),
        wilson_around(0.6, 400.0 / 44.0, Z95),
        "the interval of the weighted share, with the effective n"
    );
    assert!(
        low < value && value < high,
        "the estimate lies in its interval"
    );
    assert_eq!(s[1].n, 13.0);
    assert_eq!(
        acc.by_breakdown["gender"][&(2025, "man".into())].1[0].n,
        0.0
    );
}

#[test]
fn small_cells_are_suppressed_and_incident_totals_are_not() {
    let mut data = String::new();
    for _ in 0..9 {
        data += &row(2024, "01AB", "man", "4", 0, 1.0);
    }
    for _ in 0..10 {
        data += &row(2024, "02CD", "man", "4", 0, 1.0);
    }
    let mut acc = sums(&data).expect("sums");
    let register = BTreeMap::from([(
        "type".to_owned(),
        BTreeMap::from([("01AB".to_owned(), "ROC".to_owned())]),
    )]);
    acc.derive(&register.clone().into());
    let incidents = BTreeMap::from([(("01AB".to_owned(), 2024), 7.0)]);
    let table = figures(&acc, &incidents, 10);
    let find = |b: &str, g: &str, i: &str| {
        table
            .iter()
            .find(|f| f.breakdown == b && f.group == g && f.indicator == i)
            .unwrap_or_else(|| panic!("{b}/{g}/{i}"))
            .clone()
    };
    let small = find("brin", "01AB", "feels_safe");
    assert!(small.suppressed && small.value.is_none() && small.interval.is_none());
    assert_eq!(small.n, 9);
    assert!(!find("brin", "02CD", "feels_safe").suppressed);
    let total = find("brin", "01AB", "incidents_total");
    assert_eq!((total.value, total.suppressed), (Some(7.0), false));
    assert!(find("brin", "01AB", "incidents_per_1000").suppressed);
    let rate = find("brin", "02CD", "incidents_per_1000");
    assert_eq!(rate.value, Some(0.0), "no registrations: 0 per 1,000");
    assert_eq!(find("national", "all", "feels_safe").n, 19);
    assert_eq!(find("type", "ROC", "feels_safe").n, 9);
    assert_eq!(find("type", "", "feels_safe").n, 10, "not in the register");
    let csv = cells_csv(&table);
    assert!(csv.starts_with("year,breakdown,group,indicator,n,share,ci_low,ci_high,suppressed\n"));
    assert!(
        csv.contains("2024,brin,01AB,feels_safe,9,,,,1\n"),
        "the benchmark's table has every n: {csv}"
    );
    let published: Vec<Figure> = table.iter().map(|c| c.publish(false, None)).collect();
    let published = figures_csv(&published);
    assert!(
        published.contains("2024,brin,01AB,feels_safe,,,,,1\n"),
        "a published hidden cell has no n: {published}"
    );
}

#[test]
fn parts_added_separately_merge_to_the_whole() {
    let lines: Vec<String> = (0..40)
        .map(|i| {
            row(
                2021 + i % 3,
                ["01AB", "02CD", "03EF"][i as usize % 3],
                "vrouw",
                &(1 + i % 5).to_string(),
                (i % 2) as u8,
                0.5 + (i % 7) as f64 / 10.0,
            )
        })
        .collect();
    let whole = sums(&lines.concat()).expect("whole");
    let mut merged = sums(&lines[..17].concat()).expect("a");
    merged.merge(sums(&lines[17..].concat()).expect("b"));
    for (b, cells) in &whole.by_breakdown {
        for (key, (resp, s)) in cells {
            let (r, m) = &merged.by_breakdown[b][key];
            assert_eq!(resp, r);
            for (x, y) in s.iter().zip(m) {
                assert_eq!((x.n, x.k), (y.n, y.k));
                assert!((x.sw - y.sw).abs() < 1e-9 && (x.swx - y.swx).abs() < 1e-9);
            }
        }
    }
}

#[test]
fn quoted_fields_bom_and_crlf_are_read() {
    assert_eq!(
        table::header(b"\xEF\xBB\xBFbrin,\"naam, lang\"\r"),
        vec!["brin", "naam, lang"]
    );
    let data = "2025,\"25PX\",zorg_welzijn,3,BOL,vrouw,18-20,none,4,0,0,0,1.0\r\n";
    let acc = sums(data).expect("sums");
    assert_eq!(acc.by_breakdown["brin"][&(2025, "25PX".into())].0, 1.0);
}

#[test]
fn bad_lines_are_named_by_line_and_column() {
    let bad_weight = format!(
        "{}2025,25PX,zorg_welzijn,3,BOL,vrouw,18-20,none,4,0,0,0,zwaar\n",
        row(2025, "25PX", "man", "4", 0, 1.0)
    );
    let e = sums(&bad_weight).expect_err("weight");
    assert_eq!((e.line, e.column.as_str()), (3, "weight"));
    assert!(e.to_string().contains("geen gewicht"), "{e}");
    let e = sums("2025,25PX,zorg_welzijn\n").expect_err("short");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("3 velden"), "{}", e.message);
    let e = sums(&row(2025, "25PX", "man", "vier", 0, 1.0)).expect_err("value");
    assert_eq!(e.column, "feels_safe");
    let header = table::header(b"year,brin");
    let e = StudentLayout::new(&header, &student_indicators()).expect_err("columns");
    assert!(e.message.contains("'sector' ontbreekt"), "{}", e.message);
}

/// A table of figures for one year and indicator: brins with a type and a region, and a gender
/// breakdown, with random n (the Lcg below); primary suppression below 10.
fn random_table(seed: u64) -> (Vec<Cell>, BTreeMap<String, BTreeMap<String, String>>) {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % m
    };
    let brins = 3 + next(4) as usize;
    let mut characteristics: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut cells: Vec<(&str, String, u64)> = Vec::new();
    let mut by: BTreeMap<(&str, String), u64> = BTreeMap::new();
    let mut total = 0;
    for b in 0..brins {
        let code = format!("0{b}XX");
        let n = 1 + next(30);
        total += n;
        cells.push(("brin", code.clone(), n));
        for (name, values) in [("type", ["ROC", "AOC"]), ("region", ["Noord", "Zuid"])] {
            let v = values[next(2) as usize].to_owned();
            characteristics
                .entry(name.into())
                .or_default()
                .insert(code.clone(), v.clone());
            *by.entry((name, v)).or_default() += n;
        }
    }
    let man = next(total + 1);
    let vrouw = next(total - man + 1);
    for (g, n) in [
        ("man", man),
        ("vrouw", vrouw),
        ("anders", total - man - vrouw),
    ] {
        cells.push(("gender", g.into(), n));
    }
    cells.push(("national", "all".into(), total));
    cells.extend(by.into_iter().map(|((b, g), n)| (b, g, n)));
    let figures = cells
        .into_iter()
        .map(|(b, g, n)| Cell {
            year: 2025,
            breakdown: b.into(),
            group: g,
            indicator: "bullied".into(),
            n,
            k: None,
            value: (n >= 10).then_some(0.1),
            interval: (n >= 10).then_some((0.05, 0.2)),
            suppressed: n < 10,
            sums: None,
        })
        .collect();
    (figures, characteristics)
}

/// The table's equations: every breakdown sums to national; every type and region to its brins.
fn equations_of(
    figures: &[Cell],
    characteristics: &BTreeMap<String, BTreeMap<String, String>>,
) -> Vec<(usize, Vec<usize>)> {
    let at = |b: &str, g: &str| {
        figures
            .iter()
            .position(|f| f.breakdown == b && f.group == g)
    };
    let national = at("national", "all").expect("national");
    let mut out = Vec::new();
    for b in ["brin", "type", "region", "gender"] {
        let parts = (0..figures.len())
            .filter(|&i| figures[i].breakdown == b)
            .collect();
        out.push((national, parts));
    }
    for (name, values) in characteristics {
        for (i, f) in figures
            .iter()
            .enumerate()
            .filter(|(_, f)| f.breakdown == *name)
        {
            let parts = (0..figures.len())
                .filter(|&j| {
                    figures[j].breakdown == "brin"
                        && values.get(&figures[j].group) == Some(&f.group)
                })
                .collect();
            out.push((i, parts));
        }
    }
    out
}

/// Brute force, independent of the elimination used by `protect`: some sum or difference of the
/// table's equations (each taken -1, 0 or +1 times) leaves exactly one hidden cell.
fn recoverable_by_addition(hidden: &[bool], equations: &[(usize, Vec<usize>)]) -> bool {
    let combinations = 3usize.pow(equations.len() as u32);
    (1..combinations).any(|mut code| {
        let mut coefficient = vec![0i64; hidden.len()];
        for (total, parts) in equations {
            let c = (code % 3) as i64 - 1;
            code /= 3;
            coefficient[*total] += c;
            for &p in parts {
                coefficient[p] -= c;
            }
        }
        (0..hidden.len())
            .filter(|&i| hidden[i] && coefficient[i] != 0)
            .count()
            == 1
    })
}

/// The default rules, but groups of any number of institutions shown.
const EVERY_GROUP: Thresholds = Thresholds {
    shares: MIN_N_SHARES,
    counts: MIN_N_COUNTS,
    protection_width: PROTECTION_WIDTH,
    min_institutions: 1,
};

#[test]
fn no_hidden_value_can_be_recovered_by_addition_or_subtraction() {
    let (mut exposed_before, mut protected) = (0, 0);
    for seed in 0..300 {
        let (cells, characteristics) = random_table(seed);
        let equations = equations_of(&cells, &characteristics);
        let primary: Vec<bool> = cells.iter().map(|f| f.suppressed).collect();
        if recoverable_by_addition(&primary, &equations) {
            exposed_before += 1;
        }
        let table = protect(&cells, &characteristics.clone().into(), &EVERY_GROUP);
        let hidden: Vec<bool> = table.iter().map(|f| f.suppressed).collect();
        assert!(
            !recoverable_by_addition(&hidden, &equations),
            "seed {seed}: {table:#?}"
        );
        for (f, was) in table.iter().zip(&primary) {
            assert!(!was || f.suppressed, "a small cell stays hidden");
            assert_eq!(f.suppressed, f.value.is_none());
            assert_eq!(f.suppressed, f.n.is_none());
        }
        protected += usize::from(
            table
                .iter()
                .zip(&primary)
                .any(|(f, was)| f.suppressed && !was),
        );
    }
    assert!(
        exposed_before > 50,
        "primary suppression alone leaks in many tables: {exposed_before}"
    );
    assert!(
        protected >= exposed_before,
        "{protected} tables got complementary cells"
    );
}

/// Unweighted sums of `k` of `n` (every weight 1).
fn plain(k: f64, n: f64) -> Sums {
    Sums {
        n,
        k,
        sw: n,
        swx: k,
        sww: n,
    }
}

fn add(a: &Sums, b: &Sums) -> Sums {
    Sums {
        n: a.n + b.n,
        k: a.k + b.k,
        sw: a.sw + b.sw,
        swx: a.swx + b.swx,
        sww: a.sww + b.sww,
    }
}

#[test]
fn a_group_is_compared_with_the_rest_of_the_country_by_a_test_of_two_shares() {
    // 60 of 400 against 160 of 1,600: z = 0.05 / √(0.15·0.85/400 + 0.1·0.9/1600) ≈ 2.58.
    let (group, rest) = (plain(60.0, 400.0), plain(160.0, 1600.0));
    let national = add(&group, &rest);
    let v = versus_rest(&group, &national).expect("a rest");
    assert!((v.difference - 0.05).abs() < 1e-12, "{v:?}");
    assert!(v.differs);
    // The former rule (the group's and the national interval do not overlap) missed it: the
    // national figure contains the group.
    let (g, n) = (group.share(10), national.share(10));
    let ((_, g_low, _), (_, _, n_high)) = (g.value.expect("g"), n.value.expect("n"));
    assert!(g_low < n_high, "the intervals overlap");
    // 12 of 100 against 10 of 100: z ≈ 0.45.
    let near = versus_rest(&plain(12.0, 100.0), &plain(22.0, 200.0)).expect("a rest");
    assert!(!near.differs && (near.difference - 0.02).abs() < 1e-12);
    // The whole country has no rest; a share of 0 against 0 does not differ.
    assert_eq!(versus_rest(&national, &national), None);
    let none = versus_rest(&plain(0.0, 50.0), &plain(0.0, 100.0)).expect("a rest");
    assert!(!none.differs);
    // Weights count through the effective n: the same shares with uneven weights (mean 1,
    // mean square 4: n_eff = n/4, z ≈ 1.29) no longer differ.
    let weighted = |k: f64, n: f64| Sums {
        n,
        k,
        sw: n,
        swx: k,
        sww: 4.0 * n,
    };
    let (wg, wr) = (weighted(60.0, 400.0), weighted(160.0, 1600.0));
    let wv = versus_rest(&wg, &add(&wg, &wr)).expect("a rest");
    assert!(
        (wv.difference - 0.05).abs() < 1e-12 && !wv.differs,
        "{wv:?}"
    );
}

#[test]
fn only_a_published_group_beside_a_published_national_figure_is_compared() {
    let cell = |b: &str, g: &str, s: Sums| {
        let share = s.share(10);
        Cell {
            year: 2025,
            breakdown: b.into(),
            group: g.into(),
            indicator: "bullied".into(),
            n: share.n,
            k: Some(s.k),
            value: share.value.map(|v| v.0),
            interval: share.value.map(|v| (v.1, v.2)),
            suppressed: share.value.is_none(),
            sums: Some(s),
        }
    };
    let (a, b, c) = (plain(60.0, 400.0), plain(150.0, 1500.0), plain(10.0, 100.0));
    let cells = vec![
        cell("national", "all", add(&add(&a, &b), &c)),
        cell("gender", "man", a),
        cell("gender", "vrouw", b),
        cell("gender", "anders", c),
    ];
    let plan = Plan {
        hidden: vec![None, None, None, Some(Hidden::Complementary)],
        audits: Vec::new(),
        failed: Vec::new(),
    };
    let published = publish(&cells, &plan);
    assert_eq!(published[0].versus, None, "national has no rest");
    assert!(published[1].versus.is_some_and(|v| v.differs));
    assert!(published[2].versus.is_some());
    assert_eq!(published[3].versus, None, "hidden");
    let national_hidden = Plan {
        hidden: vec![Some(Hidden::Complementary), None, None, None],
        audits: Vec::new(),
        failed: Vec::new(),
    };
    assert!(publish(&cells, &national_hidden)
        .iter()
        .all(|f| f.versus.is_none()));
}

#[test]
fn crossings_are_counted_and_protected_by_rows_and_columns() {
    let header = table::header(HEAD.as_bytes());
    let layout = StudentLayout::new(&header, &student_indicators())
        .and_then(|l| l.with_crossings(&[("gender", "path")]))
        .expect("layout");
    let mut s = StudentSums::new(layout);
    let mut data = String::new();
    for (gender, path, count) in [
        ("man", "BOL", 40),
        ("man", "BBL", 12),
        ("vrouw", "BOL", 35),
        ("vrouw", "BBL", 4),
    ] {
        for _ in 0..count {
            data += &format!("2025,25PX,techniek,2,{path},{gender},18-20,none,4,0,0,0,1\n");
        }
    }
    s.add_lines(data.as_bytes(), 2).expect("lines");
    let mut acc = s.finish();
    acc.derive(&Characteristics::default());
    let crossing = &acc.by_breakdown["gender×path"];
    assert_eq!(crossing[&(2025, "vrouw × BBL".into())].0, 4.0);
    assert_eq!(crossing[&(2025, "man × BOL".into())].0, 40.0);
    let figures = protect(
        &figures(&acc, &BTreeMap::new(), 10),
        &Characteristics::default(),
        &Thresholds::default(),
    );
    let of = |b: &str, g: &str, indicator: &str| {
        figures
            .iter()
            .find(|f| f.breakdown == b && f.group == g && f.indicator == indicator)
            .expect("cell")
            .suppressed
    };
    // Everybody feels safe: yes-answers equal respondents, and the rectangle protects both.
    let hidden = |g: &str| of("gender×path", g, "feels_safe");
    assert!(hidden("vrouw × BBL"), "n = 4");
    assert!(hidden("vrouw × BOL"), "else vrouw − vrouw × BOL gives it");
    assert!(hidden("man × BBL"), "else BBL − man × BBL gives it");
    assert!(
        hidden("man × BOL"),
        "the fourth corner completes the rectangle"
    );
    assert!(!of("national", "all", "feels_safe"));
    // Nobody was bullied: no other cell has yes-answers to give, so the small cell's (none of
    // the 4) is protected only by hiding the totals it adds up to.
    assert!(of("gender×path", "vrouw × BBL", "bullied"));
    assert!(of("national", "all", "bullied") && of("path", "BBL", "bullied"));
    // Published beside the standard figures (no crossing): those stay as published there.
    let mut plain =
        StudentSums::new(StudentLayout::new(&header, &student_indicators()).expect("layout"));
    plain.add_lines(data.as_bytes(), 2).expect("lines");
    let mut plain = plain.finish();
    plain.derive(&Characteristics::default());
    let standard = protect(
        &super::figures(&plain, &BTreeMap::new(), 10),
        &Characteristics::default(),
        &Thresholds::default(),
    );
    let crossed = super::figures(&acc, &BTreeMap::new(), 10);
    let beside = plan_beside(
        &crossed,
        &Characteristics::default(),
        &Thresholds::default(),
        &standard,
    );
    // Feeling safe: the rectangle inside the crossing protects without touching a margin.
    // Nobody bullied: the margins published as 0 leave the small cell's "none" no room, so
    // that table cannot be published beside them and is hidden whole.
    assert!(!beside.failed.iter().any(|(_, i)| i == "feels_safe"));
    assert!(beside.failed.iter().any(|(_, i)| i == "bullied"));
    assert!(beside
        .audits
        .iter()
        .filter(|a| !beside
            .failed
            .iter()
            .any(|(_, i)| *i == crossed[a.cell].indicator))
        .all(|a| a.protected));
    for f in &standard {
        let i = crossed
            .iter()
            .position(|c| c.key() == f.key())
            .expect("the same cell");
        if f.suppressed {
            assert!(
                beside.hidden[i].is_some(),
                "hidden there, hidden here: {f:?}"
            );
        } else if f.indicator == "feels_safe" {
            assert!(
                beside.hidden[i].is_none(),
                "published there, not hidden to protect: {f:?}"
            );
        }
    }
    let e = StudentLayout::new(&header, &student_indicators())
        .and_then(|l| l.with_crossings(&[("gender", "type")]))
        .expect_err("type is not a row breakdown");
    assert!(e.message.contains("'type'"));
}

fn file(header: &str, rows: &[&str]) -> crate::domain::import::Table {
    let split = |l: &str| l.split(';').map(str::to_owned).collect::<Vec<_>>();
    crate::domain::import::Table {
        header: split(header),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, r)| (i + 2, split(r)))
            .collect(),
    }
}

const JOB_HEADER: &str = "Jaar;Instelling;Sector;Niveau;Leerweg;Geslacht;Leeftijd;Migratie;Veilig;Gepest;Gediscrimineerd;Seksueel;Gewicht";

fn job_mapping() -> mapping::Mapping {
    let columns = [
        ("year", "Jaar"),
        ("brin", "Instelling"),
        ("sector", "Sector"),
        ("level", "Niveau"),
        ("path", "Leerweg"),
        ("gender", "Geslacht"),
        ("age_band", "Leeftijd"),
        ("migration", "Migratie"),
        ("feels_safe", "Veilig"),
        ("bullied", "Gepest"),
        ("discriminated", "Gediscrimineerd"),
        ("sexual_harassment", "Seksueel"),
        ("weight", "Gewicht"),
    ];
    let recode = BTreeMap::from([(
        "gender".to_owned(),
        BTreeMap::from([
            ("Vrouw".to_owned(), "vrouw".to_owned()),
            ("Man".to_owned(), "man".to_owned()),
        ]),
    )]);
    mapping::Mapping {
        columns: columns
            .iter()
            .map(|(v, c)| ((*v).to_owned(), (*c).to_owned()))
            .collect(),
        recode,
    }
}

#[test]
fn a_mapped_file_becomes_canonical_rows_the_engine_reads() {
    let table = file(
        JOB_HEADER,
        &[
            "2025;25px;zorg_welzijn;3;bol;Vrouw;18-20;none;4;0;0;1;0,875",
            "2025;25PX;techniek;2;BBL;Man;<18;western;;1;0;0;1,2",
            ";;;;;;;;;;;;",
        ],
    );
    let out = mapping::apply(&table, &mapping::STUDENT_VARIABLES, &job_mapping()).expect("valid");
    assert_eq!(out.rows.len(), 2, "the empty row is skipped");
    let csv = out.to_csv();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(HEAD),
        "canonical order, optional disability left out"
    );
    assert_eq!(
        lines.next(),
        Some("2025,25PX,zorg_welzijn,3,BOL,vrouw,18-20,none,4,0,0,1,0.875")
    );
    let mut sums = StudentSums::new(
        StudentLayout::new(&table::header(HEAD.as_bytes()), &student_indicators()).expect("layout"),
    );
    let body = csv.split_once('\n').expect("header").1;
    sums.add_lines(body.as_bytes(), 2)
        .expect("the engine reads it");
    let acc = sums.finish();
    assert_eq!(
        acc.by_breakdown["gender"][&(2025, "vrouw".into())].1[3].k,
        1.0
    );
}

#[test]
fn every_cell_that_does_not_fit_is_named_by_line_and_column() {
    let table = file(
        JOB_HEADER,
        &[
            "2025;25PX;zorg_welzijn;3;BOL;Onbekend;18-20;none;4;0;0;1;1",
            "20x5;25PX0;zorg;5;BOL;Vrouw;18-20;none;6;2;0;1;-1",
            "2025;25PX;zorg_welzijn",
        ],
    );
    let problems =
        mapping::apply(&table, &mapping::STUDENT_VARIABLES, &job_mapping()).expect_err("refused");
    let at: Vec<(usize, Option<&str>)> = problems
        .iter()
        .map(|p| (p.line, p.column.as_deref()))
        .collect();
    assert_eq!(
        at,
        vec![
            (2, Some("Geslacht")),
            (3, Some("Jaar")),
            (3, Some("Instelling")),
            (3, Some("Sector")),
            (3, Some("Niveau")),
            (3, Some("Veilig")),
            (3, Some("Gepest")),
            (3, Some("Gewicht")),
            // The first column the ragged line lacks.
            (4, Some("Niveau")),
        ]
    );
    let text = problems[0].message(crate::i18n::Lang::Nl);
    assert!(
        text.contains("‘Onbekend’") && text.contains("hercodeer"),
        "{text}"
    );

    let mut partial = job_mapping();
    partial.columns.remove("weight");
    partial.columns.remove("bullied");
    partial.columns.insert("sector".into(), "Opleiding".into());
    let problems =
        mapping::apply(&table, &mapping::STUDENT_VARIABLES, &partial).expect_err("refused");
    let texts: Vec<String> = problems
        .iter()
        .map(|p| p.message(crate::i18n::Lang::Nl))
        .collect();
    assert_eq!(texts.len(), 2, "weight is optional: {texts:?}");
    assert!(texts[0].contains("Opleiding"), "{texts:?}");
    assert!(texts[1].contains("bullied"), "{texts:?}");
}

#[test]
fn columns_named_like_variables_are_mapped_by_themselves() {
    let header: Vec<String> = ["Year", "BRIN", "sector", "Age band", "Gewicht"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let m = mapping::Mapping::by_name(&header, &mapping::STUDENT_VARIABLES);
    assert_eq!(m.columns.get("year").map(String::as_str), Some("Year"));
    assert_eq!(m.columns.get("brin").map(String::as_str), Some("BRIN"));
    assert_eq!(
        m.columns.get("age_band").map(String::as_str),
        Some("Age band")
    );
    assert!(!m.columns.contains_key("weight"));
    let json = serde_json::to_string(&m).expect("saved with the source");
    assert_eq!(
        serde_json::from_str::<mapping::Mapping>(&json).expect("reused"),
        m
    );
}

#[test]
fn a_characteristic_of_one_year_groups_only_that_year() {
    let mut data = String::new();
    for year in [2024, 2025] {
        for _ in 0..12 {
            data += &row(year, "01AB", "man", "4", 0, 1.0);
            data += &row(year, "02CD", "vrouw", "2", 1, 1.0);
        }
    }
    let mut acc = sums(&data).expect("sums");
    let mut chars = Characteristics::default();
    chars.set("type", "01AB", None, "ROC");
    chars.set("type", "02CD", None, "AOC");
    // Only 2025 had a round: 01AB answered ja, 02CD nee.
    chars.set("q:plan", "01AB", Some(2025), "Ja");
    chars.set("q:plan", "02CD", Some(2025), "Nee");
    acc.derive(&chars);
    let table = protect(&figures(&acc, &BTreeMap::new(), 10), &chars, &EVERY_GROUP);
    let cell = |year: i64, b: &str, g: &str| {
        table
            .iter()
            .find(|f| {
                f.year == year && f.breakdown == b && f.group == g && f.indicator == "bullied"
            })
            .map(|f| (f.n, f.value))
    };
    assert_eq!(cell(2025, "q:plan", "Ja"), Some((Some(12), Some(0.0))));
    assert_eq!(cell(2025, "q:plan", "Nee"), Some((Some(12), Some(1.0))));
    assert_eq!(
        cell(2024, "q:plan", ""),
        Some((Some(24), Some(0.5))),
        "no answer that year"
    );
    assert_eq!(cell(2024, "q:plan", "Ja"), None);
    assert_eq!(
        cell(2024, "type", "ROC"),
        Some((Some(12), Some(0.0))),
        "every year"
    );
}

#[test]
fn disability_is_a_breakdown_only_where_the_file_has_it() {
    let with = format!("{HEAD},disability");
    let header = table::header(with.as_bytes());
    let layout = StudentLayout::new(&header, &student_indicators())
        .and_then(|l| l.with_crossings(&[("disability", "gender")]))
        .expect("layout");
    let mut s = StudentSums::new(layout);
    let mut lines = String::new();
    for i in 0..20 {
        let r = row(2025, "01AB", "man", "4", 0, 1.0);
        lines += &format!("{},{}\n", r.trim_end(), if i < 5 { "ja" } else { "nee" });
    }
    s.add_lines(lines.as_bytes(), 2).expect("lines");
    let acc = s.finish();
    let cells = &acc.by_breakdown["disability"];
    assert_eq!(cells[&(2025, "ja".to_owned())].0, 5.0);
    assert!(acc.by_breakdown.contains_key("disability×gender"));
    let without = sums(&row(2025, "01AB", "man", "4", 0, 1.0)).expect("sums");
    assert!(!without.by_breakdown.contains_key("disability"));
}

#[test]
fn recodings_are_written_and_read_as_lines_and_progress_is_told() {
    let recode = BTreeMap::from([
        ("Man".to_owned(), "man".to_owned()),
        ("Vrouw".to_owned(), "vrouw".to_owned()),
    ]);
    let text = mapping::recode_text(&recode);
    assert_eq!(text, "Man = man\nVrouw = vrouw\n");
    assert_eq!(
        mapping::parse_recode_text(&format!("\n{text}\n")),
        Ok(recode)
    );
    assert_eq!(mapping::parse_recode_text("Man = man\nVrouw"), Err(2));
    assert_eq!(mapping::parse_recode_text(" = man"), Err(1));

    let rows: Vec<String> = (0..12_000)
        .map(|i| format!("2025;01AB;{}", if i == 7 { "X" } else { "Vrouw" }))
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let table = file("Jaar;Instelling;Geslacht", &rows);
    let variables = [
        mapping::STUDENT_VARIABLES[0],
        mapping::STUDENT_VARIABLES[1],
        mapping::STUDENT_VARIABLES[5],
    ];
    let m = mapping::Mapping {
        columns: BTreeMap::from([
            ("year".to_owned(), "Jaar".to_owned()),
            ("brin".to_owned(), "Instelling".to_owned()),
            ("gender".to_owned(), "Geslacht".to_owned()),
        ]),
        recode: BTreeMap::new(),
    };
    assert_eq!(
        mapping::unknown_values(&table, "Geslacht", variables[2].kind, None),
        vec!["X".to_owned()],
        "Vrouw is allowed as it is (case does not matter)"
    );
    let mut told = Vec::new();
    let _ = mapping::apply_with(&table, &variables, &m, &mut |done| told.push(done));
    assert_eq!(told, vec![0, 5_000, 10_000]);
}

#[test]
fn incident_rates_are_per_1000_students_and_small_counts_stay_hidden() {
    let counts = BTreeMap::from([
        ((2025, "01AB".to_owned(), "aggression".to_owned()), 30.0),
        ((2025, "01AB".to_owned(), "theft".to_owned()), 3.0),
        ((2025, "02CD".to_owned(), "aggression".to_owned()), 20.0),
        ((2025, "02CD".to_owned(), "theft".to_owned()), 12.0),
    ]);
    let register = BTreeMap::from([("01AB".to_owned(), 2000.0), ("02CD".to_owned(), 3000.0)]);
    let students = |code: &str, _: i64| register.get(code).copied();
    let mut chars = Characteristics::default();
    chars.set("type", "01AB", None, "ROC");
    chars.set("type", "02CD", None, "ROC");
    let cells = count_figures(&counts, "incidents:", Some(&students), &chars, MIN_N_COUNTS);
    let find = |table: &[Cell], b: &str, g: &str, i: &str| {
        table
            .iter()
            .find(|f| f.breakdown == b && f.group == g && f.indicator == i)
            .cloned()
            .unwrap_or_else(|| panic!("{b} {g} {i}"))
    };
    let national = find(&cells, "national", "all", "incidents:aggression");
    assert_eq!(national.n, 50);
    assert_eq!(national.value, Some(10.0), "50 per 5,000 students");
    assert_eq!(
        find(&cells, "brin", "01AB", "incidents:aggression").value,
        Some(15.0)
    );
    assert!(
        find(&cells, "brin", "01AB", "incidents:theft").suppressed,
        "3 < 5"
    );
    let table = protect(&cells, &chars, &EVERY_GROUP);
    // 01AB's theft count would follow from the national (or the type's) count minus 02CD's.
    let hidden = |b: &str, g: &str, i: &str| {
        table
            .iter()
            .find(|f| f.breakdown == b && f.group == g && f.indicator == i)
            .map(|f| f.suppressed)
            .unwrap_or_else(|| panic!("{b} {g} {i}"))
    };
    assert!(
        hidden("national", "all", "incidents:theft") || hidden("brin", "02CD", "incidents:theft")
    );
    assert!(
        !hidden("brin", "01AB", "incidents:aggression"),
        "a table of its own"
    );
    assert!(
        table.iter().all(|f| f.indicator != "incidents:all"),
        "no total over the categories"
    );
    assert!(hidden("type", "ROC", "incidents:theft") || hidden("brin", "02CD", "incidents:theft"));
}

/// A deterministic pseudo-random source for the property tests.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, m: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % m
    }
}

/// Random incident counts: institutions × categories × years, many of them small or zero; each
/// institution with a type, a region and a size band.
fn random_counts(seed: u64) -> (Vec<Cell>, Characteristics) {
    let mut r = Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let institutions = 6 + r.next(12) as usize;
    let mut chars = Characteristics::default();
    let mut counts = BTreeMap::new();
    for i in 0..institutions {
        let code = format!("{i:02}XX");
        chars.set(
            "type",
            &code,
            None,
            ["ROC", "AOC", "vak"][r.next(3) as usize],
        );
        chars.set("region", &code, None, ["West", "Rest"][r.next(2) as usize]);
        chars.set(
            "size_band",
            &code,
            None,
            ["klein", "groot"][r.next(2) as usize],
        );
        for year in [2024, 2025] {
            for category in ["weapons", "theft", "drugs"] {
                let n = match r.next(10) {
                    0..=3 => 0,
                    4..=6 => 1 + r.next(4),
                    _ => 5 + r.next(40),
                };
                counts.insert((year, code.clone(), category.to_owned()), n as f64);
            }
        }
    }
    let cells = count_figures(&counts, "incidents:", None, &chars, MIN_N_COUNTS);
    (cells, chars)
}

/// The equations of the table of `at` (same year and indicator), written here apart from the
/// module's: every breakdown adds up to the national cell, every group of a characteristic to
/// its institutions. Each as (total, parts), indices into `cells`.
fn test_equations(cells: &[Cell], chars: &Characteristics, at: usize) -> Vec<(usize, Vec<usize>)> {
    let (year, indicator) = (cells[at].year, cells[at].indicator.as_str());
    let table: Vec<usize> = (0..cells.len())
        .filter(|&i| cells[i].year == year && cells[i].indicator == indicator)
        .collect();
    let national = table
        .iter()
        .copied()
        .find(|&i| cells[i].breakdown == "national")
        .expect("national");
    let breakdowns: std::collections::BTreeSet<&str> = table
        .iter()
        .map(|&i| cells[i].breakdown.as_str())
        .filter(|b| *b != "national")
        .collect();
    let mut out: Vec<(usize, Vec<usize>)> = breakdowns
        .iter()
        .map(|b| {
            (
                national,
                table
                    .iter()
                    .copied()
                    .filter(|&i| cells[i].breakdown == *b)
                    .collect(),
            )
        })
        .collect();
    for &g in &table {
        let name = cells[g].breakdown.as_str();
        if chars.names().any(|n| n == name) {
            let parts = table
                .iter()
                .copied()
                .filter(|&i| {
                    cells[i].breakdown == "brin"
                        && chars.get(name, &cells[i].group, year).unwrap_or_default()
                            == cells[g].group
                })
                .collect();
            out.push((g, parts));
        }
    }
    out
}

/// Checks an audit's witnesses with nothing but arithmetic: each sets only hidden cells, keeps
/// every equation and every count at or above zero, and the two differ in the audited cell by at
/// least `width`. So an attacker cannot narrow the cell down further than the width.
fn check_witnesses(
    cells: &[Cell],
    chars: &Characteristics,
    hidden: &[bool],
    audit: &CellAudit,
    width: f64,
) {
    let value = |c: &Cell| match audit.measure {
        Measure::YesAnswers => c.k.expect("k"),
        _ => c.n as f64,
    };
    let equations = test_equations(cells, chars, audit.cell);
    let mut at = [0.0; 2];
    for (side, witness) in [&audit.interval.witness_low, &audit.interval.witness_high]
        .into_iter()
        .enumerate()
    {
        let mut values: BTreeMap<usize, f64> = BTreeMap::new();
        for &(c, v) in witness {
            assert!(hidden[c], "a witness sets only hidden cells");
            assert!(v >= -1e-6, "no negative count: {v}");
            values.insert(c, v);
        }
        let of = |i: usize| values.get(&i).copied().unwrap_or_else(|| value(&cells[i]));
        for (total, parts) in &equations {
            let sum: f64 = parts.iter().map(|&p| of(p)).sum();
            assert!(
                (of(*total) - sum).abs() <= 1e-6 * (1.0 + sum.abs()),
                "the equation of {} {} holds: {} vs {sum}",
                cells[*total].breakdown,
                cells[*total].group,
                of(*total)
            );
        }
        at[side] = of(audit.cell);
    }
    assert!(
        at[1] - at[0] >= width - 1e-6,
        "{} {} {} ({:?}) can be narrowed to [{}, {}]",
        cells[audit.cell].year,
        cells[audit.cell].breakdown,
        cells[audit.cell].group,
        audit.measure,
        at[0],
        at[1]
    );
}

#[test]
fn every_small_count_keeps_an_interval_as_wide_as_the_protection_width() {
    let rules = Thresholds::default();
    let (mut small, mut secondary) = (0, 0);
    for seed in 0..40 {
        let (cells, chars) = random_counts(seed);
        let plan = plan(&cells, &chars, &rules);
        assert!(plan.failed.is_empty(), "seed {seed}: {:?}", plan.failed);
        let hidden: Vec<bool> = plan.hidden.iter().map(Option::is_some).collect();
        for (i, c) in cells.iter().enumerate() {
            if c.suppressed {
                small += 1;
                assert!(hidden[i]);
                let audits: Vec<&CellAudit> = plan.audits.iter().filter(|a| a.cell == i).collect();
                assert_eq!(audits.len(), 1, "seed {seed}: one audit per small count");
                check_witnesses(
                    &cells,
                    &chars,
                    &hidden,
                    audits[0],
                    rules.protection_width as f64,
                );
            }
        }
        secondary += plan.count(Hidden::Complementary);
        // Independent of the linear programming: no small cell follows exactly. (A group of too few
        // institutions may: it is hidden from coordinators, who do not see the institutions.)
        for ((year, indicator), members) in tables_of(&cells) {
            let local: Vec<bool> = members.iter().map(|&i| hidden[i]).collect();
            let equations: Vec<suppress::Equation> = test_equations(&cells, &chars, members[0])
                .into_iter()
                .map(|(t, p)| suppress::Equation {
                    total: members.iter().position(|&m| m == t).expect("member"),
                    parts: p
                        .iter()
                        .map(|x| members.iter().position(|m| m == x).expect("member"))
                        .collect(),
                })
                .collect();
            let exact = suppress::recoverable(&local, &equations);
            assert!(
                exact.iter().all(|&c| !cells[members[c]].suppressed),
                "seed {seed} {year} {indicator}: {exact:?}"
            );
        }
        let published = publish(&cells, &plan);
        assert!(published
            .iter()
            .all(|f| f.suppressed == (f.n.is_none() && f.value.is_none())));
    }
    assert!(
        small > 500 && secondary > 0,
        "{small} small, {secondary} secondary"
    );
}

#[test]
fn small_shares_keep_wide_intervals_on_respondents_and_yes_answers() {
    let rules = Thresholds::default();
    for seed in 0..12 {
        let mut r = Lcg(seed + 7);
        let mut data = String::new();
        let institutions = 6 + r.next(6);
        for i in 0..institutions {
            let respondents = if r.next(3) == 0 {
                1 + r.next(9)
            } else {
                10 + r.next(60)
            };
            for _ in 0..respondents {
                let gender = ["man", "vrouw", "anders"][r.next(3) as usize];
                let feels = 1 + r.next(5);
                data += &row(
                    2025,
                    &format!("{i:02}XX"),
                    gender,
                    &feels.to_string(),
                    (r.next(4) == 0) as u8,
                    1.0,
                );
            }
        }
        let mut chars = Characteristics::default();
        for i in 0..institutions {
            chars.set(
                "type",
                &format!("{i:02}XX"),
                None,
                ["ROC", "AOC"][r.next(2) as usize],
            );
        }
        let mut acc = sums(&data).expect("sums");
        acc.derive(&chars);
        let cells = figures(&acc, &BTreeMap::new(), rules.shares);
        let cells: Vec<Cell> = cells
            .into_iter()
            .filter(|c| !c.indicator.starts_with("incidents_"))
            .collect();
        let plan = plan(&cells, &chars, &EVERY_GROUP);
        assert!(plan.failed.is_empty(), "seed {seed}");
        let hidden: Vec<bool> = plan.hidden.iter().map(Option::is_some).collect();
        for (i, c) in cells.iter().enumerate() {
            if c.suppressed {
                let audits: Vec<&CellAudit> = plan.audits.iter().filter(|a| a.cell == i).collect();
                assert_eq!(audits.len(), 2, "respondents and yes-answers");
                for a in audits {
                    check_witnesses(&cells, &chars, &hidden, a, rules.protection_width as f64);
                }
            }
        }
    }
}

/// A table of one year and indicator from (breakdown, group, count), with `chars` of its
/// institutions.
fn count_table(rows: &[(&str, &str, u64)]) -> Vec<Cell> {
    rows.iter()
        .map(|&(b, g, n)| Cell {
            year: 2025,
            breakdown: b.into(),
            group: g.into(),
            indicator: "incidents:weapons".into(),
            n,
            k: None,
            value: Some(n as f64),
            interval: None,
            suppressed: n > 0 && n < MIN_N_COUNTS,
            sums: None,
        })
        .collect()
}

#[test]
fn a_national_total_is_hidden_only_when_nothing_else_protects() {
    let chars = Characteristics::default();
    let hidden = |cells: &[Cell]| -> Vec<(String, bool)> {
        protect(cells, &chars, &EVERY_GROUP)
            .into_iter()
            .map(|f| (f.group, f.suppressed))
            .collect()
    };
    // 3 + 50 + 47: lowering another institution protects the 3.
    let table = count_table(&[
        ("national", "all", 100),
        ("brin", "A", 3),
        ("brin", "B", 50),
        ("brin", "C", 47),
    ]);
    let shown = hidden(&table);
    assert_eq!(shown[0], ("all".into(), false), "{shown:?}");
    assert!(shown[1].1 && (shown[2].1 || shown[3].1), "{shown:?}");
    // 3 + 2 of a published 5: each lies in [0, 5], as wide as the width of 5.
    let table = count_table(&[("national", "all", 5), ("brin", "A", 3), ("brin", "B", 2)]);
    assert!(!hidden(&table)[0].1);
    // A width of 6: no institution can give it, only the total can rise.
    let wider = Thresholds {
        protection_width: 6,
        ..EVERY_GROUP
    };
    let hidden: Vec<bool> = protect(&table, &chars, &wider)
        .into_iter()
        .map(|f| f.suppressed)
        .collect();
    assert_eq!(hidden, [true, true, true]);
}

#[test]
fn groups_of_too_few_institutions_are_hidden() {
    let mut chars = Characteristics::default();
    let mut rows = vec![("national", "all", 0)];
    let codes: Vec<String> = (0..7).map(|i| format!("{i:02}XX")).collect();
    for (i, code) in codes.iter().enumerate() {
        chars.set("type", code, None, if i < 2 { "AOC" } else { "ROC" });
        rows.push(("brin", code.as_str(), 20));
    }
    rows[0].2 = 140;
    rows.push(("type", "AOC", 40));
    rows.push(("type", "ROC", 100));
    let cells = count_table(&rows);
    let plan = plan(&cells, &chars, &Thresholds::default());
    let of = |g: &str| plan.hidden[cells.iter().position(|c| c.group == g).expect("cell")];
    assert_eq!(of("AOC"), Some(Hidden::FewInstitutions), "2 < 5");
    assert_eq!(of("ROC"), None, "5 institutions");
    let published = publish(&cells, &plan);
    let aoc = published.iter().find(|f| f.group == "AOC").expect("AOC");
    assert_eq!((aoc.n, aoc.value), (None, None));
}
