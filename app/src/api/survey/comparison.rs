//! A coordinator's comparison: own answers beside the same type and the whole country.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::responses;
#[cfg(feature = "ssr")]
use crate::domain::response::display;
#[cfg(feature = "ssr")]
use crate::domain::response::ResponseStatus;

/// One item of the comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparedItem {
    pub key: String,
    pub label: String,
    pub own: Option<String>,
    pub all: Option<Shares>,
    pub same_kind: Option<Shares>,
}

/// How institutions answered: per option the number and share, or for numbers the median and the
/// first and third quartile (no lowest or highest answer: that would be one institution's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shares {
    pub n: usize,
    pub options: Vec<(String, usize, u32)>,
    pub median: Option<f64>,
    pub quartiles: Option<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonView {
    pub response_id: i32,
    pub round_name: String,
    pub institution_name: String,
    pub kind: String,
    pub k: usize,
    pub items: Vec<ComparedItem>,
}

/// The institution's answers beside those of all submitted institutions of the round (and of the
/// same type), only where at least k institutions answered. Coordinators, after submitting.
#[server(prefix = "/api", endpoint = "get_comparison")]
pub async fn get_comparison(id: i32) -> Result<ComparisonView, ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    let ctx = responses::open(&state, &user, id, false).await?;
    if ctx.status() != ResponseStatus::Submitted {
        return Err(ApiError::invalid(
            "status",
            "De vergelijking is te zien nadat de vragenlijst is ingediend.",
            "The comparison is shown once the questionnaire has been submitted.",
        ));
    }
    let k = state.settings.min_institutions;
    let lang = crate::i18n::detect_lang();
    let own = responses::as_answers(&responses::answers(&state.db, id).await?);
    let dists = responses::distributions(&state, &ctx, k).await?;
    let def = &ctx.definition;
    let shares = |d: &crate::domain::response::comparison::Distribution, key: &str| Shares {
        n: d.n,
        options: d
            .counts
            .iter()
            .map(|(code, n)| {
                (
                    display(def, key, code, lang),
                    *n,
                    (*n * 100 + d.n / 2).checked_div(d.n).unwrap_or(0) as u32,
                )
            })
            .collect(),
        median: d.median,
        quartiles: d.quartiles,
    };
    let items = def
        .items()
        .filter_map(|(_, item)| {
            let (all, same) = dists.get(&item.key)?;
            Some(ComparedItem {
                key: item.key.clone(),
                label: item.label.get(lang).to_owned(),
                own: own.get(&item.key).map(|v| display(def, &item.key, v, lang)),
                all: all.as_ref().map(|d| shares(d, &item.key)),
                same_kind: same.as_ref().map(|d| shares(d, &item.key)),
            })
        })
        .collect();
    let kind = crate::domain::InstitutionKind::parse(&ctx.institution.kind)
        .map(|k| k.label(lang).to_owned())
        .unwrap_or_else(|| ctx.institution.kind.clone());
    Ok(ComparisonView {
        response_id: id,
        round_name: ctx.round.name.clone(),
        institution_name: ctx.institution.name.clone(),
        kind,
        k,
        items,
    })
}
