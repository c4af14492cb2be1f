//! What a change says, in Dutch and English: the diff page, the command line and the API.

use super::{Change, ChangeKind};
use crate::i18n::Lang;

impl Change {
    /// What changed and, where comparisons are at risk, why.
    pub fn describe(&self, lang: Lang) -> String {
        use ChangeKind::*;
        let k = &self.key;
        match (&self.kind, lang) {
            (Added, Lang::Nl) => format!("{k}: nieuw; geen vergelijking met eerdere jaren"),
            (Added, Lang::En) => format!("{k}: new; no comparison with earlier years"),
            (Removed, Lang::Nl) => format!("{k}: verwijderd; de tijdreeks stopt"),
            (Removed, Lang::En) => format!("{k}: removed; the time series stops"),
            (Moved { from, to }, Lang::Nl) => format!("{k}: verplaatst van {from} naar {to}"),
            (Moved { from, to }, Lang::En) => format!("{k}: moved from {from} to {to}"),
            (Renamed { from }, Lang::Nl) => {
                format!("{k}: hernoemd (was {from}); vergelijk via de concordantie")
            }
            (Renamed { from }, Lang::En) => {
                format!("{k}: renamed (was {from}); compare through the concordance")
            }
            (TextChanged { field, from, to }, Lang::Nl) => {
                format!("{k}: tekst gewijzigd ({field}): “{from}” → “{to}”")
            }
            (TextChanged { field, from, to }, Lang::En) => {
                format!("{k}: text changed ({field}): “{from}” → “{to}”")
            }
            (TypeChanged { from, to }, Lang::Nl) => {
                format!("{k}: vraagtype {from} → {to}; antwoorden niet vergelijkbaar")
            }
            (TypeChanged { from, to }, Lang::En) => {
                format!("{k}: question type {from} → {to}; answers not comparable")
            }
            (OptionAdded { code }, Lang::Nl) => {
                format!("{k}: optie {code} toegevoegd; aandelen kunnen verschuiven")
            }
            (OptionAdded { code }, Lang::En) => {
                format!("{k}: option {code} added; shares may shift")
            }
            (OptionRemoved { code }, Lang::Nl) => format!(
                "{k}: optie {code} verwijderd; eerdere antwoorden {code} hebben geen tegenhanger"
            ),
            (OptionRemoved { code }, Lang::En) => {
                format!("{k}: option {code} removed; earlier answers {code} have no counterpart")
            }
            (OptionRecoded { from, to }, Lang::Nl) => {
                format!("{k}: optiecode {from} → {to}; hercodeer eerdere antwoorden")
            }
            (OptionRecoded { from, to }, Lang::En) => {
                format!("{k}: option code {from} → {to}; recode earlier answers")
            }
            (ScaleChanged, Lang::Nl) => {
                format!("{k}: schaal gewijzigd; scores niet rechtstreeks vergelijkbaar")
            }
            (ScaleChanged, Lang::En) => {
                format!("{k}: scale changed; scores not directly comparable")
            }
            (CalculationChanged { from, to }, Lang::Nl) => {
                format!("{k}: berekening gewijzigd: “{from}” → “{to}”; de waarden zijn niet rechtstreeks vergelijkbaar")
            }
            (CalculationChanged { from, to }, Lang::En) => {
                format!("{k}: calculation changed: “{from}” → “{to}”; the values are not directly comparable")
            }
            (LogicChanged { field }, Lang::Nl) => {
                format!("{k}: logica gewijzigd ({field}); wie de vraag krijgt kan verschillen")
            }
            (LogicChanged { field }, Lang::En) => {
                format!("{k}: logic changed ({field}); who gets the question may differ")
            }
            (
                UnitChanged { .. }
                | RangeChanged { .. }
                | SectionChanged { .. }
                | PrivacyChanged { .. },
                _,
            ) => self.describe_bounds(lang),
        }
    }

    /// The description of a changed privacy mark, unit, range or section.
    fn describe_bounds(&self, lang: Lang) -> String {
        use ChangeKind::*;
        let k = &self.key;
        match (&self.kind, lang) {
            (UnitChanged { from, to }, Lang::Nl) => format!(
                "{k}: eenheid {} → {}; getallen niet vergelijkbaar",
                or_none(from, lang),
                or_none(to, lang)
            ),
            (UnitChanged { from, to }, Lang::En) => format!(
                "{k}: unit {} → {}; numbers not comparable",
                or_none(from, lang),
                or_none(to, lang)
            ),
            (RangeChanged { field, from, to }, Lang::Nl) => format!(
                "{k}: {field} {} → {}; andere antwoorden toegestaan",
                or_none(from, lang),
                or_none(to, lang)
            ),
            (RangeChanged { field, from, to }, Lang::En) => format!(
                "{k}: {field} {} → {}; other answers allowed",
                or_none(from, lang),
                or_none(to, lang)
            ),
            (SectionChanged { field, from, to }, Lang::Nl) => format!(
                "onderdeel {k}: {field} “{}” → “{}”",
                or_none(from, lang),
                or_none(to, lang)
            ),
            (SectionChanged { field, from, to }, Lang::En) => format!(
                "section {k}: {field} “{}” → “{}”",
                or_none(from, lang),
                or_none(to, lang)
            ),
            (PrivacyChanged { from, to }, Lang::Nl) => {
                format!(
                    "{k}: privacymarkering {} → {}; bepaalt wat ruwe exports bevatten",
                    or_none(from, lang),
                    or_none(to, lang)
                )
            }
            (PrivacyChanged { from, to }, Lang::En) => {
                format!(
                    "{k}: privacy mark {} → {}; decides what raw exports hold",
                    or_none(from, lang),
                    or_none(to, lang)
                )
            }
            _ => String::new(),
        }
    }
}

fn or_none(mark: &str, lang: Lang) -> &str {
    if mark.is_empty() {
        lang.pick("geen", "none")
    } else {
        mark
    }
}
