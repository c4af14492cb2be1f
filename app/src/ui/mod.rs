//! Pages and components. Every page renders completely on the server (`SsrMode::Async`), so it
//! works before (or without) WASM; hydration then adds in-place form handling.

mod admin;
mod analysis;
mod factsheet;
mod home;
mod layout;
mod login;
mod questionnaires;
mod sources;
mod survey;
mod tokens;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::i18n::{detect_lang, use_lang};

/// Whether the page being rendered is a survey page. Those are not hydrated: they load the small
/// `survey` module instead of the whole app (see `frontend`), and work as plain forms before that.
fn is_survey_page() -> bool {
    #[cfg(feature = "ssr")]
    {
        with_context::<http::request::Parts, _>(|p| p.uri.path().starts_with("/vragenlijst/"))
            .unwrap_or(false)
    }
    #[cfg(not(feature = "ssr"))]
    false
}

/// Loads the survey module; `frontend/survey.sh` builds it into `pkg/survey*`.
const SURVEY_SCRIPT: &str =
    "import init from '/pkg/survey.js'; init({ module_or_path: '/pkg/survey_bg.wasm' });";

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = detect_lang();
    let survey = is_survey_page();
    let nonce = leptos::nonce::use_nonce();
    // The page's policy allows its own inline scripts by this response's nonce, nothing else.
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(policy)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&crate::backend::http::content_security_policy(
            nonce.as_ref().map(|n| n.to_string()).as_deref(),
        )),
    ) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, policy);
    }
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                {if survey {
                    view! { <script type="module" nonce=nonce inner_html=SURVEY_SCRIPT></script> }.into_any()
                } else {
                    view! { <HydrationScripts options /> }.into_any()
                }}
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
                    <Route path=path!("/account/api-sleutels") view=tokens::ApiTokens ssr=SsrMode::Async />
                    <Route path=path!("/instellingen") view=admin::institutions::InstitutionList ssr=SsrMode::Async />
                    <Route path=path!("/instellingen/:code") view=admin::institutions::InstitutionDetail ssr=SsrMode::Async />
                    <Route path=path!("/instellingen/:code/feitenblad") view=factsheet::FactSheetPage ssr=SsrMode::Async />
                    <Route path=path!("/import/:id") view=admin::institutions::ImportResult ssr=SsrMode::Async />
                    <Route path=path!("/vragenlijsten") view=questionnaires::list::QuestionnaireList ssr=SsrMode::Async />
                    <Route path=path!("/vragenlijsten/versie/:id") view=questionnaires::version::VersionPage ssr=SsrMode::Async />
                    <Route path=path!("/vragenlijsten/verschil") view=questionnaires::diff::VersionDiff ssr=SsrMode::Async />
                    <Route path=path!("/beheer/gebruikers") view=admin::users::Users ssr=SsrMode::Async />
                    <Route path=path!("/beheer/audit") view=admin::audit::AuditLog ssr=SsrMode::Async />
                    <Route path=path!("/analyse") view=analysis::Analysis ssr=SsrMode::Async />
                    <Route path=path!("/analyse/bronnen") view=sources::SourceList ssr=SsrMode::Async />
                    <Route path=path!("/analyse/bronnen/:id") view=sources::SourcePage ssr=SsrMode::Async />
                    <Route path=path!("/analyse/bronnen/upload/:token") view=sources::UploadPage ssr=SsrMode::Async />
                    <Route path=path!("/beheer/mail") view=admin::templates::MailTemplates ssr=SsrMode::Async />
                    <Route path=path!("/beheer/rondes") view=admin::rounds::RoundList ssr=SsrMode::Async />
                    <Route path=path!("/beheer/rondes/:id") view=admin::rounds::RoundPage ssr=SsrMode::Async />
                    <Route path=path!("/beheer/rondes/:id/uitnodigingen") view=admin::mail::MailPage ssr=SsrMode::Async />
                    <Route path=path!("/vragenlijst/:id") view=survey::SurveyOverview ssr=SsrMode::Async />
                    <Route path=path!("/vragenlijst/:id/deel/:section") view=survey::SurveySection ssr=SsrMode::Async />
                    <Route path=path!("/vragenlijst/:id/controle") view=survey::SurveyReview ssr=SsrMode::Async />
                    <Route path=path!("/vragenlijst/:id/vergelijking") view=survey::SurveyComparison ssr=SsrMode::Async />
                </Routes>
            </layout::Frame>
        </Router>
    }
}
