//! On an institution's page, for its coordinators: the colleagues, inviting one, and handing the
//! institution over. For admins (on the users page): a person's role and institutions.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::colleagues::{list_colleagues, InviteColleague, LeaveInstitution, SetUserRole};
use crate::api::UserRow;
use crate::domain::Role;
use crate::i18n::use_lang;
use crate::ui::layout::{Outcome, Problem};

#[component]
pub fn Colleagues(code: String) -> impl IntoView {
    let lang = use_lang();
    let invite = ServerAction::<InviteColleague>::new();
    let leave = ServerAction::<LeaveInstitution>::new();
    let rows = Resource::new(
        {
            let code = code.clone();
            move || (code.clone(), invite.version().get())
        },
        |(code, _)| list_colleagues(code),
    );
    let query = use_query_map();
    let invited = move || query.read().get("collega").is_some();
    let (invite_code, leave_code) = (code.clone(), code);
    view! {
        <h2>{lang.pick("Collega's", "Colleagues")}</h2>
        {move || invited().then(|| view! {
            <p class="ok" role="status">{lang.pick("Uw collega is toegevoegd en krijgt een persoonlijke link per e-mail zodra er een ronde is.", "Your colleague has been added and gets a personal link by e-mail as soon as there is a round.")}</p>
        })}
        <Suspense fallback=|| ()>
            {move || rows.get().map(|r| match r {
                Ok(rows) => view! {
                    <ul>
                        {rows.into_iter().map(|c| view! {
                            <li>{c.name} " — " {c.email}
                                {c.me.then(|| lang.pick(" (u)", " (you)"))}
                                {(!c.active).then(|| lang.pick(" (gedeactiveerd)", " (deactivated)"))}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(error) => view! { <Problem error /> }.into_any(),
            })}
        </Suspense>
        <h3>{lang.pick("Een collega uitnodigen", "Invite a colleague")}</h3>
        <ActionForm action=invite attr:class="stack">
            <input type="hidden" name="code" value=invite_code />
            <label for="colleague-name">{lang.pick("Naam", "Name")}</label>
            <input id="colleague-name" name="name" required />
            <label for="colleague-email">{lang.pick("E-mailadres", "E-mail address")}</label>
            <input id="colleague-email" name="email" type="email" required />
            <label for="colleague-language">{lang.pick("Taal van de e-mail", "Language of the e-mail")}</label>
            <select id="colleague-language" name="language">
                <option value="nl">"Nederlands"</option>
                <option value="en">"English"</option>
            </select>
            <button type="submit">{lang.pick("Collega uitnodigen", "Invite colleague")}</button>
        </ActionForm>
        <Outcome action=invite success=lang.pick("Uitgenodigd.", "Invited.") />
        <h3>{lang.pick("Overdragen en verlaten", "Hand over and leave")}</h3>
        <p>{lang.pick("Neemt een collega het werk voor deze instelling over? Dan kunt u de instelling verlaten; uw collega's houden toegang.", "Does a colleague take over the work for this institution? Then you can leave it; your colleagues keep access.")}</p>
        <ActionForm action=leave attr:class="inline">
            <input type="hidden" name="code" value=leave_code />
            <button type="submit" class="secondary">{lang.pick("Instelling overdragen en verlaten", "Hand over and leave the institution")}</button>
        </ActionForm>
        <Outcome action=leave success=lang.pick("U heeft de instelling verlaten.", "You have left the institution.") />
    }
}

/// An admin sets a person's role and, for a coordinator, institutions.
#[component]
pub fn RoleForm(rows: Vec<UserRow>) -> impl IntoView {
    let lang = use_lang();
    let set = ServerAction::<SetUserRole>::new();
    view! {
        <h2>{lang.pick("Rol en instellingen wijzigen", "Change role and institutions")}</h2>
        <ActionForm action=set attr:class="stack">
            <label for="role-user">{lang.pick("Persoon", "Person")}</label>
            <select id="role-user" name="user_id">
                {rows.into_iter().map(|u| view! {
                    <option value=u.id.to_string()>{format!("{} ({})", u.name, u.email)}</option>
                }).collect_view()}
            </select>
            <label for="role-role">{lang.pick("Nieuwe functie", "New role")}</label>
            <select id="role-role" name="role">
                {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label(lang)}</option> }).collect_view()}
            </select>
            <label for="role-institutions">{lang.pick("Zijn of haar instellingen (codes, alleen voor een coördinator)", "Their institutions (codes, a coordinator's only)")}</label>
            <input id="role-institutions" name="institutions" />
            <button type="submit">{lang.pick("Opslaan", "Save")}</button>
        </ActionForm>
        <Outcome action=set success=lang.pick("Rol en instellingen opgeslagen.", "Role and institutions saved.") />
    }
}
