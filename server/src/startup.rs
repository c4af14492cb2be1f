//! Builds the HTTP application on a given address (tests use port 0).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::Context;
use app::backend::mail::invitations::{self, Site};
use app::backend::mail::outbox::{self, WorkerSettings};
use app::backend::mail::transport::{SmtpSettings, Transport};
use app::backend::{db, middleware, AppState, Settings};
use app::{shell, App};
use axum::http::header;
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::routes;

/// A bound, not yet running server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    port: u16,
    state: AppState,
    mail: Mail,
    /// Months after a round's close before its contact data goes.
    retention_months: u32,
}

/// The mail transport and how the outbox worker uses it.
struct Mail {
    transport: Arc<Transport>,
    worker: WorkerSettings,
    site: Site,
    /// What the memory backend received (tests).
    memory: Option<Arc<Mutex<Vec<lettre::Message>>>>,
}

fn mail(config: &Config, site: Site) -> anyhow::Result<Mail> {
    let mut memory = None;
    let transport = match config.mail_backend.as_str() {
        "smtp" => Transport::smtp(&SmtpSettings {
            host: config.smtp_host.clone(),
            port: config.smtp_port,
            security: config.smtp_security.clone(),
            username: config.smtp_username.clone(),
            password: config.smtp_password.clone(),
            timeout_secs: 30,
        })?,
        "memory" => {
            let (t, sent) = Transport::memory();
            memory = Some(sent);
            t
        }
        _ => Transport::file(PathBuf::from(&config.mail_dir))?,
    };
    Ok(Mail {
        transport: Arc::new(transport),
        worker: WorkerSettings {
            from: config.mail_sender()?,
            per_second: config.mail_per_second,
            concurrency: config.mail_concurrency,
            lease_secs: config.mail_lease_secs,
            max_attempts: config.mail_max_attempts,
            retry_secs: config.mail_retry_secs,
            poll_ms: 500,
        },
        site,
        memory,
    })
}

impl Application {
    /// Connects to and migrates the database, binds the address and builds the router.
    pub async fn build(config: &Config) -> anyhow::Result<Application> {
        let addr = config.socket_addr()?;
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let port = listener.local_addr().context("local address")?.port();
        let db = db::connect(&config.database_url).await?;
        db::migrate(&db).await?;
        let settings = settings(config, port)?;
        let mail = mail(config, settings.site())?;
        let state = AppState::new(leptos_options(addr, &config.site_root), db, settings);
        let router = router(state.clone());
        Ok(Application {
            listener,
            router,
            port,
            state,
            mail,
            retention_months: config.retention_months,
        })
    }

    /// The mails the memory backend received.
    pub fn sent_mail(&self) -> Option<Arc<Mutex<Vec<lettre::Message>>>> {
        self.mail.memory.clone()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM, delivering the outbox and sending scheduled reminders
    /// meanwhile.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let db = self.state.db.clone();
        tokio::spawn(outbox::run(
            db.clone(),
            self.mail.transport.clone(),
            self.mail.worker.clone(),
        ));
        let (retention_db, months) = (db.clone(), self.retention_months);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                every.tick().await;
                let actor = app::backend::audit::Actor::system("retention");
                let purged = app::backend::retention::run(
                    &retention_db,
                    &actor,
                    chrono::Utc::now(),
                    months,
                    false,
                )
                .await;
                if let Err(e) = purged {
                    tracing::error!(error = format!("{e:#}"), "retention failed");
                }
            }
        });
        let site = self.mail.site.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                every.tick().await;
                if let Err(e) = invitations::run_schedule(&db, &site, chrono::Utc::now()).await {
                    tracing::error!(error = format!("{e:#}"), "scheduled reminders failed");
                }
            }
        });
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("server failed")
    }
}

fn settings(config: &Config, port: u16) -> anyhow::Result<Settings> {
    let from = config.mail_sender()?;
    Ok(Settings {
        base_url: config.public_url(port),
        secure_cookies: config.secure_cookies,
        session_hours: config.session_hours,
        link_sessions: app::backend::auth::LinkSessions {
            hours: config.link_session_hours,
            idle: chrono::Duration::minutes(config.link_idle_minutes),
        },
        password_link_hours: config.password_link_hours,
        login_max_failures: config.login_max_failures,
        login_window_secs: config.login_window_secs,
        min_institutions: config.min_institutions,
        thresholds: config.thresholds(),
        mail_domain: from.email.domain().to_owned(),
        api_per_minute: config.api_per_minute,
        figures: if config.keep_figures {
            app::backend::sources::Reuse::Stored
        } else {
            app::backend::sources::Reuse::Recompute
        },
        trusted_proxies: config.trusted_proxies()?,
    })
}

/// The site's options: where the compiled site is, and its `pkg` directory (`LEPTOS_SITE_PKG_DIR`).
fn leptos_options(addr: SocketAddr, site_root: &str) -> LeptosOptions {
    let env = std::env::var("LEPTOS_ENV").unwrap_or_default();
    LeptosOptions::builder()
        .output_name("miv")
        .site_root(site_root)
        .site_pkg_dir(std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into()))
        .site_addr(addr)
        .env(if env.eq_ignore_ascii_case("PROD") {
            leptos::config::Env::PROD
        } else {
            leptos::config::Env::DEV
        })
        .build()
}

/// The app's route list, generated once per process. Generating it sets a process-wide flag that
/// suspends resources first polled meanwhile (leptos issue #4773), so it must never overlap with
/// serving: several apps in one process (the tests) share this one list.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The directory of the compiled CSS, JS and WASM (`<site root>/pkg`).
pub fn pkg_dir(options: &LeptosOptions) -> PathBuf {
    PathBuf::from(&*options.site_root).join(&*options.site_pkg_dir)
}

/// All routes: Leptos pages and server functions, plain HTTP endpoints, static files.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    // The compiled files, as Leptos's file handler below sends them (with the brotli or gzip
    // copy that `serve` made, see `precompress`), and one thing more: their names stay the same
    // from build to build, so a browser asks every time whether its copy is still current (a 304
    // when it is), and after an update it never runs old WASM against new pages.
    let pkg = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-cache"),
        ))
        .service(
            ServeDir::new(pkg_dir(&options))
                .precompressed_br()
                .precompressed_gzip(),
        );
    Router::new()
        .nest_service(&format!("/{}", options.site_pkg_dir), pkg)
        .route("/health", get(routes::health::health))
        .route("/taal", post(routes::lang::switch))
        .route(
            "/schema/questionnaire.json",
            get(routes::schema::questionnaire),
        )
        .route("/import/instellingen", post(routes::import::institutions))
        .route("/import/contactpersonen", post(routes::import::contacts))
        .route(
            "/vragenlijst/{id}/deel/{section}",
            post(routes::survey::post_section),
        )
        .route(
            "/vragenlijst/{id}/kopie.pdf",
            get(routes::copies::response_copy),
        )
        .route(
            "/instellingen/{code}/feitenblad.pdf",
            get(routes::copies::fact_sheet),
        )
        .route(
            "/r/{token}",
            get(routes::survey::link_page).post(routes::survey::open_link),
        )
        .route("/import/vragenlijst", post(routes::import::questionnaire))
        // Survey micro-data can be large: 256 MiB for a source's file, 20 MiB elsewhere.
        .route(
            "/import/bron/{id}",
            post(routes::import::source)
                .layer(axum::extract::DefaultBodyLimit::max(256 * 1024 * 1024)),
        )
        .route(
            "/import/bron/upload/{token}",
            post(routes::import::source_mapping),
        )
        .route(
            "/export/ronde/{id}/{file}",
            get(routes::export::round_file).post(routes::export::round_file_marked),
        )
        .route("/export/auditlog.csv", get(routes::export::audit_log))
        .route(
            "/export/gebruiker/{id}/gegevens.json",
            get(routes::export::personal_data),
        )
        .route(
            "/export/vragenlijst/{id}",
            get(routes::export::questionnaire),
        )
        .route("/export/bron/{id}/{file}", get(routes::export::figures))
        .route("/api/openapi.json", get(crate::api::docs::openapi_json))
        .nest("/api/v1", crate::api::router(state.clone()))
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || leptos::prelude::provide_context(state.clone())
            },
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(app::api::guard::error_status))
        .layer(axum::middleware::from_fn(middleware::refuse_cross_site))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::resolve_session,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(20 * 1024 * 1024))
        // Brotli's own default (quality 11) is made for files compressed once, ahead of time
        // (as `precompress` does for /pkg); responses are compressed as they are sent (pages,
        // answers, and files under /pkg before their copies exist), so quality 4. Bodies under
        // 1 KB are sent as they are; a precompressed file passes as it is.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(4))
                .compress_when(DefaultPredicate::new().and(SizeAbove::new(1024))),
        )
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
