//! The versions of one questionnaire as analysis reads them: answers given under any version are
//! carried to the newest published one (the target) through the concordances between them, and
//! the target withholds every item as strictly as any version whose answers it holds.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::{carry_forward, evaluate, Answers};
use crate::domain::questionnaire::{keep_strictest_marks, Concordance, Definition};

/// One stored version: its id, number, definition and whether it is still a draft.
pub struct Version {
    pub id: i32,
    pub number: i32,
    pub definition: Definition,
    pub draft: bool,
}

/// Every version of a questionnaire, oldest first, and the target version's number.
pub struct History {
    versions: Vec<Version>,
    target: i32,
}

impl History {
    /// `None` without a published (or retired) version: a draft may still change, so rows never
    /// take its keys.
    pub fn new(mut versions: Vec<Version>) -> Option<History> {
        versions.sort_by_key(|v| v.number);
        let target = versions
            .iter()
            .filter(|v| !v.draft)
            .map(|v| v.number)
            .max()?;
        Some(History { versions, target })
    }

    pub fn target_number(&self) -> i32 {
        self.target
    }

    fn version(&self, id: i32) -> Option<&Version> {
        self.versions.iter().find(|v| v.id == id)
    }

    /// The concordances from version number `from` up to the target, oldest first.
    fn concordances_after(&self, from: i32) -> Vec<&Concordance> {
        self.versions
            .iter()
            .filter(|v| v.number > from && v.number <= self.target)
            .map(|v| &v.definition.concordance)
            .collect()
    }

    /// The target's definition with the strictest privacy mark each item had in any of the
    /// versions `used` (by id): a mark taken away later still holds for answers given under it.
    pub fn protected_target(&self, used: &BTreeSet<i32>) -> Option<Definition> {
        let mut target = self
            .versions
            .iter()
            .find(|v| v.number == self.target)?
            .definition
            .clone();
        for older in self.versions.iter().filter(|v| used.contains(&v.id)) {
            let concordances = self.concordances_after(older.number);
            keep_strictest_marks(&mut target, &older.definition, &concordances);
        }
        Some(target)
    }

    /// The answers given under version `version_id`, as the target asks them: only those that
    /// applied (on `today`) under their own version, carried through the concordances. `None`
    /// for a version this questionnaire does not have.
    pub fn carried(
        &self,
        version_id: i32,
        mut answers: Answers,
        target: &Definition,
        today: NaiveDate,
    ) -> Option<Answers> {
        let own = self.version(version_id)?;
        let applicable = evaluate(&own.definition, &answers, today).applicable;
        answers.retain(|key, _| {
            applicable.contains(key.split_once('.').map_or(key.as_str(), |(base, _)| base))
        });
        Some(carry_forward(
            &answers,
            &self.concordances_after(own.number),
            target,
        ))
    }
}
