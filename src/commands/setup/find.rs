//! What `awsmfa setup` finds before it stores anything: the MFA device (the keychain's,
//! `mfa_serial`, else those IAM lists for the long-term keys) and the 1Password item with
//! the one-time password (`op item list`, `op item get`).

use super::ask::Terminal;
use crate::aws::{self, Service};
use crate::commands::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::iam::{self, Device, DeviceSource};
use crate::keychain::no_serial;
use crate::otp::onepassword;
use crate::otp::onepassword::items::{self, Hints, Listed};
use crate::otp::op_error;
use crate::profiles::{AwsFiles, Profile};
use crate::quote::shell_word;
use crate::sts::LongTermKeys;

/// The devices IAM lists for the profile's long-term keys (none without keys).
fn iam_devices(ctx: &Context<'_>, files: &AwsFiles, profile: &Profile) -> Result<Vec<String>> {
    let source = &profile.source_profile;
    let (Some(access_key_id), Some(secret_access_key)) = (
        files.credentials_value(source, "aws_access_key_id"),
        files.credentials_value(source, "aws_secret_access_key"),
    ) else {
        return Ok(Vec::new());
    };
    let keys = LongTermKeys {
        access_key_id: access_key_id.to_string(),
        secret_access_key: secret_access_key.to_string(),
    };
    let endpoints = files.endpoints(&ctx.env, source, Service::Iam);
    let endpoint = aws::endpoint(&ctx.env, &endpoints, Service::Iam)?;
    ctx.progress.step("Asking AWS IAM for your MFA devices…");
    let signed_at = crate::clock::system_time(ctx.clock.now());
    aws::block_on(iam::list_mfa_devices(endpoint.as_deref(), &keys, signed_at))?
        .map_err(|e| e.for_profile(&profile.name))
}

/// The serial stored in the keychain, or `None` (also when the keychain cannot be reached,
/// which setup reports when it stores the serial).
pub fn in_keychain(ctx: &Context<'_>, name: &str) -> Option<String> {
    match ctx.keychain.get(name) {
        Ok(serial) => serial,
        Err(err) => {
            crate::log::debug(&ctx.env, &format!("keychain not read: {err}"));
            None
        }
    }
}

/// Every device to choose from for `--list-devices`, the proposed first: the keychain's,
/// `mfa_serial`, then IAM's (whose failure only counts when nothing else was found).
pub fn devices(ctx: &Context<'_>, files: &AwsFiles, profile: &Profile) -> Result<Vec<Device>> {
    let mut found: Vec<Device> = Vec::new();
    let mut add = |serial: String, source: DeviceSource| {
        if !found.iter().any(|d| d.serial == serial) {
            found.push(Device { serial, source });
        }
    };
    if let Some(serial) = in_keychain(ctx, &profile.name) {
        add(serial, DeviceSource::Keychain);
    }
    if let Some(serial) = &profile.mfa_serial {
        add(serial.to_string(), DeviceSource::Config);
    }
    match iam_devices(ctx, files, profile) {
        Ok(serials) => serials
            .into_iter()
            .for_each(|serial| add(serial, DeviceSource::Iam)),
        Err(err) if !found.is_empty() => {
            crate::log::debug(&ctx.env, &format!("IAM not asked: {err}"));
        }
        Err(err) => return Err(err),
    }
    Ok(found)
}

/// The device to set up: the keychain's, else `mfa_serial`, else the one IAM lists; of
/// several, the one the person picks (off a terminal: an error naming `--serial`).
/// `stored` is what the keychain holds ([`in_keychain`]).
pub fn serial(
    ctx: &Context<'_>,
    files: &AwsFiles,
    profile: &Profile,
    stored: Option<&str>,
    terminal: Option<&Terminal>,
) -> Result<Device> {
    if let Some(serial) = stored {
        return Ok(Device {
            serial: serial.to_string(),
            source: DeviceSource::Keychain,
        });
    }
    if let Some(serial) = &profile.mfa_serial {
        return Ok(Device {
            serial: serial.to_string(),
            source: DeviceSource::Config,
        });
    }
    let name = &profile.name;
    let has_keys = files
        .credentials_value(&profile.source_profile, "aws_access_key_id")
        .is_some();
    if !has_keys {
        return Err(no_serial(name));
    }
    let devices = iam_devices(ctx, files, profile)?;
    let serial = match devices.as_slice() {
        [] => {
            return Err(Error::new(
                ErrorKind::NoSerial,
                format!(
                    "IAM lists no MFA device for the keys of {}: assign one in IAM → Security credentials, then run awsmfa setup {} --serial ARN",
                    profile.source_profile,
                    shell_word(name)
                ),
            ));
        }
        [only] => {
            ctx.progress.step(&format!("Found MFA device {only}"));
            only.clone()
        }
        several => match terminal {
            Some(terminal) => {
                let at = terminal.choose(
                    &format!("Which MFA device for {name}?"),
                    several,
                    "--serial ARN",
                )?;
                several[at].clone()
            }
            None => {
                return Err(Error::new(
                    ErrorKind::NoSerial,
                    format!(
                        "IAM lists several MFA devices ({}): run awsmfa setup {} --serial with the one to use",
                        several.join(", "),
                        shell_word(name)
                    ),
                ));
            }
        },
    };
    Ok(Device {
        serial,
        source: DeviceSource::Iam,
    })
}

/// How to give an item a one-time password, for when none has one.
fn no_item_hint(name: &str, found: &items::Found) -> String {
    let mut hint = format!(
        "No 1Password item has a one-time password: in 1Password, edit the item of your AWS login (or a new one), add a One-Time Password field, and scan the QR code IAM shows when you assign an MFA device (IAM → Security credentials → Assign MFA device); then run awsmfa setup {} again",
        shell_word(name)
    );
    if found.unchecked > 0 {
        hint = format!(
            "{} of your 1Password items were not looked at in time, and none of the others has a one-time password: run awsmfa setup {} --op-item ID with the item's ID (op item list)",
            found.unchecked,
            shell_word(name)
        );
    }
    hint
}

/// The 1Password items with a one-time password, most likely first, and without any: how
/// to add one. `serial`, when known, gives the account ID to rank by.
pub fn op_items(
    ctx: &Context<'_>,
    profile: &Profile,
    serial: Option<&str>,
    account: Option<&str>,
) -> Result<(Vec<Listed>, Option<String>)> {
    let name = &profile.name;
    let op = onepassword::find_op(ctx.env.op.as_deref(), ctx.env.path.as_deref())
        .map_err(|e| op_error(&e, name))?;
    let serial = serial.or(profile.mfa_serial.as_deref());
    let hints = Hints {
        profile: name,
        account_id: serial.and_then(iam::account_id),
    };
    ctx.progress
        .step("Looking for 1Password items with a one-time password…");
    let found = items::find(&op, account, &hints).map_err(|e| op_error(&e, name))?;
    let hint = found.items.is_empty().then(|| no_item_hint(name, &found));
    Ok((found.items, hint))
}

/// The item the person picked on the terminal, or what to say instead.
#[derive(Debug, Default)]
pub struct Chosen {
    /// The item's ID.
    pub id: Option<String>,
    /// Its title, to show.
    pub title: Option<String>,
    /// Its vault, to show.
    pub vault: Option<String>,
    /// Without an item: the line setup reports instead.
    pub note: Option<String>,
}

/// Looks for the items with a one-time password and asks which: one is proposed, several
/// are a choice (the most likely first). Without op, without an item or when the person
/// declines, setup goes on without one and says how to add it.
pub fn choose_op_item(
    ctx: &Context<'_>,
    profile: &Profile,
    serial: &str,
    account: Option<&str>,
    terminal: &Terminal,
) -> Result<Chosen> {
    let name = &profile.name;
    let later = format!(
        "no one-time code source yet: run awsmfa setup {} --op-item ID with the 1Password item that holds the one-time password",
        shell_word(name)
    );
    let (items, hint) = match op_items(ctx, profile, Some(serial), account) {
        Ok(found) => found,
        Err(err) if err.kind() == ErrorKind::OpNotInstalled => {
            return Ok(Chosen {
                note: Some(format!("{}; {later}", err.message())),
                ..Chosen::default()
            });
        }
        Err(err) => return Err(err),
    };
    let describe = |item: &Listed| {
        let mut line = format!("\"{}\" ({}", item.title, item.vault.name);
        if let Some(url) = item.hrefs().first() {
            line.push_str(&format!(", {url}"));
        }
        line.push(')');
        line
    };
    let picked = match items.as_slice() {
        [] => {
            return Ok(Chosen {
                note: hint,
                ..Chosen::default()
            });
        }
        [only] => terminal
            .confirm(
                &format!(
                    "Use 1Password item {} for {name}'s one-time codes?",
                    describe(only)
                ),
                "--op-item ID",
            )?
            .then_some(only),
        several => {
            let options: Vec<String> = several.iter().map(describe).collect();
            let at = terminal.choose(
                &format!("Which 1Password item has {name}'s one-time password?"),
                &options,
                "--op-item ID",
            )?;
            Some(&several[at])
        }
    };
    Ok(match picked {
        Some(item) => Chosen {
            id: Some(item.id.clone()),
            title: Some(item.title.clone()),
            vault: Some(item.vault.name.clone()).filter(|v| !v.is_empty()),
            note: None,
        },
        None => Chosen {
            note: Some(later),
            ..Chosen::default()
        },
    })
}
