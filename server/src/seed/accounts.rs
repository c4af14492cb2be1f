//! The demo accounts.

use app::backend::users;
use app::domain::{NewPassword, Role};
use rand::distributions::{Alphanumeric, DistString};
use sea_orm::DatabaseConnection;

use super::create;

/// The demo's admin, researcher and coordinator (of 25PX), each with a random password: one
/// line per account for the start-up message.
pub(super) async fn demo_accounts(db: &DatabaseConnection) -> anyhow::Result<Vec<String>> {
    let mut lines = Vec::new();
    for (email, name, role, codes) in [
        ("admin@miv.local", "Demo Beheerder", Role::Admin, &[][..]),
        (
            "onderzoeker@miv.local",
            "Demo Onderzoeker",
            Role::Researcher,
            &[],
        ),
        (
            "coordinator@miv.local",
            "Demo Coördinator",
            Role::Coordinator,
            &["25PX"],
        ),
    ] {
        let id = create(db, email, name, role, codes).await?;
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
    Ok(lines)
}
