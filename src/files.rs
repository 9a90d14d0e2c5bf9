//! What awsmfa needs of the file system beyond `std`: opening only regular files (never
//! waiting on a named pipe, never following a link where none may be followed), reading with
//! a size limit, and carrying a replaced file's owner, group and extended attributes over to
//! the file that replaces it.
//!
//! The OS calls are thin and few: `geteuid`, `fchown` through `std`, the extended
//! attributes through the `xattr` crate (Linux), `copyfile(3)` on macOS, which also copies
//! ACLs and `com.apple.*` metadata.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

/// Whether this process runs as root (root ignores modes, so owners need care).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// This process's effective user ID.
pub fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Why a file could not be opened as a regular file.
#[derive(Debug)]
pub enum OpenError {
    /// It does not exist.
    Missing,
    /// It is a symbolic link where none may be followed.
    Link,
    /// It is a folder, a named pipe, a socket or a device: the name of what it is.
    NotRegular(&'static str),
    /// The OS refused.
    Io(io::Error),
}

fn kind_of(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// Opens `path` for reading if it is a regular file. `follow`: whether a symbolic link may
/// be followed (the AWS files, which people link into dotfile repositories) or not (awsmfa's
/// own state files). Opened without blocking, so a named pipe is reported, not waited on.
pub fn open_regular(path: &Path, follow: bool) -> Result<File, OpenError> {
    let mut flags = libc::O_NONBLOCK | libc::O_CLOEXEC;
    if !follow {
        flags |= libc::O_NOFOLLOW;
    }
    let file = match OpenOptions::new().read(true).custom_flags(flags).open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Err(OpenError::Missing),
        // O_NOFOLLOW on a link: ELOOP (Linux, macOS).
        Err(err) if !follow && err.raw_os_error() == Some(libc::ELOOP) => {
            return Err(OpenError::Link);
        }
        Err(err) => return Err(OpenError::Io(err)),
    };
    let meta = file.metadata().map_err(OpenError::Io)?;
    if !meta.is_file() {
        return Err(OpenError::NotRegular(kind_of(&meta)));
    }
    Ok(file)
}

/// Reads all of `file`, failing past `limit` bytes.
pub fn read_limited(file: &mut File, limit: u64) -> io::Result<Vec<u8>> {
    // Sized once from the file's length, not doubled up to it (`list` reads on every
    // keystroke); the length is only a hint, the limit is what counts.
    let hint = file.metadata().map_or(0, |m| m.len()).min(limit) + 1;
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("it is larger than {} MiB", limit / (1024 * 1024)),
        ));
    }
    Ok(bytes)
}

/// Gives `new` the owner and group of `old` (a file it replaces), so that root editing a
/// person's file (`sudo` keeps HOME on macOS) leaves it theirs. Without root, only the group
/// can change, and only to one of this user's groups: failing that changes nothing.
pub fn keep_owner(new: &File, old: &Metadata) -> io::Result<()> {
    let (uid, gid) = (old.uid(), old.gid());
    let meta = new.metadata()?;
    if meta.uid() == uid && meta.gid() == gid {
        return Ok(());
    }
    match std::os::unix::fs::fchown(new, Some(uid), Some(gid)) {
        Ok(()) => Ok(()),
        Err(_) if !is_root() => Ok(()),
        Err(err) => Err(err),
    }
}

/// Gives `new`, a file or folder root just created in `parent`, the owner and group of
/// `parent`: a folder of the person's own gets files of theirs. Nothing to do without root.
pub fn owner_from_parent(new: &Path, parent: &Path) -> io::Result<()> {
    if !is_root() {
        return Ok(());
    }
    let parent = std::fs::metadata(parent)?;
    if parent.uid() == 0 {
        return Ok(());
    }
    std::os::unix::fs::lchown(new, Some(parent.uid()), Some(parent.gid()))
}

/// Copies the extended attributes of `old` onto `new` (Linux: every attribute this process
/// may read and set, ACLs included, as they are `system.posix_acl_*` attributes). Returns the
/// names it could not copy, for the debug log.
#[cfg(not(target_os = "macos"))]
pub fn copy_attributes(old: &Path, new: &Path) -> io::Result<Vec<String>> {
    let mut failed = Vec::new();
    let names = match xattr::list(old) {
        Ok(names) => names,
        // A file system without extended attributes has none to keep.
        Err(err) if err.raw_os_error() == Some(libc::ENOTSUP) => return Ok(failed),
        Err(err) => return Err(err),
    };
    for name in names {
        let copied = xattr::get(old, &name).and_then(|value| match value {
            Some(value) => xattr::set(new, &name, &value),
            None => Ok(()),
        });
        if copied.is_err() {
            failed.push(name.to_string_lossy().into_owned());
        }
    }
    Ok(failed)
}

/// Copies the extended attributes and the ACL of `old` onto `new` (macOS: `copyfile(3)`
/// with `COPYFILE_XATTR | COPYFILE_ACL`, which also carries the `com.apple.*` metadata).
#[cfg(target_os = "macos")]
pub fn copy_attributes(old: &Path, new: &Path) -> io::Result<Vec<String>> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let from = CString::new(old.as_os_str().as_bytes())?;
    let to = CString::new(new.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; a null state is allowed.
    let result = unsafe {
        libc::copyfile(
            from.as_ptr(),
            to.as_ptr(),
            std::ptr::null_mut(),
            libc::COPYFILE_XATTR | libc::COPYFILE_ACL,
        )
    };
    if result == 0 {
        Ok(Vec::new())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_open_and_links_only_where_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(open_regular(&file, false).is_ok());
        assert!(open_regular(&link, true).is_ok());
        assert!(matches!(open_regular(&link, false), Err(OpenError::Link)));
        assert!(matches!(
            open_regular(dir.path(), true),
            Err(OpenError::NotRegular("a folder"))
        ));
        assert!(matches!(
            open_regular(&dir.path().join("none"), true),
            Err(OpenError::Missing)
        ));
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(matches!(
            open_regular(&fifo, true),
            Err(OpenError::NotRegular("a named pipe"))
        ));
    }

    #[test]
    fn reads_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, vec![b'a'; 100]).unwrap();
        let mut file = File::open(&path).unwrap();
        assert_eq!(read_limited(&mut file, 100).unwrap().len(), 100);
        let mut file = File::open(&path).unwrap();
        assert!(read_limited(&mut file, 99).is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn extended_attributes_come_along() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old"), dir.path().join("new"));
        std::fs::write(&old, "a").unwrap();
        std::fs::write(&new, "b").unwrap();
        if xattr::set(&old, "user.awsmfa-test", b"kept").is_err() {
            eprintln!("skipped: this file system takes no user extended attributes");
            return;
        }
        assert!(copy_attributes(&old, &new).unwrap().is_empty());
        assert_eq!(
            xattr::get(&new, "user.awsmfa-test").unwrap().as_deref(),
            Some(&b"kept"[..])
        );
    }
}
