//! The fact sheet as a PDF: per source, each indicator with a bar for the institution, the
//! institutions of its type and the country (what is not shown has no bar), and the same
//! suppression as the page.

use super::{Layout, Style};
use crate::i18n::Lang;
use crate::types::{fact_cell, FactSheetView};

/// The fact sheet as a PDF.
pub fn fact_sheet(sheet: &FactSheetView, lang: Lang) -> anyhow::Result<Vec<u8>> {
    let mut layout = Layout::new()?;
    let title = format!(
        "{} {} ({})",
        lang.pick("Feitenblad", "Fact sheet"),
        sheet.name,
        sheet.code
    );
    layout.heading(&title, 16.0);
    layout.paragraph(
        &match lang {
            Lang::Nl => format!("Eigen cijfers naast die van instellingen van dezelfde soort ({}) en het landelijke beeld, uit de nieuwste meting van elke bron. Cijfers over minder dan {} respondenten, en cijfers waaruit die te herleiden zijn, worden niet getoond.", sheet.kind, sheet.thresholds.shares),
            Lang::En => format!("Own figures beside those of institutions of the same type ({}) and the national picture, from the newest measurement of each source. Figures about fewer than {} respondents, and figures they could be derived from, are not shown.", sheet.kind, sheet.thresholds.shares),
        },
        Style::BODY,
    );
    if sheet.sources.is_empty() {
        layout.paragraph(
            lang.pick("Er zijn nog geen cijfers.", "There are no figures yet."),
            Style::BODY,
        );
    }
    for source in &sheet.sources {
        layout.heading(&format!("{} — {}", source.name, source.year), 13.0);
        let scale = source.bar_scale();
        for row in &source.rows {
            let differs = if row.differs {
                lang.pick(
                    " — verschilt van de rest van het land",
                    " — differs from the rest of the country",
                )
            } else {
                ""
            };
            layout.paragraph(&format!("{}{differs}", row.label), Style::LABEL);
            for (who, shown, grey) in [
                (
                    lang.pick("Eigen instelling", "Own institution"),
                    row.own,
                    40,
                ),
                (lang.pick("Zelfde soort", "Same type"), row.same_type, 120),
                (lang.pick("Landelijk", "National"), row.national, 170),
            ] {
                let text = fact_cell(&source.kind, shown, lang);
                layout.bar(who, shown.map(|(v, _, _)| scale(v)), &text, grey);
            }
            layout.gap(4.0);
        }
    }
    layout.finish(&title, lang.code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::aggregate::Thresholds;
    use crate::types::{FactRow, FactSource};

    #[test]
    fn a_fact_sheet_with_hidden_figures_is_a_pdf() {
        let row = |own| FactRow {
            indicator: "feels_safe".into(),
            label: "Voelt zich veilig".into(),
            own,
            own_before: None,
            same_type: Some((0.8, Some((0.75, 0.85)), 400)),
            national: Some((0.82, None, 9000)),
            differs: true,
        };
        let sheet = FactSheetView {
            code: "25PX".into(),
            name: "ROC Midden-Voorbeeld".into(),
            kind: "ROC".into(),
            sources: vec![FactSource {
                name: "JOB-monitor".into(),
                kind: "students".into(),
                year: 2025,
                rows: vec![row(Some((0.7, Some((0.6, 0.8)), 120))), row(None)],
            }],
            thresholds: Thresholds::default(),
        };
        let pdf = fact_sheet(&sheet, Lang::Nl).expect("a PDF");
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
