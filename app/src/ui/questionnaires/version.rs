//! `/vragenlijsten/versie/:id`: one version — publish, new draft, download, compare, preview.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::editor::{Editor, EditorActions};
use super::{designs, preview::Preview, status_label};
use crate::api::questionnaires::{
    get_version, NewDraft, PublishVersion, RetireVersion, VersionView,
};
use crate::domain::questionnaire::{untranslated, Definition, VersionStatus};
use crate::i18n::use_lang;
use crate::ui::layout::{Guarded, Problem};

#[component]
pub fn VersionPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let publish = ServerAction::<PublishVersion>::new();
    // Created outside the guard's Suspense, so each is made once per page.
    let edits = EditorActions::new();
    let version = Resource::new(
        move || (id(), publish.version().get(), edits.version()),
        |(id, _, _)| get_version(id),
    );
    let lang = use_lang();
    view! {
        <Guarded allow=designs>
            <Suspense fallback=|| ()>
                {move || version.get().map(|r| match r {
                    Ok(v) => view! { <VersionBody v publish edits /> }.into_any(),
                    Err(error) => view! { <h1>{lang.pick("Versie", "Version")}</h1><Problem error /> }.into_any(),
                })}
            </Suspense>
        </Guarded>
    }
}

#[component]
fn VersionBody(
    v: VersionView,
    publish: ServerAction<PublishVersion>,
    edits: EditorActions,
) -> impl IntoView {
    let lang = use_lang();
    let new_draft = ServerAction::<NewDraft>::new();
    let retire = ServerAction::<RetireVersion>::new();
    let is_published = v.summary.status == VersionStatus::Published;
    let retire_id = v.summary.id.to_string();
    let s = v.summary.clone();
    let title = v.definition.title.get(lang).to_owned();
    let heading = format!("{title} — {} {}", lang.pick("versie", "version"), s.number);
    let is_draft = s.status == VersionStatus::Draft;
    let (draft_from, publish_id) = (s.id.to_string(), s.id.to_string());
    view! {
        <h1>{heading}</h1>
        <p><strong>{status_label(s.status, lang)}</strong> " · " <code>{s.key.clone()}</code>
            {s.published_at.clone().map(|at| format!(" · {} {at}", lang.pick("gepubliceerd", "published")))}</p>
        {(!s.changelog.is_empty()).then(|| view! { <p>{s.changelog.clone()}</p> })}
        {(!v.definition.concordance.is_empty()).then(|| {
            let c = v.definition.concordance.clone();
            let keys = c.keys.into_iter().map(|(old, new)| format!("{old} → {new}"));
            let codes = c.codes.into_iter().flat_map(|(key, m)| m.into_iter().map(move |(old, new)| format!("{key}: {old} → {new}")));
            view! {
                <h2>{lang.pick("Concordantie met de vorige versie", "Concordance with the previous version")}</h2>
                <ul>{keys.chain(codes).map(|line| view! { <li><code>{line}</code></li> }).collect_view()}</ul>
            }
        })}
        <div class="toolbar">
            <a class="button" href=format!("/export/vragenlijst/{}", s.id) download="">{lang.pick("Download JSON", "Download JSON")}</a>
            <a class="button" href=format!("/export/vragenlijst/{}?formaat=xlsx", s.id) download="">{lang.pick("Download XLSForm", "Download XLSForm")}</a>
            {(!is_draft).then(|| view! {
                <ActionForm action=new_draft attr:class="inline">
                    <input type="hidden" name="from" value=draft_from.clone() />
                    <button type="submit">{lang.pick("Nieuwe conceptversie op basis hiervan", "New draft based on this")}</button>
                </ActionForm>
            })}
        </div>
        {is_published.then(|| view! {
            <ActionForm action=retire attr:class="inline">
                <input type="hidden" name="id" value=retire_id.clone() />
                <button type="submit" class="secondary">{lang.pick("Intrekken (niet meer gebruiken voor nieuwe rondes)", "Retire (no longer use for new rounds)")}</button>
            </ActionForm>
        })}
        {move || retire.value().get().map(|r| match r {
            Ok(()) => view! { <p class="ok" role="status">{lang.pick("Ingetrokken. Ververs de pagina om de status te zien.", "Retired. Reload the page to see the status.")}</p> }.into_any(),
            Err(error) => view! { <Problem error /> }.into_any(),
        })}
        {move || new_draft.value().get().and_then(Result::err).map(|error| view! { <Problem error /> })}
        {(!v.siblings.is_empty()).then(|| view! {
            <form method="get" action="/vragenlijsten/verschil" class="filters">
                <input type="hidden" name="b" value=s.id.to_string() />
                <label for="a">{lang.pick("Vergelijk met versie", "Compare with version")}</label>
                <select id="a" name="a">
                    {v.siblings.iter().map(|o| view! { <option value=o.id.to_string()>{o.number} " (" {status_label(o.status, lang)} ")"</option> }).collect_view()}
                </select>
                <button type="submit">{lang.pick("Toon verschillen", "Show differences")}</button>
            </form>
        })}
        {is_draft.then(|| view! { <Untranslated definition=v.definition.clone() /> })}
        {is_draft.then(|| view! {
            <section class="panel" aria-labelledby="publish-title">
                <h2 id="publish-title">{lang.pick("Publiceren", "Publish")}</h2>
                <p>{lang.pick("Een gepubliceerde versie verandert nooit meer; antwoorden verwijzen ernaar.", "A published version never changes again; answers refer to it.")}</p>
                <ActionForm action=publish attr:class="stack">
                    <input type="hidden" name="id" value=publish_id.clone() />
                    <label for="changelog">{lang.pick("Wat is er veranderd?", "What changed?")}</label>
                    <textarea id="changelog" name="changelog" rows="3" required></textarea>
                    <button type="submit">{lang.pick("Publiceren", "Publish")}</button>
                </ActionForm>
                {move || publish.value().get().and_then(Result::err).map(|error| view! { <Problem error /> })}
            </section>
        })}
        {is_draft.then(|| view! { <Editor id=s.id definition=v.definition.clone() actions=edits /> }.into_any())}
        <h2>{lang.pick("Voorbeeld", "Preview")}</h2>
        <p>{lang.pick("Zo ziet de coördinator de vragen; de logica werkt zoals in de echte vragenlijst.", "This is how the coordinator sees the questions; the logic works as in the real questionnaire.")}</p>
        {view! { <Preview definition=v.definition today=v.today /> }.into_any()}
    }
}

/// The texts a draft has only in another language: a warning now, a refusal at publishing.
#[component]
fn Untranslated(definition: Definition) -> impl IntoView {
    let lang = use_lang();
    let missing = untranslated(&definition);
    (!missing.is_empty()).then(|| {
        let count = missing.len();
        view! {
            <div class="notice" role="status" data-untranslated=count.to_string()>
                <p><strong>{match (lang, count) {
                    (crate::i18n::Lang::Nl, 1) => "1 tekst heeft nog geen Nederlandse vertaling.".to_owned(),
                    (crate::i18n::Lang::Nl, _) => format!("{count} teksten hebben nog geen Nederlandse vertaling."),
                    (crate::i18n::Lang::En, 1) => "1 text has no Dutch translation yet.".to_owned(),
                    (crate::i18n::Lang::En, _) => format!("{count} texts have no Dutch translation yet."),
                }}</strong> " " {lang.pick(
                    "Het voorbeeld toont ze in de andere taal; publiceren kan pas als alles in het Nederlands staat.",
                    "The preview shows them in the other language; the version can be published once everything is in Dutch.",
                )}</p>
                <ul>{missing.iter().take(20).map(|p| view! { <li><code>{p.location.clone()}</code></li> }).collect_view()}</ul>
                {(count > 20).then(|| view! { <p>{lang.pick("… en meer.", "… and more.")}</p> })}
            </div>
        }
    })
}
