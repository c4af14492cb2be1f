//! Shared state handed to every request and server function.

use std::sync::Arc;

use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

use super::flash::Flash;
use super::rate_limit::RateLimiter;

/// Settings the application code needs at run time (already validated at start-up).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Public base URL, used to build links (no trailing slash).
    pub base_url: String,
    /// Set the `Secure` flag on cookies (behind HTTPS).
    pub secure_cookies: bool,
    pub session_hours: i64,
    /// How long a session opened by a personal link lasts, and without use.
    pub link_sessions: super::auth::LinkSessions,
    pub password_link_hours: i64,
    /// Failed logins allowed per e-mail address (and 4× that per IP address) in the window.
    pub login_max_failures: u32,
    pub login_window_secs: u64,
    /// The least number of institutions behind any figure shown for a group of institutions.
    pub min_institutions: usize,
    /// The smallest n of a share and the smallest count shown in figures.
    pub thresholds: crate::domain::aggregate::Thresholds,
    /// The domain of the sender address; Message-IDs end in it.
    pub mail_domain: String,
    /// Requests per minute one API token or session may make.
    pub api_per_minute: u32,
    /// Whether published figures are kept in the database and read back.
    pub figures: super::sources::Reuse,
    /// Proxies whose forwarding headers give the client's address.
    pub trusted_proxies: super::proxies::TrustedProxies,
}

impl Settings {
    /// Where links in mails point and what Message-IDs end in.
    pub fn site(&self) -> super::mail::invitations::Site {
        super::mail::invitations::Site {
            base_url: self.base_url.clone(),
            mail_domain: self.mail_domain.clone(),
        }
    }
}

/// The state every request and server function is handed: one handle, cloned per request
/// (several times: the router, Leptos' context, each server function), so a clone is one
/// reference count.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What the state holds.
pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub login_limiter: Arc<RateLimiter>,
    pub flash: Arc<Flash>,
    /// Parsed definitions of published versions (which never change), by version id.
    pub definitions: Arc<
        std::sync::RwLock<
            std::collections::HashMap<i32, Arc<crate::domain::questionnaire::Definition>>,
        >,
    >,
    /// Coordinators' personal links: failed attempts per IP address.
    pub link_limiter: Arc<RateLimiter>,
    /// Sessions by token hash, for 2.5 to 5 s (cleared at logout, password change and deactivation).
    pub sessions: Arc<super::cache::TtlCache<String, Option<super::auth::CurrentUser>>>,
    /// A response's row, round and institution by response id, for 2.5 to 5 s (cleared when a round's
    /// closing moment or a response's status changes).
    pub contexts: Arc<super::cache::TtlCache<i32, super::responses::ResponseRows>>,
    /// Answers by response id with the answers version they belong to, and their batch writer.
    pub answers: Arc<super::responses::AnswerStore>,
    /// Files uploaded into a source this process read last, parsed (the database keeps them).
    pub uploads: Arc<super::source_upload::Uploads>,
    /// API requests per token or session, and refused tokens per IP address.
    pub api_limiter: Arc<RateLimiter>,
    pub api_refusals: Arc<RateLimiter>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, db: DatabaseConnection, settings: Settings) -> Self {
        let window = std::time::Duration::from_secs(settings.login_window_secs);
        let api_per_minute = settings.api_per_minute;
        let answers = Arc::new(super::responses::AnswerStore::new(db.clone()));
        AppState(Arc::new(Shared {
            leptos_options,
            db,
            login_limiter: Arc::new(RateLimiter::new(settings.login_max_failures, window)),
            settings: Arc::new(settings),
            flash: Arc::new(Flash::default()),
            definitions: Arc::default(),
            link_limiter: Arc::new(RateLimiter::new(20, std::time::Duration::from_secs(900))),
            sessions: Arc::new(super::cache::TtlCache::spread(
                std::time::Duration::from_secs(5),
                10_000,
            )),
            contexts: Arc::new(super::cache::TtlCache::spread(
                std::time::Duration::from_secs(5),
                10_000,
            )),
            answers,
            uploads: Arc::new(super::cache::TtlCache::new(super::source_upload::KEPT, 8)),
            api_limiter: Arc::new(RateLimiter::new(
                api_per_minute,
                std::time::Duration::from_secs(60),
            )),
            api_refusals: Arc::new(RateLimiter::new(20, std::time::Duration::from_secs(900))),
        }))
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
