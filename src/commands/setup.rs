//! `awsmfa setup PROFILE`: stores the MFA serial in the OS keychain and records where the
//! one-time code comes from (`awsmfa_op_item`, `awsmfa_op_vault`, `awsmfa_op_account` in
//! `[profile PROFILE]` of `~/.aws/config`); with `--process-profile NAME`, also writes the
//! self-refreshing `[profile NAME]` (`credential_process = awsmfa credential-process
//! PROFILE`).

use std::io::{BufRead, IsTerminal, Write};

use super::{Context, Run};
use crate::aws::{self, Service};
use crate::cli::Setup;
use crate::error::{Error, ErrorKind, Result};
use crate::keychain::{is_valid_serial, no_serial};
use crate::launcher::{Action, Report};
use crate::paths;
use crate::profiles::{AwsFiles, Profile};
use crate::quote::shell_word;
use crate::sts::LongTermKeys;

impl Run for Setup {
    fn action(&self) -> (Action, Option<&str>) {
        (Action::Setup, Some(&self.profile))
    }

    fn run(self, ctx: &Context<'_>) -> Result<Report> {
        let done = setup(ctx, &self)?;
        Ok(Report::SetUp {
            profile: self.profile,
            done,
        })
    }
}

/// Sets the profile up; returns one line per thing stored.
fn setup(ctx: &Context<'_>, options: &Setup) -> Result<Vec<String>> {
    let name = options.profile.as_str();
    let files = AwsFiles::load(&ctx.env)?;
    let profile = files.require_session(&ctx.env, name, ctx.clock.now(), "setup")?;
    if options.op_item.is_none() && (options.op_vault.is_some() || options.op_account.is_some()) {
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
    let process_profile = options
        .process_profile
        .as_deref()
        .map(|process| process_profile(ctx, &files, &profile, process))
        .transpose()?;
    let serial = match options.serial.clone() {
        Some(serial) => serial,
        None => find_serial(ctx, &files, &profile)?,
    };
    if !is_valid_serial(&serial) {
        return Err(Error::new(
            ErrorKind::NoSerial,
            format!(
                "`{serial}` is not an MFA device ARN: it looks like arn:aws:iam::123456789012:mfa/NAME (IAM → Security credentials → MFA)"
            ),
        ));
    }

    // The keychain first: if it fails, the config file has not been touched. If the config
    // write fails after it, the keychain gets back what it held, so a failed setup leaves
    // nothing behind.
    let previous = ctx.keychain.get(name).ok().flatten();
    ctx.keychain.set(name, &serial)?;
    let restore = |err: Error| -> Error {
        let restored = match &previous {
            Some(old) => ctx.keychain.set(name, old),
            None => ctx.keychain.delete(name),
        };
        match restored {
            Ok(()) => err,
            Err(_) => Error::new(
                err.kind(),
                format!(
                    "{}; the MFA serial {serial} stays stored in the keychain",
                    err.message()
                ),
            ),
        }
    };
    let mut done = vec![format!("MFA serial {serial} stored in the keychain")];
    // Every change to the config file, written at once: all of them or none.
    let mut edits: Vec<ConfigEdit> = Vec::new();
    if let Some(item) = &options.op_item {
        let mut values = vec![("awsmfa_op_item", item.clone())];
        let mut remove = Vec::new();
        for (key, value) in [
            ("awsmfa_op_vault", &options.op_vault),
            ("awsmfa_op_account", &options.op_account),
        ] {
            match value {
                Some(v) => values.push((key, v.clone())),
                None => remove.push(key),
            }
        }
        edits.push(ConfigEdit {
            section: files.config_section_of(name),
            values,
            remove,
        });
    }
    if let Some(edit) = &process_profile {
        edits.push(edit.clone());
    }
    let path = files.config_path.clone();
    if !edits.is_empty() {
        let env = &ctx.env;
        crate::store::edit(env, &path, |old| {
            let mut text = old.unwrap_or_default().to_string();
            for edit in &edits {
                let doc = crate::profiles::parse_file(env, &path, text)?;
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
            Ok(Some(text))
        })
        .map_err(restore)?;
    }
    if let Some(item) = &options.op_item {
        let mut line = format!("1Password item \"{item}\"");
        if let Some(vault) = &options.op_vault {
            line.push_str(&format!(" in vault \"{vault}\""));
        }
        if let Some(account) = &options.op_account {
            line.push_str(&format!(" of account {account}"));
        }
        line.push_str(&format!(" recorded in {}", paths::display(&ctx.env, &path)));
        done.push(line);
    } else if profile.needs_setup() {
        done.push(format!(
            "no one-time code source yet: run awsmfa setup {} --op-item \"ITEM\" with the 1Password item that holds the one-time password",
            shell_word(name)
        ));
    }
    if let Some(edit) = &process_profile {
        done.push(format!(
            "[{}] in {} gets its keys from awsmfa credential-process {}: use it with --profile or AWS_PROFILE",
            edit.section,
            paths::display(&ctx.env, &path),
            shell_word(name)
        ));
    }
    Ok(done)
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
    let name = profile.name.as_str();
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
        values.push(("region", region.clone()));
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

/// `mfa_serial` from the config, else the caller's devices from IAM.
fn find_serial(ctx: &Context<'_>, files: &AwsFiles, profile: &Profile) -> Result<String> {
    if let Some(serial) = &profile.mfa_serial {
        return Ok(serial.clone());
    }
    let source = &profile.source_profile;
    let (Some(access_key_id), Some(secret_access_key)) = (
        files.credentials_value(source, "aws_access_key_id"),
        files.credentials_value(source, "aws_secret_access_key"),
    ) else {
        return Err(no_serial(&profile.name));
    };
    let keys = LongTermKeys {
        access_key_id: access_key_id.to_string(),
        secret_access_key: secret_access_key.to_string(),
    };
    let endpoints = files.endpoints(&ctx.env, source, Service::Iam);
    let endpoint = aws::endpoint(&ctx.env, &endpoints, Service::Iam)?;
    ctx.progress.step("Asking AWS IAM for your MFA devices…");
    let signed_at = crate::clock::system_time(ctx.clock.now());
    let devices = aws::block_on(crate::iam::list_mfa_devices(
        endpoint.as_deref(),
        &keys,
        signed_at,
    ))?
    .map_err(|e| e.for_profile(&profile.name))?;
    match devices.as_slice() {
        [] => Err(Error::new(
            ErrorKind::NoSerial,
            format!(
                "IAM lists no MFA device for the keys of {source}: assign one in IAM → Security credentials, then run awsmfa setup {} --serial ARN",
                shell_word(&profile.name)
            ),
        )),
        [only] => {
            ctx.progress.step(&format!("Found MFA device {only}"));
            Ok(only.clone())
        }
        several => choose(&profile.name, several),
    }
}

/// Asks on the terminal which device to use; off a terminal, says how to pick one.
fn choose(name: &str, devices: &[String]) -> Result<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Error::new(
            ErrorKind::NoSerial,
            format!(
                "IAM lists several MFA devices ({}): run awsmfa setup {} --serial with the one to use",
                devices.join(", "),
                shell_word(name)
            ),
        ));
    }
    let mut err = std::io::stderr();
    for (i, device) in devices.iter().enumerate() {
        let _ = writeln!(err, "  {}) {device}", i + 1);
    }
    let _ = write!(err, "Which MFA device for {name}? [1-{}] ", devices.len());
    let _ = err.flush();
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io("cannot read the answer", &e))?;
    line.trim()
        .parse::<usize>()
        .ok()
        .and_then(|n| devices.get(n.wrapping_sub(1)))
        .cloned()
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOption,
                "no device chosen: run setup again and type a number from the list",
            )
        })
}
