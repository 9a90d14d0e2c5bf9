//! `awsmfa login PROFILE`: MFA serial → one-time code → STS → `[PROFILE]` in the credentials
//! file. Nothing on disk changes unless STS handed out a session.

use std::time::Duration;

use super::{Context, Run, SESSION_KEYS, guard_long_term_keys, stale_keys};
use crate::aws::{self, Service};
use crate::cli::Login;
use crate::duration::{self, DEFAULT_ROLE_SECONDS, DEFAULT_SESSION_SECONDS};
use crate::error::{Error, ErrorKind, Result};
use crate::expiry::{self, EXPIRY_KEY};
use crate::launcher::{Action, Report};
use crate::otp::{self, window};
use crate::profiles::{AwsFiles, Profile};
use crate::sts::{self, LongTermKeys};

impl Run for Login {
    fn action(&self) -> (Action, Option<&str>) {
        (Action::Login, Some(&self.profile))
    }

    fn run(self, ctx: &Context<'_>) -> Result<Report> {
        let name = self.profile.clone();
        let session = login(ctx, self)?;
        // Read again: the login took time, and the person reads "valid until" now.
        Ok(Report::LoggedIn {
            profile: name,
            expires_at: session.expiration,
            now: ctx.clock.read(),
        })
    }
}

/// Logs in and returns the new session (written to the credentials file).
pub(super) fn login(ctx: &Context<'_>, args: Login) -> Result<sts::Session> {
    let name = args.profile.as_str();
    let started = ctx.clock.now();
    let files = AwsFiles::load(&ctx.env)?;
    let profile = files.require(&ctx.env, name, started)?;
    if let Some(base) = &profile.via {
        // A role profile rides on its base's session: refreshing it is logging in there.
        ctx.progress.step(&format!(
            "{name} uses {base}'s session: logging in to {base}…"
        ));
        return login(
            ctx,
            Login {
                profile: base.to_string(),
                ..args
            },
        );
    }
    guard_long_term_keys(&files, name)?;
    let keys = long_term_keys(&files, &profile)?;
    let seconds = session_seconds(ctx, &profile, args.duration.as_deref())?;
    let remind = args
        .remind
        .as_deref()
        .map(|text| crate::reminders::settings::parse_lead(text, "--remind"))
        .transpose()?;
    let endpoints = files.endpoints(&ctx.env, &profile.source_profile, Service::Sts);
    let endpoint = aws::endpoint(&ctx.env, &endpoints, Service::Sts)?;
    let serial = serial(ctx, &profile)?;
    let typed = match (args.code, args.code_stdin) {
        (_, true) => Some(otp::code_from_stdin(otp::STDIN_TIMEOUT)?),
        (Some(code), false) => Some(otp::Typed::from_argument(code)),
        (None, false) => None,
    };
    let source = otp::source_for(&profile, typed, &ctx.env)?;

    // A time-based code: claim this window for it (under a lock shared with every other
    // login), waiting for the next one when a code of this window was already sent.
    let claimed = if source.is_time_based() {
        let windows = window::Windows::open(&ctx.env)?;
        let mut claim = None;
        // One wait at the most: a login that finds the next window taken too goes ahead.
        for _ in 0..2 {
            match windows.claim(&serial, ctx.clock.now().as_second())? {
                claimed @ window::Claim::Claimed { .. } => {
                    claim = Some(claimed);
                    break;
                }
                window::Claim::Wait(wait) => {
                    ctx.progress.step(&format!(
                        "Waiting {wait} s for the next code (AWS rejects a reused one)…"
                    ));
                    ctx.clock.sleep(Duration::from_secs(wait.unsigned_abs()));
                }
            }
        }
        claim.map(|claim| (windows, claim))
    } else {
        None
    };
    ctx.progress.step(source.progress());
    let code = match source.fetch() {
        Ok(code) => code,
        Err(err) => {
            if let Some((windows, claim)) = &claimed {
                let _ = windows.release(&serial, *claim);
            }
            return Err(err.for_profile(name));
        }
    };
    if let Some((windows, _)) = &claimed {
        windows.advance(&serial, window::window_of(ctx.clock.now().as_second()))?;
    }

    ctx.progress.step("Calling AWS STS…");
    let request = sts::Request {
        serial,
        code,
        duration_seconds: seconds,
        role_arn: profile.role_arn.as_deref().map(str::to_string),
        session_name: sts::session_name(name),
    };
    let region = profile.region.as_deref().unwrap_or(sts::DEFAULT_REGION);
    let client = sts::client(&keys, region, endpoint.as_deref(), sts::timeouts());
    let session =
        aws::block_on(sts::exchange(&client, &request))?.map_err(|e| e.for_profile(name))?;

    // AWS's clock is right: a session that has ended by this computer's clock means this
    // clock is far ahead, and every request signed with it would be refused too.
    if session.expiration <= ctx.clock.now() {
        return Err(Error::new(
            ErrorKind::ClockOff,
            format!(
                "AWS STS sent a session that ended at {}, which is before this computer's time: this computer's clock is off: set the date and time automatically and try again",
                expiry::format(session.expiration)
            ),
        ));
    }
    write_session(ctx, &files, name, &profile.source_profile, &keys, &session)?;
    crate::reminders::after_login(&ctx.env, name, session.expiration, remind, started);
    Ok(session)
}

pub(super) fn long_term_keys(files: &AwsFiles, profile: &Profile) -> Result<LongTermKeys> {
    let source = &profile.source_profile;
    let get = |key: &str| files.credentials_value(source, key).map(str::to_string);
    let (Some(access_key_id), Some(secret_access_key)) =
        (get("aws_access_key_id"), get("aws_secret_access_key"))
    else {
        return Err(Error::new(
            ErrorKind::NotMfaProfile,
            format!(
                "[{source}] in the credentials file needs aws_access_key_id and aws_secret_access_key (your long-term keys)"
            ),
        ));
    };
    // An indented line after a key continues its value for the AWS CLI, as for awsmfa; a
    // key that runs over lines is no key AWS accepts, and its signature error would not
    // say why.
    if let Some(key) = [
        ("aws_access_key_id", &access_key_id),
        ("aws_secret_access_key", &secret_access_key),
    ]
    .into_iter()
    .find_map(|(key, value)| value.contains('\n').then_some(key))
    {
        return Err(Error::new(
            ErrorKind::ConfigInvalid,
            format!(
                "{key} in [{source}] of the credentials file runs on into the indented line after it, as the AWS CLI reads it too: remove that line's indentation and try again"
            ),
        ));
    }
    if access_key_id.starts_with("ASIA") || get("aws_session_token").is_some() {
        return Err(Error::new(
            ErrorKind::StsSessionCredentials,
            format!(
                "[{source}] holds temporary keys (ASIA…), but AWS only issues MFA sessions for long-term keys: put an access key (AKIA…) from IAM there"
            ),
        ));
    }
    Ok(LongTermKeys {
        access_key_id,
        secret_access_key,
    })
}

/// `--duration`, else `awsmfa_duration`, else `duration_seconds` (roles), else
/// `AWSMFA_DURATION`, else 12 h (1 h for roles).
fn session_seconds(ctx: &Context<'_>, profile: &Profile, flag: Option<&str>) -> Result<u32> {
    let role = profile.role_arn.is_some();
    let duration_seconds = profile.duration_seconds.as_deref().filter(|_| role);
    let chosen = [
        (flag, "--duration"),
        (profile.duration.as_deref(), "awsmfa_duration"),
        (duration_seconds, "duration_seconds"),
        (ctx.env.duration.as_deref(), "AWSMFA_DURATION"),
    ]
    .into_iter()
    .find_map(|(value, origin)| value.map(|v| (v, origin)));
    match chosen {
        Some((value, origin)) => duration::session_seconds(value, origin, role),
        None if role => Ok(DEFAULT_ROLE_SECONDS),
        None => Ok(DEFAULT_SESSION_SECONDS),
    }
}

/// The keychain first, then `mfa_serial`; a keychain that cannot be read is only an error
/// when there is no `mfa_serial` to fall back on.
fn serial(ctx: &Context<'_>, profile: &Profile) -> Result<String> {
    let from_keychain = ctx.keychain.get(&profile.name);
    let serial = match (from_keychain, &profile.mfa_serial) {
        (Ok(Some(serial)), _) => serial,
        (Ok(None), Some(serial)) => serial.to_string(),
        (Err(err), Some(serial)) => {
            if err.kind() == ErrorKind::KeychainTimeout {
                ctx.progress.step(&format!(
                    "The keychain did not answer within {} s: using mfa_serial from ~/.aws/config…",
                    crate::keychain::TIMEOUT.as_secs()
                ));
            }
            crate::log::debug(
                &ctx.env,
                &format!("keychain unavailable, using mfa_serial: {err}"),
            );
            serial.to_string()
        }
        (Err(err), None) => return Err(err),
        (Ok(None), None) => return Err(crate::keychain::no_serial(&profile.name)),
    };
    Ok(serial)
}

fn write_session(
    ctx: &Context<'_>,
    files: &AwsFiles,
    name: &str,
    source: &str,
    keys: &LongTermKeys,
    session: &sts::Session,
) -> Result<()> {
    let expires = expiry::format(session.expiration);
    let values = [
        (SESSION_KEYS[0], session.access_key_id.as_str()),
        (SESSION_KEYS[1], session.secret_access_key.as_str()),
        (SESSION_KEYS[2], session.session_token.as_str()),
        (EXPIRY_KEY, expires.as_str()),
    ];
    let path = files.credentials_path.clone();
    let env = &ctx.env;
    crate::store::edit(env, &path, |old| {
        let doc = crate::profiles::parse_file(env, &path, old.unwrap_or_default().to_string())?;
        // Re-checked under the lock against what is on disk now.
        let fresh = files.with_credentials(doc.clone());
        guard_long_term_keys(&fresh, name)?;
        // A program that ignores the lock may be halfway through rewriting the file (one
        // that writes in place empties it first). Writing on top of a file that lost a
        // section the first read had, or the keys this session was issued for, would
        // drop the rest: leave it to that program instead.
        let whole = files
            .credentials
            .sections()
            .all(|s| doc.has_section(s.name))
            && fresh.credentials_value(source, "aws_access_key_id")
                == Some(keys.access_key_id.as_str())
            && fresh.credentials_value(source, "aws_secret_access_key")
                == Some(keys.secret_access_key.as_str());
        if !whole {
            return Err(crate::store::changed_underneath(&crate::paths::display(
                env, &path,
            )));
        }
        let text = doc.upsert(name, &values, &stale_keys()).map_err(|e| {
            Error::new(
                ErrorKind::ConfigInvalid,
                format!("cannot write [{name}]: {}", e.problem),
            )
        })?;
        Ok(Some(text))
    })?;
    Ok(())
}
