//! Benchmark: `server aggregate` beside the DuckDB, polars and pandas scripts of
//! `../shared/bench/` on the same generated data, in one run, taking turns. Prints per size the
//! median wall time and peak memory (whole process, from GNU time) of each and our ratios to
//! DuckDB's (goal ≤ 0.5 for both), and checks every output with `verify.py`.
//!
//! ```text
//! python3 -m venv /var/tmp/miv-bench-venv
//! /var/tmp/miv-bench-venv/bin/pip install -r ../shared/bench/requirements.txt
//! cargo build --release -p server --bin server --example bench_aggregate
//! target/release/examples/bench_aggregate [--rows 1000000,5000000] [--runs 5]
//!     [--python /var/tmp/miv-bench-venv/bin/python3] [--bench ../shared/bench] [--work /var/tmp/miv-agg]
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context};

struct Args {
    rows: Vec<usize>,
    runs: usize,
    python: String,
    bench: PathBuf,
    work: PathBuf,
}

fn args() -> anyhow::Result<Args> {
    let mut out = Args {
        rows: vec![1_000_000, 5_000_000],
        runs: 5,
        python: "/var/tmp/miv-bench-venv/bin/python3".into(),
        bench: "../shared/bench".into(),
        work: "/var/tmp/miv-agg".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--rows" => {
                out.rows = value
                    .split(',')
                    .map(|v| v.trim().parse().context("--rows"))
                    .collect::<anyhow::Result<_>>()?
            }
            "--runs" => out.runs = value.parse().context("--runs")?,
            "--python" => out.python = value,
            "--bench" => out.bench = value.into(),
            "--work" => out.work = value.into(),
            other => bail!("unknown flag {other}"),
        }
    }
    Ok(out)
}

/// Runs a program to its end under GNU time: wall seconds and peak resident memory in MiB
/// (the kernel's maximum resident set size of the process).
fn measure(program: &Path, args: &[&std::ffi::OsStr]) -> anyhow::Result<(f64, f64)> {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "peak-kib %M"])
        .arg(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context("run /usr/bin/time (Debian package time)")?;
    let seconds = start.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("{} failed: {err}", program.display());
    }
    let kib: f64 = err
        .lines()
        .filter_map(|l| l.strip_prefix("peak-kib "))
        .next_back()
        .and_then(|v| v.trim().parse().ok())
        .context("no peak memory from /usr/bin/time")?;
    Ok((seconds, kib / 1024.0))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let a = args()?;
    let exe = std::env::current_exe()?;
    let server = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("server"))
        .filter(|p| p.exists())
        .context("build the server binary first: cargo build --release -p server --bin server")?;
    std::fs::create_dir_all(&a.work)?;
    for &rows in &a.rows {
        let data = a.work.join(format!("rows{rows}"));
        if !data.join("students.csv").exists() {
            println!("generating {rows} rows with gen.py …");
            let status = Command::new(&a.python)
                .arg(a.bench.join("gen.py"))
                .args(["--rows", &rows.to_string(), "--seed", "42", "--out"])
                .arg(&data)
                .status()
                .context("run gen.py (see the venv line at the top)")?;
            if !status.success() {
                bail!("gen.py failed");
            }
        }
        let size = std::fs::metadata(data.join("students.csv"))?.len() as f64 / 1e6;
        let tools: [(&str, Vec<String>); 4] = [
            ("miv-mbo", vec![]),
            ("duckdb", vec!["agg_duckdb.py".into()]),
            ("polars", vec!["agg_polars.py".into()]),
            ("pandas", vec!["agg_pandas.py".into()]),
        ];
        let mut times = vec![Vec::new(); tools.len()];
        let mut peaks = vec![Vec::new(); tools.len()];
        for _ in 0..a.runs {
            for (i, (name, script)) in tools.iter().enumerate() {
                let out = a.work.join(format!("out_{name}_{rows}.csv"));
                let script_path = script.first().map(|s| a.bench.join(s));
                let (program, mut args): (&Path, Vec<&std::ffi::OsStr>) = match &script_path {
                    None => (&server, vec!["aggregate".as_ref()]),
                    Some(p) => (Path::new(&a.python), vec![p.as_os_str()]),
                };
                args.extend([
                    "--data".as_ref(),
                    data.as_os_str(),
                    "--out".as_ref(),
                    out.as_os_str(),
                ]);
                let (s, m) = measure(program, &args).with_context(|| name.to_string())?;
                times[i].push(s);
                peaks[i].push(m);
            }
        }
        let outputs: Vec<PathBuf> = tools
            .iter()
            .map(|(name, _)| a.work.join(format!("out_{name}_{rows}.csv")))
            .collect();
        let verified = Command::new(&a.python)
            .arg(a.bench.join("verify.py"))
            .arg(&outputs[1])
            .args(&outputs)
            .output()
            .context("verify.py")?;
        println!(
            "\n{rows} rows ({size:.0} MB), median of {} runs, taking turns:",
            a.runs
        );
        let duck = (median(times[1].clone()), median(peaks[1].clone()));
        for (i, (name, _)) in tools.iter().enumerate() {
            let (t, m) = (median(times[i].clone()), median(peaks[i].clone()));
            println!(
                "  {name:<8} {t:>6.2} s  {m:>7.1} MiB   wall {:.2}× DuckDB, memory {:.2}× DuckDB",
                t / duck.0,
                m / duck.1
            );
        }
        println!(
            "  verify.py (DuckDB's output against all four): {}",
            String::from_utf8_lossy(&verified.stdout).trim()
        );
        if !verified.status.success() {
            bail!("the outputs differ");
        }
    }
    Ok(())
}
