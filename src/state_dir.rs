//! awsmfa's own state folder (`AWSMFA_CACHE_DIR`, else the user's cache folder): the last
//! code window, the reminders' record, the waiter's lock.
//!
//! Nothing in it may lead awsmfa to write elsewhere: the folder must be the user's and
//! writable by nobody else (a folder under `/tmp` that another user made is refused), its
//! files are opened without following links and only when they are regular files (a named
//! pipe would hang `login`), and a file is replaced by renaming a new one over it, which
//! replaces a link itself rather than what it points to. Only the two AWS files are ever
//! followed through a link (`store.rs`).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};
use crate::files::{self, OpenError};
use crate::paths::{self, Env};

/// No state file is anywhere near this big; a bigger one is not awsmfa's.
const LIMIT: u64 = 1024 * 1024;

/// What [`StateDir::edit`] does to a state file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Leave it as it is.
    Keep,
    /// Replace it with this text.
    Write(String),
    /// Remove it.
    Remove,
}

/// The checked state folder.
#[derive(Debug, Clone)]
pub struct StateDir {
    path: PathBuf,
    shown: String,
    env: Env,
}

impl StateDir {
    /// The folder if it exists (checked), `None` when it does not yet.
    pub fn existing(env: &Env) -> Result<Option<StateDir>> {
        let path = env.cache_dir()?;
        match fs::metadata(&path) {
            Ok(_) => Self::checked(env, path).map(Some),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(Error::io(
                format!(
                    "cannot read the state folder {}",
                    paths::display(env, &path)
                ),
                &err,
            )),
        }
    }

    /// The folder, made (owner-only) when it does not exist, and checked.
    pub fn create(env: &Env) -> Result<StateDir> {
        Ok(Self::create_noting(env)?.0)
    }

    /// [`StateDir::create`], and whether it made the folder.
    pub fn create_noting(env: &Env) -> Result<(StateDir, bool)> {
        let path = env.cache_dir()?;
        let made = fs::symlink_metadata(&path).is_err();
        if made {
            create_dirs(env, &path)?;
        }
        Ok((Self::checked(env, path)?, made))
    }

    /// Removes the folder if it is empty (a failed command leaves no folder it made).
    pub fn remove_if_empty(&self) {
        let _ = fs::remove_dir(&self.path);
    }

    fn checked(env: &Env, path: PathBuf) -> Result<StateDir> {
        let shown = paths::display(env, &path);
        let meta = fs::metadata(&path)
            .map_err(|e| Error::io(format!("cannot read the state folder {shown}"), &e))?;
        let refuse = |why: String| {
            Error::new(
                ErrorKind::Io,
                format!(
                    "the state folder {shown} {why}: awsmfa keeps its state only in a folder of your own: remove it, or set AWSMFA_CACHE_DIR to a folder only you can write"
                ),
            )
        };
        if !meta.is_dir() {
            return Err(refuse("is not a folder".into()));
        }
        // Root may use the person's own folder (sudo keeps HOME on macOS).
        let owner_ok = meta.uid() == files::euid()
            || (files::is_root()
                && env
                    .home
                    .as_ref()
                    .and_then(|home| fs::metadata(home).ok())
                    .is_some_and(|home| home.uid() == meta.uid()));
        if !owner_ok {
            return Err(refuse(format!(
                "belongs to another user (uid {})",
                meta.uid()
            )));
        }
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o022 != 0 {
            return Err(refuse(format!(
                "can be written by other users (mode {mode:03o})"
            )));
        }
        Ok(StateDir {
            path,
            shown,
            env: env.clone(),
        })
    }

    /// Where the folder is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn shown_file(&self, name: &str) -> String {
        format!("{}/{name}", self.shown)
    }

    fn open_error(&self, name: &str, err: OpenError) -> Error {
        let shown = self.shown_file(name);
        match err {
            OpenError::Missing => Error::new(ErrorKind::Io, format!("{shown} is gone")),
            OpenError::Link => Error::new(
                ErrorKind::Io,
                format!(
                    "{shown} is a symbolic link: awsmfa follows no links among its state files: remove it (awsmfa makes it anew)"
                ),
            ),
            OpenError::NotRegular(what) => Error::new(
                ErrorKind::Io,
                format!(
                    "{shown} is not a regular file (it is {what}): remove it (awsmfa makes it anew)"
                ),
            ),
            OpenError::Io(err) => Error::io(format!("cannot read {shown}"), &err),
        }
    }

    /// The text of the state file `name`, `None` when there is none.
    pub fn read(&self, name: &str) -> Result<Option<String>> {
        let mut file = match files::open_regular(&self.path.join(name), false) {
            Ok(file) => file,
            Err(OpenError::Missing) => return Ok(None),
            Err(err) => return Err(self.open_error(name, err)),
        };
        let bytes = files::read_limited(&mut file, LIMIT)
            .map_err(|e| Error::io(format!("cannot read {}", self.shown_file(name)), &e))?;
        // A damaged file reads as empty: it is replaced at the next change.
        Ok(Some(String::from_utf8(bytes).unwrap_or_default()))
    }

    /// Changes the state file `name` under the folder's lock: `change` gets its text (`None`
    /// when there is none) and returns what to do with it and a value to return.
    pub fn edit<T>(
        &self,
        name: &str,
        change: impl FnOnce(Option<&str>) -> Result<(Change, T)>,
    ) -> Result<T> {
        let folder = File::open(&self.path)
            .map_err(|e| Error::io(format!("cannot open {}", self.shown), &e))?;
        folder
            .lock()
            .map_err(|e| Error::io(format!("cannot lock {}", self.shown), &e))?;
        let target = self.path.join(name);
        let old_meta = fs::symlink_metadata(&target).ok().filter(|m| m.is_file());
        let old = self.read(name)?;
        let new = match change(old.as_deref())? {
            (Change::Keep, out) => return Ok(out),
            (Change::Remove, out) => {
                match fs::remove_file(&target) {
                    Ok(()) => {}
                    Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                    Err(err) => {
                        return Err(Error::io(
                            format!("cannot remove {}", self.shown_file(name)),
                            &err,
                        ));
                    }
                }
                let _ = folder.sync_all();
                return Ok(out);
            }
            (Change::Write(new), out) => (new, out),
        };
        let (new, out) = new;
        if old.as_deref() == Some(new.as_str()) {
            return Ok(out);
        }
        let tmp = self
            .path
            .join(format!(".{name}.awsmfa-{}.tmp", std::process::id()));
        let written = (|| -> io::Result<()> {
            let _ = fs::remove_file(&tmp);
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)?;
            file.write_all(new.as_bytes())?;
            match &old_meta {
                Some(meta) => files::keep_owner(&file, meta)?,
                None => files::owner_from_parent(&tmp, &self.path)?,
            }
            file.sync_all()?;
            // Replaces whatever is at `target`, a link included, never what a link points to.
            fs::rename(&tmp, &target)
        })();
        if let Err(err) = written {
            let _ = fs::remove_file(&tmp);
            return Err(Error::io(
                format!("cannot write {}", self.shown_file(name)),
                &err,
            ));
        }
        let _ = folder.sync_all();
        let _ = folder.unlock();
        Ok(out)
    }

    /// Opens (making it when missing) the state file `name` for reading and writing, as a
    /// lock file: never through a link, only a regular file.
    pub fn open_lock_file(&self, name: &str) -> Result<File> {
        let path = self.path.join(name);
        let created = fs::symlink_metadata(&path).is_err();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(&path)
            .map_err(|err| {
                if err.raw_os_error() == Some(libc::ELOOP) {
                    self.open_error(name, OpenError::Link)
                } else {
                    self.open_error(name, OpenError::Io(err))
                }
            })?;
        let meta = file
            .metadata()
            .map_err(|e| self.open_error(name, OpenError::Io(e)))?;
        if !meta.is_file() {
            return Err(self.open_error(name, OpenError::NotRegular("not a regular file")));
        }
        if created {
            let _ = files::owner_from_parent(&path, &self.path);
        }
        Ok(file)
    }

    /// Opens the existing state file `name` for reading, as [`StateDir::read`] does.
    pub fn open_existing(&self, name: &str) -> Option<File> {
        files::open_regular(&self.path.join(name), false).ok()
    }

    /// The environment the folder was found with (for messages of the callers).
    pub fn env(&self) -> &Env {
        &self.env
    }
}

/// Replaces the contents of `file` with `text` (a lock file's process ID).
pub fn rewrite(file: &mut File, text: &str) -> io::Result<()> {
    file.set_len(0)?;
    file.rewind()?;
    file.write_all(text.as_bytes())
}

/// Makes `path` and any missing folders above it, owner-only, each owned like its parent
/// when root makes them.
pub fn create_dirs(env: &Env, path: &Path) -> Result<()> {
    let mut missing = Vec::new();
    let mut at = path;
    while fs::symlink_metadata(at).is_err() {
        missing.push(at.to_path_buf());
        match at.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => at = parent,
            _ => break,
        }
    }
    for dir in missing.iter().rev() {
        match fs::DirBuilder::new().mode(0o700).create(dir) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => {
                return Err(Error::io(
                    format!("cannot create {}", paths::display(env, dir)),
                    &err,
                ));
            }
        }
        if let Some(parent) = dir.parent() {
            let _ = files::owner_from_parent(dir, parent);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_in(dir: &Path) -> Env {
        Env {
            home: Some(dir.to_path_buf()),
            cache_dir: Some(dir.join("state")),
            ..Env::default()
        }
    }

    #[test]
    fn made_owner_only_and_edited_under_its_lock() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        assert!(StateDir::existing(&env).unwrap().is_none());
        let state = StateDir::create(&env).unwrap();
        let mode = fs::metadata(state.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        assert_eq!(state.read("f.json").unwrap(), None);
        let out = state
            .edit("f.json", |old| {
                assert_eq!(old, None);
                Ok((Change::Write("{}\n".into()), 7))
            })
            .unwrap();
        assert_eq!(out, 7);
        assert_eq!(state.read("f.json").unwrap().as_deref(), Some("{}\n"));
        let meta = fs::metadata(state.path().join("f.json")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn a_folder_others_can_write_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        let state = StateDir::create(&env).unwrap();
        fs::set_permissions(state.path(), fs::Permissions::from_mode(0o777)).unwrap();
        let err = StateDir::existing(&env).unwrap_err();
        assert_eq!(
            err.message(),
            format!(
                "the state folder {}/state can be written by other users (mode 777): awsmfa keeps its state only in a folder of your own: remove it, or set AWSMFA_CACHE_DIR to a folder only you can write",
                "~"
            )
        );
    }

    #[test]
    fn a_link_among_the_state_files_is_neither_read_nor_followed() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        let state = StateDir::create(&env).unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, state.path().join("f.json")).unwrap();
        let err = state.read("f.json").unwrap_err();
        assert!(err.message().contains("is a symbolic link"), "{err}");
        assert!(
            state
                .edit("f.json", |_| Ok((Change::Write("x".into()), ())))
                .is_err()
        );
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert!(state.open_lock_file("f.json").is_err());
    }
}
