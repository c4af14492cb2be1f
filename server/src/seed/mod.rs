//! What happens on the first start: an admin when there is none, and (with `--demo`) demo
//! institutions and one account per role.

mod accounts;
mod answers;
mod load;
mod material;
mod years;

use anyhow::Context;
use app::backend::audit::Actor;
use app::backend::{register_import, users};
use app::domain::{Email, InstitutionCode, Role};
use sea_orm::DatabaseConnection;

use accounts::demo_accounts;
use material::{default_questionnaire, demo_sources};
use years::demo_rounds;

pub use answers::made_up_answers;
pub use load::load_round;

const DEMO_INSTITUTIONS: &[u8] = include_bytes!("../../demo/institutions.csv");

/// Made-up student survey micro-data (JOB-monitor style) for the demo institutions, 2024 and 2025.
const DEMO_STUDENTS: &[u8] = include_bytes!("../../demo/job-demo.csv");

/// Made-up staff survey micro-data and incident counts for the demo institutions, 2024 and 2025.
const DEMO_STAFF: &[u8] = include_bytes!("../../demo/personeel-demo.csv");

const DEMO_INCIDENTS: &[u8] = include_bytes!("../../demo/incidenten-demo.csv");

/// The default coordinators' questionnaire, published as version 1 in the demo.
pub const DEFAULT_QUESTIONNAIRE: &str =
    include_str!("../../questionnaires/veiligheidscoordinatoren.json");

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
    let (version, definition) = default_questionnaire(db).await?;
    let institutions = demo_rounds(db, version, &definition).await?;
    demo_sources(db).await?;
    let mut lines = vec![
        format!("Demo: ronde 2025 (gesloten, {institutions} instellingen ingediend) en ronde 2026 (open, vooraf ingevuld; 6 instellingen al ingediend); studenten, personeel en incidenten 2024–2025 onder Analyse."),
        format!("Demo-logins voor / for {url}:"),
    ];
    lines.extend(demo_accounts(db).await?);
    let text = lines.join("\n");
    if let Some(dir) = logins.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    }
    app::backend::private_file::write(logins, text.as_bytes())
        .with_context(|| format!("write {}", logins.display()))?;
    Ok(text)
}

/// An account with its institutions (demo and benchmark data).
pub async fn create(
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
    let created = users::create_user(db, &new).await?;
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
