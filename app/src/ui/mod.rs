//! Pages and components. Every page renders completely on the server (`SsrMode::Async`), so it
//! works before (or without) WASM; hydration then adds in-place form handling.

/// What a page's resource waits on so that it loads again after any of these actions: their
/// versions. Defined before the page modules, which use it.
macro_rules! versions {
    ($($action:expr),+ $(,)?) => {
        [$($action.version().get()),+]
    };
}

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

/// What a page loads besides its HTML and CSS. Every page works as plain forms without script;
/// only researchers and administrators, whose pages build questionnaires and analyses in place,
/// get the whole hydrated app. A coordinator (or anyone not logged in) never downloads it: survey
/// pages load the small `survey` module (see `frontend`), every other page no script at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PageScript {
    App,
    Survey,
    Nothing,
}

fn page_script() -> PageScript {
    #[cfg(feature = "ssr")]
    {
        let survey =
            with_context::<http::request::Parts, _>(|p| p.uri.path().starts_with("/vragenlijst/"))
                .unwrap_or(false);
        let role = crate::api::auth::viewer_role();
        page_script_for(survey, role)
    }
    #[cfg(not(feature = "ssr"))]
    PageScript::App
}

/// The rule of [`page_script`]: survey pages load the survey module, researchers and
/// administrators the app, everyone else nothing.
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
fn page_script_for(survey_page: bool, role: Option<crate::domain::Role>) -> PageScript {
    use crate::domain::Role;
    match (survey_page, role) {
        (true, _) => PageScript::Survey,
        (false, Some(Role::Admin | Role::Researcher)) => PageScript::App,
        (false, Some(Role::Coordinator) | None) => PageScript::Nothing,
    }
}

/// Loads the survey module; `.ci/build.sh` builds it into `pkg/survey*`.
const SURVEY_SCRIPT: &str =
    "import init from '/pkg/survey.js'; init({ module_or_path: '/pkg/survey_bg.wasm' });";

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = detect_lang();
    let script = page_script();
    let nonce = leptos::nonce::use_nonce();
    // The page's policy allows its own inline scripts by this response's nonce, nothing else.
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(policy)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&crate::backend::middleware::content_security_policy(
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
                {match script {
                    PageScript::Survey => view! { <script type="module" nonce=nonce inner_html=SURVEY_SCRIPT></script> }.into_any(),
                    PageScript::App => view! { <HydrationScripts options /> }.into_any(),
                    PageScript::Nothing => ().into_any(),
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
                    <Route path=path!("/nieuwe-link") view=login::RequestLink ssr=SsrMode::Async />
                    <Route path=path!("/wachtwoord-vergeten") view=login::ForgotPassword ssr=SsrMode::Async />
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

#[cfg(test)]
mod tests {
    use super::{page_script_for, PageScript};
    use crate::domain::Role;

    #[test]
    fn only_researchers_and_admins_load_the_app() {
        assert_eq!(page_script_for(false, None), PageScript::Nothing);
        assert_eq!(
            page_script_for(false, Some(Role::Coordinator)),
            PageScript::Nothing
        );
        assert_eq!(
            page_script_for(false, Some(Role::Researcher)),
            PageScript::App
        );
        assert_eq!(page_script_for(false, Some(Role::Admin)), PageScript::App);
        for role in [None, Some(Role::Coordinator), Some(Role::Admin)] {
            assert_eq!(page_script_for(true, role), PageScript::Survey);
        }
    }
}
