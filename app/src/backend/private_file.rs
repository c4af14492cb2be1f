//! Files that hold secrets (demo logins, backups, the SQLite database): readable and writable by
//! their owner only (mode 0600 on Unix).

use std::io::Write;
use std::path::Path;

/// Creates `path` (which must not exist) for its owner only, with `bytes` in it.
pub fn create(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

/// Writes `bytes` to `path` (replacing what it held), readable by its owner only.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    restrict(path).or_else(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Ok(())
        } else {
            Err(e)
        }
    })?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

/// Makes an existing file readable and writable by its owner only.
pub fn restrict(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(path).map(|_| ())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn files_with_secrets_are_for_their_owner_only() {
        let dir = std::env::temp_dir().join(format!("miv-private-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("dir");
        let mode =
            |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        let new = dir.join("new");
        super::create(&new, b"x").expect("create");
        assert_eq!(mode(&new), 0o600);
        assert!(super::create(&new, b"y").is_err(), "never overwrites");
        let old = dir.join("old");
        std::fs::write(&old, b"open").expect("write");
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        super::write(&old, b"secret").expect("write");
        assert_eq!(mode(&old), 0o600);
        assert_eq!(std::fs::read(&old).expect("read"), b"secret");
        std::fs::remove_dir_all(&dir).ok();
    }
}
