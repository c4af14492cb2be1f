//! The files under the site's `pkg` directory (CSS, JS, WASM), compressed once with brotli at its
//! best quality and with gzip, written beside them as `<file>.br` and `<file>.gz`. The router
//! serves those to browsers that accept them; a file without them is compressed per request (at
//! a lower quality, see `startup::router`).
//!
//! A copy carries the modification time of the file it was made from. `serve` removes copies
//! whose time differs from their file's before it listens, so a rebuilt file is never answered
//! with the old copy, and then writes the missing ones in the background.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Context;

/// The compressed copies a file has, by extension.
const COPIES: [&str; 2] = ["br", "gz"];

/// Files worth compressing: text and WASM of at least 1 KB (smaller ones are sent as they are).
fn worth_it(path: &Path) -> bool {
    let compressible = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("wasm" | "js" | "css" | "svg" | "json" | "map")
    );
    compressible && std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() >= 1024)
}

fn copy_path(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The files of `dir` worth compressing.
fn files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("read {}", dir.display()))? {
        let path = entry.context("read directory entry")?.path();
        if worth_it(&path) {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// Removes the compressed copies not made from the file as it is now (their modification time
/// differs from the file's). Returns how many were removed. Cheap: run it before serving.
pub fn remove_stale(dir: &Path) -> anyhow::Result<usize> {
    let mut removed = 0;
    for path in files(dir)? {
        let source = modified(&path);
        for ext in COPIES {
            let copy = copy_path(&path, ext);
            let Some(copied) = modified(&copy) else {
                continue;
            };
            if source != Some(copied) {
                std::fs::remove_file(&copy)
                    .with_context(|| format!("remove {}", copy.display()))?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

fn compress(data: &[u8], ext: &str) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 3);
    match ext {
        "br" => {
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                lgwin: 22,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut &data[..], &mut out, &params).context("brotli")?;
        }
        _ => {
            let mut gz = flate2::write::GzEncoder::new(&mut out, flate2::Compression::best());
            gz.write_all(data).context("gzip")?;
            gz.finish().context("gzip")?;
        }
    }
    Ok(out)
}

/// Writes the missing compressed copies (each through a temporary file renamed into place, so a
/// request never finds half a copy). Returns how many were written.
pub fn write_missing(dir: &Path) -> anyhow::Result<usize> {
    let mut written = 0;
    for path in files(dir)? {
        let missing: Vec<&str> = COPIES
            .into_iter()
            .filter(|ext| !copy_path(&path, ext).exists())
            .collect();
        if missing.is_empty() {
            continue;
        }
        let before = modified(&path);
        let data = std::fs::read(&path).with_context(|| format!("read {}", path.display()))?;
        let Some(made_from) = before.filter(|b| modified(&path) == Some(*b)) else {
            continue; // Being rewritten: the next start compresses it.
        };
        for ext in missing {
            let copy = copy_path(&path, ext);
            let part = copy_path(&path, &format!("{ext}.part"));
            let mut file = std::fs::File::create(&part)
                .with_context(|| format!("create {}", part.display()))?;
            file.write_all(&compress(&data, ext)?)
                .and_then(|()| file.set_modified(made_from))
                .with_context(|| format!("write {}", part.display()))?;
            drop(file);
            std::fs::rename(&part, &copy).with_context(|| format!("rename {}", copy.display()))?;
            written += 1;
        }
    }
    Ok(written)
}

/// What `serve` does: removes stale copies now and, with `write`, writes the missing ones on a
/// blocking thread. A directory that cannot be written is reported in the log and served as it is.
pub fn prepare(dir: PathBuf, write: bool) {
    if !dir.is_dir() {
        return;
    }
    if let Err(error) = remove_stale(&dir) {
        tracing::warn!(dir = %dir.display(), "stale compressed files not removed: {error:#}");
        return;
    }
    if !write {
        return;
    }
    tokio::task::spawn_blocking(move || match write_missing(&dir) {
        Ok(0) => {}
        Ok(n) => tracing::info!(dir = %dir.display(), files = n, "compressed site files written"),
        Err(error) => {
            tracing::warn!(dir = %dir.display(), "site files not precompressed: {error:#}")
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("miv-precompress-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn copies_decompress_to_the_file_and_small_or_other_files_are_left() {
        let d = dir();
        let js: Vec<u8> = (0..5000)
            .flat_map(|i| format!("let a{i} = {i};\n").into_bytes())
            .collect();
        std::fs::write(d.join("miv.js"), &js).expect("js");
        std::fs::write(d.join("tiny.css"), "a{}").expect("css");
        std::fs::write(d.join("notes.txt"), vec![b'x'; 4096]).expect("txt");
        assert_eq!(write_missing(&d).expect("write"), 2);
        assert_eq!(write_missing(&d).expect("again"), 0, "only what is missing");

        let mut br = Vec::new();
        brotli::BrotliDecompress(
            &mut &std::fs::read(d.join("miv.js.br")).expect("br")[..],
            &mut br,
        )
        .expect("brotli");
        assert_eq!(br, js);
        let mut gz = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&std::fs::read(d.join("miv.js.gz")).expect("gz")[..]),
            &mut gz,
        )
        .expect("gzip");
        assert_eq!(gz, js);
        assert!(!d.join("tiny.css.br").exists() && !d.join("notes.txt.br").exists());
        assert!(!d.join("miv.js.br.part").exists());
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn a_rebuilt_file_loses_its_old_copies() {
        let d = dir();
        std::fs::write(d.join("survey.wasm"), vec![7u8; 8192]).expect("wasm");
        write_missing(&d).expect("write");
        assert_eq!(
            remove_stale(&d).expect("fresh"),
            0,
            "copies of the file as it is stay"
        );
        // Rebuilt: the file has another time than the one its copies were made from, later or
        // (a build that restores older files) earlier.
        let wasm = d.join("survey.wasm");
        let earlier = SystemTime::now() - std::time::Duration::from_secs(60);
        std::fs::write(&wasm, vec![8u8; 8192])
            .and_then(|()| std::fs::File::options().write(true).open(&wasm))
            .and_then(|f| f.set_modified(earlier))
            .expect("rebuild");
        assert_eq!(remove_stale(&d).expect("stale"), 2);
        assert!(!d.join("survey.wasm.br").exists() && !d.join("survey.wasm.gz").exists());
        std::fs::remove_dir_all(&d).ok();
    }
}
