//! The demo sources and the default questionnaire.

use anyhow::Context;
use app::backend::audit::Actor;
use app::backend::{questionnaires, sources};
use app::domain::questionnaire::Definition;
use sea_orm::DatabaseConnection;

use super::{DEFAULT_QUESTIONNAIRE, DEMO_INCIDENTS, DEMO_STAFF, DEMO_STUDENTS};

/// The default questionnaire, published as its first version: (version id, definition).
pub(super) async fn default_questionnaire(
    db: &DatabaseConnection,
) -> anyhow::Result<(i32, Definition)> {
    let definition =
        serde_json::from_str(DEFAULT_QUESTIONNAIRE).context("default questionnaire")?;
    let draft = questionnaires::create_draft(db, &Actor::cli(), &definition, None)
        .await
        .context("store the default questionnaire")?;
    questionnaires::publish(
        db,
        &Actor::cli(),
        draft.id,
        "Eerste versie / first version",
        questionnaires::Publisher::Admin,
    )
    .await
    .context("publish the default questionnaire")?;
    Ok((draft.id, definition))
}

/// The demo's student survey, staff survey and incident registration, each imported.
pub(super) async fn demo_sources(db: &DatabaseConnection) -> anyhow::Result<()> {
    for (kind, name, file, bytes) in [
        (
            "students",
            "JOB-monitor (demo)",
            "job-demo.csv",
            DEMO_STUDENTS,
        ),
        (
            "staff",
            "Personeelsenquête (demo)",
            "personeel-demo.csv",
            DEMO_STAFF,
        ),
        (
            "incidents",
            "Incidentregistratie (demo)",
            "incidenten-demo.csv",
            DEMO_INCIDENTS,
        ),
    ] {
        let source = sources::create(db, &Actor::cli(), kind, name, None)
            .await
            .with_context(|| format!("demo source {name}"))?;
        sources::import(db, &Actor::cli(), source, file, bytes, None)
            .await
            .with_context(|| format!("demo data {file}"))?;
    }
    Ok(())
}
