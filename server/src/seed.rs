//! What happens on the first start: an admin when there is none, and (with `--demo`) demo
//! institutions and one account per role.

use anyhow::Context;
use app::backend::audit::Actor;
use app::backend::{questionnaires, register_import, responses, rounds, sources, users};
use app::domain::questionnaire::Definition;
use app::domain::{Email, InstitutionCode, NewPassword, Role};
use rand::distributions::{Alphanumeric, DistString};
use sea_orm::DatabaseConnection;

const DEMO_INSTITUTIONS: &[u8] = include_bytes!("../demo/institutions.csv");
/// Made-up student survey micro-data (JOB-monitor style) for the demo institutions, 2024 and 2025.
const DEMO_STUDENTS: &[u8] = include_bytes!("../demo/job-demo.csv");
/// Made-up staff survey micro-data and incident counts for the demo institutions, 2024 and 2025.
const DEMO_STAFF: &[u8] = include_bytes!("../demo/personeel-demo.csv");
const DEMO_INCIDENTS: &[u8] = include_bytes!("../demo/incidenten-demo.csv");
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

/// The default questionnaire, published as its first version: (version id, definition).
async fn default_questionnaire(db: &DatabaseConnection) -> anyhow::Result<(i32, Definition)> {
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
async fn demo_sources(db: &DatabaseConnection) -> anyhow::Result<()> {
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

/// The demo's admin, researcher and coordinator (of 25PX), each with a random password: one
/// line per account for the start-up message.
async fn demo_accounts(db: &DatabaseConnection) -> anyhow::Result<Vec<String>> {
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
async fn demo_rounds(
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

/// Plausible answers to every question, varied by `seed`; valid for the default questionnaire.
pub fn made_up_answers(
    definition: &app::domain::questionnaire::Definition,
    seed: usize,
) -> Vec<app::backend::responses::Change> {
    use app::domain::questionnaire::ItemKind;
    let mut out = Vec::new();
    let mut put = |key: String, value: String| {
        out.push(app::backend::responses::Change {
            key,
            value,
            base: 0,
        })
    };
    for (n, (_, item)) in definition.items().enumerate() {
        let pick = seed * 7 + n * 3;
        let key = item.key.clone();
        match &item.kind {
            ItemKind::Note => {}
            ItemKind::MultipleChoice { .. } => {
                let codes = item.kind.codes();
                put(key, codes[pick % codes.len()].clone());
            }
            ItemKind::SingleChoice { .. } | ItemKind::Likert { .. } | ItemKind::YesNoDontKnow => {
                let codes = item.kind.codes();
                // Mostly "ja" for yes/no items: a realistic spread that keeps follow-ups shown.
                let index =
                    if matches!(item.kind, ItemKind::YesNoDontKnow) && !pick.is_multiple_of(4) {
                        0
                    } else {
                        pick % codes.len()
                    };
                put(key, codes[index].clone());
            }
            ItemKind::Integer { min, max, .. } => {
                let low = min.unwrap_or(0);
                let high = max.unwrap_or(low + 100).min(low + 200);
                put(key, (low + (pick as i64 % (high - low + 1))).to_string());
            }
            ItemKind::Decimal { .. } => put(key, format!("{}.5", pick % 40)),
            ItemKind::ShortText | ItemKind::LongText => put(key, "Demo-antwoord".into()),
            ItemKind::Date => put(key, "2026-03-01".into()),
            ItemKind::IncidentGrid { categories } => {
                for (j, c) in categories.iter().enumerate() {
                    put(format!("{key}.{}", c.code), ((pick + j) % 9).to_string());
                }
            }
            ItemKind::Matrix { rows, scale } => {
                for (j, r) in rows.iter().enumerate() {
                    put(
                        format!("{key}.{}", r.code),
                        scale[(pick + j) % scale.len()].code.clone(),
                    );
                }
            }
        }
    }
    let answers: app::domain::response::Answers = out
        .iter()
        .map(|c| (c.key.clone(), c.value.clone()))
        .collect();
    let applicable =
        app::domain::response::evaluate(definition, &answers, chrono::Utc::now().date_naive())
            .applicable;
    out.retain(|c| applicable.contains(c.key.split('.').next().unwrap_or("")));
    out
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
