//! The aggregation engine against the monitor's slow reference (`ref_python.py`, standard library
//! only) on small random data with missing answers, small cells and institutions without
//! incidents; and bad files refused with their line and column, nothing written.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;
use std::process::Command;

use app::backend::aggregate::{aggregate_dir, AggregateError, Options};

/// A small deterministic generator (64-bit LCG), so the data is the same in every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next() as usize % from.len()]
    }
}

fn write_data(dir: &Path, rows: usize, seed: u64) {
    let mut rng = Lcg(seed);
    let brins = ["01AB", "02CD", "03EF", "04GH", "05IJ", "06KL", "07MN"];
    let mut inst = String::from("brin,name,type,region,size_band\n");
    for (i, b) in brins.iter().enumerate() {
        let kind = ["ROC", "AOC", "vakinstelling"][i % 3];
        let region = rng.pick(&["Utrecht", "Zeeland", "Limburg"]);
        writeln!(inst, "{b},\"{kind} {i}, Nederland\",{kind},{region},small").expect("write");
    }
    let mut students = String::from(
        "year,brin,sector,level,path,gender,age_band,migration,feels_safe,bullied,discriminated,sexual_harassment,weight\n",
    );
    for i in 0..rows {
        // The last institution is small: its cells fall under n = 10.
        let brin = if i % 300 == 0 {
            brins[6]
        } else {
            rng.pick(&brins[..6])
        };
        let feels = if rng.next().is_multiple_of(50) {
            String::new()
        } else {
            (1 + rng.next() % 5).to_string()
        };
        writeln!(
            students,
            "{},{brin},{},{},{},{},{},{},{feels},{},{},{},{}.{:03}",
            2023 + rng.next() % 3,
            rng.pick(&["economie", "techniek", "zorg_welzijn", "groen"]),
            1 + rng.next() % 4,
            rng.pick(&["BOL", "BBL"]),
            rng.pick(&["man", "vrouw", "anders"]),
            rng.pick(&["<18", "18-20", "21-26", ">26"]),
            rng.pick(&["none", "western", "non_western"]),
            u64::from(rng.next().is_multiple_of(10)),
            u64::from(rng.next().is_multiple_of(12)),
            u64::from(rng.next().is_multiple_of(15)),
            rng.next() % 2,
            rng.next() % 1000,
        )
        .expect("write");
    }
    let mut incidents = String::from("brin,year,category,count\n");
    for b in &brins[..5] {
        for year in 2023..2026 {
            for category in ["aggression", "theft"] {
                writeln!(incidents, "{b},{year},{category},{}", rng.next() % 9 + 1).expect("write");
            }
        }
    }
    std::fs::write(dir.join("institutions.csv"), inst).expect("write");
    std::fs::write(dir.join("students.csv"), students).expect("write");
    std::fs::write(dir.join("incidents.csv"), incidents).expect("write");
}

type Row = (Option<u64>, String, Vec<String>);

fn read_table(text: &str) -> BTreeMap<Vec<String>, Row> {
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("year,breakdown,group,indicator,n,share,ci_low,ci_high,suppressed")
    );
    lines
        .map(|l| {
            let f: Vec<String> = l.split(',').map(str::to_owned).collect();
            assert_eq!(f.len(), 9, "{l}");
            let n = (!f[4].is_empty()).then(|| f[4].parse().expect("n"));
            (f[..4].to_vec(), (n, f[8].clone(), f[5..8].to_vec()))
        })
        .collect()
}

fn options(threads: usize, complementary: bool) -> Options {
    Options {
        thresholds: app::domain::aggregate::Thresholds {
            shares: 10,
            ..Default::default()
        },
        threads,
        complementary,
        crossings: Vec::new(),
    }
}

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("miv_agg_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn figures_equal_the_reference_on_small_random_data() {
    let dir = temp_dir();
    write_data(&dir, 4000, 11);
    let reference = dir.join("ref.csv");
    let python = std::env::var("MIV_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let status = Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/aggregate/ref_python.py"
        ))
        .arg("--data")
        .arg(&dir)
        .arg("--out")
        .arg(&reference)
        .status()
        .expect("python3 runs the reference");
    assert!(status.success());
    let expected = read_table(&std::fs::read_to_string(&reference).expect("reference"));
    for threads in [1, 2, 3] {
        let ours = read_table(
            &aggregate_dir(&dir, &options(threads, false))
                .expect("aggregate")
                .0,
        );
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "same cells ({threads} threads)"
        );
        let mut suppressed = 0;
        for (key, (n, sup, values)) in &expected {
            let (our_n, our_sup, our_values) = &ours[key];
            assert_eq!((our_n, our_sup), (n, sup), "{key:?}");
            suppressed += usize::from(sup == "1");
            for (a, b) in our_values.iter().zip(values) {
                match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(a), Ok(b)) => assert!((a - b).abs() < 1e-9, "{key:?}: {a} vs {b}"),
                    _ => assert_eq!(a, b, "{key:?}: empty in both"),
                }
            }
        }
        assert!(suppressed >= 12, "the data has small cells: {suppressed}");
    }
    let protected = read_table(&aggregate_dir(&dir, &options(2, true)).expect("aggregate").0);
    let mut more = 0;
    for (key, (_, sup, _)) in &expected {
        let (our_n, our_sup, our_values) = &protected[key];
        assert!(sup == "0" || our_sup == "1", "{key:?} stays hidden");
        if our_sup == "1" {
            assert!(
                our_n.is_none() && our_values.iter().all(String::is_empty),
                "{key:?}: a hidden cell shows no n, value or interval"
            );
        }
        if sup == "0" && our_sup == "1" {
            more += 1;
        }
    }
    assert!(more > 0, "complementary cells are hidden too");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_bad_student_file_is_refused_with_line_and_column() {
    let dir = temp_dir();
    write_data(&dir, 300, 5);
    let path = dir.join("students.csv");
    let text = std::fs::read_to_string(&path).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    let mut bad: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    bad[250] = bad[250].rsplit_once(',').expect("weight").0.to_owned() + ",1,5";
    std::fs::write(&path, bad.join("\n") + "\n").expect("write");
    for threads in [1, 2] {
        match aggregate_dir(&dir, &options(threads, false)) {
            Err(AggregateError::Line { file, error }) => {
                assert_eq!(file, "students.csv");
                assert_eq!(error.line, 251, "{error}");
                assert!(error.message.contains("14 velden"), "{error}");
                assert_eq!(error.column, "(14)", "the first column too many");
            }
            other => panic!("refused, not {other:?}"),
        }
    }
    bad[250] = lines[250].rsplit_once(',').expect("weight").0.to_owned() + ",zwaar";
    std::fs::write(&path, bad.join("\n")).expect("write");
    match aggregate_dir(&dir, &options(2, false)) {
        Err(AggregateError::Line { error, .. }) => {
            assert_eq!((error.line, error.column.as_str()), (251, "weight"));
        }
        other => panic!("refused, not {other:?}"),
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A copy of a comma-separated file as Dutch Excel writes it: `;` separated, decimal commas in
/// `decimals`, BOM, CRLF, Windows-1252; with `remark`, an extra column whose quoted text holds
/// a line break, a `;` and quotes on every seventh row.
fn dutch(text: &str, decimals: &[&str], remark: bool) -> Vec<u8> {
    use app::domain::csv;
    let mut lines = text.lines();
    let head = lines.next().expect("header");
    let names: Vec<&str> = head.split(',').collect();
    let quote = |f: &str| {
        if f.contains([';', '"', '\n']) {
            format!("\"{}\"", f.replace('"', "\"\""))
        } else {
            f.to_owned()
        }
    };
    let mut out = String::from("\u{feff}");
    out += &names.join(";");
    if remark {
        out += ";opmerking";
    }
    out += "\r\n";
    for (i, line) in lines.enumerate() {
        let fields: Vec<String> = csv::fields(line.as_bytes(), b',')
            .iter()
            .zip(&names)
            .map(|(f, name)| {
                let f = String::from_utf8_lossy(f).into_owned();
                quote(&if decimals.contains(name) {
                    f.replace('.', ",")
                } else {
                    f
                })
            })
            .collect();
        out += &fields.join(";");
        if remark {
            out += if i % 7 == 0 {
                ";\"eerste regel\r\ntweede; met \"\"aanhalingstekens\"\"\""
            } else {
                ";"
            };
        }
        out += "\r\n";
    }
    // Windows-1252: every character of this text is below 256 except the BOM, which goes.
    out.chars()
        .filter(|&c| c != '\u{feff}')
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect()
}

#[test]
fn a_dutch_copy_of_the_data_gives_the_same_figures() {
    let dir = temp_dir();
    write_data(&dir, 3000, 21);
    // A region with a letter beyond ASCII, to be read back from Windows-1252.
    let institutions = std::fs::read_to_string(dir.join("institutions.csv"))
        .expect("read")
        .replace("Zeeland", "Fryslân")
        .replace("Limburg", "Fryslân");
    std::fs::write(dir.join("institutions.csv"), &institutions).expect("write");
    let dutch_dir = temp_dir();
    for (name, decimals, remark) in [
        ("institutions.csv", &[][..], false),
        ("students.csv", &["weight"][..], true),
        ("incidents.csv", &[][..], false),
    ] {
        let text = std::fs::read_to_string(dir.join(name)).expect("read");
        std::fs::write(dutch_dir.join(name), dutch(&text, decimals, remark)).expect("write");
    }
    let students = std::fs::read(dutch_dir.join("students.csv")).expect("read");
    assert!(students.starts_with(b"year;brin;") && students.windows(2).any(|w| w == b"\r\n"));
    assert!(
        students
            .windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1] == b',' && w[2].is_ascii_digit()),
        "weights with a decimal comma"
    );
    let plain = aggregate_dir(&dir, &options(2, true)).expect("aggregate").0;
    assert!(plain.contains(",region,Fryslân,"), "the label survives");
    for threads in [1, 2, 3] {
        let (ours, _) = aggregate_dir(&dutch_dir, &options(threads, true)).expect("dutch copy");
        let (ours, plain) = (read_table(&ours), read_table(&plain));
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            plain.keys().collect::<Vec<_>>(),
            "same cells ({threads} threads)"
        );
        for (key, (n, hidden, values)) in &plain {
            let (our_n, our_hidden, our_values) = &ours[key];
            assert_eq!((our_n, our_hidden), (n, hidden), "{key:?}");
            // Parts of another size add up in another order: equal to the last bits.
            for (a, b) in our_values.iter().zip(values) {
                match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(a), Ok(b)) => assert!((a - b).abs() < 1e-12, "{key:?}: {a} vs {b}"),
                    _ => assert_eq!(a, b, "{key:?}"),
                }
            }
        }
    }
    // A quote never closed is refused with the line it opens on.
    let mut broken = std::fs::read(dutch_dir.join("students.csv")).expect("read");
    broken.extend_from_slice(b"2025;01AB;\"techniek\r\n");
    std::fs::write(dutch_dir.join("students.csv"), broken).expect("write");
    match aggregate_dir(&dutch_dir, &options(1, false)) {
        Err(AggregateError::Line { error, .. }) => {
            assert!(error.message.contains("aanhalingstekens"), "{error}");
        }
        other => panic!("refused, not {other:?}"),
    }
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_dir_all(&dutch_dir).ok();
}
