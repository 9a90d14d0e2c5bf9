//! Shell completion, answered by awsmfa itself (clap_complete's dynamic completion).
//!
//! `awsmfa completions bash|zsh|fish` prints a short registration script; at each TAB the
//! shell runs `AWSMFA_COMPLETE=SHELL awsmfa -- WORDS…`, and awsmfa answers from its own
//! command line definition, so the scripts never go stale and stay valid in all three
//! shells. PROFILE arguments complete to the names `awsmfa list` shows, read from the two
//! AWS files only (no network, no keychain, no 1Password).
//!
//! The script calls `awsmfa` as the shell finds it on PATH, never the path it was generated
//! with: Homebrew generates it from a versioned Cellar path that an upgrade removes.

use clap::builder::StyledStr;
use clap_complete::CompletionCandidate;
use clap_complete::env::Shells;

use crate::clock::{Clock, SystemClock};
use crate::display::describe;
use crate::paths::Env;
use crate::profiles::AwsFiles;

/// The variable that turns a run of awsmfa into a completion answer. Named after the
/// product, so that a `COMPLETE` somebody exported for another tool does not.
pub const VAR: &str = "AWSMFA_COMPLETE";

/// The program the registration scripts call, and the command they complete.
pub const PROGRAM: &str = "awsmfa";

/// The shells `awsmfa completions` writes a script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    /// Bash 3.2 (macOS's /bin/bash) and later.
    Bash,
    /// zsh: a `#compdef awsmfa` file for a folder on fpath.
    Zsh,
    /// fish.
    Fish,
}

impl Shell {
    /// clap_complete's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }
    }
}

/// The registration script for `shell`.
pub fn script(shell: Shell) -> String {
    let shells = Shells::builtins();
    let completer = shells
        .completer(shell.name())
        .expect("clap_complete has a completer for bash, zsh and fish");
    let mut out = Vec::new();
    completer
        .write_registration(VAR, PROGRAM, PROGRAM, PROGRAM, &mut out)
        .expect("writing to memory cannot fail");
    let mut script = String::from_utf8(out).expect("clap_complete writes UTF-8");
    if shell == Shell::Zsh {
        // Installed as `_awsmfa` on fpath (Homebrew's site-functions), the file is the body of
        // a function zsh autoloads at the first TAB: that run defines the completer and binds
        // it, and must also answer the TAB it was loaded for. Sourced, it only binds.
        script.push_str(ZSH_AUTOLOADED);
    }
    script
}

/// What the zsh script does when zsh autoloads it as `_awsmfa`.
const ZSH_AUTOLOADED: &str = "if [[ \"${funcstack[1]}\" == _awsmfa ]]; then\n    _clap_dynamic_completer_awsmfa \"$@\"\nfi\n";

/// What a PROFILE argument completes to: every profile `awsmfa list` shows, each with its
/// status as the help zsh and fish print beside it. Nothing when the files cannot be read:
/// a completion has no way to show an error.
pub fn profile_candidates() -> Vec<CompletionCandidate> {
    let env = Env::from_process();
    let now = SystemClock::new(env.tz.as_deref()).read();
    let Ok(files) = AwsFiles::load(&env) else {
        return Vec::new();
    };
    files
        .listed_profiles(now.at)
        .into_iter()
        .map(|p| {
            let status = describe(p.status, p.expires_at, &now);
            CompletionCandidate::new(p.name.as_ref()).help(Some(StyledStr::from(status)))
        })
        .collect()
}
