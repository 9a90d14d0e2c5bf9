//! `awsmfa setup PROFILE`: stores the MFA serial in the OS keychain and records where the
//! one-time code comes from (`awsmfa_op_item`, `awsmfa_op_vault`, `awsmfa_op_account` in
//! `[profile PROFILE]` of `~/.aws/config`), and `--duration` as `awsmfa_duration`; with
//! `--process-profile NAME`, also writes the self-refreshing `[profile NAME]`
//! (`credential_process = awsmfa credential-process PROFILE`); with `--move-keys`, moves
//! the long-term keys of `[PROFILE]` to `[PROFILE-mfa]` in `~/.aws/credentials`, the only
//! edit outside a session section awsmfa makes.
//!
//! On a terminal every answer setup needs and lacks is asked (`ask`), with a proposed
//! answer that Enter accepts; off a terminal a missing answer is one error naming its flag.
//! Everything is found first (`find`: the MFA device, the 1Password item), then stored:
//! a failure before the end takes back what was stored.
//!
//! Without PROFILE, `setup` lists what can be set up (files only).

mod ask;
mod find;

use super::{Context, Run};
use crate::cli::{Login, Setup};
use crate::error::{Error, ErrorKind, Result};
use crate::iam::{Device, DeviceSource};
use crate::keychain::is_valid_serial;
use crate::launcher::{Action, Report};
use crate::paths;
use crate::profiles::{AwsFiles, Profile};
use crate::quote::shell_word;
use ask::Terminal;

/// The keys `--move-keys` moves.
const LONG_TERM_KEYS: [&str; 2] = ["aws_access_key_id", "aws_secret_access_key"];

impl Run for Setup {
    fn action(&self) -> (Action, Option<&str>) {
        // The lists are Script Filters for Alfred; setting up is an action.
        let listing = self.profile.is_none() || self.list_devices || self.list_op_items;
        let action = if listing { Action::List } else { Action::Setup };
        (action, self.profile.as_deref())
    }

    fn run(self, ctx: &Context<'_>) -> Result<Report> {
        let Some(name) = self.profile.clone() else {
            let files = AwsFiles::load(&ctx.env)?;
            return Ok(Report::SetupCandidates {
                candidates: files.setup_candidates(&ctx.env, ctx.clock.now()),
            });
        };
        if self.list_devices {
            let plan = Plan::load(ctx, &name, true)?;
            return Ok(Report::SetupDevices {
                devices: find::devices(ctx, &plan.files, &plan.profile)?,
                profile: name,
            });
        }
        if self.list_op_items {
            let plan = Plan::load(ctx, &name, true)?;
            let (items, hint) =
                find::op_items(ctx, &plan.profile, None, self.op_account.as_deref())?;
            return Ok(Report::SetupOpItems {
                profile: name,
                items,
                hint,
            });
        }
        let terminal = Terminal::open();
        let Done {
            lines: done,
            has_code_source,
        } = setup(ctx, &self, &name, terminal.as_ref())?;
        let login = self.login
            || match &terminal {
                Some(t) if has_code_source => {
                    t.confirm(&format!("Log in to {name} now?"), "--login")?
                }
                _ => false,
            };
        if !login {
            return Ok(Report::SetUp {
                profile: name,
                done,
                login: None,
            });
        }
        let session = super::login::login(
            ctx,
            Login {
                profile: name.clone(),
                duration: None,
                code: None,
                code_stdin: false,
                remind: None,
            },
        )
        .map_err(|err| {
            Error::new(
                err.kind(),
                format!(
                    "{name} is set up ({}), but the first login failed: {}",
                    done.join("; "),
                    err.message()
                ),
            )
        })?;
        Ok(Report::SetUp {
            profile: name,
            done,
            login: Some((session.expiration, ctx.clock.read())),
        })
    }
}

/// The files as setup sees them: with `[PROFILE]`'s long-term keys moved to
/// `[PROFILE-mfa]` when that is to happen (in memory until setup stores everything).
struct Plan {
    files: AwsFiles,
    profile: Profile<'static>,
    /// Set when `[PROFILE]` holds long-term keys that move to this section.
    move_to: Option<String>,
}

impl Plan {
    /// `move_keys`: whether to plan the move when `[PROFILE]` holds long-term keys (else
    /// that is an error naming `--move-keys`).
    fn load(ctx: &Context<'_>, name: &str, move_keys: bool) -> Result<Plan> {
        let files = AwsFiles::load(&ctx.env)?;
        let now = ctx.clock.now();
        let keys_in_place = files.holds_long_term_keys(name) && files.source_of(name).is_none();
        if !keys_in_place {
            let profile = files
                .require_session(&ctx.env, name, now, "setup")?
                .into_owned();
            return Ok(Plan {
                files,
                profile,
                move_to: None,
            });
        }
        let creds = paths::display(&ctx.env, &files.credentials_path);
        let to = AwsFiles::move_target(name);
        if files.credentials.has_section(&to) {
            return Err(Error::new(
                ErrorKind::ConfigInvalid,
                format!(
                    "[{name}] in {creds} holds long-term keys, and [{to}] is there already: keep the keys in one of them (awsmfa keeps {name}'s session in [{name}])"
                ),
            ));
        }
        if !move_keys {
            return Err(crate::profiles::keys_in_place(name, &creds));
        }
        let moved = files
            .credentials
            .move_keys(name, &to, &LONG_TERM_KEYS)
            .map_err(|e| cannot_move(name, &creds, &e.problem))?;
        let files = files.with_credentials(crate::profiles::parse_file(
            &ctx.env,
            &files.credentials_path,
            moved,
        )?);
        let profile = files
            .require_session(&ctx.env, name, now, "setup")?
            .into_owned();
        Ok(Plan {
            files,
            profile,
            move_to: Some(to),
        })
    }
}

fn cannot_move(name: &str, creds: &str, problem: &str) -> Error {
    Error::new(
        ErrorKind::ConfigInvalid,
        format!("cannot move the keys of [{name}] in {creds}: {problem}"),
    )
}

/// What setup stored, one line each, and whether a code source is recorded now (a first
/// login can work).
struct Done {
    lines: Vec<String>,
    has_code_source: bool,
}

/// Finds what is missing, then stores it all.
fn setup(
    ctx: &Context<'_>,
    options: &Setup,
    name: &str,
    terminal: Option<&Terminal>,
) -> Result<Done> {
    check_options(options, terminal.is_some())?;
    let files = AwsFiles::load(&ctx.env)?;
    let asked_to_move = options.move_keys
        || (files.holds_long_term_keys(name)
            && files.source_of(name).is_none()
            && !files.credentials.has_section(&AwsFiles::move_target(name))
            && match terminal {
                Some(t) => t.confirm(
                    &format!(
                        "[{name}] in {} holds long-term keys, where awsmfa keeps {name}'s session. Move them to [{}]?",
                        paths::display(&ctx.env, &files.credentials_path),
                        AwsFiles::move_target(name)
                    ),
                    "--move-keys",
                )?,
                None => false,
            });
    let plan = Plan::load(ctx, name, asked_to_move)?;
    let profile = &plan.profile;
    if let Some(duration) = &options.duration {
        crate::duration::session_seconds(duration, "--duration", profile.role_arn.is_some())?;
    }
    let process_profile = options
        .process_profile
        .as_deref()
        .map(|process| process_profile(ctx, &plan.files, profile, process))
        .transpose()?;
    // Read once: a keychain that does not answer takes its full timeout each time.
    let previous = find::in_keychain(ctx, name);
    let device = match options.serial.clone() {
        // Given: whatever the keychain holds is replaced.
        Some(serial) => Device {
            serial,
            source: DeviceSource::Iam,
        },
        None => find::serial(ctx, &plan.files, profile, previous.as_deref(), terminal)?,
    };
    let serial = device.serial.clone();
    if !is_valid_serial(&serial) {
        return Err(Error::new(
            ErrorKind::NoSerial,
            format!(
                "`{serial}` is not an MFA device ARN: it looks like arn:aws:iam::123456789012:mfa/NAME (IAM → Security credentials → MFA)"
            ),
        ));
    }
    let chosen_item = match (&options.op_item, terminal) {
        (None, Some(terminal)) if profile.needs_setup() => find::choose_op_item(
            ctx,
            profile,
            &serial,
            options.op_account.as_deref(),
            terminal,
        )?,
        _ => find::Chosen::default(),
    };
    let item = options.op_item.clone().or(chosen_item.id.clone());

    // The keychain first: if it fails, no file has been touched. If a file write fails
    // after it, the keychain gets back what it held and the files theirs, so a failed setup
    // leaves nothing behind. The serial needs no keychain when it came from there, and
    // stays in the config file when the keychain cannot be reached.
    let mut done = Vec::new();
    let stored_in_keychain = if device.source == DeviceSource::Keychain {
        done.push(format!("MFA serial {serial} is in the keychain"));
        false
    } else {
        match ctx.keychain.set(name, &serial) {
            Ok(()) => {
                done.push(format!("MFA serial {serial} stored in the keychain"));
                true
            }
            Err(err) if profile.mfa_serial.as_deref() == Some(serial.as_str()) => {
                crate::log::debug(&ctx.env, &format!("keychain not used: {err}"));
                let why = if ctx.env.keychain_off() {
                    "the keychain is off (AWSMFA_KEYCHAIN=off)"
                } else {
                    "the keychain cannot be reached"
                };
                done.push(format!(
                    "MFA serial {serial} stays in {} (mfa_serial): {why}",
                    paths::display(&ctx.env, &plan.files.config_path)
                ));
                false
            }
            Err(err) => return Err(err),
        }
    };
    let restore_keychain = || -> bool {
        if !stored_in_keychain {
            return true;
        }
        match &previous {
            Some(old) => ctx.keychain.set(name, old),
            None => ctx.keychain.delete(name),
        }
        .is_ok()
    };
    let keychain_left = |err: Error| -> Error {
        if restore_keychain() {
            err
        } else {
            Error::new(
                err.kind(),
                format!(
                    "{}; the MFA serial {serial} stays stored in the keychain",
                    err.message()
                ),
            )
        }
    };

    // Every change to the config file, written at once: all of them or none.
    let mut edits: Vec<ConfigEdit> = Vec::new();
    let mut values = Vec::new();
    let mut remove = Vec::new();
    if let Some(item) = &item {
        values.push(("awsmfa_op_item", item.clone()));
        for (key, value) in [
            ("awsmfa_op_vault", &options.op_vault),
            ("awsmfa_op_account", &options.op_account),
        ] {
            match value {
                Some(v) => values.push((key, v.clone())),
                None => remove.push(key),
            }
        }
    }
    if let Some(duration) = &options.duration {
        values.push(("awsmfa_duration", duration.clone()));
    }
    if !values.is_empty() {
        edits.push(ConfigEdit {
            section: plan.files.config_section_of(name),
            values,
            remove,
        });
    }
    if let Some(edit) = &process_profile {
        edits.push(edit.clone());
    }
    let config_path = plan.files.config_path.clone();
    let config_written = write_config(ctx, &config_path, &edits).map_err(keychain_left)?;

    if let Some(to) = &plan.move_to {
        let creds = paths::display(&ctx.env, &plan.files.credentials_path);
        move_keys(ctx, &plan.files, name, to).map_err(|err| {
            let mut err = keychain_left(err);
            if let Some((old, new)) = &config_written
                && put_back(ctx, &config_path, new, old.as_deref()).is_err()
            {
                err = Error::new(
                    err.kind(),
                    format!(
                        "{}; {} keeps what setup wrote",
                        err.message(),
                        paths::display(&ctx.env, &config_path)
                    ),
                );
            }
            err
        })?;
        done.insert(
            0,
            format!("long-term keys moved from [{name}] to [{to}] in {creds}"),
        );
    }

    let config = paths::display(&ctx.env, &config_path);
    if let Some(item) = &item {
        let mut line = match &chosen_item.title {
            Some(title) => format!("1Password item \"{title}\" (ID {item})"),
            None => format!("1Password item \"{item}\""),
        };
        if let Some(vault) = options.op_vault.as_ref().or(chosen_item.vault.as_ref()) {
            line.push_str(&format!(" in vault \"{vault}\""));
        }
        if let Some(account) = &options.op_account {
            line.push_str(&format!(" of account {account}"));
        }
        line.push_str(&format!(" recorded in {config}"));
        done.push(line);
    } else if profile.needs_setup() {
        done.push(chosen_item.note.unwrap_or_else(|| {
            format!(
                "no one-time code source yet: run awsmfa setup {} --op-item \"ITEM\" with the 1Password item that holds the one-time password",
                shell_word(name)
            )
        }));
    }
    if let Some(duration) = &options.duration {
        done.push(format!(
            "session length {duration} recorded in {config} (awsmfa_duration)"
        ));
    }
    if let Some(edit) = &process_profile {
        done.push(format!(
            "[{}] in {config} gets its keys from awsmfa credential-process {}: use it with --profile or AWS_PROFILE",
            edit.section,
            shell_word(name)
        ));
    }
    Ok(Done {
        lines: done,
        has_code_source: item.is_some() || !profile.needs_setup(),
    })
}

/// `guided`: on a terminal, where `--op-account` alone says which account to look in.
fn check_options(options: &Setup, guided: bool) -> Result<()> {
    let account_alone = options.op_account.is_some() && !guided;
    if options.op_item.is_none() && (options.op_vault.is_some() || account_alone) {
        return Err(Error::new(
            ErrorKind::InvalidOption,
            "--op-vault and --op-account go with --op-item: add --op-item ITEM",
        ));
    }
    if let Some(item) = &options.op_item
        && item.trim().is_empty()
    {
        return Err(Error::new(
            ErrorKind::InvalidOption,
            "--op-item needs the item's name or ID",
        ));
    }
    Ok(())
}

/// Writes every edit into the config file at once; returns the text before and after when
/// it changed.
fn write_config(
    ctx: &Context<'_>,
    path: &std::path::Path,
    edits: &[ConfigEdit],
) -> Result<Option<(Option<String>, String)>> {
    if edits.is_empty() {
        return Ok(None);
    }
    let env = &ctx.env;
    let mut written = None;
    crate::store::edit(env, path, |old| {
        let mut text = old.unwrap_or_default().to_string();
        for edit in edits {
            let doc = crate::profiles::parse_file(env, path, text)?;
            let values: Vec<(&str, &str)> =
                edit.values.iter().map(|(k, v)| (*k, v.as_str())).collect();
            text = doc
                .upsert(&edit.section, &values, &edit.remove)
                .map_err(|e| {
                    Error::new(
                        ErrorKind::ConfigInvalid,
                        format!("cannot write [{}]: {}", edit.section, e.problem),
                    )
                })?;
        }
        written = Some((old.map(str::to_string), text.clone()));
        Ok(Some(text))
    })?;
    Ok(written)
}

/// Puts `old` back into `path` if it still holds `new`, what setup wrote (a missing file
/// comes back empty).
fn put_back(ctx: &Context<'_>, path: &std::path::Path, new: &str, old: Option<&str>) -> Result<()> {
    crate::store::edit(&ctx.env, path, |current| {
        Ok((current == Some(new)).then(|| old.unwrap_or_default().to_string()))
    })
    .map(|_| ())
}

/// Moves `[name]`'s long-term keys to `[to]`, under the lock, re-checked against the file
/// as it is now: the keys must be those setup read.
fn move_keys(ctx: &Context<'_>, planned: &AwsFiles, name: &str, to: &str) -> Result<()> {
    let path = planned.credentials_path.clone();
    let env = &ctx.env;
    let creds = paths::display(env, &path);
    let want: Vec<Option<&str>> = LONG_TERM_KEYS
        .iter()
        .map(|key| planned.credentials_value(to, key))
        .collect();
    crate::store::edit(env, &path, |old| {
        let doc = crate::profiles::parse_file(env, &path, old.unwrap_or_default().to_string())?;
        let same = LONG_TERM_KEYS
            .iter()
            .zip(&want)
            .all(|(key, want)| doc.get(name, key) == *want)
            && !doc.has_section(to);
        if !same {
            return Err(crate::store::changed_underneath(&creds));
        }
        doc.move_keys(name, to, &LONG_TERM_KEYS)
            .map(Some)
            .map_err(|e| cannot_move(name, &creds, &e.problem))
    })?;
    Ok(())
}

/// One section's change to the config file.
#[derive(Debug, Clone)]
struct ConfigEdit {
    section: String,
    values: Vec<(&'static str, String)>,
    remove: Vec<&'static str>,
}

/// The `[profile NAME]` that runs `awsmfa credential-process PROFILE`, once NAME is known to
/// be one every SDK will run the process for.
fn process_profile(
    ctx: &Context<'_>,
    files: &AwsFiles,
    profile: &Profile,
    process: &str,
) -> Result<ConfigEdit> {
    let name = profile.name.as_ref();
    if process == name || process.trim().is_empty() {
        // Its own static keys in [PROFILE] win over credential_process in every SDK.
        return Err(Error::new(
            ErrorKind::InvalidOption,
            format!(
                "--process-profile must be another name than {name} (whose keys in the credentials file every SDK would use instead): e.g. --process-profile {}",
                shell_word(&format!("{name}-auto"))
            ),
        ));
    }
    if files
        .credentials_value(process, "aws_access_key_id")
        .is_some()
    {
        return Err(Error::new(
            ErrorKind::ConfigInvalid,
            format!(
                "[{process}] in the credentials file has keys, which every SDK uses instead of credential_process: pick another name for --process-profile"
            ),
        ));
    }
    let program = awsmfa_command(&ctx.env)?;
    let mut values = vec![(
        "credential_process",
        format!(
            "{} credential-process {}",
            shell_word(&program.to_string_lossy()),
            shell_word(name)
        ),
    )];
    if let Some(region) = &profile.region {
        values.push(("region", region.to_string()));
    }
    Ok(ConfigEdit {
        section: files.config_section_of(process),
        values,
        remove: Vec::new(),
    })
}

/// The path a credential process runs awsmfa by: `awsmfa` on PATH when that is this very
/// program (Homebrew's `/opt/homebrew/bin/awsmfa` survives upgrades, the versioned Cellar
/// path it links to does not), else this program's own path.
fn awsmfa_command(env: &crate::paths::Env) -> Result<std::path::PathBuf> {
    let Some(program) = env.program.clone() else {
        return Err(Error::new(
            ErrorKind::Internal,
            "cannot tell where the awsmfa program is: write credential_process = /full/path/to/awsmfa credential-process PROFILE yourself",
        ));
    };
    let same = |candidate: &std::path::Path| match (
        std::fs::canonicalize(candidate),
        std::fs::canonicalize(&program),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let on_path = crate::otp::program::find("awsmfa", None, env.path.as_deref(), &[]).ok();
    Ok(match on_path {
        Some(candidate) if same(&candidate) => candidate,
        _ => program,
    })
}
