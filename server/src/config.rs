//! Configuration in layers: built-in defaults, then an optional TOML file (`miv.toml`, or the
//! path in `MIV_CONFIG`), then environment variables with the `MIV_` prefix. `DATABASE_URL` and
//! `LEPTOS_SITE_ADDR` are read as well, as in any cargo-leptos app. Validated once at start.

use std::net::SocketAddr;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// Everything the server can be configured with.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Config {
    /// `sqlite://data/miv.sqlite` (default) or `postgres://user@host/db`.
    pub database_url: String,
    /// Address to listen on.
    pub site_addr: String,
    /// Where `.ci/build.sh` (or cargo-leptos) put the compiled site (`LEPTOS_SITE_ROOT` too).
    pub site_root: String,
    /// Public URL used in links; defaults to `http://<site_addr>`.
    pub base_url: Option<String>,
    /// Mark cookies `Secure` (required when served over HTTPS).
    pub secure_cookies: bool,
    pub session_hours: i64,
    /// A session opened by a personal link ends after this many hours (or when the round closes,
    /// if sooner), and after `link_idle_minutes` without use.
    pub link_session_hours: i64,
    pub link_idle_minutes: i64,
    pub password_link_hours: i64,
    pub login_max_failures: u32,
    pub login_window_secs: u64,
    /// Figures over institutions are shown only where at least this many answered (k-anonymity).
    pub min_institutions: usize,
    /// Months after a round's close before its personal links and mail addresses are purged.
    pub retention_months: u32,
    /// The smallest number of respondents behind a share that is shown.
    pub min_n_shares: u64,
    /// The smallest count (of incidents) that is shown; zero is shown.
    pub min_n_counts: u64,
    /// How wide the interval an attacker can compute of a cell hidden for being small must be at
    /// least; by default `min_n_counts`.
    pub protection_width: Option<u64>,
    /// Requests per minute one API token (or session) may make.
    pub api_per_minute: u32,
    /// Keep published figures in the database and read them back (`false`: compute them on
    /// every request, only to compare in a benchmark).
    pub keep_figures: bool,
    /// Proxies (addresses and networks, comma-separated: `127.0.0.1, 10.0.0.0/8`) whose
    /// `Forwarded` / `X-Forwarded-For` headers give the client's address; empty: none.
    pub trusted_proxies: String,
    /// `text` or `json`.
    pub log_format: String,
    /// `development` or `production` (production refuses the file and memory mail backends).
    pub environment: String,
    /// Where mail goes: `smtp`, `file` (`.eml` files in `mail_dir`) or `memory` (tests).
    pub mail_backend: String,
    pub mail_dir: String,
    /// The sender of every mail, such as `MIV-mbo <noreply@example.nl>`.
    pub mail_from: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `none`, `starttls` or `tls`.
    pub smtp_security: String,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    /// Mails per second at most, and in flight at once.
    pub mail_per_second: u32,
    pub mail_concurrency: usize,
    /// Seconds a claimed mail stays with one process before another may send it.
    pub mail_lease_secs: i64,
    /// Attempts before a temporarily failing mail is given up.
    pub mail_max_attempts: i32,
    /// Seconds before the first retry of a temporarily refused mail; doubles with every attempt
    /// up to an hour.
    pub mail_retry_secs: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://data/miv.sqlite".into(),
            site_addr: "127.0.0.1:3000".into(),
            site_root: "target/site".into(),
            base_url: None,
            secure_cookies: false,
            session_hours: 12,
            link_session_hours: 8,
            link_idle_minutes: 60,
            password_link_hours: 72,
            login_max_failures: 5,
            login_window_secs: 900,
            min_institutions: 5,
            retention_months: app::backend::retention::DEFAULT_MONTHS,
            min_n_shares: app::domain::aggregate::MIN_N_SHARES,
            min_n_counts: app::domain::aggregate::MIN_N_COUNTS,
            protection_width: None,
            api_per_minute: 300,
            keep_figures: true,
            trusted_proxies: String::new(),
            log_format: "text".into(),
            environment: "development".into(),
            mail_backend: "file".into(),
            mail_dir: "data/mail".into(),
            mail_from: "Monitor Integrale Veiligheid mbo <noreply@miv-mbo.localhost>".into(),
            smtp_host: "127.0.0.1".into(),
            smtp_port: 25,
            smtp_security: "starttls".into(),
            smtp_username: None,
            smtp_password: None,
            mail_per_second: 50,
            mail_concurrency: 4,
            mail_lease_secs: 120,
            mail_max_attempts: 8,
            mail_retry_secs: 30,
        }
    }
}

/// A configuration value that cannot be used, with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration cannot be read: {0}")]
    Unreadable(String),
    #[error("MIV_DATABASE_URL / DATABASE_URL must start with sqlite: or postgres://, got {0:?}")]
    DatabaseUrl(String),
    #[error(
        "MIV_SITE_ADDR / LEPTOS_SITE_ADDR must be host:port such as 127.0.0.1:3000, got {0:?}"
    )]
    SiteAddr(String),
    #[error("MIV_BASE_URL must start with http:// or https://, got {0:?}")]
    BaseUrl(String),
    #[error("{0} must be greater than 0")]
    NotPositive(&'static str),
    #[error("MIV_TRUSTED_PROXIES must list addresses or networks (10.0.0.0/8), not {0:?}")]
    TrustedProxies(String),
    #[error("in production {0}")]
    UnsafeInProduction(&'static str),
    #[error("MIV_LOG_FORMAT must be text or json, got {0:?}")]
    LogFormat(String),
    #[error("MIV_ENVIRONMENT must be development or production, got {0:?}")]
    Environment(String),
    #[error("MIV_MAIL_BACKEND must be smtp, file or memory, got {0:?}")]
    MailBackend(String),
    #[error(
        "in production mail must go through SMTP: set MIV_MAIL_BACKEND=smtp and MIV_SMTP_HOST"
    )]
    MailBackendInProduction,
    #[error("MIV_SMTP_SECURITY must be none, starttls or tls, got {0:?}")]
    SmtpSecurity(String),
    #[error("MIV_MAIL_FROM must be an address such as MIV-mbo <noreply@example.nl>, got {0:?}")]
    MailFrom(String),
}

impl Config {
    /// Reads all layers and validates the result.
    pub fn load() -> Result<Config, ConfigError> {
        let file = std::env::var("MIV_CONFIG").unwrap_or_else(|_| "miv.toml".into());
        let mut figment = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("MIV_"));
        if let Ok(url) = std::env::var("DATABASE_URL") {
            figment = figment.merge(Serialized::default("database_url", url));
        }
        if let Ok(addr) = std::env::var("LEPTOS_SITE_ADDR") {
            figment = figment.merge(Serialized::default("site_addr", addr));
        }
        if let Ok(root) = std::env::var("LEPTOS_SITE_ROOT") {
            figment = figment.merge(Serialized::default("site_root", root));
        }
        let config: Config = figment
            .extract()
            .map_err(|e| ConfigError::Unreadable(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let db = &self.database_url;
        if !(db.starts_with("sqlite:")
            || db.starts_with("postgres://")
            || db.starts_with("postgresql://"))
        {
            return Err(ConfigError::DatabaseUrl(db.clone()));
        }
        self.socket_addr()?;
        self.positive()?;
        if let Some(base) = &self.base_url {
            if !(base.starts_with("http://") || base.starts_with("https://")) {
                return Err(ConfigError::BaseUrl(base.clone()));
            }
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(ConfigError::LogFormat(self.log_format.clone()));
        }
        if !matches!(self.environment.as_str(), "development" | "production") {
            return Err(ConfigError::Environment(self.environment.clone()));
        }
        if !matches!(self.mail_backend.as_str(), "smtp" | "file" | "memory") {
            return Err(ConfigError::MailBackend(self.mail_backend.clone()));
        }
        if self.environment == "production" && self.mail_backend != "smtp" {
            return Err(ConfigError::MailBackendInProduction);
        }
        self.trusted_proxies()?;
        if self.environment == "production" {
            if !self.secure_cookies {
                return Err(ConfigError::UnsafeInProduction(
                    "cookies must be Secure: set MIV_SECURE_COOKIES=true (and serve over HTTPS)",
                ));
            }
            if !self
                .base_url
                .as_deref()
                .is_some_and(|url| url.starts_with("https://"))
            {
                return Err(ConfigError::UnsafeInProduction(
                    "the site is served over HTTPS: set MIV_BASE_URL=https://…",
                ));
            }
        }
        if !matches!(self.smtp_security.as_str(), "none" | "starttls" | "tls") {
            return Err(ConfigError::SmtpSecurity(self.smtp_security.clone()));
        }
        self.mail_sender()?;
        Ok(())
    }

    /// Every count, duration and limit that must be above zero.
    fn positive(&self) -> Result<(), ConfigError> {
        let settings = [
            ("MIV_SESSION_HOURS", self.session_hours > 0),
            ("MIV_LINK_SESSION_HOURS", self.link_session_hours > 0),
            ("MIV_LINK_IDLE_MINUTES", self.link_idle_minutes > 0),
            ("MIV_PASSWORD_LINK_HOURS", self.password_link_hours > 0),
            ("MIV_LOGIN_MAX_FAILURES", self.login_max_failures > 0),
            ("MIV_LOGIN_WINDOW_SECS", self.login_window_secs > 0),
            ("MIV_MIN_INSTITUTIONS", self.min_institutions > 0),
            ("MIV_RETENTION_MONTHS", self.retention_months > 0),
            ("MIV_MIN_N_SHARES", self.min_n_shares > 0),
            ("MIV_API_PER_MINUTE", self.api_per_minute > 0),
            ("MIV_MIN_N_COUNTS", self.min_n_counts > 0),
            ("MIV_PROTECTION_WIDTH", self.protection_width != Some(0)),
            ("MIV_MAIL_PER_SECOND", self.mail_per_second > 0),
            ("MIV_MAIL_CONCURRENCY", self.mail_concurrency > 0),
            ("MIV_MAIL_LEASE_SECS", self.mail_lease_secs > 0),
            ("MIV_MAIL_MAX_ATTEMPTS", self.mail_max_attempts > 0),
            ("MIV_MAIL_RETRY_SECS", self.mail_retry_secs > 0),
        ];
        match settings.iter().find(|(_, above_zero)| !above_zero) {
            Some((name, _)) => Err(ConfigError::NotPositive(name)),
            None => Ok(()),
        }
    }

    /// The sender mailbox.
    pub fn mail_sender(&self) -> Result<lettre::message::Mailbox, ConfigError> {
        self.mail_from
            .parse()
            .map_err(|_| ConfigError::MailFrom(self.mail_from.clone()))
    }

    /// The proxies whose forwarding headers are believed.
    pub fn trusted_proxies(&self) -> Result<app::backend::proxies::TrustedProxies, ConfigError> {
        app::backend::proxies::TrustedProxies::parse(&self.trusted_proxies)
            .map_err(ConfigError::TrustedProxies)
    }

    pub fn socket_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.site_addr
            .parse()
            .map_err(|_| ConfigError::SiteAddr(self.site_addr.clone()))
    }

    /// The public base URL without a trailing slash.
    /// The rules of disclosure control: thresholds, protection width, smallest group of
    /// institutions.
    pub fn thresholds(&self) -> app::domain::aggregate::Thresholds {
        app::domain::aggregate::Thresholds {
            shares: self.min_n_shares,
            counts: self.min_n_counts,
            protection_width: self.protection_width.unwrap_or(self.min_n_counts),
            min_institutions: self.min_institutions as u64,
        }
    }

    pub fn public_url(&self, port: u16) -> String {
        match &self.base_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let host = self
                    .site_addr
                    .rsplit_once(':')
                    .map(|(h, _)| h)
                    .unwrap_or("127.0.0.1");
                format!("http://{host}:{port}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid() {
        assert!(Config::default().validate().is_ok());
    }

    #[test]
    fn bad_values_are_refused_with_the_variable_named() {
        let bad = Config {
            database_url: "mysql://x".into(),
            ..Config::default()
        };
        assert!(bad
            .validate()
            .expect_err("invalid")
            .to_string()
            .contains("DATABASE_URL"));
        let bad = Config {
            site_addr: "localhost".into(),
            ..Config::default()
        };
        assert!(bad
            .validate()
            .expect_err("invalid")
            .to_string()
            .contains("LEPTOS_SITE_ADDR"));
        let bad = Config {
            session_hours: 0,
            ..Config::default()
        };
        assert!(bad
            .validate()
            .expect_err("invalid")
            .to_string()
            .contains("MIV_SESSION_HOURS"));
    }

    #[test]
    fn production_refuses_mail_that_does_not_leave_the_machine() {
        for backend in ["file", "memory"] {
            let bad = Config {
                environment: "production".into(),
                mail_backend: backend.into(),
                ..Config::default()
            };
            assert!(matches!(
                bad.validate(),
                Err(ConfigError::MailBackendInProduction)
            ));
        }
        let good = Config {
            environment: "production".into(),
            mail_backend: "smtp".into(),
            secure_cookies: true,
            base_url: Some("https://miv.example.nl".into()),
            ..Config::default()
        };
        assert!(good.validate().is_ok());
        let bad = Config {
            mail_from: "not an address".into(),
            ..Config::default()
        };
        assert!(matches!(bad.validate(), Err(ConfigError::MailFrom(_))));
    }

    #[test]
    fn production_refuses_cookies_without_secure_and_a_site_without_https() {
        let production = Config {
            environment: "production".into(),
            mail_backend: "smtp".into(),
            secure_cookies: true,
            base_url: Some("https://miv.example.nl".into()),
            ..Config::default()
        };
        let insecure = Config {
            secure_cookies: false,
            ..production.clone()
        };
        assert!(matches!(
            insecure.validate(),
            Err(ConfigError::UnsafeInProduction(m)) if m.contains("MIV_SECURE_COOKIES")
        ));
        for base_url in [None, Some("http://miv.example.nl".to_owned())] {
            let plain = Config {
                base_url,
                ..production.clone()
            };
            assert!(matches!(
                plain.validate(),
                Err(ConfigError::UnsafeInProduction(m)) if m.contains("MIV_BASE_URL")
            ));
        }
        let proxies = Config {
            trusted_proxies: "10.0.0.0/8, proxy".into(),
            ..Config::default()
        };
        assert!(matches!(
            proxies.validate(),
            Err(ConfigError::TrustedProxies(p)) if p == "proxy"
        ));
    }

    #[test]
    fn the_public_url_follows_the_bound_port() {
        let config = Config {
            site_addr: "127.0.0.1:0".into(),
            ..Config::default()
        };
        assert_eq!(config.public_url(4321), "http://127.0.0.1:4321");
    }
}
