//! The `awsmfa` binary: parses arguments, builds the real adapters (environment, clock,
//! OS keychain, stderr progress), runs the command and turns its outcome into output and an
//! exit code.

use std::io::Write;
use std::os::fd::AsFd;

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
    // Not through Rust's `Stdout`: it is line-buffered and scans every write for a line
    // break, and `list --format alfred` writes one line (687 KB at 1,000 profiles) in 32 KiB
    // chunks: the scanning cost 0.75 M instructions there. A duplicate of the descriptor
    // takes each chunk straight to write(2). None to duplicate: stdout is closed, and there
    // is nothing to write to. (Anything written through `Stdout` before goes first.)
    let _ = std::io::stdout().flush();
    if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
        let mut stdout = std::fs::File::from(fd);
        // A closed pipe ends the output quietly: the reader has gone.
        let _ = outcome.write_stdout(&mut stdout);
    }
    if let Some(line) = outcome.stderr {
        eprintln!("{line}");
    }
    std::process::exit(outcome.exit_code);
}
