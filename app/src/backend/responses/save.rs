//! Saving answers: planning the writes against the stored answers (stale and hidden answers are
//! refused), then writing them in a batch or in a transaction of their own.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbBackend, FromQueryResult, Statement};

use super::document::{document, find, position, store_answers, StoredAnswer};
use super::row::{lock, touch_sql, Version, ONE};
use super::store::{AnswerStore, Change, Saved};
use super::submit::editor_names;
use super::{ResponseContext, ResponseError, StaleAnswer};
use crate::backend::answer_batches::{self, Write};
use crate::backend::state::AppState;
use crate::domain::questionnaire::{Definition, ItemKind};
use crate::domain::response::{evaluate, normalise, AnswerError, AnswerSource, Evaluation};
use crate::domain::time;

/// The answers a save would leave: its changes over the stored rows (sorted by key), for
/// evaluating them without copying the stored ones.
struct Overlay<'a> {
    stored: &'a [StoredAnswer],
    /// Sorted by key, each key once (`save` keeps the last change of a key).
    changes: Vec<(&'a str, &'a str)>,
}

impl<'a> Overlay<'a> {
    fn new(stored: &'a [StoredAnswer], normalised: &'a [(&'a Change, String)]) -> Self {
        let mut changes: Vec<(&str, &str)> = normalised
            .iter()
            .map(|(c, v)| (c.key.as_str(), v.as_str()))
            .collect();
        changes.sort_by_key(|(k, _)| *k);
        Overlay { stored, changes }
    }
}

impl AnswerSource for Overlay<'_> {
    fn answer(&self, key: &str) -> Option<&str> {
        let value = match self.changes.binary_search_by(|(k, _)| (*k).cmp(key)) {
            Ok(i) => self.changes[i].1,
            Err(_) => find(self.stored, key)?.value.as_str(),
        };
        (!value.is_empty()).then_some(value)
    }
}

/// What a save will write, worked out against the stored answers it read.
struct Plan<'a> {
    /// Key, value and the revision it replaces (`None`: a new answer); calculations' new
    /// values are owned, the answers given are borrowed.
    writes: Vec<(Cow<'a, str>, Cow<'a, str>, Option<i32>)>,
    revisions: Vec<(String, i32)>,
    evaluation: Evaluation,
}

/// Why a plan cannot be written as it is.
enum Refusal {
    Hidden(Vec<(String, AnswerError)>),
    Stale(Vec<StaleAnswer>),
}

/// Checks the changes against the stored answers: a change based on an older revision is stale
/// (unless it stores what is there already), an answer to a hidden item is refused.
fn plan<'a>(
    def: &Definition,
    stored: &[StoredAnswer],
    normalised: &'a [(&'a Change, String)],
    now: DateTime<Utc>,
) -> Result<Plan<'a>, Refusal> {
    let mut stale = Vec::new();
    let mut writes = Vec::new();
    let mut revisions = Vec::new();
    for (change, value) in normalised {
        let existing = find(stored, &change.key);
        let revision = existing.map_or(0, |a| a.revision);
        let same = existing.is_some_and(|a| a.value == *value && !a.prefilled)
            || (existing.is_none() && value.is_empty());
        if same {
            revisions.push((change.key.clone(), revision));
            continue;
        }
        if change.base != revision {
            if let Some(a) = existing {
                stale.push(StaleAnswer {
                    key: a.item_key.clone(),
                    value: a.value.clone(),
                    revision: a.revision,
                    by: None,
                    at: a.updated_at,
                });
            }
            continue;
        }
        revisions.push((change.key.clone(), revision + 1));
        writes.push((
            Cow::Borrowed(change.key.as_str()),
            Cow::Borrowed(value.as_str()),
            existing.map(|a| a.revision),
        ));
    }
    let evaluation = evaluate(def, &Overlay::new(stored, normalised), time::today(now));
    let hidden: Vec<(String, AnswerError)> = normalised
        .iter()
        .filter(|(c, v)| {
            !v.is_empty()
                && !evaluation
                    .applicable
                    .contains(c.key.split('.').next().unwrap_or(""))
        })
        .map(|(c, _)| (c.key.clone(), AnswerError::NotApplicable))
        .collect();
    if !hidden.is_empty() {
        return Err(Refusal::Hidden(hidden));
    }
    if !stale.is_empty() {
        return Err(Refusal::Stale(stale));
    }
    if !writes.is_empty() {
        writes.extend(calculations(def, stored, &evaluation));
    }
    Ok(Plan {
        writes,
        revisions,
        evaluation,
    })
}

/// The calculations whose stored value the answers change: the new value (empty when the
/// calculation no longer applies or gives nothing) with the revision it replaces.
fn calculations<'a>(
    def: &Definition,
    stored: &[StoredAnswer],
    evaluation: &Evaluation,
) -> Vec<(Cow<'a, str>, Cow<'a, str>, Option<i32>)> {
    def.items()
        .filter(|(_, item)| matches!(item.kind, ItemKind::Calculated { .. }))
        .filter_map(|(_, item)| {
            let new = evaluation
                .calculated
                .get(&item.key)
                .map_or("", String::as_str);
            let existing = find(stored, &item.key);
            (existing.map_or("", |a| a.value.as_str()) != new).then(|| {
                (
                    Cow::Owned(item.key.clone()),
                    Cow::Owned(new.to_owned()),
                    existing.map(|a| a.revision),
                )
            })
        })
        .collect()
}

/// The changes in their order, of a key given more than once only the last.
fn last_of_each_key(changes: &[Change]) -> Vec<&Change> {
    let mut given = HashSet::with_capacity(changes.len());
    let mut last: Vec<&Change> = changes
        .iter()
        .rev()
        .filter(|c| given.insert(c.key.as_str()))
        .collect();
    last.reverse();
    last
}

/// Applies `writes` (each key once) to the stored answers (sorted by key, and kept so).
fn apply_writes(
    rows: &mut Vec<StoredAnswer>,
    user_id: Option<i32>,
    now: DateTime<Utc>,
    writes: &[(Cow<str>, Cow<str>, Option<i32>)],
) {
    let stored = rows.len();
    for (key, value, revision) in writes {
        let row = match position(&rows[..stored], key) {
            Ok(i) => &mut rows[i],
            Err(_) => {
                rows.push(StoredAnswer {
                    item_key: key.to_string(),
                    value: String::new(),
                    revision: 0,
                    previous: None,
                    prefilled: false,
                    updated_by: None,
                    updated_at: now,
                });
                let last = rows.len() - 1;
                &mut rows[last]
            }
        };
        row.value = value.to_string();
        row.revision = revision.unwrap_or(0) + 1;
        row.prefilled = false;
        row.updated_by = user_id;
        row.updated_at = now;
    }
    if rows.len() > stored {
        rows.sort_by(|a, b| a.item_key.cmp(&b.item_key));
    }
}

/// A save through the web (the survey module's or a section form's): `user_id`'s changes, with
/// the process's answer store (autosaves in batches).
pub async fn save_by(
    state: &AppState,
    ctx: &ResponseContext,
    user_id: i32,
    changes: &[Change],
    section: Option<&str>,
) -> Result<Saved, ResponseError> {
    save(
        &state.db,
        Some(&state.answers),
        ctx,
        Some(user_id),
        changes,
        section,
    )
    .await
}

/// Stores answers. Every value is checked against its item; a write whose base revision is not
/// the current one is refused (unless it stores what is already there, as a retry does).
///
/// A save whose answers this process already knows (cached at their answers version, or none
/// yet) is one statement that writes only while that version is current (on PostgreSQL shared
/// with the saves of other responses arriving meanwhile, see `answer_batches`). Otherwise it is a
/// transaction that first locks the response row (which serialises writers of the response),
/// reading its answers in the same statement.
pub async fn save(
    db: &DatabaseConnection,
    store: Option<&AnswerStore>,
    ctx: &ResponseContext,
    user_id: Option<i32>,
    changes: &[Change],
    section: Option<&str>,
) -> Result<Saved, ResponseError> {
    let now = Utc::now();
    if !ctx.round_open(now) {
        return Err(ResponseError::RoundClosed);
    }
    let def = &ctx.definition;
    let mut normalised = Vec::with_capacity(changes.len());
    let mut refused = Vec::new();
    for c in last_of_each_key(changes) {
        match normalise(def, &c.key, &c.value) {
            Ok(v) => normalised.push((c, v.unwrap_or_default())),
            Err(e) => refused.push((c.key.clone(), e)),
        }
    }
    if !refused.is_empty() {
        return Err(ResponseError::Invalid(refused));
    }
    let section = section.filter(|s| def.sections.iter().any(|x| x.key == *s));
    let id = ctx.response.id;
    if let Some(saved) = save_if_current(db, store, ctx, user_id, &normalised, section, now).await?
    {
        return Ok(saved);
    }
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let (version, stored) = lock(&txn, id, now, section).await?;
    let p = match plan(def, &stored, &normalised, now) {
        Ok(p) => p,
        Err(Refusal::Hidden(hidden)) => return Err(ResponseError::Invalid(hidden)),
        Err(Refusal::Stale(mut stale)) => {
            let changed: Vec<StoredAnswer> = stored
                .iter()
                .filter(|a| stale.iter().any(|s| s.key == a.item_key))
                .cloned()
                .collect();
            let names = editor_names(&txn, &changed).await?;
            for s in &mut stale {
                s.by = changed
                    .iter()
                    .find(|a| a.item_key == s.key)
                    .and_then(|a| a.updated_by)
                    .and_then(|id| names.get(&id).cloned());
            }
            return Err(ResponseError::Stale(stale));
        }
    };
    let Plan {
        writes,
        revisions,
        evaluation,
    } = p;
    let mut after = stored;
    if !writes.is_empty() {
        apply_writes(&mut after, user_id, now, &writes);
        store_answers(&txn, id, &after).await?;
    }
    txn.commit().await.context("commit")?;
    if let Some(store) = store {
        store.known.put(id, (version, Arc::new(after)));
    }
    Ok(Saved {
        revisions,
        evaluation,
    })
}

/// When this process knows the response's answers (cached with their answers version, or none
/// yet): checks the changes against them and writes the answers in one statement that succeeds
/// only while that version is current. `None` leaves the save to the transaction: when the
/// answers are not known, when nothing changes, when a change is refused (the refusal is then
/// made on fresh answers) or when the version moved.
async fn save_if_current(
    db: &DatabaseConnection,
    store: Option<&AnswerStore>,
    ctx: &ResponseContext,
    user_id: Option<i32>,
    normalised: &[(&Change, String)],
    section: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Saved>, ResponseError> {
    let id = ctx.response.id;
    // Taken out of the cache while this save works on them: a save that does not write leaves
    // them out, and the transaction that then runs reads them afresh.
    let known = match store.and_then(|s| s.known.take(&id)) {
        Some(found) => found,
        None if ctx.response.answers_version == 0 => (0, Arc::new(Vec::new())),
        None => return Ok(None),
    };
    let (version, mut after) = known;
    let Ok(p) = plan(&ctx.definition, &after, normalised, now) else {
        return Ok(None);
    };
    if p.writes.is_empty() {
        return Ok(None);
    }
    apply_writes(Arc::make_mut(&mut after), user_id, now, &p.writes);
    let backend = db.get_database_backend();
    let written = if backend == DbBackend::Postgres {
        // Only the written answers travel; `||` puts them into the stored document. Saves
        // arriving together share a statement.
        let written = p.writes.iter().filter_map(|(key, _, _)| find(&after, key));
        let write = Write {
            response_id: id,
            version,
            at: now,
            section: section.map(str::to_owned),
            written: document(written)?,
        };
        match store {
            Some(store) => store.writer.write(write).await?,
            None => answer_batches::write_now(db, write).await?,
        }
    } else {
        let sql = touch_sql(
            "",
            ONE,
            ", answers = $4",
            "AND answers_version = $5",
            "answers_version",
        );
        Version::find_by_statement(Statement::from_sql_and_values(
            backend,
            sql,
            [
                id.into(),
                now.into(),
                section.map(str::to_owned).into(),
                document(after.iter())?.into(),
                version.into(),
            ],
        ))
        .one(db)
        .await
        .context("write answers")?
        .map(|v| v.answers_version)
    };
    let Some(written) = written else {
        return Ok(None);
    };
    if let Some(store) = store {
        store.known.put(id, (written, after));
    }
    Ok(Some(Saved {
        revisions: p.revisions,
        evaluation: p.evaluation,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::responses::as_answers;
    use crate::domain::response::tests::definition;

    fn row(key: &str, value: &str, revision: i32) -> StoredAnswer {
        StoredAnswer {
            item_key: key.into(),
            value: value.into(),
            revision,
            previous: None,
            prefilled: false,
            updated_by: None,
            updated_at: Utc::now(),
        }
    }

    fn change(key: &str, value: &str, base: i32) -> Change {
        Change {
            key: key.into(),
            value: value.into(),
            base,
        }
    }

    #[test]
    fn of_a_key_given_twice_the_last_change_counts() {
        let changes = [
            change("a", "1", 0),
            change("b", "2", 0),
            change("a", "3", 0),
        ];
        let kept: Vec<(&str, &str)> = last_of_each_key(&changes)
            .into_iter()
            .map(|c| (c.key.as_str(), c.value.as_str()))
            .collect();
        assert_eq!(kept, vec![("b", "2"), ("a", "3")]);
    }

    #[test]
    fn writes_update_rows_in_place_and_keep_new_ones_in_key_order() {
        let mut rows = vec![row("b", "1", 3), row("d", "x", 1)];
        let now = Utc::now();
        apply_writes(
            &mut rows,
            Some(7),
            now,
            &[("c", "2", None), ("b", "5", Some(3)), ("a", "9", None)]
                .map(|(k, v, r)| (Cow::Borrowed(k), Cow::Borrowed(v), r)),
        );
        let seen: Vec<(&str, &str, i32)> = rows
            .iter()
            .map(|a| (a.item_key.as_str(), a.value.as_str(), a.revision))
            .collect();
        assert_eq!(
            seen,
            vec![("a", "9", 1), ("b", "5", 4), ("c", "2", 1), ("d", "x", 1)]
        );
        assert_eq!(rows[1].updated_by, Some(7));
        assert_eq!(
            rows[3].updated_by, None,
            "an answer not written is left as it was"
        );
    }

    #[test]
    fn the_overlay_reads_as_the_merged_answers() {
        let stored = vec![
            row("aantal", "4", 1),
            row("incidenten", "ja", 2),
            row("soorten", "", 3),
        ];
        let changes = [
            change("registratie.geweld", "1", 0),
            change("aantal", "", 1),
            change("soorten", "a", 3),
        ];
        let normalised: Vec<(&Change, String)> =
            changes.iter().map(|c| (c, c.value.clone())).collect();
        let overlay = Overlay::new(&stored, &normalised);
        let mut merged = as_answers(&stored);
        for c in &changes {
            if c.value.is_empty() {
                merged.remove(&c.key);
            } else {
                merged.insert(c.key.clone(), c.value.clone());
            }
        }
        for key in [
            "aantal",
            "incidenten",
            "soorten",
            "registratie.geweld",
            "weg",
        ] {
            assert_eq!(overlay.answer(key), merged.answer(key), "{key}");
        }
        assert_eq!(
            overlay.answer("aantal"),
            None,
            "a cleared answer is unanswered"
        );
        let today = time::today(Utc::now());
        assert_eq!(
            evaluate(&definition(), &overlay, today),
            evaluate(&definition(), &merged, today)
        );
    }

    #[test]
    fn a_plan_refuses_stale_changes_and_answers_to_hidden_items() {
        let def = definition();
        let stored = vec![row("incidenten", "nee", 2)];
        let now = Utc::now();
        let stale = [change("incidenten", "ja", 1)];
        let normalised: Vec<(&Change, String)> =
            stale.iter().map(|c| (c, c.value.clone())).collect();
        assert!(matches!(
            plan(&def, &stored, &normalised, now),
            Err(Refusal::Stale(s)) if s.len() == 1 && s[0].value == "nee"
        ));
        let hidden = [change("aantal", "3", 0)];
        let normalised: Vec<(&Change, String)> =
            hidden.iter().map(|c| (c, c.value.clone())).collect();
        assert!(matches!(
            plan(&def, &stored, &normalised, now),
            Err(Refusal::Hidden(h)) if h[0].0 == "aantal"
        ));
        let both = [change("incidenten", "ja", 2), change("aantal", "3", 0)];
        let normalised: Vec<(&Change, String)> =
            both.iter().map(|c| (c, c.value.clone())).collect();
        let p = plan(&def, &stored, &normalised, now)
            .ok()
            .expect("shown by the change beside it");
        assert_eq!(p.writes.len(), 2);
        assert_eq!(
            p.revisions,
            vec![("incidenten".into(), 3), ("aantal".into(), 1)]
        );
    }
}
