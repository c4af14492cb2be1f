//! Made-up answers for the demo rounds.

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
            ItemKind::Note | ItemKind::Calculated { .. } => {}
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
            ItemKind::Time => put(key, "09:30".into()),
            ItemKind::DateTime => put(key, "2026-03-01T09:30".into()),
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
