//! Logins running at the same time, and logins racing another program that edits the
//! credentials file without taking awsmfa's lock.
//!
//! Between awsmfa processes the folder lock serialises every edit and each one re-reads the
//! file under the lock, so twenty logins at once keep all twenty sections and every other
//! byte (`twenty_logins_at_once_keep_every_section`).
//!
//! Another program that ignores the lock can still race awsmfa. What awsmfa guarantees
//! then, and what the two `*_hand_edits_*` tests check:
//!
//! - Every version awsmfa leaves is whole: a version the other program wrote, plus
//!   complete session sections. Never a mix of two writers, never a half-written file,
//!   never a file missing a section a login did not touch: awsmfa writes a new file and
//!   renames it into place. (The other program checks every version it reads back, and
//!   the test checks the last one.)
//! - awsmfa writes the file it read under the lock plus its own section, and right before
//!   the rename it checks that the file is still byte for byte what it read. When it is not
//!   (the other program wrote meanwhile, or awsmfa read it half-written), awsmfa writes
//!   nothing and the login fails with `… changed while awsmfa was writing it …`. So does a
//!   login whose read under the lock lacks a section its first read had, or the source
//!   profile's keys: a program that writes in place empties the file first, and writing
//!   on top of that would drop everything else.
//!
//! What it cannot guarantee: a write by the other program that lands between that last
//! check and the rename (microseconds) is replaced by awsmfa's file, and the other
//! program, which read the file before awsmfa's rename and writes after it, replaces
//! awsmfa's section in turn. Both are lost updates of whole versions, never torn files.
//!
//! Each of those windows is hit on purpose (`*_held_*`): the login runs under strace, which
//! holds one system call for a few seconds while the test writes the file as the other
//! program would. The loops against a program writing all the time then check the same
//! promises at moments nobody chose.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::support::{Held, Home, Moto, json, rename_syscalls, stderr as stderr_of};
use awsmfa::ini::Document;
use serde_json::Value;

const SOURCE_KEYS: &str = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

fn stderr(output: &Output) -> String {
    stderr_of(output)
}

/// The session keys of `[name]`, checked to be a whole session as awsmfa writes it.
fn session(doc: &Document, name: &str) -> Result<[String; 4], String> {
    let section: Vec<_> = doc.sections().filter(|s| s.name == name).collect();
    let [section] = section.as_slice() else {
        return Err(format!("[{name}] appears {} times", section.len()));
    };
    let settings: Vec<_> = doc.settings(*section).collect();
    let keys: Vec<&str> = settings.iter().map(|e| e.key).collect();
    let want = [
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "x_security_token_expires",
    ];
    if keys != want {
        return Err(format!("[{name}] holds {keys:?}"));
    }
    let value = |i: usize| settings[i].value.to_string();
    let session = [value(0), value(1), value(2), value(3)];
    if session.iter().any(String::is_empty) {
        return Err(format!("[{name}] is not a whole session"));
    }
    Ok(session)
}

#[test]
fn twenty_logins_at_once_keep_every_section() {
    let moto = Moto::shared();
    let names: Vec<String> = (0..20).map(|i| format!("team{i:02}")).collect();
    let mut config = String::new();
    let mut creds =
        String::from("# shared by twenty profiles\r\n[default]\r\nregion = us-east-1\r\n\r\n");
    for name in &names {
        config.push_str(&format!(
            "[profile {name}]\nmfa_serial = arn:aws:iam::123456789012:mfa/{name}\n"
        ));
        creds.push_str(&format!(
            "[{name}-mfa]\r\n{}\r\n",
            SOURCE_KEYS.replace('\n', "\r\n")
        ));
    }
    creds.push_str("; the end\r\n");
    let home = Home::new(&config, &creds);
    let children: Vec<_> = names
        .iter()
        .map(|name| {
            home.cmd()
                .args(["login", name, "--code", "123456", "--format", "json"])
                .env("AWS_ENDPOINT_URL_STS", moto.url())
                .env("AWSMFA_REMINDERS", "off")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut expiries = BTreeMap::new();
    for (name, child) in names.iter().zip(children) {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        expiries.insert(
            name.clone(),
            json["expires_at"].as_str().unwrap().to_string(),
        );
    }

    let text = home.read_credentials();
    assert!(
        text.starts_with(&creds),
        "every byte of the file before the logins is still there, in place"
    );
    let doc = Document::parse(text.as_str()).unwrap();
    for name in &names {
        let [.., expires] = session(&doc, name).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(
            expires, expiries[name],
            "[{name}] holds its own login's session"
        );
    }
    assert_eq!(doc.sections().len(), 1 + 2 * names.len());
}

/// How the other program writes the file.
#[derive(Debug, Clone, Copy)]
enum HandWrite {
    /// A new file renamed over the old one (atomic, like awsmfa).
    Rename,
    /// Truncate and write in place (like `aws configure set`): readers can see it empty.
    InPlace,
}

const HAND_BASE: &str = "# edited by hand and by a tool that takes no lock\n[race-mfa]\n{SOURCE_KEYS}\n[hand]\ncounter = {COUNTER}\nnote = written by the other program\n\n[tail]\nk = v\n";

fn hand_version(counter: u64) -> String {
    HAND_BASE
        .replace("{SOURCE_KEYS}", SOURCE_KEYS)
        .replace("{COUNTER}", &counter.to_string())
}

/// Reads a version of the file: the other program's `counter`, and the profiles whose
/// whole sessions follow its text. Anything else (a torn or mixed file) is an error.
fn read_version(text: &str) -> Result<(u64, Vec<String>), String> {
    let doc = Document::parse(text).map_err(|e| format!("does not parse: {e}"))?;
    let counter: u64 = doc
        .get("hand", "counter")
        .ok_or("no [hand] counter")?
        .parse()
        .map_err(|_| "a torn counter")?;
    let base = hand_version(counter);
    let rest = text
        .strip_prefix(base.as_str())
        .ok_or("the other program's text is not whole")?;
    let mut profiles = Vec::new();
    for section in doc.sections().skip(3) {
        session(&doc, section.name)?;
        profiles.push(section.name.to_string());
    }
    let mut expected = String::new();
    for name in &profiles {
        let s = session(&doc, name)?;
        expected.push_str(&format!(
            "\n[{name}]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\nx_security_token_expires = {}\n",
            s[0], s[1], s[2], s[3]
        ));
    }
    if rest != expected {
        return Err("something besides whole sessions follows".into());
    }
    Ok((counter, profiles))
}

/// What the other program saw while it ran.
#[derive(Debug, Default)]
struct HandLog {
    writes: u64,
    /// Times it found its own last write replaced by awsmfa's file.
    overwritten_by_awsmfa: u64,
    /// Times a session section it had seen was gone again.
    sessions_it_overwrote: u64,
    /// The first version that was not whole, if any.
    broken: Option<(String, String)>,
}

/// Rewrites `[hand] counter` in a loop until `stop`, checking every version it reads.
fn hand_editor(path: PathBuf, how: HandWrite, stop: Arc<AtomicBool>) -> HandLog {
    let mut log = HandLog::default();
    let mut last_written = 0;
    let mut seen: Vec<String> = Vec::new();
    let scratch = path.with_file_name("credentials.hand-edit");
    while !stop.load(Ordering::Relaxed) {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) => {
                log.broken = Some((format!("cannot read it: {err}"), String::new()));
                break;
            }
        };
        let (counter, profiles) = match read_version(&text) {
            Ok(version) => version,
            Err(problem) => {
                log.broken = Some((problem, text));
                break;
            }
        };
        if counter != last_written {
            log.overwritten_by_awsmfa += 1;
        }
        if seen.iter().any(|p| !profiles.contains(p)) {
            log.sessions_it_overwrote += 1;
        }
        seen = profiles;
        last_written += 1;
        let new = text.replacen(
            &format!("\ncounter = {counter}\n"),
            &format!("\ncounter = {last_written}\n"),
            1,
        );
        match how {
            HandWrite::Rename => {
                std::fs::write(&scratch, &new).unwrap();
                std::fs::rename(&scratch, &path).unwrap();
            }
            HandWrite::InPlace => {
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .truncate(true)
                    .open(&path)
                    .unwrap();
                file.write_all(new.as_bytes()).unwrap();
            }
        }
        log.writes += 1;
        // Pauses of 0 to 3 ms, so that logins sometimes find the file quiet.
        std::thread::sleep(Duration::from_micros(log.writes * 7919 % 3000));
    }
    log
}

/// Logs in to `race0`, `race1`, … one after another while the other program edits the
/// file; every login either succeeds or fails cleanly, and no version of the file is ever
/// anything but whole.
fn logins_racing(how: HandWrite) {
    const LOGINS: usize = 6;
    let moto = Moto::shared();
    let mut config = String::new();
    for i in 0..LOGINS {
        config.push_str(&format!(
            "[profile race{i}]\nmfa_serial = arn:aws:iam::123456789012:mfa/race\nawsmfa_source_profile = race-mfa\n"
        ));
    }
    let home = Home::new(&config, &hand_version(0));
    let stop = Arc::new(AtomicBool::new(false));
    let editor = {
        let (path, stop) = (home.credentials_path(), stop.clone());
        std::thread::spawn(move || hand_editor(path, how, stop))
    };

    let mut outcomes = BTreeMap::<String, u32>::new();
    for i in 0..LOGINS {
        let out = home
            .cmd()
            .args([
                "login",
                &format!("race{i}"),
                "--code",
                "123456",
                "--format",
                "json",
            ])
            .env("AWS_ENDPOINT_URL_STS", moto.url())
            .output()
            .unwrap();
        if out.status.success() {
            *outcomes.entry("ok".into()).or_default() += 1;
            continue;
        }
        // A clean failure: one line on stderr, the JSON error, a documented exit code:
        // `… changed while awsmfa was writing it …`, or, when the first read (before the
        // lock) caught the other program halfway, what that half-written file lacked
        // (e.g. no source profile).
        let json: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
        let message = json["error"]["message"].as_str().unwrap().to_string();
        assert_eq!(
            stderr(&out).lines().last(),
            Some(format!("awsmfa: {message}").as_str())
        );
        assert!(
            (1..=7).contains(&out.status.code().unwrap()),
            "{}",
            stderr(&out)
        );
        let kind = json["error"]["kind"].as_str().unwrap().to_string();
        *outcomes.entry(kind).or_default() += 1;
    }
    stop.store(true, Ordering::Relaxed);
    let log = editor.join().unwrap();
    if let Some((problem, text)) = &log.broken {
        panic!("{how:?}: a version of the file was not whole ({problem}):\n{text}");
    }
    let last = home.read_credentials();
    let (_, sessions) = read_version(&last).unwrap_or_else(|e| panic!("{how:?}: {e}\n{last}"));
    assert!(log.writes > 0, "the other program never ran");

    // Once the other program is done, a login keeps its last version byte for byte.
    let name = if sessions.contains(&"race0".to_string()) {
        "race0"
    } else {
        "race1"
    };
    let out = home
        .cmd()
        .args(["login", name, "--code", "123456"])
        .env("AWS_ENDPOINT_URL_STS", moto.url())
        .env("AWSMFA_REMINDERS", "off")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let after = home.read_credentials();
    let s = session(&Document::parse(after.as_str()).unwrap(), name).unwrap();
    let values = [
        ("aws_access_key_id", s[0].as_str()),
        ("aws_secret_access_key", s[1].as_str()),
        ("aws_session_token", s[2].as_str()),
        ("x_security_token_expires", s[3].as_str()),
    ];
    let expected = Document::parse(last.as_str())
        .unwrap()
        .upsert(name, &values, &awsmfa::commands::stale_keys())
        .unwrap();
    assert_eq!(after, expected, "the login changed only its own section");
    assert_no_stray_files(&home.credentials_path());
    assert_eq!(
        outcomes.values().sum::<u32>(),
        LOGINS as u32,
        "{how:?}: every login ended: {outcomes:?}"
    );
    assert!(
        outcomes.keys().all(
            |k| ["ok", "file_changed", "not_mfa_profile", "config_invalid"].contains(&k.as_str())
        ),
        "{how:?}: a login failed for another reason: {outcomes:?}"
    );
}

/// A login of `race0` against moto, held at the `when`-th of `syscalls`.
fn held_login(home: &Home, syscalls: &str, how: &str, when: u32) -> Held {
    let mut cmd = home.cmd();
    cmd.args(["login", "race0", "--code", "123456", "--format", "json"])
        .env("AWS_ENDPOINT_URL_STS", Moto::shared().url());
    Held::start(&cmd, syscalls, how, when)
}

fn race_home() -> Home {
    Home::new(
        "[profile race0]\nmfa_serial = arn:aws:iam::123456789012:mfa/race\nawsmfa_source_profile = race-mfa\n",
        &hand_version(0),
    )
}

/// Writes `text` over the credentials file as another program would: a new file renamed
/// into place, taking no lock.
fn hand_write(home: &Home, text: &str) {
    let scratch = home
        .credentials_path()
        .with_file_name("credentials.hand-edit");
    std::fs::write(&scratch, text).unwrap();
    std::fs::rename(&scratch, home.credentials_path()).unwrap();
}

fn temporary_exists(home: &Home) -> bool {
    std::fs::read_dir(home.credentials_path().parent().unwrap())
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
}

#[test]
fn a_hand_edit_held_between_awsmfa_reading_the_file_and_renaming_makes_it_write_nothing() {
    if !crate::support::linux_only("strace, which holds a system call") {
        return;
    }
    let home = race_home();
    // Held once its temporary file is written and synced: it read the file long before.
    let held = held_login(&home, "fsync", "delay_exit", 1);
    held.wait_until("the temporary file is written", || temporary_exists(&home));
    hand_write(&home, &hand_version(1));
    let out = held.finish();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let error = &json(&out)["error"];
    assert_eq!(error["kind"], "file_changed", "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("~/.aws/credentials changed while awsmfa was writing it"),
        "{error}"
    );
    assert_eq!(
        home.read_credentials(),
        hand_version(1),
        "the other program's version stays"
    );
    assert!(!temporary_exists(&home), "no temporary file is left");
}

#[test]
fn a_file_emptied_by_an_in_place_writer_held_when_awsmfa_reads_it_under_the_lock_is_left_alone() {
    if !crate::support::linux_only("strace, which holds a system call") {
        return;
    }
    let home = race_home();
    // Held right after taking the lock, before it reads the file again under it.
    let held = held_login(&home, "flock", "delay_exit", 1);
    let folder = home.credentials_path().parent().unwrap().to_path_buf();
    held.wait_until("awsmfa holds the lock on ~/.aws", || {
        held.holds_lock_on(&folder)
    });
    // A program like `aws configure set` truncates the file, then writes it.
    std::fs::write(home.credentials_path(), "").unwrap();
    let out = held.finish();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(json(&out)["error"]["kind"], "file_changed");
    assert_eq!(
        home.read_credentials(),
        "",
        "nothing written on top of a half-written file"
    );
}

#[test]
fn a_hand_edit_held_between_the_last_check_and_the_rename_is_lost_whole() {
    if !crate::support::linux_only("strace, which holds a system call") {
        return;
    }
    // The documented window: awsmfa's file, made from the version it read, replaces it.
    let home = race_home();
    let held = held_login(&home, "rename,renameat,renameat2", "delay_enter", 1);
    held.wait_until("the temporary file is checked, the rename held", || {
        held.in_syscall(&rename_syscalls())
    });
    hand_write(&home, &hand_version(1));
    let out = held.finish();
    assert!(out.status.success(), "{}", stderr(&out));
    let (counter, sessions) = read_version(&home.read_credentials()).unwrap();
    assert_eq!(counter, 0, "the other program's write was replaced");
    assert_eq!(sessions, ["race0"]);
}

fn assert_no_stray_files(credentials: &Path) {
    let names: Vec<String> = std::fs::read_dir(credentials.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !["config", "credentials", "credentials.hand-edit"].contains(&n.as_str()))
        .collect();
    assert_eq!(names, Vec::<String>::new(), "files left in ~/.aws");
}

#[test]
fn logins_racing_hand_edits_by_rename_never_leave_a_mixed_file() {
    logins_racing(HandWrite::Rename);
}

#[test]
fn logins_racing_hand_edits_in_place_never_leave_a_mixed_file() {
    logins_racing(HandWrite::InPlace);
}
