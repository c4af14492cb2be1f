//! The frame around every page, the access guard and small shared pieces.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::auth::{current_user, Logout};
use crate::api::{ApiError, Me};
use crate::domain::Role;
use crate::i18n::use_lang;

/// The logged-in user, fetched again on every navigation.
pub type MeResource = Resource<Result<Option<Me>, ApiError>>;

pub fn use_me() -> MeResource {
    expect_context::<MeResource>()
}

/// Whether the logged-in user is an admin (for showing admin-only controls; the server checks too).
pub fn use_is_admin() -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let me = use_me();
    move || {
        me.get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|m| m.is(Role::Admin))
    }
}

/// Sets the HTTP status of the page being rendered on the server.
pub fn set_page_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(options), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        options.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// Skip link, header with navigation, language switch and logout, and the main landmark.
#[component]
pub fn Frame(children: Children) -> impl IntoView {
    let location = use_location();
    let me: MeResource = Resource::new(move || location.pathname.get(), |_| current_user());
    provide_context(me);
    let lang = use_lang();
    view! {
        <a class="skip" href="#main">{lang.pick("Naar de inhoud", "Skip to content")}</a>
        <header class="top">
            <a class="brand" href="/">{lang.pick("Monitor Integrale Veiligheid mbo", "Integral Safety Monitor mbo")}</a>
            <Suspense fallback=|| ()>
                {move || me.get().map(|m| view! { <Nav me=m.ok().flatten() /> })}
            </Suspense>
            <LangSwitch />
        </header>
        <main id="main" tabindex="-1">{children()}</main>
    }
}

#[component]
fn Nav(me: Option<Me>) -> impl IntoView {
    let lang = use_lang();
    let logout = ServerAction::<Logout>::new();
    match me {
        None => view! {
            <nav aria-label=lang.pick("Hoofdmenu", "Main menu")>
                <a href="/inloggen">{lang.pick("Inloggen", "Log in")}</a>
            </nav>
        }
        .into_any(),
        Some(me) => {
            let admin = me.is(Role::Admin);
            let register = admin || me.is(Role::Researcher);
            view! {
                <nav aria-label=lang.pick("Hoofdmenu", "Main menu")>
                    <a href="/">{lang.pick("Start", "Home")}</a>
                    {register.then(|| view! { <a href="/vragenlijsten">{lang.pick("Vragenlijsten", "Questionnaires")}</a> })}
                    {register.then(|| view! { <a href="/instellingen">{lang.pick("Instellingen", "Institutions")}</a> })}
                    {register.then(|| view! { <a href="/analyse">{lang.pick("Analyse", "Analysis")}</a> })}
                    {admin.then(|| view! { <a href="/beheer/rondes">{lang.pick("Rondes", "Rounds")}</a> })}
                    {admin.then(|| view! { <a href="/beheer/gebruikers">{lang.pick("Gebruikers", "Users")}</a> })}
                    {admin.then(|| view! { <a href="/beheer/audit">{lang.pick("Auditlog", "Audit log")}</a> })}
                    <a href="/account">{lang.pick("Mijn account", "My account")}</a>
                </nav>
                <span class="who">{me.name.clone()} " (" {me.role.label(lang)} ")"</span>
                <ActionForm action=logout attr:class="inline">
                    <button type="submit" class="link">{lang.pick("Uitloggen", "Log out")}</button>
                </ActionForm>
            }
            .into_any()
        }
    }
}

/// Two buttons that post to `/taal`; the choice is kept in a cookie for a year.
#[component]
fn LangSwitch() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let back = move || format!("{}{}", location.pathname.get(), location.search.get());
    view! {
        <form method="post" action="/taal" class="lang">
            <input type="hidden" name="back" value=back />
            <button type="submit" name="lang" value="nl" lang="nl" aria-pressed=(lang == crate::i18n::Lang::Nl).to_string()>"Nederlands"</button>
            <button type="submit" name="lang" value="en" lang="en" aria-pressed=(lang == crate::i18n::Lang::En).to_string()>"English"</button>
        </form>
    }
}

/// Shows `children` only to users for whom `allow` holds; otherwise explains why (401/403).
#[component]
pub fn Guarded(allow: fn(&Me) -> bool, children: ChildrenFn) -> impl IntoView {
    let me = use_me();
    let lang = use_lang();
    let location = use_location();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=move || view! { <p>{lang.pick("Laden…", "Loading…")}</p> }>
            {move || me.get().map(|result| match result {
                Ok(Some(m)) if allow(&m) => children.read_value()().into_any(),
                Ok(Some(_)) => {
                    set_page_status(403);
                    view! { <Problem error=ApiError::Forbidden /> }.into_any()
                }
                Ok(None) => {
                    set_page_status(401);
                    let next = location.pathname.get_untracked();
                    view! {
                        <h1>{lang.pick("Inloggen vereist", "Login required")}</h1>
                        <p>
                            <a href=format!("/inloggen?next={next}")>{lang.pick("Log in om verder te gaan.", "Log in to continue.")}</a>
                        </p>
                    }.into_any()
                }
                Err(error) => view! { <Problem error /> }.into_any(),
            })}
        </Suspense>
    }
}

/// An error for the user, announced to screen readers.
#[component]
pub fn Problem(error: ApiError) -> impl IntoView {
    let lang = use_lang();
    view! { <p class="error" role="alert">{error.message(lang)}</p> }
}

/// The outcome of a form: the error, or a confirmation once it succeeded.
#[component]
pub fn Outcome<T>(action: ServerAction<T>, #[prop(into)] success: String) -> impl IntoView
where
    T: leptos::server_fn::ServerFn<Error = ApiError> + Clone + Send + Sync + 'static,
    T::Output: Clone + Send + Sync + 'static,
{
    move || match action.value().get() {
        Some(Err(error)) => view! { <Problem error /> }.into_any(),
        Some(Ok(_)) => view! { <p class="ok" role="status">{success.clone()}</p> }.into_any(),
        None => ().into_any(),
    }
}

/// The problems of a refused file, by line and column.
/// A table's head: one column header per (Dutch, English) name, in the page's language.
#[component]
pub fn Head(columns: &'static [(&'static str, &'static str)]) -> impl IntoView {
    let lang = use_lang();
    view! {
        <thead><tr>
            {columns.iter().map(|(nl, en)| view! { <th scope="col">{lang.pick(nl, en)}</th> }).collect_view()}
        </tr></thead>
    }
}

#[component]
pub fn ProblemTable(problems: Vec<crate::domain::import::ImportProblem>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <table>
            <Head columns={&[("Regel", "Line"), ("Kolom", "Column"), ("Probleem", "Problem")]} />
            <tbody>
                {problems.into_iter().map(|p| view! {
                    <tr>
                        <td>{if p.line == 0 { "–".to_owned() } else { p.line.to_string() }}</td>
                        <td>{p.column.clone().unwrap_or_else(|| "–".into())}</td>
                        <td>{p.message(lang)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let lang = use_lang();
    set_page_status(404);
    view! {
        <h1>{lang.pick("Pagina niet gevonden", "Page not found")}</h1>
        <p><a href="/">{lang.pick("Naar de startpagina", "To the home page")}</a></p>
    }
}

/// A panel with a plain multipart upload form (works without WASM); the server answers with a
/// redirect to the result.
#[component]
pub fn UploadPanel(
    title: &'static str,
    #[prop(into)] explanation: String,
    #[prop(into)] action: String,
    #[prop(into)] file_label: String,
    accept: &'static str,
    #[prop(into)] button: String,
) -> impl IntoView {
    view! {
        <section aria-labelledby="upload-title" class="panel">
            <h2 id="upload-title">{title}</h2>
            <p>{explanation}</p>
            <form method="post" action=action enctype="multipart/form-data" class="stack">
                <label for="file">{file_label}</label>
                <input id="file" name="file" type="file" accept=accept required />
                <button type="submit">{button}</button>
            </form>
        </section>
    }
}
