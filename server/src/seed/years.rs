//! The demo rounds: one open, earlier ones submitted.

use anyhow::Context;
use app::backend::audit::Actor;
use app::backend::{responses, rounds};
use sea_orm::DatabaseConnection;

use super::made_up_answers;

/// The demo's round of `year` (`Monitor <year>`) for every institution in the register.
async fn demo_round(
    db: &DatabaseConnection,
    version_id: i32,
    year: i32,
    opens_at: chrono::DateTime<chrono::Utc>,
    closes_at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<i32> {
    let round = rounds::NewRound {
        name: format!("Monitor {year}"),
        year,
        version_id,
        opens_at,
        closes_at,
        institutions: Vec::new(),
    };
    Ok(rounds::create(db, &Actor::cli(), &round).await?)
}

/// A closed 2025 round in which every demo institution submitted (made-up answers), and an open
/// 2026 round, prefilled from 2025, in which six institutions other than 25PX have submitted: the
/// demo coordinator (25PX) sees last year's answers and, after submitting, the comparison.
pub(super) async fn demo_rounds(
    db: &DatabaseConnection,
    version_id: i32,
    definition: &app::domain::questionnaire::Definition,
) -> anyhow::Result<usize> {
    use chrono::{Duration, Utc};
    let now = Utc::now();
    let last = demo_round(
        db,
        version_id,
        2025,
        now - Duration::days(400),
        now + Duration::hours(1),
    )
    .await?;
    let mut submitted = 0;
    for (i, p) in rounds::participants(db, last)
        .await?
        .into_iter()
        .enumerate()
    {
        submit_demo(db, p.response.id, &made_up_answers(definition, i)).await?;
        submitted += 1;
    }
    rounds::set_closing(db, &Actor::cli(), last, now - Duration::days(300)).await?;
    let current = demo_round(
        db,
        version_id,
        2026,
        now - Duration::hours(1),
        now + Duration::days(42),
    )
    .await?;
    let others = rounds::participants(db, current)
        .await?
        .into_iter()
        .filter(|p| p.institution.code != "25PX")
        .take(6);
    for (i, p) in others.enumerate() {
        let stored = responses::answers(db, p.response.id).await?;
        let mut changes = made_up_answers(definition, i + 3);
        for c in &mut changes {
            c.base = stored
                .iter()
                .find(|a| a.item_key == c.key)
                .map_or(0, |a| a.revision);
        }
        submit_demo(db, p.response.id, &changes).await?;
    }
    Ok(submitted)
}

/// Saves made-up answers into a demo response and submits it.
async fn submit_demo(
    db: &DatabaseConnection,
    response_id: i32,
    changes: &[responses::Change],
) -> anyhow::Result<()> {
    let ctx = responses::load(db, response_id)
        .await
        .context("demo response")?;
    responses::save(db, None, &ctx, None, changes, None)
        .await
        .context("demo answers")?;
    responses::submit(db, &ctx, None, None)
        .await
        .context("demo submission")?;
    Ok(())
}
