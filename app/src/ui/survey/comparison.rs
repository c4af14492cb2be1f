//! The coordinator's comparison page.

use leptos::prelude::*;

use super::{base, refused, response_id};
use crate::api::survey::{get_comparison, ComparisonView, Shares};
use crate::i18n::{use_lang, Lang};
use crate::ui::layout::Head;

/// `/vragenlijst/:id/vergelijking`: the institution's answers beside the others of the round.
#[component]
pub fn SurveyComparison() -> impl IntoView {
    let id = response_id();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match get_comparison(id).await {
                    Ok(c) => view! { <Comparison c /> }.into_any(),
                    Err(error) => refused(error),
                }
            })}
        </Suspense>
    }
}

fn shares_view(s: Option<Shares>, k: usize, lang: Lang) -> AnyView {
    match s {
        None => view! { <span class="muted">{match lang {
            Lang::Nl => format!("minder dan {k} instellingen — niet getoond"),
            Lang::En => format!("fewer than {k} institutions — not shown"),
        }}</span> }.into_any(),
        Some(s) if s.options.is_empty() => {
            let (q1, q3) = s.quartiles.unwrap_or_default();
            view! { <span>{format!("n = {}; {} {}; {} {q1}–{q3}", s.n, lang.pick("mediaan", "median"), s.median.unwrap_or_default(), lang.pick("middelste helft", "middle half"))}</span> }.into_any()
        }
        Some(s) => view! {
            <span>"n = " {s.n}</span>
            <ul class="bars">
                {s.options.into_iter().map(|(label, n, pct)| view! {
                    <li><span class="bar" style=format!("width: {pct}%")></span> {format!("{label}: {pct}% ({n})")}</li>
                }).collect_view()}
            </ul>
        }.into_any(),
    }
}

#[component]
fn Comparison(c: ComparisonView) -> impl IntoView {
    let lang = use_lang();
    let k = c.k;
    view! {
        <h1>{lang.pick("Vergelijking met andere instellingen", "Comparison with other institutions")}</h1>
        <p class="crumbs"><a href=base(c.response_id)>{c.institution_name.clone()} " · " {c.round_name.clone()}</a></p>
        <p>{match lang {
            Lang::Nl => format!("Uw antwoorden naast de verdeling over alle instellingen die de vragenlijst van deze ronde hebben ingediend, en over de instellingen van hetzelfde type ({}). Een verdeling wordt alleen getoond als ten minste {k} instellingen de vraag beantwoordden.", c.kind),
            Lang::En => format!("Your answers beside the distribution over all institutions that submitted this round's questionnaire, and over institutions of the same type ({}). A distribution is only shown where at least {k} institutions answered the question.", c.kind),
        }}</p>
        <table class="compare">
            <Head columns={&[
                ("Vraag", "Question"),
                ("Uw antwoord", "Your answer"),
                ("Alle instellingen", "All institutions"),
                ("Zelfde type", "Same type"),
            ]} />
            <tbody>
                {c.items.into_iter().map(|i| view! {
                    <tr>
                        <th scope="row">{i.label}</th>
                        <td>{i.own.unwrap_or_else(|| "—".into())}</td>
                        <td>{shares_view(i.all, k, lang)}</td>
                        <td>{shares_view(i.same_kind, k, lang)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
