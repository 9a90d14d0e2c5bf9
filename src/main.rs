//! The `awsmfa` binary: parses arguments, builds the real adapters (environment, clock,
//! OS keychain, stderr progress), runs the command and turns its outcome into output and an
//! exit code.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::CompleteEnv;

use awsmfa::cli::Cli;
use awsmfa::clock::SystemClock;
use awsmfa::commands::{Context, Stderr};
use awsmfa::keychain::{NoKeychain, OsKeychain, SerialStore};
use awsmfa::paths::Env;

fn main() {
    awsmfa::hardening::no_core_dumps();
    // A shell asking for completions (AWSMFA_COMPLETE=SHELL): answered, and the process ends.
    CompleteEnv::with_factory(Cli::command)
        .var(awsmfa::completion::VAR)
        .completer(awsmfa::completion::PROGRAM)
        .complete();
    let cli = Cli::from_process();
    let env = Env::from_process();
    let clock = SystemClock::new(env.tz.as_deref());
    let keychain: &dyn SerialStore = if env.keychain_off() {
        &NoKeychain
    } else {
        &OsKeychain
    };
    let ctx = Context {
        env,
        clock: &clock,
        keychain,
        progress: &Stderr,
    };
    let outcome = awsmfa::run(cli, &ctx);
    for line in &outcome.warnings {
        eprintln!("{line}");
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(outcome.stdout.as_bytes());
    let _ = stdout.flush();
    if let Some(line) = outcome.stderr {
        eprintln!("{line}");
    }
    std::process::exit(outcome.exit_code);
}
