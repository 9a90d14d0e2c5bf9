//! `awsmfa man`: the page groff renders without a warning, and it documents every command
//! and option `--help` knows.

use std::path::Path;
use std::process::Output;

use clap::CommandFactory;

use crate::support::{Home, ok, run, stderr, tool};

/// The page as `awsmfa man` prints it, written to a file.
fn page(home: &Home) -> std::path::PathBuf {
    let roff = ok(home.cmd().arg("man"));
    assert!(roff.starts_with(".ie \\n(.g .ds Aq"), "{roff:.200}");
    assert!(
        roff.is_ascii(),
        "non-ASCII characters are escaped for any man reader"
    );
    home.write_file("awsmfa.1", &roff)
}

/// `groff -man ARGS PAGE`, with the home's environment.
fn groff(home: &Home, groff: &Path, args: &[&str], page: &Path) -> Output {
    run(home.other(groff).arg("-man").args(args).arg(page))
}

#[test]
fn groff_renders_the_page_without_a_warning() {
    let Some(groff) = tool("groff") else {
        return;
    };
    let home = Home::new("", "");
    let page = page(&home);
    // -ww: every warning; -z: no output, only the diagnostics.
    let out = self::groff(&home, &groff, &["-Tutf8", "-ww", "-z"], &page);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "groff warned");
    // The check sees warnings: a page with a bad request draws one.
    let bad = home.write_file("bad.1", ".TH X 1\n.SH NAME\n.XYZZY\nx \\[nosuchglyph]\n");
    let out = self::groff(&home, &groff, &["-Tutf8", "-ww", "-z"], &bad);
    assert!(stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn the_page_documents_every_command_and_option() {
    let Some(groff) = tool("groff") else {
        return;
    };
    let home = Home::new("", "");
    let page = page(&home);
    // Plain text, as a person reads it (no bold or underline).
    let out = self::groff(&home, &groff, &["-Tutf8", "-P-cbou", "-rLL=200n"], &page);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut cli = awsmfa::cli::Cli::command();
    cli.build();
    // Hidden commands (the reminder button's poster) are not for people, nor in the page.
    for hidden in cli.get_subcommands().filter(|s| s.is_hide_set()) {
        assert!(!text.contains(hidden.get_name()), "{}", hidden.get_name());
    }
    for sub in cli
        .get_subcommands()
        .filter(|s| s.get_name() != "help" && !s.is_hide_set())
    {
        let name = format!("awsmfa {}", sub.get_name());
        assert!(
            text.contains(&format!("\n   {name}\n")),
            "no section {name}"
        );
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                assert!(text.contains(&format!("--{long}")), "{name}: no --{long}");
            }
        }
        for action in sub.get_subcommands().filter(|s| s.get_name() != "help") {
            assert!(
                text.contains(&format!("\n       {}", action.get_name())),
                "{name}: no {}",
                action.get_name()
            );
        }
    }
    assert!(text.contains("EXIT STATUS AND ENVIRONMENT"));
    assert!(text.contains("AWS_SHARED_CREDENTIALS_FILE"));
    assert!(
        text.contains("one-time code \u{2192} AWS STS"),
        "→ shown as itself"
    );
}
