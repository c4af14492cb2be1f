//! Where mails go: an SMTP server (production), `.eml` files in a folder (development) or memory
//! (tests). The outbox worker is the only sender.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How to reach the SMTP server.
#[derive(Clone, Debug)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// `none`, `starttls` or `tls`.
    pub security: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub timeout_secs: u64,
}

/// Why a mail was not delivered. A permanent failure (a 5xx reply) is not retried.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("temporary: {0}")]
    Temporary(String),
    #[error("permanent: {0}")]
    Permanent(String),
}

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
    Memory(Arc<Mutex<Vec<Message>>>),
}

impl Transport {
    pub fn smtp(s: &SmtpSettings) -> anyhow::Result<Transport> {
        let tls = || TlsParameters::new(s.host.clone());
        let tls = match s.security.as_str() {
            "none" => Tls::None,
            "starttls" => Tls::Required(tls()?),
            "tls" => Tls::Wrapper(tls()?),
            other => {
                anyhow::bail!("MIV_SMTP_SECURITY must be none, starttls or tls, got {other:?}")
            }
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
            .port(s.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(s.timeout_secs)));
        if let (Some(user), Some(password)) = (&s.username, &s.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Transport::Smtp(builder.build()))
    }

    pub fn file(dir: PathBuf) -> anyhow::Result<Transport> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| anyhow::anyhow!("cannot create mail folder {}: {e}", dir.display()))?;
        Ok(Transport::File(AsyncFileTransport::new(dir)))
    }

    pub fn memory() -> (Transport, Arc<Mutex<Vec<Message>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        (Transport::Memory(sent.clone()), sent)
    }

    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(e.to_string())
                } else {
                    SendError::Temporary(e.to_string())
                }
            }),
            Transport::File(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| SendError::Temporary(e.to_string())),
            Transport::Memory(sent) => {
                sent.lock()
                    .map_err(|_| SendError::Temporary("memory transport poisoned".into()))?
                    .push(message);
                Ok(())
            }
        }
    }
}
