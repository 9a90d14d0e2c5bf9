//! The debug log: off unless `AWSMFA_LOG=debug`, on stderr, and never given a secret.

use crate::paths::Env;

/// Writes one debug line to stderr when `AWSMFA_LOG=debug`. Callers pass no secrets: keys,
/// tokens and codes are never formatted into a log line.
pub fn debug(env: &Env, line: &str) {
    if env.debug() {
        eprintln!("awsmfa: debug: {line}");
    }
}
