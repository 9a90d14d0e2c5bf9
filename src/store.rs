//! Reading the person's AWS files, and safe in-place edits of them.
//!
//! An edit takes an exclusive lock on the file's folder, re-reads the file under it (so a
//! change another process made meanwhile is kept), computes the new text, writes it to a new
//! temporary file in the same folder with the old file's owner, group and extended
//! attributes (ACLs included), fsyncs it, checks that the file still holds what was read (a
//! program that ignores the lock may have written it meanwhile: then nothing is written and
//! the edit fails), renames the temporary file over the file and fsyncs the folder. A
//! symlinked file is edited at its target. A file with more than one hard link is refused:
//! the rename would leave the other links with the old contents. The file is always left
//! owner-only (0600). On any error before the rename the file is untouched and the
//! temporary file is removed; a temporary file left by a killed process is never read and is
//! swept up by the next edit. Only regular files are read (a named pipe would hang `list`).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};
use crate::files::{self, OpenError};
use crate::paths::{self, Env};

/// The biggest AWS file awsmfa reads: far beyond any real one (a 50 MB file is read).
const LIMIT: u64 = 256 * 1024 * 1024;

/// Marks awsmfa's temporary files: `.credentials.awsmfa-<pid>-<n>.tmp`.
const TMP_MARK: &str = ".awsmfa-";

/// Follows symlinks to the file that is really edited (the path itself when it does not
/// exist yet).
fn resolve(path: &Path) -> Result<PathBuf, std::io::Error> {
    match fs::canonicalize(path) {
        Ok(p) => Ok(p),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            // A dangling symlink is edited at its target, like a text editor would.
            match fs::read_link(path) {
                Ok(target) if target.is_absolute() => Ok(target),
                Ok(target) => Ok(path.parent().unwrap_or(Path::new(".")).join(target)),
                Err(_) => Ok(path.to_path_buf()),
            }
        }
        Err(err) => Err(err),
    }
}

/// Reads an AWS file that may not exist; `None` when it does not. A link is followed; only a
/// regular file is read.
pub fn read_optional(env: &Env, path: &Path) -> Result<Option<String>> {
    let shown = paths::display(env, path);
    let mut file = match files::open_regular(path, true) {
        Ok(file) => file,
        Err(OpenError::Missing) => return Ok(None),
        Err(OpenError::NotRegular("a folder")) => {
            return Err(Error::new(
                ErrorKind::Io,
                format!("cannot read {shown}: is a folder, not a file: move it away"),
            ));
        }
        // Reading a named pipe waits for a writer for ever: `list` would hang every keystroke.
        Err(OpenError::NotRegular(what)) => {
            return Err(Error::new(
                ErrorKind::ConfigInvalid,
                format!(
                    "{shown} is not a regular file (it is {what}): replace it with a text file"
                ),
            ));
        }
        Err(OpenError::Link) => unreachable!("links are followed here"),
        Err(OpenError::Io(err)) => return Err(Error::io(format!("cannot read {shown}"), &err)),
    };
    let bytes = files::read_limited(&mut file, LIMIT)
        .map_err(|e| Error::io(format!("cannot read {shown}"), &e))?;
    String::from_utf8(bytes).map(Some).map_err(|_| {
        Error::new(
            ErrorKind::ConfigInvalid,
            format!(
                "{shown} is not UTF-8 text: save it as UTF-8 (it may be in another encoding or damaged)"
            ),
        )
    })
}

/// Holds the folder lock for the duration of an edit.
struct FolderLock(File);

impl FolderLock {
    fn take(dir: &Path) -> Result<Self, std::io::Error> {
        let folder = File::open(dir)?;
        folder.lock()?;
        Ok(FolderLock(folder))
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Edits `path` atomically: `edit` gets the current text (`None` when the file does not
/// exist) and returns the new text, or `None` to leave the file as it is. Returns whether
/// the file changed.
pub fn edit<F>(env: &Env, path: &Path, edit: F) -> Result<bool>
where
    F: FnOnce(Option<&str>) -> Result<Option<String>>,
{
    let shown = paths::display(env, path);
    let target = resolve(path).map_err(|e| Error::io(format!("cannot open {shown}"), &e))?;
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    if !dir.exists() {
        crate::state_dir::create_dirs(env, &dir)?;
    }
    if target.is_dir() {
        return Err(Error::new(
            ErrorKind::ConfigInvalid,
            format!("{shown} is a folder, not a file: move it away and try again"),
        ));
    }
    let _lock = FolderLock::take(&dir)
        .map_err(|e| Error::io(format!("cannot lock the folder of {shown}"), &e))?;
    sweep_stale_temporaries(&dir, &target);

    let old = read_optional(env, &target)?;
    let old_meta = fs::metadata(&target).ok();
    // Owner-only, always: a group- or world-readable mode is tightened, never kept.
    let mode = match &old_meta {
        // Writing a new file and renaming it would go around a read-only mode (and root
        // ignores it anyway): a file its owner made read-only is left alone.
        Some(meta) if meta.permissions().mode() & 0o200 == 0 => {
            return Err(Error::new(
                ErrorKind::Io,
                format!("{shown} is read-only: make it writable (chmod u+w {shown}) and try again"),
            ));
        }
        // The rename gives the file a new inode: every other hard link would keep the old
        // contents, silently. Writing in place instead would lose the file to a crash.
        Some(meta) if meta.nlink() > 1 => {
            return Err(Error::new(
                ErrorKind::ConfigInvalid,
                format!(
                    "{shown} has {} hard links: awsmfa replaces the file when it writes it, which would leave the other links with the old contents: make the other links symbolic links (ln -sf {shown} LINK), which awsmfa follows",
                    meta.nlink()
                ),
            ));
        }
        Some(meta) => (meta.permissions().mode() & 0o700) | 0o600,
        None => 0o600,
    };
    let Some(new) = edit(old.as_deref())? else {
        return Ok(false);
    };
    if old.as_deref() == Some(new.as_str()) {
        return Ok(false);
    }
    let tmp = temporary_path(&target);
    let written = write_new(
        env,
        &tmp,
        new.as_bytes(),
        mode,
        &target,
        old_meta.as_ref(),
        &dir,
    )
    .and_then(|()| still_holds(&target, old.as_deref()))
    .and_then(|same| {
        if same {
            fs::rename(&tmp, &target).map(|()| true)
        } else {
            Ok(false)
        }
    });
    match written {
        Ok(true) => {}
        Ok(false) => {
            let _ = fs::remove_file(&tmp);
            return Err(changed_underneath(&shown));
        }
        Err(err) => {
            let _ = fs::remove_file(&tmp);
            // The new file is made in the folder: a permission error is the folder's.
            if err.kind() == std::io::ErrorKind::PermissionDenied {
                let folder = paths::display(env, &dir);
                return Err(Error::new(
                    ErrorKind::Io,
                    format!(
                        "cannot write {shown} (it was left as it was): awsmfa may not create files in {folder}: check the folder's owner and mode (ls -ld {folder})"
                    ),
                ));
            }
            return Err(Error::io(
                format!("cannot write {shown} (it was left as it was)"),
                &err,
            ));
        }
    }
    if let Ok(folder) = File::open(&dir) {
        let _ = folder.sync_all();
    }
    Ok(true)
}

/// The error when the file changed under the lock: a program that ignores awsmfa's lock
/// wrote it (or was halfway through writing it when awsmfa read it). Its version is kept.
pub fn changed_underneath(shown: &str) -> Error {
    Error::new(
        ErrorKind::FileChanged,
        format!(
            "{shown} changed while awsmfa was writing it (another program is editing it), so awsmfa left that program's version in place: wait until that program is done"
        ),
    )
}

/// Whether `target` still holds exactly `old` (`None`: still does not exist). Checked
/// right before the rename, so that a write by a program that ignores the lock since the
/// file was read is never replaced; only one in the microseconds between this read and
/// the rename can be.
fn still_holds(target: &Path, old: Option<&str>) -> Result<bool, std::io::Error> {
    match files::open_regular(target, true) {
        Ok(mut file) => {
            let bytes = files::read_limited(&mut file, LIMIT)?;
            Ok(old.is_some_and(|old| old.as_bytes() == bytes))
        }
        Err(OpenError::Missing) => Ok(old.is_none()),
        // Something else stands there now (a pipe, a folder): not what was read.
        Err(OpenError::NotRegular(_) | OpenError::Link) => Ok(false),
        Err(OpenError::Io(err)) => Err(err),
    }
}

fn temporary_path(target: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    target.with_file_name(format!(".{name}{TMP_MARK}{}-{n}.tmp", std::process::id()))
}

/// Writes the new version to `tmp`, with what the file it replaces had: owner and group
/// (root editing a person's file leaves it theirs), extended attributes and ACLs.
fn write_new(
    env: &Env,
    tmp: &Path,
    bytes: &[u8],
    mode: u32,
    target: &Path,
    old: Option<&fs::Metadata>,
    dir: &Path,
) -> Result<(), std::io::Error> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(tmp)?;
    file.write_all(bytes)?;
    // Set explicitly: the umask must not decide the mode of a file holding keys.
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    match old {
        Some(meta) => {
            files::keep_owner(&file, meta)?;
            match files::copy_attributes(target, tmp) {
                Ok(failed) if failed.is_empty() => {}
                Ok(failed) => crate::log::debug(
                    env,
                    &format!(
                        "extended attributes not kept (not allowed): {}",
                        failed.join(", ")
                    ),
                ),
                Err(err) => crate::log::debug(env, &format!("extended attributes not kept: {err}")),
            }
        }
        None => files::owner_from_parent(tmp, dir)?,
    }
    file.sync_all()
}

/// Removes temporary files of `target` left by an awsmfa that was killed mid-write. Safe:
/// the caller holds the folder lock, so no live awsmfa is writing one.
fn sweep_stale_temporaries(dir: &Path, target: &Path) {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let prefix = format!(".{name}{TMP_MARK}");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with(&prefix) && file.ends_with(".tmp") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_for(dir: &Path) -> Env {
        Env {
            home: Some(dir.to_path_buf()),
            ..Env::default()
        }
    }

    #[test]
    fn creates_a_missing_file_and_folder_with_private_modes() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join(".aws/credentials");
        let changed = edit(&env_for(home.path()), &path, |old| {
            assert!(old.is_none());
            Ok(Some("[a]\nk = v\n".into()))
        })
        .unwrap();
        assert!(changed);
        assert_eq!(fs::read_to_string(&path).unwrap(), "[a]\nk = v\n");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let dir_mode = fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o777, 0o700);
    }

    #[test]
    fn tightens_the_mode_and_edits_through_a_symlink() {
        let home = tempfile::tempdir().unwrap();
        let real = home.path().join("real-credentials");
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = home.path().join("credentials");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        edit(&env_for(home.path()), &link, |_| Ok(Some("new".into()))).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(
            fs::metadata(&real).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn a_failing_edit_changes_nothing_and_leaves_no_temporary_file() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join("credentials");
        fs::write(&path, "keep me").unwrap();
        let err = edit(&env_for(home.path()), &path, |_| {
            Err(Error::new(ErrorKind::ConfigInvalid, "no"))
        })
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConfigInvalid);
        assert_eq!(fs::read_to_string(&path).unwrap(), "keep me");
        assert_eq!(fs::read_dir(home.path()).unwrap().count(), 1);
    }

    #[test]
    fn sweeps_temporaries_left_by_a_killed_writer() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join("credentials");
        fs::write(&path, "a").unwrap();
        let stale = home.path().join(".credentials.awsmfa-999-0.tmp");
        fs::write(&stale, "half").unwrap();
        edit(&env_for(home.path()), &path, |_| Ok(Some("b".into()))).unwrap();
        assert!(!stale.exists());
        assert_eq!(fs::read_to_string(&path).unwrap(), "b");
    }

    #[test]
    fn refuses_a_folder_where_the_file_should_be() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join("credentials");
        fs::create_dir(&path).unwrap();
        let err = edit(&env_for(home.path()), &path, |_| Ok(Some("x".into()))).unwrap_err();
        assert!(err.message().contains("is a folder"), "{}", err.message());
    }
}
