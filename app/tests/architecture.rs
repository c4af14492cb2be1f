//! The shape of the code, checked over the source text: the layers of `app` point one way
//! (ui → api → backend → types → domain), no two modules of a crate import each other (directly or
//! round a circle), no file outgrows 600 lines, the median file stays within 100 lines, and a
//! function above 80 lines is named in the README's architecture section with its reason.
//!
//! A module's `use` lines and inline `crate::`/`super::` paths are its imports. A path is followed
//! through re-exports (`pub use`) to the module that defines the item, so a facade such as
//! `crate::domain::Role` counts as an import of `domain/role.rs`. A module using an item its parent
//! defines itself is not an import of the parent: a parent and its children are one unit.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module of a crate: its path (`["domain", "role"]`) and what it says.
struct Module {
    file: PathBuf,
    path: Vec<String>,
    /// The text before its unit tests, without comments.
    code: String,
    /// Its text before its unit tests, comments included.
    raw: String,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Unit tests (`tests.rs`, `tests/`, a trailing `#[cfg(test)] mod tests`) are not part of the shape.
fn is_test_file(root: &Path, file: &Path) -> bool {
    file.strip_prefix(root)
        .map(|p| {
            p.components()
                .any(|c| c.as_os_str() == "tests" || c.as_os_str() == "tests.rs")
        })
        .unwrap_or(false)
}

fn without_tests(text: &str) -> String {
    let mut kept = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|next| next.starts_with("mod tests"))
        {
            break;
        }
        let code = line.trim_start();
        if !code.starts_with("//") {
            kept.push(line);
        }
    }
    kept.join("\n")
}

fn modules(root: &Path) -> Vec<Module> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|f| !is_test_file(root, f))
        .filter_map(|file| {
            let relative = file.strip_prefix(root).ok()?.with_extension("");
            let mut path: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(path.last().map(String::as_str), Some("mod" | "lib")) {
                path.pop();
            }
            let text = fs::read_to_string(&file).ok()?;
            let raw = text
                .lines()
                .take_while(|l| !l.starts_with("#[cfg(test)]"))
                .collect::<Vec<_>>()
                .join("\n");
            let code = without_tests(&text);
            Some(Module {
                file,
                path,
                code,
                raw,
            })
        })
        .collect()
}

/// The paths a `use` tree names: `a::{b, c::{d, e}}` gives `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let prefix = &tree[..open];
    let inner = tree[open + 1..]
        .strip_suffix('}')
        .unwrap_or(&tree[open + 1..]);
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{prefix}{p}")))
        .collect()
}

/// Every `use` statement: whether it is `pub`, and the paths it names (an `as` renaming kept as
/// the last part after a space).
fn uses(code: &str) -> Vec<(bool, String)> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = &rest[..at];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let head = before[line_start..].trim();
        let starts_statement = head.is_empty() || head.starts_with("pub");
        let Some(end) = rest[at..].find(';') else {
            break;
        };
        if starts_statement {
            let public = head.starts_with("pub");
            for path in expand(&rest[at + 4..at + end].replace(" as ", "@")) {
                found.push((public, path));
            }
        }
        rest = &rest[at + end..];
    }
    found
}

/// Inline paths starting with `crate::`, `super::` or `self::` outside `use` lines.
fn inline_paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("use ")) {
        for start in ["crate::", "super::"] {
            let mut from = 0;
            while let Some(at) = line[from..].find(start) {
                let begin = from + at;
                let boundary = line[..begin]
                    .chars()
                    .last()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                let end = line[begin..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .map_or(line.len(), |e| begin + e);
                if boundary {
                    found.push(line[begin..end].trim_end_matches(':').to_owned());
                }
                from = end.max(begin + 1);
            }
        }
    }
    found
}

/// Names a module defines itself (`pub struct Name`, `pub fn name`, …).
fn defined(code: &str) -> BTreeSet<String> {
    let kinds = [
        "struct ",
        "enum ",
        "fn ",
        "async fn ",
        "type ",
        "trait ",
        "const ",
        "static ",
        "mod ",
    ];
    code.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line
                .strip_prefix("pub(crate) ")
                .or(line.strip_prefix("pub "))?;
            let rest = kinds.iter().find_map(|k| line.strip_prefix(k))?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            Some(name)
        })
        .collect()
}

/// A module's re-exports: name → the full path it stands for, and the globs (`pub use a::*`).
type Exports = (BTreeMap<String, Vec<String>>, Vec<Vec<String>>);

/// One crate's modules, their re-exports and what they define.
struct Crate {
    modules: Vec<Module>,
    index: BTreeMap<Vec<String>, usize>,
    exports: Vec<Exports>,
    defines: Vec<BTreeSet<String>>,
}

impl Crate {
    fn read(root: &Path) -> Crate {
        let modules = modules(root);
        let index = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.path.clone(), i))
            .collect();
        let mut krate = Crate {
            modules,
            index,
            exports: Vec::new(),
            defines: Vec::new(),
        };
        for i in 0..krate.modules.len() {
            let (mut named, mut globs) = (BTreeMap::new(), Vec::new());
            for (public, path) in uses(&krate.modules[i].code) {
                let (path, alias) = match path.split_once('@') {
                    Some((p, a)) => (p.to_owned(), Some(a.to_owned())),
                    None => (path, None),
                };
                let Some(absolute) = krate.absolute(i, &path) else {
                    continue;
                };
                if !public {
                    continue;
                }
                match absolute.last().map(String::as_str) {
                    Some("*") => globs.push(absolute[..absolute.len() - 1].to_vec()),
                    Some(last) => {
                        named.insert(alias.unwrap_or_else(|| last.to_owned()), absolute.clone());
                    }
                    None => {}
                }
            }
            krate.exports.push((named, globs));
            krate.defines.push(defined(&krate.modules[i].code));
        }
        krate
    }

    /// `path` as written in module `from`, from the crate root; `None` for other crates.
    fn absolute(&self, from: usize, path: &str) -> Option<Vec<String>> {
        let mut parts = path.split("::").filter(|p| !p.is_empty()).peekable();
        let first = parts.next()?;
        let mut base = self.modules[from].path.clone();
        match first {
            "crate" => base.clear(),
            "self" => {}
            "super" => {
                base.pop();
                while parts.next_if_eq(&"super").is_some() {
                    base.pop();
                }
            }
            child => {
                // A child module named without `self::` (other first names are other crates).
                base.push(child.to_owned());
                if !self.index.contains_key(&base) {
                    return None;
                }
            }
        }
        base.extend(parts.map(str::to_owned));
        Some(base)
    }

    /// The module that defines what `path` names, following re-exports.
    fn resolve(&self, path: &[String], depth: usize) -> Option<usize> {
        let (module, rest) = (0..=path.len())
            .rev()
            .find_map(|n| self.index.get(&path[..n]).map(|&m| (m, &path[n..])))?;
        let Some(name) = rest.first() else {
            return Some(module);
        };
        if depth > 8 || self.defines[module].contains(name) {
            return Some(module);
        }
        let (named, globs) = &self.exports[module];
        if let Some(target) = named.get(name) {
            let mut next = target.clone();
            next.extend(rest[1..].iter().cloned());
            return self.resolve(&next, depth + 1).or(Some(module));
        }
        for glob in globs {
            let mut next = glob.clone();
            next.extend(rest.iter().cloned());
            if let Some(found) = self.resolve(&next, depth + 1) {
                if found != module && (self.defines[found].contains(name) || rest.len() > 1) {
                    return Some(found);
                }
            }
        }
        Some(module)
    }

    /// Module `i`'s imports of other modules of this crate (not of its own ancestors).
    fn imports(&self, i: usize) -> BTreeSet<usize> {
        let code = &self.modules[i].code;
        let paths = uses(code)
            .into_iter()
            .map(|(_, p)| p.split('@').next().unwrap_or_default().to_owned())
            .chain(inline_paths(code));
        let own = &self.modules[i].path;
        let mut targets = BTreeSet::new();
        for path in paths {
            let glob = path.ends_with("::*");
            let Some(absolute) = self.absolute(i, path.trim_end_matches("::*")) else {
                continue;
            };
            let Some(target) = self.resolve(&absolute, 0) else {
                continue;
            };
            targets.insert(target);
            if glob {
                // `use module::*` takes everything the module re-exports too.
                targets.extend(self.re_exported(target));
            }
        }
        targets.retain(|&t| t != i && !own.starts_with(&self.modules[t].path));
        targets
    }

    /// The modules whose items module `m` re-exports.
    fn re_exported(&self, m: usize) -> BTreeSet<usize> {
        let (named, globs) = &self.exports[m];
        named
            .values()
            .chain(globs)
            .filter_map(|p| self.resolve(p, 0))
            .filter(|&t| t != m)
            .collect()
    }

    fn name(&self, i: usize) -> String {
        let file = &self.modules[i].file;
        file.strip_prefix(workspace())
            .unwrap_or(file)
            .display()
            .to_string()
    }
}

/// The circles of the import graph (strongly connected parts of more than one module).
fn circles(krate: &Crate) -> Vec<Vec<String>> {
    let n = krate.modules.len();
    let edges: Vec<BTreeSet<usize>> = (0..n).map(|i| krate.imports(i)).collect();
    let reach = |from: usize| {
        let mut seen = BTreeSet::from([from]);
        let mut todo = vec![from];
        while let Some(m) = todo.pop() {
            for &t in &edges[m] {
                if seen.insert(t) {
                    todo.push(t);
                }
            }
        }
        seen
    };
    let reaches: Vec<BTreeSet<usize>> = (0..n).map(reach).collect();
    let mut done = BTreeSet::new();
    let mut found = Vec::new();
    for i in 0..n {
        if done.contains(&i) {
            continue;
        }
        let part: Vec<usize> = (0..n)
            .filter(|&j| reaches[i].contains(&j) && reaches[j].contains(&i))
            .collect();
        done.extend(part.iter().copied());
        if part.len() > 1 {
            found.push(part.into_iter().map(|m| krate.name(m)).collect());
        }
    }
    found
}

const CRATES: [&str; 4] = ["app/src", "server/src", "migrations/src", "frontend/src"];

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let mut all = Vec::new();
    for dir in CRATES {
        all.extend(circles(&Crate::read(&workspace().join(dir))));
    }
    assert!(all.is_empty(), "import circles: {all:#?}");
}

/// The layer of a module of `app`: what it may import is in its own layer or below.
fn layer(path: &[String]) -> Option<usize> {
    let order = ["domain", "types", "backend", "api", "ui"];
    match path.first().map(String::as_str) {
        Some("i18n") => Some(0),
        Some(top) => order.iter().position(|l| *l == top),
        None => None,
    }
}

#[test]
fn app_layers_point_one_way() {
    let krate = Crate::read(&workspace().join("app/src"));
    let mut upward = Vec::new();
    for i in 0..krate.modules.len() {
        let Some(own) = layer(&krate.modules[i].path) else {
            continue;
        };
        for t in krate.imports(i) {
            if layer(&krate.modules[t].path).is_some_and(|l| l > own) {
                upward.push(format!("{} -> {}", krate.name(i), krate.name(t)));
            }
        }
    }
    assert!(upward.is_empty(), "imports of a higher layer: {upward:#?}");
}

/// The checker itself: a re-export is followed to its definition, a circle through it is found.
#[test]
fn the_checker_follows_re_exports_and_finds_a_circle() {
    let dir = std::env::temp_dir().join(format!("miv-architecture-{}", std::process::id()));
    let write = |name: &str, text: &str| {
        let file = dir.join(name);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent).expect("test directory");
        }
        fs::write(file, text).expect("test file");
    };
    write("lib.rs", "pub mod a;\npub mod b;\npub use a::Thing;\n");
    write("a.rs", "use crate::b::{self, Other};\npub struct Thing;\n");
    write("b/mod.rs", "pub mod inner;\npub use inner::Other;\n");
    write("b/inner.rs", "use crate::Thing;\npub struct Other;\n");
    let krate = Crate::read(&dir);
    let found = circles(&krate);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    let names: Vec<&str> = found[0]
        .iter()
        .map(|n| n.rsplit('/').take(2).collect::<Vec<_>>()[0])
        .collect();
    assert!(
        names.contains(&"a.rs") && names.contains(&"inner.rs"),
        "{names:?}"
    );
}

/// Lines of a file (its unit tests not counted).
fn length(module: &Module) -> usize {
    module.raw.lines().count()
}

#[test]
fn no_file_outgrows_600_lines() {
    let mut long = Vec::new();
    for dir in CRATES {
        let krate = Crate::read(&workspace().join(dir));
        for (i, m) in krate.modules.iter().enumerate() {
            if length(m) > 600 {
                long.push(format!("{} ({} lines)", krate.name(i), length(m)));
            }
        }
    }
    assert!(long.is_empty(), "files above 600 lines: {long:#?}");
}

#[test]
fn half_the_files_stay_within_100_lines() {
    let mut lengths: Vec<usize> = CRATES
        .iter()
        .flat_map(|dir| Crate::read(&workspace().join(dir)).modules)
        .map(|m| length(&m))
        .collect();
    lengths.sort_unstable();
    assert!(!lengths.is_empty(), "no source files found");
    let median = lengths[lengths.len() / 2];
    assert!(
        median <= 100,
        "the median file has {median} lines (of {} files); split files of more than one concern",
        lengths.len()
    );
}

/// Functions above `limit` lines (comments included): (name, lines). A function ends at the first
/// line that closes it at its own indentation (rustfmt's layout).
fn long_functions(module: &Module, limit: usize) -> Vec<(String, usize)> {
    let lines: Vec<&str> = module.raw.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let indent = &line[..line.len() - code.len()];
        // Any visibility: `pub`, `pub(crate)`, `pub(super)`, `pub(in path)`.
        let code = match code.strip_prefix("pub") {
            Some(rest) if rest.starts_with('(') => {
                rest.find(") ").map_or(code, |close| &rest[close + 2..])
            }
            Some(rest) => rest.strip_prefix(' ').unwrap_or(code),
            None => code,
        };
        let code = code.strip_prefix("async ").unwrap_or(code);
        let Some(rest) = code.strip_prefix("fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let close = format!("{indent}}}");
        if let Some(end) = lines[i + 1..].iter().position(|l| *l == close) {
            if end + 2 > limit {
                found.push((name, end + 2));
            }
        }
    }
    found
}

#[test]
fn long_functions_are_named_in_the_readme() {
    let readme = fs::read_to_string(workspace().join("README.md")).unwrap_or_default();
    let mut unnamed = Vec::new();
    for dir in CRATES {
        let krate = Crate::read(&workspace().join(dir));
        for (i, m) in krate.modules.iter().enumerate() {
            for (name, lines) in long_functions(m, 80) {
                if !readme.contains(&format!("`{name}`")) {
                    unnamed.push(format!("{}: {name} ({lines} lines)", krate.name(i)));
                }
            }
        }
    }
    assert!(
        unnamed.is_empty(),
        "functions above 80 lines not named in the README: {unnamed:#?}"
    );
}
