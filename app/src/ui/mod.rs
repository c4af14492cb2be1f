//! Pages and components. Every page renders completely on the server (`SsrMode::Async`), so it
//! works before (or without) WASM; hydration then adds in-place form handling.

mod admin;
mod home;
mod layout;
mod login;
mod questionnaires;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::i18n::{detect_lang, use_lang};

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = detect_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(detect_lang());
    let lang = use_lang();
    view! {
        <Stylesheet id="leptos" href="/pkg/miv.css" />
        <Title text=lang.pick("Monitor Integrale Veiligheid mbo", "Integral Safety Monitor mbo") />
        <Router>
            <layout::Frame>
                <Routes fallback=layout::NotFound>
                    <Route path=path!("/") view=home::Home ssr=SsrMode::Async />
                    <Route path=path!("/inloggen") view=login::Login ssr=SsrMode::Async />
                    <Route path=path!("/wachtwoord-instellen") view=login::SetPassword ssr=SsrMode::Async />
                    <Route path=path!("/account") view=login::Account ssr=SsrMode::Async />
                    <Route path=path!("/instellingen") view=admin::institutions::InstitutionList ssr=SsrMode::Async />
                    <Route path=path!("/instellingen/:code") view=admin::institutions::InstitutionDetail ssr=SsrMode::Async />
                    <Route path=path!("/import/:id") view=admin::institutions::ImportResult ssr=SsrMode::Async />
                    <Route path=path!("/vragenlijsten") view=questionnaires::list::QuestionnaireList ssr=SsrMode::Async />
                    <Route path=path!("/vragenlijsten/versie/:id") view=questionnaires::version::VersionPage ssr=SsrMode::Async />
                    <Route path=path!("/vragenlijsten/verschil") view=questionnaires::diff::VersionDiff ssr=SsrMode::Async />
                    <Route path=path!("/beheer/gebruikers") view=admin::users::Users ssr=SsrMode::Async />
                    <Route path=path!("/beheer/audit") view=admin::audit::AuditLog ssr=SsrMode::Async />
                </Routes>
            </layout::Frame>
        </Router>
    }
}
