//! Login, setting a password through a one-time link, and the own account page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::layout::{Guarded, Problem};
use crate::api::auth::{
    ChangePassword, Login as LoginFn, RequestLink as RequestLinkFn,
    RequestPasswordReset as RequestPasswordResetFn, SetPassword as SetPasswordFn,
};
use crate::api::ApiError;
use crate::domain::Role;
use crate::i18n::use_lang;

#[component]
pub fn Login() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<LoginFn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".into());
    let password_set = move || query.read().get("wachtwoord").is_some();
    let bad_link = move || query.read().get("link").is_some();
    view! {
        <h1>{lang.pick("Inloggen", "Log in")}</h1>
        {move || password_set().then(|| view! {
            <p class="ok" role="status">{lang.pick("Uw wachtwoord is ingesteld. U kunt nu inloggen.", "Your password has been set. You can now log in.")}</p>
        })}
        {move || bad_link().then(|| view! {
            <p class="error" role="alert">{lang.pick(
                "Deze link werkt niet (meer): hij is onbekend of ingetrokken. Vraag hieronder een nieuwe link aan, of log in.",
                "This link does not work (any more): it is unknown or revoked. Ask for a new link below, or log in.")}</p>
        })}
        <ActionForm action=action attr:class="stack">
            <input type="hidden" name="next" value=next />
            <label for="email">{lang.pick("E-mailadres", "E-mail address")}</label>
            <input id="email" name="email" type="email" autocomplete="username" required />
            <label for="password">{lang.pick("Wachtwoord", "Password")}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
            <button type="submit">{lang.pick("Inloggen", "Log in")}</button>
        </ActionForm>
        {move || action.value().get().and_then(Result::err).map(|error| view! { <Problem error /> })}
        <ul class="plain">
            <li><a href="/nieuwe-link">{lang.pick("Veiligheidscoördinator zonder wachtwoord? Stuur mij een nieuwe link", "Safety coordinator without a password? Send me a new link")}</a></li>
            <li><a href="/wachtwoord-vergeten">{lang.pick("Wachtwoord vergeten", "Forgot your password")}</a></li>
        </ul>
    }
}

/// `/nieuwe-link`: a coordinator types their address and gets a fresh personal link by e-mail.
#[component]
pub fn RequestLink() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<RequestLinkFn>::new();
    view! {
        <h1>{lang.pick("Stuur mij een nieuwe link", "Send me a new link")}</h1>
        <MailRequest action=action.into() intro=lang.pick(
            "Vul het e-mailadres in waarop u als veiligheidscoördinator uitnodigingen krijgt. U krijgt een nieuwe persoonlijke link voor de vragenlijst, uw antwoorden van eerdere rondes, de vergelijking en het feitenblad.",
            "Enter the e-mail address at which you receive invitations as safety coordinator. You get a new personal link to the questionnaire, your answers of earlier rounds, the comparison and the fact sheet.")
            button=lang.pick("Stuur mij een link", "Send me a link") />
    }
}

/// `/wachtwoord-vergeten`: staff type their address and get a set-password link by e-mail.
#[component]
pub fn ForgotPassword() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<RequestPasswordResetFn>::new();
    view! {
        <h1>{lang.pick("Wachtwoord vergeten", "Forgot your password")}</h1>
        <MailRequest action=action.into() intro=lang.pick(
            "Vul het e-mailadres van uw account in. U krijgt een link om een nieuw wachtwoord in te stellen; daarna wordt u overal elders uitgelogd.",
            "Enter your account's e-mail address. You get a link to set a new password; after that you are logged out everywhere else.")
            button=lang.pick("Stuur mij een link", "Send me a link") />
    }
}

/// A form that asks for a mail by e-mail address, and its answer: the same whether or not the
/// address is known.
#[component]
fn MailRequest(action: MailAction, intro: &'static str, button: &'static str) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let sent = move || query.read().get("verstuurd").is_some();
    let fields = move || {
        view! {
            <label for="email">{lang.pick("E-mailadres", "E-mail address")}</label>
            <input id="email" name="email" type="email" autocomplete="email" required />
            <button type="submit">{button}</button>
        }
    };
    let problem = |error: Option<ApiError>| error.map(|error| view! { <Problem error /> });
    let form = match action {
        MailAction::Link(action) => view! {
            <ActionForm action=action attr:class="stack">{fields()}</ActionForm>
            {move || problem(action.value().get().and_then(Result::err))}
        }
        .into_any(),
        MailAction::Password(action) => view! {
            <ActionForm action=action attr:class="stack">{fields()}</ActionForm>
            {move || problem(action.value().get().and_then(Result::err))}
        }
        .into_any(),
    };
    view! {
        {move || sent().then(|| view! {
            <p class="ok" role="status">{lang.pick(
                "Als dit adres bij ons bekend is, is er een e-mail met een link onderweg. Kijk ook in uw map met ongewenste mail. Geen e-mail binnen een kwartier? Vraag de onderzoekers of beheerder om hulp.",
                "If we know this address, an e-mail with a link is on its way. Also look in your junk mail folder. No e-mail within fifteen minutes? Ask the researchers or the administrator for help.")}</p>
        })}
        <p>{intro}</p>
        {form}
        <p><a href="/inloggen">{lang.pick("Terug naar inloggen", "Back to log in")}</a></p>
    }
}

/// The server function a [`MailRequest`] form posts to.
pub enum MailAction {
    Link(ServerAction<RequestLinkFn>),
    Password(ServerAction<RequestPasswordResetFn>),
}

impl From<ServerAction<RequestLinkFn>> for MailAction {
    fn from(action: ServerAction<RequestLinkFn>) -> Self {
        MailAction::Link(action)
    }
}

impl From<ServerAction<RequestPasswordResetFn>> for MailAction {
    fn from(action: ServerAction<RequestPasswordResetFn>) -> Self {
        MailAction::Password(action)
    }
}

#[component]
pub fn SetPassword() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<SetPasswordFn>::new();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <h1>{lang.pick("Wachtwoord instellen", "Set your password")}</h1>
        <p>{lang.pick("Kies een wachtwoord van minstens 12 tekens.", "Choose a password of at least 12 characters.")}</p>
        <ActionForm action=action attr:class="stack">
            <input type="hidden" name="token" value=token />
            <label for="new">{lang.pick("Nieuw wachtwoord", "New password")}</label>
            <input id="new" name="new" type="password" autocomplete="new-password" minlength="12" required />
            <label for="repeat">{lang.pick("Herhaal wachtwoord", "Repeat password")}</label>
            <input id="repeat" name="repeat" type="password" autocomplete="new-password" minlength="12" required />
            <button type="submit">{lang.pick("Wachtwoord opslaan", "Save password")}</button>
        </ActionForm>
        {move || action.value().get().and_then(Result::err).map(|error| view! { <Problem error /> })}
    }
}

#[component]
pub fn Account() -> impl IntoView {
    let lang = use_lang();
    view! {
        <h1>{lang.pick("Mijn account", "My account")}</h1>
        <Guarded allow=|_| true>
            <ChangePasswordForm />
            <ApiTokenLink />
        </Guarded>
    }
}

/// Researchers and admins reach their API tokens from here.
#[component]
fn ApiTokenLink() -> impl IntoView {
    let lang = use_lang();
    let me = crate::ui::layout::use_me();
    move || {
        me.get()
            .and_then(Result::ok)
            .flatten()
            .filter(|m| m.is(Role::Admin) || m.is(Role::Researcher))
            .map(|_| view! {
                <h2>{lang.pick("API voor onderzoeksdata", "Research data API")}</h2>
                <p><a href="/account/api-sleutels">{lang.pick("API-sleutels beheren", "Manage API tokens")}</a></p>
            })
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<ChangePassword>::new();
    let query = use_query_map();
    let changed = move || {
        query
            .read()
            .get("wachtwoord")
            .is_some_and(|v| v == "gewijzigd")
    };
    view! {
        <h2>{lang.pick("Wachtwoord wijzigen", "Change password")}</h2>
        <ActionForm action=action attr:class="stack">
            <label for="current">{lang.pick("Huidig wachtwoord", "Current password")}</label>
            <input id="current" name="current" type="password" autocomplete="current-password" required />
            <label for="new">{lang.pick("Nieuw wachtwoord (minstens 12 tekens)", "New password (at least 12 characters)")}</label>
            <input id="new" name="new" type="password" autocomplete="new-password" minlength="12" required />
            <label for="repeat">{lang.pick("Herhaal nieuw wachtwoord", "Repeat new password")}</label>
            <input id="repeat" name="repeat" type="password" autocomplete="new-password" minlength="12" required />
            <p class="hint">{lang.pick("Uw andere sessies worden beëindigd.", "Your other sessions end.")}</p>
            <label>
                <input type="checkbox" name="revoke_tokens" value="ja" checked />
                {lang.pick("Trek ook al mijn API-sleutels in", "Also revoke all my API tokens")}
            </label>
            <button type="submit">{lang.pick("Wachtwoord wijzigen", "Change password")}</button>
        </ActionForm>
        {move || changed().then(|| view! {
            <p class="ok" role="status">{lang.pick("Uw wachtwoord is gewijzigd.", "Your password has been changed.")}</p>
        })}
        {move || action.value().get().and_then(Result::err).map(|error| view! { <Problem error /> })}
    }
}
