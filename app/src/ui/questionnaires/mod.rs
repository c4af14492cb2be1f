//! Pages for researchers: questionnaires and versions, a live preview, the diff and publishing.

pub mod diff;
pub mod editor;
pub mod fields;
pub mod list;
pub mod logic_field;
pub mod preview;
pub mod version;

use crate::api::Me;
use crate::domain::questionnaire::VersionStatus;
use crate::domain::Role;
use crate::i18n::Lang;

pub(crate) fn designs(me: &Me) -> bool {
    me.is(Role::Admin) || me.is(Role::Researcher)
}

pub(crate) fn status_label(status: VersionStatus, lang: Lang) -> &'static str {
    match status {
        VersionStatus::Draft => lang.pick("Concept", "Draft"),
        VersionStatus::Published => lang.pick("Gepubliceerd", "Published"),
        VersionStatus::Retired => lang.pick("Ingetrokken", "Retired"),
    }
}
