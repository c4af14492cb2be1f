//! Mail templates: each kind in Dutch and English, edited with its merge fields, a preview with
//! example values, a test mail to yourself, and a way back to the built-in text.

use leptos::prelude::*;

use crate::api::mail::{
    mail_templates, ResetMailTemplate, SaveMailTemplate, SendTestMail, TemplateView,
};
use crate::domain::Role;
use crate::i18n::use_lang;
use crate::ui::layout::{Guarded, Outcome, Problem};

#[derive(Clone, Copy)]
struct TemplatesPage {
    save: ServerAction<SaveMailTemplate>,
    reset: ServerAction<ResetMailTemplate>,
    test: ServerAction<SendTestMail>,
    templates: Resource<Result<Vec<TemplateView>, crate::api::ApiError>>,
}

#[component]
pub fn MailTemplates() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveMailTemplate>::new();
    let reset = ServerAction::<ResetMailTemplate>::new();
    let test = ServerAction::<SendTestMail>::new();
    let changes = move || versions!(save, reset);
    let page = TemplatesPage {
        save,
        reset,
        test,
        templates: Resource::new(changes, |_| mail_templates()),
    };
    view! {
        <h1>{lang.pick("E-mailsjablonen", "Mail templates")}</h1>
        <Guarded allow=|me| me.is(Role::Admin)>
            <p>{lang.pick(
                "Elke soort e-mail heeft een Nederlandse en een Engelse versie. Velden tussen dubbele accolades worden per ontvanger ingevuld; de voorbeelden hieronder gebruiken verzonnen gegevens.",
                "Each kind of mail has a Dutch and an English version. Fields between double braces are filled in per recipient; the previews below use made-up data.",
            )}</p>
            <Outcome action=save success=lang.pick("Sjabloon opgeslagen.", "Template saved.") />
            <Outcome action=reset success=lang.pick("Het standaardsjabloon wordt weer gebruikt.", "The built-in template is used again.") />
            {move || match test.value().get() {
                Some(Ok(to)) => view! { <p class="ok" role="status">{format!("{} {to}.", lang.pick("Testmail in de wachtrij voor", "Test mail queued for"))}</p> }.into_any(),
                Some(Err(error)) => view! { <Problem error /> }.into_any(),
                None => ().into_any(),
            }}
            <Suspense fallback=|| ()>
                {move || page.templates.get().map(|r| match r {
                    Ok(all) => all.into_iter().map(|t| view! { <TemplateForm t page /> }).collect_view().into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
        </Guarded>
    }
}

#[component]
fn TemplateForm(t: TemplateView, page: TemplatesPage) -> impl IntoView {
    let lang = use_lang();
    let id = format!("{}-{}", t.kind, t.lang);
    let language = if t.lang == "en" {
        "English"
    } else {
        "Nederlands"
    };
    let title = format!("{} — {language}", t.kind_label);
    let status = if t.custom {
        lang.pick("aangepast", "changed")
    } else {
        lang.pick("standaard", "built-in")
    };
    let TemplatesPage {
        save, reset, test, ..
    } = page;
    let hidden = {
        let (kind, code) = (t.kind.clone(), t.lang.clone());
        move || {
            view! {
                <input type="hidden" name="kind" value=kind.clone() />
                <input type="hidden" name="lang" value=code.clone() />
            }
        }
    };
    let (hidden_save, hidden_test, hidden_reset) = (hidden.clone(), hidden.clone(), hidden);
    let (heading, labelled_by) = (format!("h-{id}"), format!("h-{id}"));
    let (subject_id, text_id, html_id) = (
        format!("subject-{id}"),
        format!("text-{id}"),
        format!("html-{id}"),
    );
    let (subject_for, text_for, html_for) = (subject_id.clone(), text_id.clone(), html_id.clone());
    view! {
        <section class="template" aria-labelledby=labelled_by>
            <h2 id=heading>{title}" "<span class="meta">{format!("({status})")}</span></h2>
            <p class="meta">{lang.pick("Velden", "Fields")}": "{t.fields.join(", ")}</p>
            <ActionForm action=save attr:class="stack">
                {hidden_save()}
                <label for=subject_for>{lang.pick("Onderwerp", "Subject")}</label>
                <input id=subject_id name="subject" value=t.subject.clone() required />
                <label for=text_for>{lang.pick("Tekst (platte tekst)", "Plain text")}</label>
                <textarea id=text_id name="text" rows="10" required>{t.text.clone()}</textarea>
                <label for=html_for>"HTML"</label>
                <textarea id=html_id name="html" rows="8" required>{t.html.clone()}</textarea>
                <button type="submit">{lang.pick("Opslaan", "Save")}</button>
            </ActionForm>
            <div class="row">
                <ActionForm action=test attr:class="inline">
                    {hidden_test()}
                    <button type="submit" class="secondary">{lang.pick("Stuur mij een testmail", "Send me a test mail")}</button>
                </ActionForm>
                {t.custom.then(move || view! {
                    <ActionForm action=reset attr:class="inline">
                        {hidden_reset()}
                        <button type="submit" class="secondary">{lang.pick("Terug naar standaard", "Back to built-in")}</button>
                    </ActionForm>
                })}
            </div>
            <details>
                <summary>{lang.pick("Voorbeeld", "Preview")}</summary>
                <p><strong>{lang.pick("Onderwerp", "Subject")}": "</strong>{t.preview.subject.clone()}</p>
                <pre class="mail-text">{t.preview.text.clone()}</pre>
                <iframe class="mail-html" sandbox="" title=format!("{} HTML", lang.pick("Voorbeeld", "Preview")) srcdoc=t.preview.html.clone()></iframe>
            </details>
        </section>
    }
}
