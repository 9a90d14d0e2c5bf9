//! Which awsmfa Alfred and Raycast run, found the way each of them looks for it, compared with
//! the one running (both canonicalised): a launcher that runs another copy shows other
//! sessions, settings and fixes than the terminal does.
//!
//! - The Alfred workflow (`alfred-workflow/awsmfa-alfred.sh`, `find_awsmfa`): Homebrew's
//!   folders, then the copy bundled in the workflow's folder, then `~/.cargo/bin`. Its folder
//!   is the one holding `awsmfa-alfred.sh` under Alfred's preferences (the synced folder
//!   `prefs.json` names, else the default one).
//! - The Raycast extension (`raycast-extension/src/lib/binary.ts`,
//!   `DEFAULT_BINARY_LOCATIONS`): Homebrew's folders, then `~/.cargo/bin`.
//!
//! A path set in a launcher's own settings (Alfred's "awsmfa path", Raycast's "awsmfa Binary")
//! is not visible from here; the fix names it.

use std::path::{Path, PathBuf};

use super::{Check, Status};
use crate::paths::{self, Env};

/// Homebrew's folders, Apple silicon first, as both launchers try them.
pub const HOMEBREW: [&str; 2] = ["/opt/homebrew/bin/awsmfa", "/usr/local/bin/awsmfa"];

/// The entry script that marks the awsmfa Alfred workflow's folder.
pub const ALFRED_SCRIPT: &str = "awsmfa-alfred.sh";

/// Alfred's own folder, under HOME.
const ALFRED_SUPPORT: &str = "Library/Application Support/Alfred";

/// Where the Alfred workflow's folder is, if it is installed.
pub fn alfred_workflow(env: &Env) -> Option<PathBuf> {
    let support = env.home.as_ref()?.join(ALFRED_SUPPORT);
    // A synced preferences folder is named in prefs.json as {"current": PATH}.
    let synced = std::fs::read_to_string(support.join("prefs.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|prefs| prefs.get("current")?.as_str().map(PathBuf::from));
    let preferences = synced.unwrap_or_else(|| support.join("Alfred.alfredpreferences"));
    let mut folders: Vec<PathBuf> = std::fs::read_dir(preferences.join("workflows"))
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|folder| folder.join(ALFRED_SCRIPT).is_file())
        .collect();
    folders.sort();
    folders.into_iter().next()
}

/// Where the Alfred workflow looks for awsmfa, in its order.
pub fn alfred_candidates(env: &Env, workflow: &Path) -> Vec<PathBuf> {
    let mut candidates: Vec<PathBuf> = HOMEBREW.iter().map(PathBuf::from).collect();
    candidates.push(workflow.join("awsmfa"));
    candidates.extend(cargo_bin(env));
    candidates
}

/// Where the Raycast extension looks for awsmfa, in its order.
pub fn raycast_candidates(env: &Env) -> Vec<PathBuf> {
    let mut candidates: Vec<PathBuf> = HOMEBREW.iter().map(PathBuf::from).collect();
    candidates.extend(cargo_bin(env));
    candidates
}

fn cargo_bin(env: &Env) -> Option<PathBuf> {
    env.home.as_ref().map(|home| home.join(".cargo/bin/awsmfa"))
}

/// The first executable file of `candidates`, as the launchers pick it.
pub fn first_found(candidates: &[PathBuf]) -> Option<&PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    candidates.iter().find(|path| {
        path.metadata()
            .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
    })
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `launcher`'s check (`check` its name): whether the first of `candidates` is `this` awsmfa.
/// `setting` is where the launcher takes a path of its own.
pub fn compare(
    env: &Env,
    check: &'static str,
    launcher: &str,
    candidates: &[PathBuf],
    this: Option<&Path>,
    setting: &str,
) -> Check {
    let title = format!("{launcher} runs this awsmfa");
    let shown = |p: &Path| paths::display(env, p);
    let Some(this) = this else {
        return Check::ok(check, title, "cannot tell where this awsmfa is")
            .problem(Status::Warn, "run awsmfa by its full path");
    };
    let this = canonical(this);
    let Some(found) = first_found(candidates) else {
        let looked: Vec<String> = candidates.iter().map(|p| shown(p)).collect();
        let detail = format!("{launcher} finds no awsmfa in {}", looked.join(", "));
        return if cfg!(target_os = "macos") {
            Check::ok(check, title, detail).problem(
                Status::Warn,
                format!(
                    "install awsmfa with Homebrew, or set {setting} to {}",
                    shown(&this)
                ),
            )
        } else {
            Check::ok(check, title, format!("{detail} ({launcher} runs on macOS)"))
        };
    };
    if canonical(found) == this {
        return Check::ok(check, title, shown(found));
    }
    Check::ok(
        check,
        title,
        format!("{launcher} runs {}, this is {}", shown(found), shown(&this)),
    )
    .problem(
        Status::Warn,
        format!(
            "remove or update the other copy, or set {setting} to {}",
            shown(&this)
        ),
    )
}

/// The Alfred check: `alfred` (ok when the workflow is not installed).
pub fn alfred(env: &Env) -> Check {
    let Some(workflow) = alfred_workflow(env) else {
        return Check::ok(
            "alfred",
            "Alfred runs this awsmfa",
            "the awsmfa Alfred workflow is not installed",
        );
    };
    compare(
        env,
        "alfred",
        "Alfred",
        &alfred_candidates(env, &workflow),
        env.program.as_deref(),
        "“awsmfa path” in the workflow's Configure Workflow…",
    )
}

/// The Raycast check: `raycast`.
pub fn raycast(env: &Env) -> Check {
    compare(
        env,
        "raycast",
        "Raycast",
        &raycast_candidates(env),
        env.program.as_deref(),
        "the awsmfa Binary preference of the Raycast extension",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn executable(path: &Path) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn the_alfred_workflow_is_the_folder_with_its_script_also_in_synced_preferences() {
        let dir = tempfile::tempdir().unwrap();
        let env = Env {
            home: Some(dir.path().to_path_buf()),
            ..Env::default()
        };
        assert_eq!(alfred_workflow(&env), None);
        let default = dir
            .path()
            .join(ALFRED_SUPPORT)
            .join("Alfred.alfredpreferences/workflows");
        std::fs::create_dir_all(default.join("user.workflow.other")).unwrap();
        executable(&default.join("user.workflow.mine").join(ALFRED_SCRIPT));
        assert_eq!(
            alfred_workflow(&env),
            Some(default.join("user.workflow.mine"))
        );

        let synced = dir
            .path()
            .join("Dropbox/Alfred.alfredpreferences/workflows/user.workflow.s");
        executable(&synced.join(ALFRED_SCRIPT));
        std::fs::write(
            dir.path().join(ALFRED_SUPPORT).join("prefs.json"),
            serde_json::json!({ "current": dir.path().join("Dropbox/Alfred.alfredpreferences") })
                .to_string(),
        )
        .unwrap();
        assert_eq!(alfred_workflow(&env), Some(synced.clone()));
        let candidates = alfred_candidates(&env, &synced);
        assert_eq!(candidates[..2], HOMEBREW.map(PathBuf::from));
        assert_eq!(
            candidates[2],
            synced.join("awsmfa"),
            "bundled after Homebrew"
        );
        assert_eq!(candidates[3], dir.path().join(".cargo/bin/awsmfa"));
    }

    #[test]
    fn the_first_executable_found_is_compared_with_this_one_canonicalised() {
        let tmp = tempfile::tempdir().unwrap();
        // Canonical itself (macOS's /var is /private/var), so that ~ is shown for it.
        let dir = std::fs::canonicalize(tmp.path()).unwrap();
        let env = Env {
            home: Some(dir.clone()),
            ..Env::default()
        };
        let this = dir.join("Cellar/awsmfa/bin/awsmfa");
        executable(&this);
        let first = dir.join("first/awsmfa");
        let second = dir.join("second/awsmfa");
        let candidates = [first.clone(), second.clone()];
        let check = |candidates: &[PathBuf]| {
            compare(
                &env,
                "raycast",
                "Raycast",
                candidates,
                Some(&this),
                "the preference",
            )
        };

        let none = check(&candidates);
        assert!(
            none.detail
                .starts_with("Raycast finds no awsmfa in ~/first/awsmfa, ~/second/awsmfa"),
            "{none:?}"
        );

        std::fs::create_dir_all(second.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&this, &second).unwrap();
        let same = check(&candidates);
        assert_eq!(
            (same.status, same.detail.as_str()),
            (Status::Ok, "~/second/awsmfa")
        );

        // Not executable: skipped, as the launchers skip it.
        std::fs::create_dir_all(first.parent().unwrap()).unwrap();
        std::fs::write(&first, "").unwrap();
        assert_eq!(check(&candidates).status, Status::Ok);

        executable(&first);
        let other = check(&candidates);
        assert_eq!(other.status, Status::Warn);
        assert_eq!(
            other.detail,
            "Raycast runs ~/first/awsmfa, this is ~/Cellar/awsmfa/bin/awsmfa"
        );
        assert_eq!(
            other.fix.as_deref(),
            Some(
                "remove or update the other copy, or set the preference to ~/Cellar/awsmfa/bin/awsmfa"
            )
        );
    }
}
