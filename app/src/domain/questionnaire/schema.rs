//! The JSON Schema of a questionnaire definition, generated from the model itself (with its
//! doc comments as descriptions), so that what the schema allows is what the importer reads.

use super::Definition;

/// The schema served at `/schema/questionnaire.json`.
pub fn schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Definition)).unwrap_or_default();
    if let Some(object) = schema.as_object_mut() {
        object.insert("$id".into(), "/schema/questionnaire.json".into());
        object.insert(
            "title".into(),
            "MIV-mbo questionnaire definition / vragenlijstdefinitie".into(),
        );
    }
    schema
}
