//! `/account/api-sleutels`: the caller's personal API tokens for the research data API. A new
//! token is shown once; a token can be revoked at once.

use leptos::prelude::*;

use crate::api::tokens::{my_tokens, CreateToken, RevokeToken, TokenPage};
use crate::domain::Role;
use crate::i18n::use_lang;
use crate::ui::layout::{Guarded, Head, Problem};

#[component]
pub fn ApiTokens() -> impl IntoView {
    let lang = use_lang();
    // Outside the guard's Suspense, which may render its children more than once: reading the
    // page consumes the new token.
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let page = Resource::new(move || versions!(create, revoke), |_| my_tokens());
    view! {
        <h1>{lang.pick("API-sleutels", "API tokens")}</h1>
        <Guarded allow=|me| me.is(Role::Admin) || me.is(Role::Researcher)>
            <p>{lang.pick(
                "Met een persoonlijke API-sleutel haalt een script vragenlijsten, rondes, indicatortabellen en (voor onderzoekers) gepseudonimiseerde antwoorden op via /api/v1. Stuur hem mee als ‘Authorization: Bearer …’. Elke aanroep komt in de auditlog.",
                "With a personal API token a script fetches questionnaires, rounds, indicator tables and (for researchers) pseudonymised answers from /api/v1. Send it as ‘Authorization: Bearer …’. Every call is recorded in the audit log.",
            )} " " <a href="/api/openapi.json">{lang.pick("Beschrijving (OpenAPI)", "Description (OpenAPI)")}</a></p>
            <Suspense fallback=|| ()>
                {move || page.get().map(|r| match r {
                    Ok(p) => view! { <TokenList page=p create revoke /> }.into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
            {move || create.value().get().and_then(Result::err).map(|error| view! { <Problem error /> })}
            {move || revoke.value().get().and_then(Result::err).map(|error| view! { <Problem error /> })}
        </Guarded>
    }
}

#[component]
fn TokenList(
    page: TokenPage,
    create: ServerAction<CreateToken>,
    revoke: ServerAction<RevokeToken>,
) -> impl IntoView {
    let lang = use_lang();
    let TokenPage {
        tokens,
        roles,
        new_token,
    } = page;
    view! {
        {new_token.map(|t| view! {
            <div class="notice" role="status">
                <p>{lang.pick("Nieuwe sleutel", "New token")} " " <strong>{t.name}</strong> " (" {lang.pick("geldig tot", "valid until")} " " {t.expires_at} "):"</p>
                <p><input class="copy" readonly aria-label=lang.pick("Nieuwe API-sleutel", "New API token") value=t.token /></p>
                <p>{lang.pick(
                    "Kopieer hem nu: hij wordt maar één keer getoond en niet bewaard (alleen een hash).",
                    "Copy it now: it is shown only once and not stored (only a hash).",
                )}</p>
            </div>
        })}
        <h2>{lang.pick("Nieuwe sleutel", "New token")}</h2>
        <ActionForm action=create attr:class="stack">
            <label for="token-name">{lang.pick("Naam (waarvoor gebruikt u hem?)", "Name (what is it for?)")}</label>
            <input id="token-name" name="name" required maxlength="100" />
            <label for="token-role">{lang.pick("Rechten", "Permissions")}</label>
            <select id="token-role" name="role">
                {roles.into_iter().map(|r| view! { <option value=r.as_str()>{r.label(lang)}</option> }).collect_view()}
            </select>
            <label for="token-days">{lang.pick("Geldig (dagen, 1 tot 365)", "Valid (days, 1 to 365)")}</label>
            <input id="token-days" name="days" type="number" min="1" max="365" value="90" required />
            <button type="submit">{lang.pick("Sleutel maken", "Create token")}</button>
        </ActionForm>
        <h2>{lang.pick("Mijn sleutels", "My tokens")}</h2>
        {if tokens.is_empty() {
            view! { <p>{lang.pick("U heeft nog geen sleutel.", "You have no token yet.")}</p> }.into_any()
        } else {
            view! {
                <table>
                    <Head columns={&[
                        ("Naam", "Name"),
                        ("Rechten", "Permissions"),
                        ("Gemaakt", "Created"),
                        ("Geldig tot", "Valid until"),
                        ("Laatst gebruikt", "Last used"),
                        ("Stand", "State"),
                    ]} />
                    <tbody>
                        {tokens.into_iter().map(|t| view! {
                            <tr>
                                <td>{t.name.clone()}</td>
                                <td>{t.role.label(lang)}</td>
                                <td>{t.created_at}</td>
                                <td>{t.expires_at}</td>
                                <td>{t.last_used_at.unwrap_or_else(|| "—".into())}</td>
                                <td>{match t.ended {
                                    Some(ended) => view! { {ended} }.into_any(),
                                    None => view! {
                                        <ActionForm action=revoke attr:class="inline">
                                            <input type="hidden" name="id" value=t.id.to_string() />
                                            <button type="submit" class="small" aria-label=format!("{} {}", lang.pick("Trek in:", "Revoke:"), t.name)>
                                                {lang.pick("Intrekken", "Revoke")}
                                            </button>
                                        </ActionForm>
                                    }.into_any(),
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}
