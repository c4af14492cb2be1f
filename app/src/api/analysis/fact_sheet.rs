//! An institution's fact sheet and the source it is drawn from.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::{ApiError, FactSheetView};
#[cfg(feature = "ssr")]
use crate::api::{FactRow, FactSource};
#[cfg(feature = "ssr")]
use crate::backend::{
    institutions,
    sources::{self},
};
#[cfg(feature = "ssr")]
use crate::domain::{
    aggregate::{labels, Figure},
    InstitutionKind,
};

/// The fact sheet of an institution: per source the newest year's indicators for the
/// institution, the institutions of its type and the country, with the same suppression as
/// every report. Its coordinators, researchers and admins.
#[server(prefix = "/api", endpoint = "fact_sheet")]
pub async fn fact_sheet(code: String) -> Result<FactSheetView, ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    fact_sheet_of(&state, &user, &code, crate::i18n::detect_lang()).await
}

/// The fact sheet of institution `code` as `user` may see it (the page and its PDF).
#[cfg(feature = "ssr")]
pub async fn fact_sheet_of(
    state: &crate::backend::AppState,
    user: &crate::backend::auth::CurrentUser,
    code: &str,
    lang: crate::i18n::Lang,
) -> Result<FactSheetView, ApiError> {
    let code = code.trim().to_uppercase();
    if !user.me.may_see_institution(&code) {
        return Err(ApiError::Forbidden);
    }
    let institution = institutions::find(&state.db, &code)
        .await?
        .ok_or(ApiError::NotFound)?;
    // The register's label, as the figures' `type` breakdown has it.
    let kind = InstitutionKind::parse(&institution.kind).map_or_else(
        || institution.kind.clone(),
        |k| k.label(crate::i18n::Lang::Nl).to_owned(),
    );
    let settings = &state.settings;
    let sources = sources::safety_figures(&state.db, settings.thresholds, settings.figures)
        .await?
        .into_iter()
        .filter_map(|s| fact_source(s, &code, &kind, lang))
        .collect();
    Ok(FactSheetView {
        code,
        name: institution.name,
        kind,
        sources,
        thresholds: settings.thresholds,
    })
}

/// A source's rows on the fact sheet of institution `code` (of type `kind`), of the newest year
/// with figures of the institution; `None` without any.
#[cfg(feature = "ssr")]
fn fact_source(
    s: sources::SourceFigures,
    code: &str,
    kind: &str,
    lang: crate::i18n::Lang,
) -> Option<FactSource> {
    let figures = &s.figures;
    let year = figures
        .iter()
        .filter(|f| f.breakdown == "brin" && f.group == code)
        .map(|f| f.year)
        .max()?;
    let cell = |year: i64, breakdown: &str, group: &str, indicator: &str| {
        figures
            .iter()
            .find(|f| f.key() == (year, breakdown, group, indicator))
    };
    let shown =
        |f: Option<&Figure>| f.and_then(|f| f.value.zip(f.n).map(|(v, n)| (v, f.interval, n)));
    let rows = s
        .kind
        .report_indicators()
        .into_iter()
        .map(|indicator| {
            let own = cell(year, "brin", code, &indicator);
            FactRow {
                label: labels::of(labels::INDICATORS, &indicator, lang),
                differs: own.and_then(|f| f.versus).is_some_and(|v| v.differs),
                own: shown(own),
                own_before: shown(cell(year - 1, "brin", code, &indicator))
                    .or_else(|| shown(cell(year - 2, "brin", code, &indicator)))
                    .map(|(v, _, _)| v),
                same_type: shown(cell(year, "type", kind, &indicator)),
                national: shown(cell(year, "national", "all", &indicator)),
                indicator,
            }
        })
        .collect();
    Some(FactSource {
        name: s.source.name,
        kind: s.source.kind,
        year,
        rows,
    })
}
