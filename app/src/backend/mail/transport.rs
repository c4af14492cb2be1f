//! Where mails go: an SMTP server (production), `.eml` files in a folder (development) or memory
//! (tests). The outbox worker is the only sender.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};

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
    Smtp(SmtpPool),
    File(AsyncFileTransport<Tokio1Executor>),
    Memory(Arc<Mutex<Vec<Message>>>),
}

/// SMTP connections kept open between mails, at most one per mail in flight.
///
/// Not lettre's pooled transport: that one asks the server (NOOP) before every mail, and its
/// sockets keep Nagle's algorithm on, so the five bytes that end each message wait for the
/// server's delayed acknowledgement (40 ms on Linux): 25 mails per second per connection. Here
/// plain and STARTTLS connections are opened with `TCP_NODELAY` (implicit TLS ones are opened by
/// lettre and keep Nagle); a mail on a kept connection that turns out to be closed is sent once
/// more on a new one.
pub struct SmtpPool {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    timeout: Duration,
    hello: ClientId,
    idle: Mutex<Vec<(Instant, AsyncSmtpConnection)>>,
}

enum Security {
    None,
    StartTls(TlsParameters),
    Wrapper(TlsParameters),
}

/// A connection idle longer than this is closed rather than used (servers close idle ones).
const IDLE_FOR_AT_MOST: Duration = Duration::from_secs(30);

fn refusal(e: lettre::transport::smtp::Error) -> SendError {
    if e.is_permanent() {
        SendError::Permanent(e.to_string())
    } else {
        SendError::Temporary(e.to_string())
    }
}

/// Whether the server answered with a reply code (or the mail itself was refused before sending):
/// such a mail is not sent again on another connection. A closed connection shows as an
/// incomplete response or a network error.
fn answered(e: &lettre::transport::smtp::Error) -> bool {
    e.is_transient() || e.is_permanent() || e.is_client()
}

impl SmtpPool {
    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let opened = async {
            let mut conn = match &self.security {
                Security::Wrapper(tls) => AsyncSmtpConnection::connect_tokio1(
                    (self.host.as_str(), self.port),
                    Some(self.timeout),
                    &self.hello,
                    Some(tls.clone()),
                    None,
                )
                .await
                .map_err(refusal)?,
                Security::None | Security::StartTls(_) => {
                    let stream = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
                        .await
                        .map_err(|e| SendError::Temporary(format!("connect: {e}")))?;
                    stream
                        .set_nodelay(true)
                        .map_err(|e| SendError::Temporary(format!("TCP_NODELAY: {e}")))?;
                    AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello)
                        .await
                        .map_err(refusal)?
                }
            };
            if let Security::StartTls(tls) = &self.security {
                conn.starttls(tls.clone(), &self.hello)
                    .await
                    .map_err(refusal)?;
            }
            if let Some(credentials) = &self.credentials {
                conn.auth(DEFAULT_MECHANISMS, credentials)
                    .await
                    .map_err(refusal)?;
            }
            Ok(conn)
        };
        tokio::time::timeout(self.timeout, opened)
            .await
            .map_err(|_| SendError::Temporary("SMTP connection timed out".into()))?
    }

    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().ok()?;
        while let Some((since, conn)) = idle.pop() {
            if since.elapsed() < IDLE_FOR_AT_MOST && !conn.has_broken() {
                return Some(conn);
            }
        }
        None
    }

    async fn send(&self, message: &Message) -> Result<(), SendError> {
        let raw = message.formatted();
        let mut reused = self.take_idle();
        loop {
            let was_reused = reused.is_some();
            let mut conn = match reused.take() {
                Some(conn) => conn,
                None => self.connect().await?,
            };
            let sent =
                tokio::time::timeout(self.timeout, conn.send(message.envelope(), &raw)).await;
            match sent {
                Ok(Ok(_)) => {
                    if let Ok(mut idle) = self.idle.lock() {
                        idle.push((Instant::now(), conn));
                    }
                    return Ok(());
                }
                // No reply on a kept connection (the server closed it): once more on a new one.
                Ok(Err(e)) if was_reused && !answered(&e) => continue,
                Ok(Err(e)) => return Err(refusal(e)),
                Err(_) => return Err(SendError::Temporary("SMTP send timed out".into())),
            }
        }
    }
}

impl Transport {
    pub fn smtp(s: &SmtpSettings) -> anyhow::Result<Transport> {
        let tls = || TlsParameters::new(s.host.clone());
        let security = match s.security.as_str() {
            "none" => Security::None,
            "starttls" => Security::StartTls(tls()?),
            "tls" => Security::Wrapper(tls()?),
            other => {
                anyhow::bail!("MIV_SMTP_SECURITY must be none, starttls or tls, got {other:?}")
            }
        };
        let credentials = match (&s.username, &s.password) {
            (Some(user), Some(password)) => Some(Credentials::new(user.clone(), password.clone())),
            _ => None,
        };
        Ok(Transport::Smtp(SmtpPool {
            host: s.host.clone(),
            port: s.port,
            security,
            credentials,
            timeout: Duration::from_secs(s.timeout_secs),
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
        }))
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
            Transport::Smtp(pool) => pool.send(&message).await,
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
