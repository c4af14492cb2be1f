//! Dutch first, English second. Every UI string is written with both texts side by side through
//! [`Lang::pick`], so a missing translation cannot go unnoticed.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "miv_lang";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// Unknown codes fall back to Dutch.
    pub fn from_code(code: &str) -> Lang {
        if code.trim().eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Nl
        }
    }

    /// Chooses the text for this language.
    pub fn pick<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    /// A whole number with the thousands separator of the language (`12.345` / `12,345`).
    pub fn count(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let sep = self.pick(".", ",");
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(c);
        }
        if n < 0 {
            out.insert(0, '-');
        }
        out
    }

    /// Reads the language from a `Cookie` header value.
    pub fn from_cookie_header(header: &str) -> Lang {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .map(|(_, value)| Lang::from_code(value))
            .unwrap_or_default()
    }
}

/// The language of the current page: from the cookie on the server, from `<html lang>` in the
/// browser (which the server wrote), so both sides render the same text.
pub fn detect_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        with_context::<http::request::Parts, _>(|parts| {
            parts
                .headers
                .get(http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_cookie_header)
        })
        .flatten()
        .unwrap_or_default()
    }
    #[cfg(all(not(feature = "ssr"), feature = "hydrate"))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .map(|code| Lang::from_code(&code))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::default()
    }
}

/// The language provided by the app shell.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_use_the_thousands_separator_of_the_language() {
        assert_eq!(Lang::Nl.count(1_234_567), "1.234.567");
        assert_eq!(Lang::En.count(-1_234), "-1,234");
        assert_eq!(Lang::Nl.count(999), "999");
    }

    #[test]
    fn the_cookie_chooses_the_language_and_dutch_is_the_default() {
        assert_eq!(Lang::from_cookie_header("a=b; miv_lang=en"), Lang::En);
        assert_eq!(Lang::from_cookie_header("miv_lang=fr"), Lang::Nl);
        assert_eq!(Lang::from_cookie_header(""), Lang::Nl);
    }
}
