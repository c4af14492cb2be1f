//! Creating an account and importing institutions from the command line.

use anyhow::Context;
use app::backend::audit::{self, Actor};
use app::backend::{db, register_import, users};
use app::domain::{Email, InstitutionCode, Role};

use crate::config::Config;

pub(super) async fn create_user(
    config: &Config,
    email: &str,
    name: &str,
    role: &str,
    codes: &[String],
) -> anyhow::Result<()> {
    let email = Email::parse(email).with_context(|| {
        format!("{email:?} is geen geldig e-mailadres / is not a valid e-mail address")
    })?;
    let role = Role::parse(role).context("rol moet admin, researcher of coordinator zijn / role must be admin, researcher or coordinator")?;
    let institutions = codes
        .iter()
        .map(|c| {
            InstitutionCode::parse(c).with_context(|| {
                format!("{c:?} is geen instellingscode / is not an institution code")
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await?;
    let new = users::NewUser {
        email,
        name: name.trim().to_owned(),
        role,
        institutions,
    };
    let created = users::create_user(&db, &new)
        .await
        .map_err(anyhow::Error::from)?;
    audit::record(
        &db,
        &Actor::cli(),
        "user.create",
        &format!("user:{}", created.id),
        serde_json::json!({"email": created.email, "role": created.role}),
    )
    .await?;
    let token = users::issue_password_token(&db, created.id, config.password_link_hours).await?;
    let port = config.socket_addr()?.port();
    println!(
        "{}/wachtwoord-instellen?token={token}",
        config.public_url(port)
    );
    Ok(())
}

pub(super) async fn import_institutions(
    config: &Config,
    file: &std::path::Path,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("bestand.csv");
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await?;
    let run = register_import::import(&db, &Actor::cli(), name, &bytes).await?;
    if run.applied {
        println!(
            "{}: {} nieuw / new, {} bijgewerkt / updated",
            run.file_name, run.created, run.updated
        );
        return Ok(());
    }
    print_problems(&run.problems);
    anyhow::bail!(
        "{} geweigerd / rejected: {} problemen / problems; niets opgeslagen / nothing saved",
        run.file_name,
        run.problems.len()
    )
}

/// Every problem of a rejected file, a line each, in Dutch.
pub fn print_problems(problems: &[app::domain::import::ImportProblem]) {
    for p in problems {
        eprintln!(
            "regel/line {}, kolom/column {}: {}",
            p.line,
            p.column.as_deref().unwrap_or("-"),
            p.message(app::i18n::Lang::Nl)
        );
    }
}
