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
    /// Public URL used in links; defaults to `http://<site_addr>`.
    pub base_url: Option<String>,
    /// Mark cookies `Secure` (required when served over HTTPS).
    pub secure_cookies: bool,
    pub session_hours: i64,
    pub password_link_hours: i64,
    pub login_max_failures: u32,
    pub login_window_secs: u64,
    /// Figures over institutions are shown only where at least this many answered (k-anonymity).
    pub min_institutions: usize,
    /// `text` or `json`.
    pub log_format: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://data/miv.sqlite".into(),
            site_addr: "127.0.0.1:3000".into(),
            base_url: None,
            secure_cookies: false,
            session_hours: 12,
            password_link_hours: 72,
            login_max_failures: 5,
            login_window_secs: 900,
            min_institutions: 5,
            log_format: "text".into(),
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
    #[error("MIV_LOG_FORMAT must be text or json, got {0:?}")]
    LogFormat(String),
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
        if let Some(base) = &self.base_url {
            if !(base.starts_with("http://") || base.starts_with("https://")) {
                return Err(ConfigError::BaseUrl(base.clone()));
            }
        }
        if self.session_hours <= 0 {
            return Err(ConfigError::NotPositive("MIV_SESSION_HOURS"));
        }
        if self.password_link_hours <= 0 {
            return Err(ConfigError::NotPositive("MIV_PASSWORD_LINK_HOURS"));
        }
        if self.login_max_failures == 0 {
            return Err(ConfigError::NotPositive("MIV_LOGIN_MAX_FAILURES"));
        }
        if self.login_window_secs == 0 {
            return Err(ConfigError::NotPositive("MIV_LOGIN_WINDOW_SECS"));
        }
        if self.min_institutions == 0 {
            return Err(ConfigError::NotPositive("MIV_MIN_INSTITUTIONS"));
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(ConfigError::LogFormat(self.log_format.clone()));
        }
        Ok(())
    }

    pub fn socket_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.site_addr
            .parse()
            .map_err(|_| ConfigError::SiteAddr(self.site_addr.clone()))
    }

    /// The public base URL without a trailing slash.
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
    fn the_public_url_follows_the_bound_port() {
        let config = Config {
            site_addr: "127.0.0.1:0".into(),
            ..Config::default()
        };
        assert_eq!(config.public_url(4321), "http://127.0.0.1:4321");
    }
}
