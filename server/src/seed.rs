//! What happens on the first start: an admin when there is none, and (with `--demo`) demo
//! institutions and one account per role.

use anyhow::Context;
use app::backend::audit::Actor;
use app::backend::{questionnaires, register_import, users};
use app::domain::{Email, InstitutionCode, NewPassword, Role};
use rand::distributions::{Alphanumeric, DistString};
use sea_orm::DatabaseConnection;

const DEMO_INSTITUTIONS: &[u8] = include_bytes!("../demo/institutions.csv");
/// The default coordinators' questionnaire, published as version 1 in the demo.
pub const DEFAULT_QUESTIONNAIRE: &str =
    include_str!("../questionnaires/veiligheidscoordinatoren.json");

/// Seeds an empty database and returns the text to print (logins or a set-password link).
/// Where the demo logins are kept: beside the SQLite file, or in `data/` for PostgreSQL.
pub fn logins_file(database_url: &str) -> std::path::PathBuf {
    let sqlite = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"));
    let dir = sqlite
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .and_then(|path| std::path::Path::new(path).parent().map(|p| p.to_path_buf()))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| "data".into());
    dir.join("demo-logins.txt")
}

pub async fn first_start(
    db: &DatabaseConnection,
    url: &str,
    demo: bool,
    logins: &std::path::Path,
) -> anyhow::Result<String> {
    if users::admin_count(db).await? > 0 {
        return Ok(if demo {
            std::fs::read_to_string(logins).unwrap_or_default()
        } else {
            String::new()
        });
    }
    if !demo {
        let admin = create(db, "admin@miv.local", "Beheerder", Role::Admin, &[]).await?;
        let token = users::issue_password_token(db, admin, 72).await?;
        return Ok(format!(
            "Eerste beheerder / first admin: admin@miv.local\nStel het wachtwoord in / set the password: {url}/wachtwoord-instellen?token={token}"
        ));
    }
    let run = register_import::import(
        db,
        &Actor::cli(),
        "demo-instellingen.csv",
        DEMO_INSTITUTIONS,
    )
    .await?;
    anyhow::ensure!(
        run.applied,
        "demo institutions rejected: {:?}",
        run.problems
    );
    let definition =
        serde_json::from_str(DEFAULT_QUESTIONNAIRE).context("default questionnaire")?;
    let draft = questionnaires::create_draft(db, &Actor::cli(), &definition, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    questionnaires::publish(db, &Actor::cli(), draft.id, "Eerste versie / first version")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut lines = vec![format!("Demo-logins voor / for {url}:")];
    for (email, name, role, codes) in [
        ("admin@miv.local", "Demo Beheerder", Role::Admin, vec![]),
        (
            "onderzoeker@miv.local",
            "Demo Onderzoeker",
            Role::Researcher,
            vec!["25PX"],
        ),
        (
            "coordinator@miv.local",
            "Demo Coördinator",
            Role::Coordinator,
            vec!["25PX"],
        ),
    ] {
        let codes = if role == Role::Coordinator {
            codes
        } else {
            vec![]
        };
        let id = create(db, email, name, role, &codes).await?;
        let password = Alphanumeric.sample_string(&mut rand::thread_rng(), 16);
        let password =
            NewPassword::parse(&password, &password).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        users::set_password(db, id, &password).await?;
        lines.push(format!(
            "  {:<12} {email:<24} {}",
            role.as_str(),
            password.expose()
        ));
    }
    let text = lines.join("\n");
    if let Some(dir) = logins.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    }
    std::fs::write(logins, &text).with_context(|| format!("write {}", logins.display()))?;
    Ok(text)
}

async fn create(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    role: Role,
    codes: &[&str],
) -> anyhow::Result<i32> {
    let new = users::NewUser {
        email: Email::parse(email).context("demo e-mail")?,
        name: name.into(),
        role,
        institutions: codes
            .iter()
            .filter_map(|c| InstitutionCode::parse(c))
            .collect(),
    };
    let created = users::create_user(db, &new)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(created.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_logins_are_kept_beside_the_sqlite_file() {
        assert_eq!(
            logins_file("sqlite://data/miv.sqlite"),
            std::path::Path::new("data/demo-logins.txt")
        );
        assert_eq!(
            logins_file("sqlite:///tmp/x/miv.sqlite?mode=rwc"),
            std::path::Path::new("/tmp/x/demo-logins.txt")
        );
        assert_eq!(
            logins_file("postgres://localhost/miv"),
            std::path::Path::new("data/demo-logins.txt")
        );
    }
}
