//! A minimal SMTP server on loopback that accepts and discards every message, as fast as
//! loopback allows: the mail benchmark measures the sender against it, and a test uses it to
//! close connections after each message.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Starts the sink on a free loopback port; returns the port and the number of messages it
/// accepted so far. With `close_after_message` it ends each connection after one message, as a
/// server that drops kept connections does.
pub async fn start(close_after_message: bool) -> anyhow::Result<(u16, Arc<AtomicUsize>)> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read);
                let mut line = String::new();
                let mut in_data = false;
                if write.write_all(b"220 sink ESMTP\r\n").await.is_err() {
                    return;
                }
                loop {
                    line.clear();
                    match lines.read_line(&mut line).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    let reply: &[u8] = if in_data {
                        if line != ".\r\n" {
                            continue;
                        }
                        in_data = false;
                        count.fetch_add(1, Ordering::Relaxed);
                        if close_after_message {
                            let _ = write.write_all(b"250 2.0.0 Ok: queued\r\n").await;
                            return;
                        }
                        b"250 2.0.0 Ok: queued\r\n"
                    } else {
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        match verb.as_str() {
                            "EHLO" => b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
                            "DATA" => {
                                in_data = true;
                                b"354 End data with <CR><LF>.<CR><LF>\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 Bye\r\n").await;
                                return;
                            }
                            _ => b"250 Ok\r\n",
                        }
                    };
                    if write.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Ok((port, accepted))
}
