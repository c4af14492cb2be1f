//! Accounts and contacts: list, create with a one-time link, new link, (de)activate, edit name,
//! address and mail language; importing contacts.

use leptos::prelude::*;

use crate::api::users::{
    list_users, take_password_link, CreateUser, EraseUser, NewPasswordLink, SetSpecialAccess,
    SetUserActive, UpdateUser,
};
use crate::api::UserRow;
use crate::domain::Role;
use crate::i18n::use_lang;
use crate::ui::layout::{Guarded, Head, Outcome, Problem, UploadPanel};

#[component]
pub fn Users() -> impl IntoView {
    let lang = use_lang();
    provide_context(UsersPage::new());
    view! {
        <h1>{lang.pick("Gebruikers", "Users")}</h1>
        <Guarded allow=|me| me.is(Role::Admin)>
            <UsersBody />
        </Guarded>
    }
}

/// Actions and resources of the users page. Created once per page, outside the guard's
/// `Suspense` (which may render its children more than once): reading the one-time link consumes it.
#[derive(Clone, Copy)]
struct UsersPage {
    create: ServerAction<CreateUser>,
    relink: ServerAction<NewPasswordLink>,
    toggle: ServerAction<SetUserActive>,
    update: ServerAction<UpdateUser>,
    erase: ServerAction<EraseUser>,
    special: ServerAction<SetSpecialAccess>,
    users: Resource<Result<Vec<UserRow>, crate::api::ApiError>>,
    link: Resource<Result<Option<crate::api::PasswordLink>, crate::api::ApiError>>,
}

impl UsersPage {
    fn new() -> Self {
        let create = ServerAction::<CreateUser>::new();
        let relink = ServerAction::<NewPasswordLink>::new();
        let toggle = ServerAction::<SetUserActive>::new();
        let update = ServerAction::<UpdateUser>::new();
        let erase = ServerAction::<EraseUser>::new();
        let special = ServerAction::<SetSpecialAccess>::new();
        let changes = move || versions!(create, relink, toggle, update, erase, special);
        UsersPage {
            create,
            relink,
            toggle,
            update,
            erase,
            special,
            users: Resource::new(changes, |_| list_users()),
            link: Resource::new(changes, |_| take_password_link()),
        }
    }
}

#[component]
fn UsersBody() -> impl IntoView {
    let lang = use_lang();
    let UsersPage {
        create,
        relink,
        toggle,
        update,
        erase,
        special,
        users,
        link,
    } = expect_context::<UsersPage>();
    view! {
        <Suspense fallback=|| ()>
            {move || link.get().and_then(Result::ok).flatten().map(|l| view! {
                <div class="notice" role="status">
                    <p>{lang.pick("Eenmalige link om een wachtwoord in te stellen voor", "One-time link to set a password for")} " " <strong>{l.email}</strong> ":"</p>
                    <p><input class="copy" readonly aria-label=lang.pick("Eenmalige link", "One-time link") value=l.url /></p>
                    <p>{lang.pick("Deze link wordt maar één keer getoond en is 72 uur geldig. Geef hem veilig door.", "This link is shown only once and is valid for 72 hours. Pass it on securely.")}</p>
                </div>
            })}
        </Suspense>
        <h2>{lang.pick("Nieuwe gebruiker", "New user")}</h2>
        <ActionForm action=create attr:class="stack">
            <label for="email">{lang.pick("E-mailadres", "E-mail address")}</label>
            <input id="email" name="email" type="email" required />
            <label for="name">{lang.pick("Naam", "Name")}</label>
            <input id="name" name="name" required />
            <label for="role">{lang.pick("Rol", "Role")}</label>
            <select id="role" name="role">
                {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label(lang)}</option> }).collect_view()}
            </select>
            <label for="institutions">{lang.pick("Instellingscodes (alleen coördinatoren, gescheiden door komma's)", "Institution codes (coordinators only, comma-separated)")}</label>
            <input id="institutions" name="institutions" placeholder="25PX, 30RR" />
            <label for="language">{lang.pick("Taal van de e-mails", "Language of e-mails")}</label>
            <select id="language" name="language">
                {[("nl", "Nederlands"), ("en", "English")].into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
            </select>
            <button type="submit">{lang.pick("Gebruiker aanmaken", "Create user")}</button>
        </ActionForm>
        {move || create.value().get().and_then(Result::err).map(|error| view! { <Problem error /> })}
        {move || toggle.value().get().and_then(Result::err).map(|error| view! { <Problem error /> })}
        <Outcome action=update success=lang.pick("Gegevens opgeslagen.", "Details saved.") />
        <Outcome action=special success=lang.pick("Toegang tot bijzondere gegevens gewijzigd.", "Access to special-category data changed.") />
        <Outcome action=erase success=lang.pick("De persoonsgegevens zijn gewist; de antwoorden blijven.", "The personal data was erased; the answers stay.") />
        <UploadPanel
            title=lang.pick("Contactpersonen importeren", "Import contacts")
            explanation=lang.pick(
                "CSV (puntkomma, UTF-8) of XLSX met de kolommen instellingscode, naam, e-mail en taal (nl of en; leeg is nl). Bestaande contactpersonen worden bijgewerkt en aan de instelling gekoppeld; bij een fout wordt niets opgeslagen.",
                "CSV (semicolon, UTF-8) or XLSX with the columns instellingscode, naam, e-mail and taal (nl or en; empty means nl). Known contacts are updated and bound to the institution; on any error nothing is saved.")
            action="/import/contactpersonen"
            file_label=lang.pick("Bestand (.csv of .xlsx)", "File (.csv or .xlsx)")
            accept=".csv,.xlsx"
            button=lang.pick("Importeren", "Import") />
        <h2>{lang.pick("Alle gebruikers", "All users")}</h2>
        <Suspense fallback=|| ()>
            {move || users.get().map(|r| match r {
                Ok(rows) => view! {
                    <UserTable rows=rows.clone() relink toggle update erase special />
                    <super::colleagues::RoleForm rows />
                }.into_any(),
                Err(error) => view! { <Problem error /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn UserTable(
    rows: Vec<UserRow>,
    relink: ServerAction<NewPasswordLink>,
    toggle: ServerAction<SetUserActive>,
    update: ServerAction<UpdateUser>,
    erase: ServerAction<EraseUser>,
    special: ServerAction<SetSpecialAccess>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <table>
            <Head columns={&[
                ("Naam", "Name"),
                ("E-mailadres", "E-mail address"),
                ("Rol", "Role"),
                ("Instellingen", "Institutions"),
                ("Taal", "Language"),
                ("Status", "Status"),
                ("Acties", "Actions"),
            ]} />
            <tbody>
                {rows.into_iter().map(|u| {
                    let status = match (u.active, u.has_password) {
                        (false, _) => lang.pick("Uitgeschakeld", "Deactivated"),
                        (true, false) => lang.pick("Wacht op wachtwoord", "Awaiting password"),
                        (true, true) => lang.pick("Actief", "Active"),
                    };
                    let (id_link, id_toggle) = (u.id.to_string(), u.id.to_string());
                    let (user, user_id, email) = (u.clone(), u.id, u.email.clone());
                    let special_form = (u.role == Role::Researcher).then(|| (
                        u.id.to_string(),
                        (!u.special_access).to_string(),
                        format!("{} {}", lang.pick("Bijzondere gegevens voor", "Special-category data for"), u.email),
                        if u.special_access { lang.pick("Bijzondere gegevens: intrekken", "Special-category data: withdraw") } else { lang.pick("Bijzondere gegevens: toestaan", "Special-category data: allow") },
                    ));
                    view! {
                        <tr>
                            <td>{u.name.clone()}</td>
                            <td>{u.email.clone()}</td>
                            <td>{u.role.label(lang)}</td>
                            <td>{u.institutions.join(", ")}</td>
                            <td>{u.language.clone()}</td>
                            <td>{status}</td>
                            <td class="actions">
                                <ActionForm action=relink attr:class="inline">
                                    <input type="hidden" name="user_id" value=id_link />
                                    <button type="submit" class="small" aria-label=format!("{} {}", lang.pick("Nieuwe link voor", "New link for"), u.email)>{lang.pick("Nieuwe link", "New link")}</button>
                                </ActionForm>
                                <ActionForm action=toggle attr:class="inline">
                                    <input type="hidden" name="user_id" value=id_toggle />
                                    <input type="hidden" name="active" value=(!u.active).to_string() />
                                    <button type="submit" class="small">{if u.active { lang.pick("Uitschakelen", "Deactivate") } else { lang.pick("Inschakelen", "Activate") }}</button>
                                </ActionForm>
                                {special_form.map(|(id, allowed, label, text)| view! {
                                    <ActionForm action=special attr:class="inline">
                                        <input type="hidden" name="user_id" value=id />
                                        <input type="hidden" name="allowed" value=allowed />
                                        <button type="submit" class="small" aria-label=label>{text}</button>
                                    </ActionForm>
                                })}
                                <EditUser user update />
                                <UserData id=user_id email erase />
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The form to change an account's name, address and mail language.
#[component]
fn EditUser(user: UserRow, update: ServerAction<UpdateUser>) -> impl IntoView {
    let lang = use_lang();
    let (name_id, email_id, lang_id) = (
        format!("name-{}", user.id),
        format!("email-{}", user.id),
        format!("lang-{}", user.id),
    );
    let (name_for, email_for, lang_for) = (name_id.clone(), email_id.clone(), lang_id.clone());
    let (name_value, email_value) = (user.name.clone(), user.email.clone());
    let name_label = format!("{} {}", lang.pick("Naam van", "Name of"), user.email);
    let email_label = format!(
        "{} {}",
        lang.pick("E-mailadres van", "E-mail address of"),
        user.email
    );
    let lang_label = format!(
        "{} {}",
        lang.pick("Taal van de e-mails aan", "Language of e-mails to"),
        user.email
    );
    let english = user.language == "en";
    let id_edit = user.id.to_string();
    view! {
        <details>
            <summary>{lang.pick("Wijzigen", "Edit")}</summary>
            <ActionForm action=update attr:class="stack">
                <input type="hidden" name="user_id" value=id_edit />
                <label for=name_for>{name_label}</label>
                <input id=name_id name="name" value=name_value required />
                <label for=email_for>{email_label}</label>
                <input id=email_id name="email" type="email" value=email_value required />
                <label for=lang_for>{lang_label}</label>
                <select id=lang_id name="language">
                    {[("nl", "Nederlands", !english), ("en", "English", english)].into_iter().map(|(code, name, chosen)| view! { <option value=code selected=chosen>{name}</option> }).collect_view()}
                </select>
                <button type="submit" class="small">{lang.pick("Opslaan", "Save")}</button>
            </ActionForm>
        </details>
    }
}

/// The account's data as JSON, and its erasure after a confirmation.
#[component]
fn UserData(id: i32, email: String, erase: ServerAction<EraseUser>) -> impl IntoView {
    let lang = use_lang();
    let erase_label = format!(
        "{} {}",
        lang.pick(
            "Ik wil alle persoonsgegevens wissen van",
            "I want to erase all personal data of"
        ),
        email
    );
    let data_link = format!("/export/gebruiker/{}/gegevens.json", id);
    let erase_id = id.to_string();
    view! {
        <details>
            <summary>{lang.pick("Gegevens (inzage, wissen)", "Data (access, erasure)")}</summary>
            <p><a href=data_link download>{lang.pick("Alle gegevens als JSON", "All data as JSON")}</a></p>
            <ActionForm action=erase attr:class="stack">
                <input type="hidden" name="user_id" value=erase_id />
                <label>
                    <input type="checkbox" name="confirm" value="true" required />
                    {erase_label}
                </label>
                <button type="submit" class="small danger">{lang.pick("Wissen", "Erase")}</button>
            </ActionForm>
        </details>
    }
}
