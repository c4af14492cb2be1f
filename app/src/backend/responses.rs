//! One institution's response: who may read and change it, saving answers (refusing stale writes),
//! submitting, and the comparison with other institutions of the round.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, Statement,
};

use super::answer_batches::{self, BatchWriter, Write};
use super::auth::CurrentUser;
use super::entities::{institution, response, round, user};
use super::state::AppState;
use crate::domain::questionnaire::{Definition, ItemKind};
use crate::domain::response::{
    evaluate, normalise, AnswerError, AnswerSource, Answers, Evaluation, ResponseStatus,
};
use crate::domain::{time, Role};

/// Why a response could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum ResponseError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("the round is not open")]
    RoundClosed,
    #[error("the response has been submitted")]
    Submitted,
    #[error("answers do not fit their items")]
    Invalid(Vec<(String, AnswerError)>),
    #[error("answers were changed by someone else")]
    Stale(Vec<StaleAnswer>),
    #[error("the response is not complete")]
    Incomplete(Box<Evaluation>),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The answer as it is now, when a write was based on an older one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleAnswer {
    pub key: String,
    pub value: String,
    pub revision: i32,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

/// A response with what is needed to work on it.
#[derive(Clone, Debug)]
pub struct ResponseContext {
    pub response: response::Model,
    /// The response's status, parsed when it was read.
    status: ResponseStatus,
    pub round: round::Model,
    pub institution: institution::Model,
    pub definition: Arc<Definition>,
}

/// A stored status, read strictly: a name this version does not know is an error, never a
/// plausible default.
pub fn status_of(row: &response::Model) -> anyhow::Result<ResponseStatus> {
    ResponseStatus::parse(&row.status)
        .with_context(|| format!("response {} has an unknown status {:?}", row.id, row.status))
}

impl ResponseContext {
    pub fn status(&self) -> ResponseStatus {
        self.status
    }

    /// Whether the round accepts answers now.
    pub fn round_open(&self, now: DateTime<Utc>) -> bool {
        self.round.phase(now) == crate::domain::round::RoundPhase::Open
    }

    /// Whether coordinators can change answers now.
    pub fn editable(&self, now: DateTime<Utc>) -> bool {
        self.round_open(now) && self.status().editable()
    }
}

/// Whether `user` may work on (or, for admins, read) a response of `institution` in `round`.
pub fn may_access(user: &CurrentUser, ctx: &ResponseContext, write: bool) -> bool {
    match user.me.role {
        Role::Admin => !write,
        Role::Researcher => false,
        Role::Coordinator => {
            let bound = user.me.institutions.contains(&ctx.institution.code);
            let in_scope = user.scope.is_none_or(|s| {
                s.round_id == ctx.round.id && s.institution_id == ctx.institution.id
            });
            bound && in_scope
        }
    }
}

/// The definition of a published version, parsed once: published versions never change.
pub async fn definition(state: &AppState, version_id: i32) -> anyhow::Result<Arc<Definition>> {
    if let Some(def) = state
        .definitions
        .read()
        .ok()
        .and_then(|m| m.get(&version_id).cloned())
    {
        return Ok(def);
    }
    let stored = super::questionnaires::find(&state.db, version_id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .context("response without version")?;
    let def = Arc::new(stored.definition);
    if stored.status != crate::domain::questionnaire::VersionStatus::Draft {
        if let Ok(mut cache) = state.definitions.write() {
            cache.insert(version_id, def.clone());
        }
    }
    Ok(def)
}

/// Loads a response and checks that `user` may read it (or change it, with `write`).
pub async fn open(
    state: &AppState,
    user: &CurrentUser,
    response_id: i32,
    write: bool,
) -> Result<ResponseContext, ResponseError> {
    // Writes read the rows through a short-lived cache: an autosave repeats them every second.
    // Reads always go to the database (status and submission time are shown).
    let (response, round, institution) = match state.contexts.get(&response_id).filter(|_| write) {
        Some(found) => found,
        None => {
            let found = rows(&state.db, response_id).await?;
            state.contexts.put(response_id, found.clone());
            found
        }
    };
    let definition = definition(state, response.version_id).await?;
    let ctx = ResponseContext {
        status: status_of(&response)?,
        response,
        round,
        institution,
        definition,
    };
    if !may_access(user, &ctx, write) {
        // A role that never reaches responses is refused; another institution's response is
        // reported as missing, so its existence is not disclosed.
        return Err(match user.me.role {
            Role::Coordinator => ResponseError::NotFound,
            Role::Admin | Role::Researcher => ResponseError::Forbidden,
        });
    }
    Ok(ctx)
}

/// Loads a response without a caller (command line, seeding).
pub async fn load(
    db: &impl ConnectionTrait,
    response_id: i32,
) -> Result<ResponseContext, ResponseError> {
    let (response, round, institution) = rows(db, response_id).await?;
    let definition = super::questionnaires::find(db, response.version_id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .context("response without version")?
        .definition;
    Ok(ResponseContext {
        status: status_of(&response)?,
        response,
        round,
        institution,
        definition: Arc::new(definition),
    })
}

/// A response's row, its round and its institution.
pub type ResponseRows = (response::Model, round::Model, institution::Model);

async fn rows(db: &impl ConnectionTrait, response_id: i32) -> Result<ResponseRows, ResponseError> {
    let (response, round, institution) = response::Entity::find_by_id(response_id)
        .find_also_related(round::Entity)
        .find_also(response::Entity, institution::Entity)
        .one(db)
        .await
        .context("read response")?
        .ok_or(ResponseError::NotFound)?;
    let round = round.context("response without round")?;
    let institution = institution.context("response without institution")?;
    Ok((response, round, institution))
}

/// One stored answer. Cleared answers are kept as an empty value with their revision, so later
/// writes based on the old value are still noticed. A response keeps its answers as one document
/// (`responses.answers`, item key → answer); only the user's id is kept, names stay in `users`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredAnswer {
    #[serde(skip)]
    pub item_key: String,
    #[serde(rename = "v")]
    pub value: String,
    #[serde(rename = "r")]
    pub revision: i32,
    /// Last year's answer, when it was carried forward.
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Carried forward and not yet confirmed.
    #[serde(rename = "f", default, skip_serializing_if = "std::ops::Not::not")]
    pub prefilled: bool,
    #[serde(rename = "by", default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<i32>,
    #[serde(rename = "at", with = "chrono::serde::ts_milliseconds")]
    pub updated_at: DateTime<Utc>,
}

/// The answers of a stored document.
pub fn parse_document(text: &str) -> anyhow::Result<Vec<StoredAnswer>> {
    let map: BTreeMap<String, StoredAnswer> =
        serde_json::from_str(text).context("stored answers")?;
    Ok(map
        .into_iter()
        .map(|(key, mut a)| {
            a.item_key = key;
            a
        })
        .collect())
}

/// The document that stores `answers` (each key once).
pub fn document<'a>(
    answers: impl IntoIterator<Item = &'a StoredAnswer, IntoIter: Clone>,
) -> anyhow::Result<String> {
    struct Doc<I>(I);
    impl<'a, I: Iterator<Item = &'a StoredAnswer> + Clone> serde::Serialize for Doc<I> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.clone().map(|a| (a.item_key.as_str(), a)))
        }
    }
    serde_json::to_string(&Doc(answers.into_iter())).context("answers as JSON")
}

/// The answers column as text, for reading.
pub(crate) fn document_column(backend: DbBackend) -> &'static str {
    if backend == DbBackend::Postgres {
        "answers::text"
    } else {
        "answers"
    }
}

/// A text parameter as the answers column's type, for writing.
fn document_param(backend: DbBackend, param: &str) -> String {
    if backend == DbBackend::Postgres {
        format!("{param}::jsonb")
    } else {
        param.to_owned()
    }
}

#[derive(FromQueryResult)]
struct DocumentRow {
    answers_version: i32,
    answers: String,
}

/// The stored answers of a response.
pub async fn answers(
    db: &impl ConnectionTrait,
    response_id: i32,
) -> anyhow::Result<Vec<StoredAnswer>> {
    let backend = db.get_database_backend();
    let row = DocumentRow::find_by_statement(Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT answers_version, {} AS answers FROM responses WHERE id = $1",
            document_column(backend)
        ),
        [response_id.into()],
    ))
    .one(db)
    .await
    .context("read answers")?;
    row.map_or_else(|| Ok(Vec::new()), |r| parse_document(&r.answers))
}

/// Replaces the stored answers of a response (in the caller's transaction, or where no one else
/// writes: a round being created, a submission holding the row).
pub async fn store_answers(
    db: &impl ConnectionTrait,
    response_id: i32,
    answers: &[StoredAnswer],
) -> anyhow::Result<()> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "UPDATE responses SET answers = {} WHERE id = $1",
            document_param(backend, "$2")
        ),
        [response_id.into(), document(answers)?.into()],
    ))
    .await
    .context("store answers")?;
    Ok(())
}

/// Where the answer with this key is (`Err`: where it would go) in rows sorted by key, as
/// documents are read and written.
fn position(rows: &[StoredAnswer], key: &str) -> Result<usize, usize> {
    rows.binary_search_by(|a| a.item_key.as_str().cmp(key))
}

/// The stored answer with this key in rows sorted by key.
fn find<'a>(rows: &'a [StoredAnswer], key: &str) -> Option<&'a StoredAnswer> {
    position(rows, key).ok().map(|i| &rows[i])
}

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

/// The answers with a value, as the rules read them.
pub fn as_answers(rows: &[StoredAnswer]) -> Answers {
    rows.iter()
        .filter(|a| !a.value.is_empty())
        .map(|a| (a.item_key.clone(), a.value.clone()))
        .collect()
}

/// One answer to store: the value (empty clears it) and the revision the writer saw (0: none).
#[derive(Clone, Debug)]
pub struct Change {
    pub key: String,
    pub value: String,
    pub base: i32,
}

/// What a save did.
#[derive(Clone, Debug)]
pub struct Saved {
    /// The revision of every answer written (or found already as written).
    pub revisions: Vec<(String, i32)>,
    pub evaluation: Evaluation,
}

/// The answers of responses as this process last read or wrote them, each with the response's
/// `answers_version` it belongs to (used only while that version is current, so another
/// process's writes are never hidden), and the writer that stores autosaves in batches.
pub struct AnswerStore {
    /// Sorted by key. A save takes a response's entry out while it works on it.
    known: super::cache::TtlCache<i32, (i32, Arc<Vec<StoredAnswer>>)>,
    writer: BatchWriter,
}

impl AnswerStore {
    /// Answers are known for 5 minutes after they were last read or written.
    pub fn new(db: DatabaseConnection) -> Self {
        AnswerStore {
            known: super::cache::TtlCache::new(std::time::Duration::from_secs(300), 10_000),
            writer: BatchWriter::new(db),
        }
    }
}

/// What a save will write, worked out against the stored answers it read.
struct Plan<'a> {
    /// Key, value and the revision it replaces (`None`: a new answer).
    writes: Vec<(&'a str, &'a str, Option<i32>)>,
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
            change.key.as_str(),
            value.as_str(),
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
    Ok(Plan {
        writes,
        revisions,
        evaluation,
    })
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
    writes: &[(&str, &str, Option<i32>)],
) {
    let stored = rows.len();
    for (key, value, revision) in writes {
        let row = match position(&rows[..stored], key) {
            Ok(i) => &mut rows[i],
            Err(_) => {
                rows.push(StoredAnswer {
                    item_key: (*key).to_owned(),
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
        row.value = (*value).to_owned();
        row.revision = revision.unwrap_or(0) + 1;
        row.prefilled = false;
        row.updated_by = user_id;
        row.updated_at = now;
    }
    if rows.len() > stored {
        rows.sort_by(|a, b| a.item_key.cmp(&b.item_key));
    }
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

#[derive(FromQueryResult)]
struct Version {
    answers_version: i32,
}

/// The statement in a single save's parameters: `$1` id, `$2` time, `$3` section or null.
const ONE: [&str; 3] = ["$1", "$2", "$3"];

/// The update every save makes to the response row (`[id, time, section]` as SQL expressions,
/// read from the `from` clause's rows where there is one): marks it in progress, remembers the
/// section and raises the answers version, never on a submitted response; with `set` and
/// `condition` added, returning `returning`.
pub(crate) fn touch_sql(
    from: &str,
    [id, at, section]: [&str; 3],
    set: &str,
    condition: &str,
    returning: &str,
) -> String {
    format!(
        "UPDATE responses SET \
         status = CASE WHEN status = 'not_started' THEN 'in_progress' ELSE status END, \
         updated_at = {at}, answers_version = answers_version + 1, \
         last_section = COALESCE({section}, last_section){set}{from} \
         WHERE id = {id} AND status <> '{submitted}' {condition} RETURNING {returning}",
        submitted = ResponseStatus::Submitted.as_str(),
    )
}

/// Locks the response row for this transaction (refused once submitted), marks it in progress,
/// remembers the section and raises its answers version; returns the new version and the
/// answers, read in the same statement.
async fn lock(
    txn: &DatabaseTransaction,
    response_id: i32,
    now: DateTime<Utc>,
    section: Option<&str>,
) -> Result<(i32, Vec<StoredAnswer>), ResponseError> {
    let backend = txn.get_database_backend();
    let returning = format!("answers_version, {} AS answers", document_column(backend));
    let row = DocumentRow::find_by_statement(Statement::from_sql_and_values(
        backend,
        touch_sql("", ONE, "", "", &returning),
        [
            response_id.into(),
            now.into(),
            section.map(str::to_owned).into(),
        ],
    ))
    .one(txn)
    .await
    .context("lock response")?
    .ok_or(ResponseError::Submitted)?;
    Ok((row.answers_version, parse_document(&row.answers)?))
}

/// Submits a complete response; it is then read-only until an admin reopens it.
/// `receipt`, when given, is queued in the same transaction as the submission.
pub async fn submit(
    db: &DatabaseConnection,
    ctx: &ResponseContext,
    user_id: Option<i32>,
    receipt: Option<(super::mail::outbox::NewMail, &str)>,
) -> Result<(), ResponseError> {
    let now = Utc::now();
    if !ctx.round_open(now) {
        return Err(ResponseError::RoundClosed);
    }
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let done = response::Entity::update_many()
        .col_expr(
            response::Column::Status,
            Expr::value(ResponseStatus::Submitted.as_str()),
        )
        .col_expr(response::Column::SubmittedAt, Expr::value(Some(now)))
        .col_expr(response::Column::SubmittedBy, Expr::value(user_id))
        .col_expr(response::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            response::Column::AnswersVersion,
            Expr::col(response::Column::AnswersVersion).add(1),
        )
        .filter(response::Column::Id.eq(ctx.response.id))
        .filter(response::Column::Status.ne(ResponseStatus::Submitted.as_str()))
        .exec(&txn)
        .await
        .context("submit")?;
    if done.rows_affected == 0 {
        return Err(ResponseError::Submitted);
    }
    let stored = answers(&txn, ctx.response.id).await?;
    let evaluation = evaluate(&ctx.definition, &as_answers(&stored), time::today(now));
    if !evaluation.complete() {
        return Err(ResponseError::Incomplete(Box::new(evaluation)));
    }
    super::mail::outbox::cancel_reminders(&txn, ctx.round.id, ctx.institution.id).await?;
    if let Some((mail, domain)) = receipt {
        super::mail::outbox::enqueue(&txn, None, vec![mail], domain).await?;
    }
    // Submitting confirms the answers carried over from last year.
    if stored.iter().any(|a| a.prefilled) {
        let confirmed: Vec<StoredAnswer> = stored
            .into_iter()
            .map(|a| StoredAnswer {
                prefilled: false,
                ..a
            })
            .collect();
        store_answers(&txn, ctx.response.id, &confirmed).await?;
    }
    super::audit::record(
        &txn,
        &super::audit::Actor {
            user_id,
            email: String::new(),
            ip: None,
        },
        "response.submit",
        &format!("response:{}", ctx.response.id),
        serde_json::json!({ "institution": ctx.institution.code, "round": ctx.round.id }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(())
}

/// Names of the users who changed answers, by id.
pub async fn editor_names(
    db: &impl ConnectionTrait,
    rows: &[StoredAnswer],
) -> anyhow::Result<HashMap<i32, String>> {
    let mut ids: Vec<i32> = rows.iter().filter_map(|a| a.updated_by).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await
        .context("read users")?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// The share of each answer among institutions, for one item.
#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    /// Institutions that answered the item (where it applied).
    pub n: usize,
    /// Code → number of institutions (for choices), in option order.
    pub counts: Vec<(String, usize)>,
    /// For numbers: median and first and third quartile (never the lowest or highest answer:
    /// that is one institution's).
    pub median: Option<f64>,
    pub quartiles: Option<(f64, f64)>,
}

/// The `q` quantile of sorted `values`, interpolated between the two nearest (Hyndman and Fan's
/// type 7, as spreadsheets compute it); `None` for no values.
fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let last = values.len().checked_sub(1)?;
    let at = q * last as f64;
    let (below, above) = (at.floor() as usize, at.ceil() as usize);
    Some(values[below] + (values[above] - values[below]) * (at - below as f64))
}

/// Distributions over the submitted responses of a round per item, for all institutions and for
/// those of `kind`. Items that fewer than `k` institutions answered are left out.
pub async fn distributions(
    state: &AppState,
    ctx: &ResponseContext,
    k: usize,
) -> anyhow::Result<BTreeMap<String, (Option<Distribution>, Option<Distribution>)>> {
    #[derive(FromQueryResult)]
    struct Submitted {
        institution_id: i32,
        answers: String,
    }
    let db = &state.db;
    let backend = db.get_database_backend();
    let submitted = Submitted::find_by_statement(Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT institution_id, {} AS answers FROM responses \
             WHERE round_id = $1 AND status = $2",
            document_column(backend)
        ),
        [
            ctx.round.id.into(),
            ResponseStatus::Submitted.as_str().into(),
        ],
    ))
    .all(db)
    .await
    .context("read submitted responses")?;
    let kinds: HashMap<i32, String> = institution::Entity::find()
        .filter(institution::Column::Id.is_in(submitted.iter().map(|r| r.institution_id)))
        .all(db)
        .await
        .context("read institutions")?
        .into_iter()
        .map(|i| (i.id, i.kind))
        .collect();
    let today = time::today(Utc::now());
    let mut evaluated: Vec<(bool, Answers, Evaluation)> = Vec::with_capacity(submitted.len());
    for r in &submitted {
        let answers = as_answers(&parse_document(&r.answers)?);
        let e = evaluate(&ctx.definition, &answers, today);
        let same = kinds.get(&r.institution_id) == Some(&ctx.institution.kind);
        evaluated.push((same, answers, e));
    }
    let mut out = BTreeMap::new();
    for (_, item) in ctx.definition.items() {
        let codes = match &item.kind {
            ItemKind::SingleChoice { .. }
            | ItemKind::MultipleChoice { .. }
            | ItemKind::Likert { .. }
            | ItemKind::YesNoDontKnow => Some(item.kind.codes()),
            ItemKind::Integer { .. } | ItemKind::Decimal { .. } => None,
            _ => continue,
        };
        let distribution = |only_same: bool| -> Option<Distribution> {
            let values: Vec<&String> = evaluated
                .iter()
                .filter(|(same, _, e)| (!only_same || *same) && e.applicable.contains(&item.key))
                .filter_map(|(_, a, _)| a.get(&item.key))
                .collect();
            if values.len() < k {
                return None;
            }
            let mut d = Distribution {
                n: values.len(),
                counts: Vec::new(),
                median: None,
                quartiles: None,
            };
            match &codes {
                Some(codes) => {
                    d.counts = codes
                        .iter()
                        .map(|c| {
                            let n = values
                                .iter()
                                .filter(|v| v.split_whitespace().any(|x| x == c))
                                .count();
                            (c.clone(), n)
                        })
                        .collect();
                }
                None => {
                    let mut nums: Vec<f64> = values.iter().filter_map(|v| v.parse().ok()).collect();
                    nums.sort_by(f64::total_cmp);
                    if nums.len() >= k {
                        d.median = quantile(&nums, 0.5);
                        d.quartiles = quantile(&nums, 0.25).zip(quantile(&nums, 0.75));
                    }
                }
            }
            Some(d)
        };
        out.insert(item.key.clone(), (distribution(false), distribution(true)));
    }
    Ok(out)
}

/// The responses a coordinator works on: those of their institutions (only the scoped one for a
/// link session), newest round first.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
) -> anyhow::Result<Vec<(response::Model, round::Model, institution::Model)>> {
    let institutions = institution::Entity::find()
        .filter(institution::Column::Code.is_in(user.me.institutions.clone()))
        .all(db)
        .await
        .context("read institutions")?;
    let mut out = Vec::new();
    for inst in institutions {
        for r in response::Entity::find()
            .filter(response::Column::InstitutionId.eq(inst.id))
            .all(db)
            .await
            .context("read responses")?
        {
            if user.scope.is_some_and(|s| s.round_id != r.round_id) {
                continue;
            }
            if let Some(round) = round::Entity::find_by_id(r.round_id)
                .one(db)
                .await
                .context("read round")?
            {
                out.push((r, round, inst.clone()));
            }
        }
    }
    out.sort_by(|a, b| b.1.year.cmp(&a.1.year).then(b.1.id.cmp(&a.1.id)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
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
            &[("c", "2", None), ("b", "5", Some(3)), ("a", "9", None)],
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
