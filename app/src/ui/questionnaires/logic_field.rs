//! An input for a logic expression that is checked as the researcher types, with the same parser
//! and checker as the server, and the error shown at its position.

use leptos::prelude::*;

use crate::domain::expr::{self, Scope, ValueType};
use crate::i18n::{use_lang, Lang};

/// The problem with `source` in `scope`, with the text marked at its position.
pub fn diagnose(source: &str, scope: &Scope, lang: Lang) -> Option<(String, String)> {
    if source.trim().is_empty() {
        return None;
    }
    let (message, span) = match expr::parse(source) {
        Err(e) => (e.message(lang), e.span),
        Ok(node) => match expr::check(&node, scope) {
            Err(errors) => (errors[0].message(lang), errors[0].span),
            Ok(ValueType::Bool | ValueType::Unknown) => return None,
            Ok(_) => (
                lang.pick(
                    "Dit moet een voorwaarde zijn (waar/onwaar).",
                    "This must be a condition (true/false).",
                )
                .to_owned(),
                expr::Span {
                    start: 0,
                    end: source.len(),
                },
            ),
        },
    };
    let before = source
        .get(..span.start)
        .map(|s| s.chars().count())
        .unwrap_or(0);
    let width = source
        .get(span.start..span.end)
        .map(|s| s.chars().count())
        .unwrap_or(1)
        .max(1);
    let marker = format!("{source}\n{}{}", " ".repeat(before), "^".repeat(width));
    Some((message, marker))
}

#[component]
pub fn LogicField(
    id: String,
    name: &'static str,
    label: String,
    value: String,
    scope: Scope,
) -> impl IntoView {
    let lang = use_lang();
    let text = RwSignal::new(value.clone());
    let scope = StoredValue::new(scope);
    let problem = move || scope.with_value(|s| diagnose(&text.get(), s, lang));
    let error_id = format!("{id}-fout");
    let described = error_id.clone();
    view! {
        <label for=id.clone()>{label}</label>
        <input id=id name=name value=value class="logic" spellcheck="false" autocomplete="off"
            aria-describedby=described
            on:input=move |ev| text.set(event_target_value(&ev)) />
        <div id=error_id aria-live="polite">
            {move || problem().map(|(message, marker)| view! {
                <p class="error">{message}</p>
                <pre class="marker" aria-hidden="true">{marker}</pre>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_is_marked_under_its_position() {
        let scope = Scope {
            before: [("a".to_owned(), ValueType::Choice)].into(),
            ..Scope::default()
        };
        let (message, marker) =
            diagnose("${a} = 'ja' and ${b} = 1", &scope, Lang::En).expect("problem");
        assert!(message.starts_with("Unknown question ${b}"), "{message}");
        assert_eq!(marker, "${a} = 'ja' and ${b} = 1\n                ^^^^");
        assert!(diagnose("${a} = 'ja'", &scope, Lang::En).is_none());
        assert!(diagnose("", &scope, Lang::En).is_none());
    }
}
