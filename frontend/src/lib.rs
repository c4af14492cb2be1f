//! The browser entry points. `hydrate` hydrates the server-rendered app; the `survey` feature builds
//! a separate, much smaller module for the coordinator's survey pages, which are not hydrated.

#[cfg(feature = "survey")]
mod survey;

#[cfg(feature = "app-entry")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // A marker for the end-to-end tests (and curious people) that the page is interactive now.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
