//! `awsmfa completions bash|zsh|fish`: each script parses in its shell, and the real shells,
//! driven as at a TAB, complete subcommands and PROFILE arguments through the real binary.

use std::path::PathBuf;

use crate::support::{Home, ok, run, stderr, tool};

const CONFIG: &str = "[profile work]\nregion = eu-west-1\n\n[profile work-admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = work\n";
const CREDENTIALS: &str = "[work-mfa]\naws_access_key_id = AKIAWORK\naws_secret_access_key = s\n\n[staging-mfa]\naws_access_key_id = AKIASTG\naws_secret_access_key = s\n\n[plain]\naws_access_key_id = AKIAPLAIN\naws_secret_access_key = s\n";

/// A home with two MFA profiles and a role on one, `awsmfa` on PATH as the shells find it,
/// and the completion script for `shell` written to a file there.
fn home_with_script(shell: &str) -> (Home, PathBuf) {
    let home = Home::new(CONFIG, CREDENTIALS);
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_awsmfa"), home.bin_dir().join("awsmfa"))
        .expect("put awsmfa on the test PATH");
    let script = ok(home.cmd().args(["completions", shell]));
    let path = home.write_file(&format!("completions.{shell}"), &script);
    (home, path)
}

/// Runs `shell ARGS…` with the home's environment; returns stdout.
fn in_shell(home: &Home, shell: &std::path::Path, args: &[&str]) -> String {
    let out = run(home.other(shell).args(args));
    assert!(
        out.status.success(),
        "{} {args:?}: exit {:?}\n{}",
        shell.display(),
        out.status.code(),
        stderr(&out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The candidates that are not options (`--format`, `--help` follow the values).
fn lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('-'))
        .collect()
}

#[test]
fn each_script_parses_in_its_shell() {
    for (shell, check) in [
        ("bash", &["-n"][..]),
        ("zsh", &["-n"][..]),
        ("fish", &["--no-execute"][..]),
    ] {
        let Some(program) = tool(shell) else {
            continue;
        };
        let (home, script) = home_with_script(shell);
        let mut args: Vec<&str> = check.to_vec();
        args.push(script.to_str().unwrap());
        in_shell(&home, &program, &args);
        // And a broken script is refused: the check reads it.
        let broken = home.write_file("broken", "if then fi {\n");
        let out = run(home.other(&program).args(check).arg(&broken));
        assert!(!out.status.success(), "{shell} accepted a broken script");
    }
}

/// The bash on PATH, and macOS's /bin/bash (3.2) where that is another.
fn bashes() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = tool("bash").into_iter().collect();
    let system = PathBuf::from("/bin/bash");
    if cfg!(target_os = "macos") && system.exists() && !found.contains(&system) {
        found.push(system);
    }
    found
}

#[test]
fn bash_completes_subcommands_and_profile_names() {
    for bash in bashes() {
        bash_completes_with(&bash);
    }
}

fn bash_completes_with(bash: &std::path::Path) {
    let (home, script) = home_with_script("bash");
    // What bash does at a TAB: COMP_WORDS and COMP_CWORD set, the function called with the
    // command, the word being completed and the word before it.
    let complete = |words: &str, current: &str, previous: &str| {
        let program = format!(
            "source {script}\nCOMP_WORDS=({words})\nCOMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\nCOMP_TYPE=9\n_clap_complete_awsmfa awsmfa '{current}' '{previous}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
            script = script.display()
        );
        in_shell(&home, bash, &["--norc", "--noprofile", "-c", &program])
    };
    let profiles = complete("awsmfa login ''", "", "login");
    assert_eq!(lines(&profiles), ["staging", "work", "work-admin"]);
    let prefixed = complete("awsmfa status st", "st", "status");
    assert_eq!(lines(&prefixed), ["staging"]);
    let commands = complete("awsmfa lo", "lo", "awsmfa");
    assert_eq!(lines(&commands), ["login", "logout"]);
}

#[test]
fn fish_completes_profile_names_with_their_status() {
    let Some(fish) = tool("fish") else {
        return;
    };
    let (home, script) = home_with_script("fish");
    let program = format!(
        "source {}; complete --do-complete 'awsmfa exec '",
        script.display()
    );
    let shown = in_shell(&home, &fish, &["--no-config", "-c", &program]);
    assert_eq!(
        lines(&shown),
        [
            "staging\tno session yet",
            "work\tno session yet",
            "work-admin\tno session yet"
        ],
        "{shown}"
    );
}

/// An interactive zsh on a pseudo-terminal (zsh's own zpty) with the script installed as
/// Homebrew installs it, `_awsmfa` in a folder on fpath, types `awsmfa status st` and one TAB.
const ZSH_AT_A_TAB: &str = r#"
zmodload zsh/zpty
zpty -b z zsh -f -i
zpty -w z 'PS1="> "; fpath=("$SITE_FUNCTIONS" $fpath); autoload -U compinit; compinit -u -D; print RE""ADY'
zpty -r -m z line '*READY*'
zpty -n -w z $'awsmfa status st	'
seen=""
for i in {1..200}; do
    while zpty -r -t z chunk; do seen+=$chunk; done
    [[ $seen == *"status staging "* ]] && break
    sleep 0.05
done
print -r -- "$seen"
zpty -d z
"#;

#[test]
fn zsh_completes_a_profile_at_the_first_tab_from_its_site_functions() {
    let Some(zsh) = tool("zsh") else {
        return;
    };
    let (home, script) = home_with_script("zsh");
    let site = home.path().join("site-functions");
    std::fs::create_dir(&site).unwrap();
    std::fs::rename(&script, site.join("_awsmfa")).unwrap();
    let driver = home.write_file("tab.zsh", ZSH_AT_A_TAB);
    let out = run(home
        .other(&zsh)
        .env("SITE_FUNCTIONS", &site)
        .arg("-f")
        .arg(&driver));
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("awsmfa status staging "),
        "the first TAB, which autoloads _awsmfa, completes the profile: {shown:?}"
    );
}

#[test]
fn zsh_gets_profile_names_in_its_own_protocol() {
    // zsh drives its completion only at an interactive prompt; the script's half runs the
    // binary as below (`_CLAP_COMPLETE_INDEX` is the word under the cursor), this is the
    // binary's half.
    let (home, _) = home_with_script("zsh");
    let answer = ok(home
        .cmd()
        .env("AWSMFA_COMPLETE", "zsh")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .env("_CLAP_IFS", "\n")
        .args(["--", "awsmfa", "logout", "w"]));
    assert_eq!(
        lines(&answer),
        ["work:no session yet", "work-admin:no session yet"]
    );
}

#[test]
fn the_scripts_call_awsmfa_from_path_not_the_path_they_were_made_with() {
    // Homebrew makes them with a versioned Cellar path, which an upgrade removes.
    let home = Home::new("", "");
    for shell in ["bash", "zsh", "fish"] {
        let script = ok(home.cmd().args(["completions", shell]));
        assert!(
            !script.contains(env!("CARGO_BIN_EXE_awsmfa")),
            "{shell}: {script}"
        );
        assert!(script.contains("AWSMFA_COMPLETE="), "{shell}: {script}");
    }
    let out = run(home.cmd().args(["completions", "tcsh"]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("[possible values: bash, zsh, fish]"));
}

#[test]
fn a_completion_never_writes_and_an_unreadable_config_completes_nothing() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let before = crate::support::snapshot(&home.root());
    let answer = ok(home
        .cmd()
        .env("AWSMFA_COMPLETE", "fish")
        .env("AWS_CONFIG_FILE", home.path().join("missing-folder"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join(".aws"))
        .args(["--", "awsmfa", "login", ""]));
    assert!(
        !answer.lines().any(|l| l.starts_with("work")),
        "a folder is no credentials file: {answer}"
    );
    assert_eq!(crate::support::snapshot(&home.root()), before);
}
