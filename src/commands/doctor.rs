//! `awsmfa doctor`: every check a login needs, each on its own (one failing check never stops
//! the others), 1Password's on a thread of their own with a deadline, so that the files, the
//! keychain and the reminders are checked meanwhile. Exits 0 only when no check fails.

use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use super::{Context, Run, guard_long_term_keys};
use crate::cli::Doctor;
use crate::doctor::{self, Check, Status, launchers};
use crate::error::{Error, Result};
use crate::ini::Document;
use crate::keychain;
use crate::launcher::{Action, Report};
use crate::otp::{onepassword::OnePassword, ykman};
use crate::paths::{self, Env};
use crate::profiles::{AwsFiles, Profile};
use crate::quote::shell_word;

/// After this long without 1Password's answer, a progress line says what it waits for.
const PATIENCE: Duration = Duration::from_secs(1);

impl Run for Doctor {
    fn action(&self) -> (Action, Option<&str>) {
        // Alfred shows it as a Script Filter: its failures are items too.
        (Action::List, None)
    }

    fn run(self, ctx: &Context<'_>) -> Result<Report> {
        let env = &ctx.env;
        let now = ctx.clock.read();
        let mut checks = Vec::new();
        let files = match AwsFiles::load(env) {
            Ok(files) => {
                checks.extend(file_checks(env, &files));
                Some(files)
            }
            Err(err) => {
                checks.push(Check::from_error(
                    "aws_files",
                    "AWS files read as the AWS CLI reads them",
                    Status::Fail,
                    &err,
                ));
                None
            }
        };
        let profiles: Vec<Profile> = files
            .as_ref()
            .map(|f| f.session_profiles(now.at))
            .unwrap_or_default();
        // A profile without a code source is set up with a 1Password item by default.
        let needs_op = profiles
            .iter()
            .any(|p| p.mfa_process.is_none() && p.ykman_account.is_none());
        let (reminders, reminders_on) = doctor::reminders::scheduled(env, now.at);

        let (op_checks, items, notifications, keychain_checks) = std::thread::scope(|scope| {
            let (tell, op_done) = mpsc::channel();
            let (profiles, now) = (&profiles, &now);
            scope.spawn(move || {
                let _ = tell.send(onepassword_checks(env, profiles, needs_op));
            });
            let notifications =
                scope.spawn(move || doctor::reminders::can_post(env, reminders_on, now));
            let keychain_checks = serials(ctx, profiles);
            let op = match op_done.recv_timeout(PATIENCE) {
                Ok(done) => done,
                Err(_) => {
                    ctx.progress.step(
                        "Waiting for 1Password (unlock it or answer its Touch ID prompt if it asks)…",
                    );
                    op_done.recv().unwrap_or_default()
                }
            };
            let notifications = notifications.join().unwrap_or_else(|_| {
                Check::ok(
                    "notifications",
                    "Reminders can be posted",
                    "the check failed",
                )
                .problem(Status::Warn, "run awsmfa reminders status")
            });
            (op.0, op.1, notifications, keychain_checks)
        });

        checks.extend(op_checks);
        let (keychain_check, serials) = keychain_checks;
        checks.push(keychain_check);
        if files.is_some() && profiles.is_empty() {
            checks.push(
                Check::ok("profiles", "MFA profiles found", "no MFA profile in the AWS files")
                    .problem(
                        Status::Fail,
                        "run awsmfa setup to see what can be set up, or add [NAME-mfa] with your long-term keys to ~/.aws/credentials",
                    ),
            );
        }
        if let Some(files) = &files {
            for profile in &profiles {
                let serial = serials.get(&*profile.name).cloned();
                checks.push(profile_check(
                    env,
                    files,
                    profile,
                    serial,
                    items.get(&*profile.name),
                ));
            }
        }
        checks.push(reminders);
        checks.push(notifications);
        checks.push(launchers::alfred(env));
        checks.push(launchers::raycast(env));
        Ok(Report::Doctor { checks })
    }
}

/// One check per AWS file: it reads as the AWS CLI reads it.
fn file_checks(env: &Env, files: &AwsFiles) -> Vec<Check> {
    let file = |check: &'static str, doc: &Document, path: &Path, needed: bool| {
        let shown = paths::display(env, path);
        let title = format!("{shown} reads as the AWS CLI reads it");
        if !path.exists() {
            let detail = format!("{shown} does not exist");
            return if needed {
                Check::ok(check, title, detail).problem(
                    Status::Fail,
                    "add [NAME-mfa] with your long-term keys to it (the AWS CLI's aws configure --profile NAME-mfa writes it)",
                )
            } else {
                Check::ok(check, title, format!("{detail} (it is optional)"))
            };
        }
        let problems = doc.cli_problems();
        match problems.first() {
            None => {
                let sections = doc.sections().len();
                let noun = if sections == 1 { "section" } else { "sections" };
                Check::ok(check, title, format!("{sections} {noun}"))
            }
            Some(first) => {
                let more = match problems.len() - 1 {
                    0 => String::new(),
                    n => format!(" (and {n} more)"),
                };
                Check::ok(check, title, format!("it {}{more}", first.what)).problem(
                    Status::Fail,
                    format!(
                        "{}: the AWS CLI and SDKs will not read the file until then",
                        first.fix
                    ),
                )
            }
        }
    };
    vec![
        file("config_file", &files.config, &files.config_path, false),
        file(
            "credentials_file",
            &files.credentials,
            &files.credentials_path,
            true,
        ),
    ]
}

/// What 1Password said about each profile's item.
type ItemReads = HashMap<String, Result<(), Error>>;

/// `op_found`, `op_answers`, and a read of each profile's item (only when op answered).
fn onepassword_checks(env: &Env, profiles: &[Profile], needed: bool) -> (Vec<Check>, ItemReads) {
    let mut reads = ItemReads::new();
    let (found, op) = doctor::onepassword::found(env, needed);
    let mut checks = vec![found];
    let Some(op) = op else {
        return (checks, reads);
    };
    let using: Vec<(&Profile, OnePassword)> = profiles
        .iter()
        .filter(|p| p.mfa_process.is_none() && p.ykman_account.is_none())
        .filter_map(|p| Some((p, OnePassword::of(p)?)))
        .collect();
    let account = using.iter().find_map(|(_, item)| item.account.as_deref());
    let (answers, answered) = doctor::onepassword::answers(&op, account, needed);
    checks.push(answers);
    if !answered {
        return (checks, reads);
    }
    // 1Password has answered (and so authorised this process): the items in parallel.
    std::thread::scope(|scope| {
        let running: Vec<_> = using
            .iter()
            .map(|(profile, item)| {
                let op = &op;
                let read = scope
                    .spawn(move || doctor::onepassword::item_gives_a_code(op, item, &profile.name));
                (profile.name.to_string(), read)
            })
            .collect();
        for (name, read) in running {
            if let Ok(result) = read.join() {
                reads.insert(name, result);
            }
        }
    });
    (checks, reads)
}

/// Where each profile's MFA serial comes from.
#[derive(Debug, Clone)]
enum Serial {
    /// The keychain holds it.
    Keychain(String),
    /// The keychain holds none (or was not asked).
    NotThere,
    /// The keychain could not be read.
    Unreadable(Error),
}

/// The `keychain` check (one real read), then each profile's serial from it.
fn serials(ctx: &Context<'_>, profiles: &[Profile]) -> (Check, HashMap<String, Serial>) {
    const TITLE: &str = "Keychain answers";
    let mut found = HashMap::new();
    if ctx.env.keychain_off() {
        let check = Check::ok(
            "keychain",
            TITLE,
            "turned off (AWSMFA_KEYCHAIN=off): MFA serials come from mfa_serial in ~/.aws/config only",
        )
        .problem(Status::Warn, "unset AWSMFA_KEYCHAIN to keep serials in the keychain");
        return (check, found);
    }
    let which = if cfg!(target_os = "macos") {
        "the macOS Keychain"
    } else {
        "the Secret Service"
    };
    // A real read: the first profile's serial, or an entry no one stores.
    let probe = profiles
        .first()
        .map_or("awsmfa doctor", |p| p.name.as_ref());
    match ctx.keychain.get(probe) {
        Ok(serial) => {
            if let Some(first) = profiles.first() {
                found.insert(
                    first.name.to_string(),
                    serial.map_or(Serial::NotThere, Serial::Keychain),
                );
            }
            for profile in profiles.iter().skip(1) {
                let serial = match ctx.keychain.get(&profile.name) {
                    Ok(Some(serial)) => Serial::Keychain(serial),
                    Ok(None) => Serial::NotThere,
                    Err(err) => Serial::Unreadable(err),
                };
                found.insert(profile.name.to_string(), serial);
            }
            (
                Check::ok("keychain", TITLE, format!("{which} answers")),
                found,
            )
        }
        Err(err) => {
            // Without it, only profiles with mfa_serial can log in.
            let depends = profiles.iter().any(|p| p.mfa_serial.is_none());
            let status = if depends { Status::Fail } else { Status::Warn };
            for profile in profiles {
                found.insert(profile.name.to_string(), Serial::Unreadable(err.clone()));
            }
            let check = Check::from_error("keychain", TITLE, status, &err);
            (check, found)
        }
    }
}

/// One profile's check: long-term keys, an MFA serial, a code source.
fn profile_check(
    env: &Env,
    files: &AwsFiles,
    profile: &Profile,
    serial: Option<Serial>,
    read: Option<&Result<(), Error>>,
) -> Check {
    let name = profile.name.as_ref();
    let title = format!("{name} ready to log in");
    let fail = |err: &Error| {
        Check::from_error("profile", title.clone(), Status::Fail, err).for_profile(name)
    };
    let keys = guard_long_term_keys(files, name)
        .and_then(|()| super::login::long_term_keys(files, profile));
    if let Err(err) = keys {
        return fail(&err);
    }
    let serial = match (serial, &profile.mfa_serial) {
        (Some(Serial::Keychain(serial)), _) => format!("{serial} (keychain)"),
        (_, Some(serial)) => format!("{serial} (mfa_serial)"),
        (Some(Serial::Unreadable(err)), None) => return fail(&err),
        (Some(Serial::NotThere) | None, None) => return fail(&keychain::no_serial(name)),
    };
    let serial_arn = serial.rsplit_once(" (").map_or(serial.as_str(), |(s, _)| s);
    if !keychain::is_valid_serial(serial_arn) {
        return Check::ok("profile", title, format!("the MFA serial {serial} is not an MFA device ARN"))
            .problem(
                Status::Fail,
                format!(
                    "run awsmfa setup {} --serial arn:aws:iam::ACCOUNT:mfa/DEVICE (IAM → Security credentials → MFA)",
                    shell_word(name)
                ),
            )
            .for_profile(name);
    }
    let code = match (
        &profile.mfa_process,
        &profile.ykman_account,
        &profile.op_item,
    ) {
        (Some(_), _, _) => "code from mfa_process".to_string(),
        (None, Some(account), _) => {
            match ykman::find_ykman(env.ykman.as_deref(), env.path.as_deref()) {
                Ok(path) => format!(
                    "code from YubiKey account \"{account}\" ({})",
                    path.display()
                ),
                Err(err) => {
                    return fail(&Error::new(
                        err.kind(),
                        err.message(Some(&shell_word(name))),
                    ));
                }
            }
        }
        (None, None, Some(item)) => match read {
            Some(Ok(())) => format!("code from 1Password item \"{item}\""),
            Some(Err(err)) => return fail(err),
            None => {
                return Check::ok(
                    "profile",
                    title,
                    format!("1Password item \"{item}\" not read: 1Password did not answer"),
                )
                .problem(Status::Fail, "see the 1Password checks")
                .for_profile(name);
            }
        },
        (None, None, None) => {
            return Check::ok("profile", title, "no one-time code source")
                .problem(
                    Status::Fail,
                    format!("run {}", profile.setup_hint().unwrap_or_default()),
                )
                .for_profile(name);
        }
    };
    Check::ok(
        "profile",
        title,
        format!(
            "keys in [{}] · serial {serial} · {code}",
            profile.source_profile
        ),
    )
    .for_profile(name)
}
