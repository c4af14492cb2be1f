//! The questionnaire definition model: versions hold sections of items with stable keys, texts in
//! Dutch and English, and logic expressions. Pure data and rules; storage lives in the backend.

mod diff;
pub mod edit;
mod model;
#[cfg(feature = "ssr")]
mod schema;
mod validate;

pub use diff::{diff, keep_strictest_marks, weakened_marks, Change, ChangeKind, Severity};
pub use model::*;
#[cfg(feature = "ssr")]
pub use schema::schema;
pub use validate::{
    calculated_type, scope_for, texts, untranslated, validate, validate_for_publishing,
    DefinitionProblem, ProblemKind,
};

#[cfg(test)]
mod tests;
