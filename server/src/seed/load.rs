//! Loading a round's answers from a file.

use app::backend::audit::Actor;
use app::backend::questionnaires;
use app::domain::{InstitutionCode, Role};
use sea_orm::DatabaseConnection;

use super::create;

/// A round of `n` made-up institutions, each with its own coordinator and session, for the
/// benchmark (`examples/bench_responses.rs`) and the crash test. Returns the version id and, per
/// institution, the response id and the session cookie value.
pub async fn load_round(
    db: &DatabaseConnection,
    n: usize,
    definition: &app::domain::questionnaire::Definition,
) -> anyhow::Result<(i32, Vec<(i32, String)>)> {
    use app::backend::{auth, institutions, rounds};
    use app::domain::register::RegisterRecord;
    use chrono::{Duration, Utc};
    let letter = |i: usize| char::from(b'A' + (i % 26) as u8);
    let records: Vec<RegisterRecord> = (0..n)
        .map(|i| {
            let code = format!("{:02}{}{}", i % 100, letter(i / 100), letter(i / 2600));
            RegisterRecord {
                line: i + 2,
                code: InstitutionCode::parse(&code).expect("generated codes are valid"),
                name: format!("Instelling {code}"),
                municipality: "Utrecht".into(),
                province: "Utrecht".into(),
                kind: None,
                bolvt: 1000 + i as i32,
                boldt: 0,
                bbl: 100,
            }
        })
        .collect();
    institutions::upsert(db, &records).await?;
    let draft = questionnaires::create_draft(db, &Actor::cli(), definition, None).await?;
    questionnaires::publish(
        db,
        &Actor::cli(),
        draft.id,
        "load",
        questionnaires::Publisher::Admin,
    )
    .await?;
    let now = Utc::now();
    let round = rounds::create(
        db,
        &Actor::cli(),
        &rounds::NewRound {
            name: "Belasting".into(),
            year: 2026,
            version_id: draft.id,
            opens_at: now - Duration::hours(1),
            closes_at: now + Duration::days(1),
            institutions: records.iter().map(|r| r.code.as_str().to_owned()).collect(),
        },
    )
    .await?;
    let mut out = Vec::with_capacity(n);
    for p in rounds::participants(db, round).await? {
        let code = p.institution.code.as_str();
        let user = create(
            db,
            &format!("c-{}@load.test", code.to_lowercase()),
            code,
            Role::Coordinator,
            &[code],
        )
        .await?;
        out.push((p.response.id, auth::create_session(db, user, 24).await?));
    }
    Ok((draft.id, out))
}
