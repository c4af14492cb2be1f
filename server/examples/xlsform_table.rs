//! Imports every XLSForm in a folder (default `../shared/xlsforms`) and prints a table: per file
//! whether it imports, its sections, questions and choice lists, its warnings or refusals (each
//! with sheet, row and column), and whether the platform's own XLSForm export of it imports back
//! to the same definition.
//!
//! cargo run -p server --example xlsform_table -- [FOLDER] [--details] [--show]
//!
//! `--details` lists every warning and problem; `--show` prints each imported form's sections and
//! questions (type, label, condition, options) to compare with the form's own XLSForm semantics.

use app::backend::questionnaire_import::parse;
use app::i18n::Lang;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let details = args.iter().any(|a| a == "--details");
    let show = args.iter().any(|a| a == "--show");
    let folder = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "../shared/xlsforms".into());
    let mut files: Vec<_> = std::fs::read_dir(&folder)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xls"))
        })
        .collect();
    files.sort();
    println!("| file | outcome | sections | questions | warnings / problems | export → import |");
    println!("|---|---|---|---|---|---|");
    let (mut imported, mut refused) = (0, 0);
    for path in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let bytes = std::fs::read(&path)?;
        let describe = |p: &app::domain::import::ImportProblem| {
            format!(
                "{} r{}: {}",
                p.column.as_deref().unwrap_or("-"),
                p.line,
                p.message(Lang::En)
            )
        };
        match parse(name, &bytes) {
            Ok((definition, warnings)) => {
                imported += 1;
                let questions: usize = definition.sections.iter().map(|s| s.items.len()).sum();
                let exported = app::backend::xlsform::export(&definition, None)?;
                let back = match parse("export.xlsx", &exported) {
                    Ok((again, _)) if again == definition => "same",
                    Ok(_) => "DIFFERENT",
                    Err(_) => "REFUSED",
                };
                println!(
                    "| {name} | imported | {} | {questions} | {} warnings | {back} |",
                    definition.sections.len(),
                    warnings.len()
                );
                if details {
                    for w in &warnings {
                        println!("|  | warning |  |  | {} |  |", describe(w));
                    }
                }
                if show {
                    print_form(&definition);
                }
            }
            Err(problems) => {
                refused += 1;
                let first = problems.first().map(describe).unwrap_or_default();
                println!(
                    "| {name} | refused |  |  | {} problems; first: {first} |  |",
                    problems.len()
                );
                if details {
                    for p in problems.iter().skip(1) {
                        println!("|  | problem |  |  | {} |  |", describe(p));
                    }
                }
            }
        }
    }
    println!("\n{imported} imported, {refused} refused");
    Ok(())
}

/// A form's sections and questions, one line each.
fn print_form(definition: &app::domain::questionnaire::Definition) {
    for section in &definition.sections {
        println!(
            "    section {} “{}”{}",
            section.key,
            section.title.get(app::i18n::Lang::Nl),
            section
                .relevant
                .as_deref()
                .map(|r| format!(" if {r}"))
                .unwrap_or_default()
        );
        for item in &section.items {
            let options = app::domain::questionnaire::edit::options_of(&item.kind)
                .map(|o| {
                    let codes: Vec<&str> = o.iter().map(|c| c.code.as_str()).collect();
                    format!(" [{}]", codes.join(", "))
                })
                .unwrap_or_default();
            println!(
                "      {} ({}) “{}”{}{}",
                item.key,
                item.kind.name(),
                item.label.get(app::i18n::Lang::Nl),
                options,
                item.relevant
                    .as_deref()
                    .map(|r| format!(" if {r}"))
                    .unwrap_or_default()
            );
            if let app::domain::questionnaire::ItemKind::Calculated { expression } = &item.kind {
                println!("        = {expression}");
            }
            for (code, condition) in &item.choice_conditions {
                println!("        option {code} if {condition}");
            }
        }
    }
}
