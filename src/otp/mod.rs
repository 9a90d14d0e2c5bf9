//! Where the one-time code comes from: a typed `--code` or `--code-stdin`, the profile's
//! `mfa_process`, a YubiKey through `ykman`, or 1Password's `op` CLI. Codes are checked to be
//! six digits before anything sends them.

pub mod command;
pub mod onepassword;
pub mod process;
pub mod program;
pub mod window;
pub mod ykman;

use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};
use crate::paths::Env;
use crate::profiles::Profile;
use crate::quote::shell_word;

/// How long `op`, `mfa_process` or `ykman` may take: the 1Password app may be waiting for
/// Touch ID, a YubiKey for a touch.
pub const CODE_TIMEOUT: Duration = Duration::from_secs(90);

/// A source of one-time codes.
pub trait CodeSource {
    /// What the progress line says while the code is fetched: "Fetching code from 1Password…".
    fn progress(&self) -> &'static str;
    /// Whether each call yields the code of the current 30-second window (so a second call in
    /// the same window would repeat a code AWS already accepted).
    fn is_time_based(&self) -> bool;
    /// Fetches one code.
    fn fetch(&self) -> Result<String>;
}

/// A code the person typed: with `--code`, or on stdin (`--code-stdin`, how the launchers
/// pass a typed code, never in an argument list other processes can read).
pub struct Typed {
    /// The code, not yet checked.
    pub code: String,
    /// The progress line: "Using the code given with --code…".
    pub how: &'static str,
}

impl Typed {
    /// A code given with `--code`.
    pub fn from_argument(code: String) -> Typed {
        Typed {
            code,
            how: "Using the code given with --code…",
        }
    }
}

/// How long `--code-stdin` waits for the code: a launcher writes it at once, a person types
/// it.
pub const STDIN_TIMEOUT: Duration = Duration::from_secs(120);

/// Reads the code from stdin (one line; `printf '%s\n' 123456 | awsmfa login work
/// --code-stdin`), waiting at most `timeout`.
pub fn code_from_stdin(timeout: Duration) -> Result<Typed> {
    use std::io::Read;
    let (tx, rx) = std::sync::mpsc::channel();
    // A reader that never gets a line is left behind when the process exits.
    std::thread::spawn(move || {
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        let mut stdin = std::io::stdin().lock();
        // A code is 6 digits: 64 bytes is plenty, and nothing longer is kept in memory.
        while line.len() < 64 {
            match stdin.read(&mut byte) {
                Ok(1) if byte[0] != b'\n' => line.push(byte[0]),
                _ => break,
            }
        }
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(timeout).map_err(|_| {
        Error::new(
            ErrorKind::InvalidCode,
            format!(
                "no one-time code arrived on stdin within {} s: pipe it in, e.g. printf '%s\\n' 123456 | awsmfa login PROFILE --code-stdin",
                timeout.as_secs()
            ),
        )
    })?;
    let code = String::from_utf8_lossy(&line).trim().to_string();
    if code.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidCode,
            "no one-time code arrived on stdin: pipe it in, e.g. printf '%s\\n' 123456 | awsmfa login PROFILE --code-stdin",
        ));
    }
    Ok(Typed {
        code,
        how: "Using the code given on stdin…",
    })
}

impl CodeSource for Typed {
    fn progress(&self) -> &'static str {
        self.how
    }
    fn is_time_based(&self) -> bool {
        false
    }
    fn fetch(&self) -> Result<String> {
        check_code(&self.code)?;
        Ok(self.code.clone())
    }
}

/// Refuses anything but exactly six ASCII digits, without repeating what was given.
pub fn check_code(code: &str) -> Result<()> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::InvalidCode,
            "the one-time code must be exactly 6 digits: check it and try again",
        ))
    }
}

/// 1Password through `op`, found on PATH or in Homebrew's folders.
pub struct OnePasswordSource {
    item: onepassword::OnePassword,
    env: Env,
    profile: String,
}

impl CodeSource for OnePasswordSource {
    fn progress(&self) -> &'static str {
        "Fetching code from 1Password…"
    }
    fn is_time_based(&self) -> bool {
        true
    }
    fn fetch(&self) -> Result<String> {
        let op = onepassword::find_op(self.env.op.as_deref(), self.env.path.as_deref())
            .map_err(|e| op_error(&e, &self.profile))?;
        crate::log::debug(
            &self.env,
            &format!("running {} {}", op.display(), self.item.args().join(" ")),
        );
        let code = self
            .item
            .fetch_code(&op, CODE_TIMEOUT)
            .map_err(|e| op_error(&e, &self.profile))?;
        check_code(&code)?;
        Ok(code)
    }
}

/// An op failure as the one error type, with `profile` in its `awsmfa setup` advice.
pub fn op_error(err: &onepassword::OpError, profile: &str) -> Error {
    Error::new(err.kind(), err.message(Some(&shell_word(profile))))
}

/// A YubiKey's OATH account through `ykman`, found on PATH or in Homebrew's folders.
pub struct YkmanSource {
    account: ykman::Ykman,
    env: Env,
    profile: String,
}

impl CodeSource for YkmanSource {
    fn progress(&self) -> &'static str {
        // ykman itself says "Touch your YubiKey..." only once it waits, on a stderr awsmfa
        // reads when ykman is done; a YubiKey blinks while it waits.
        "Reading the code from your YubiKey (touch it if it blinks)…"
    }
    fn is_time_based(&self) -> bool {
        true
    }
    fn fetch(&self) -> Result<String> {
        let ykman = ykman::find_ykman(self.env.ykman.as_deref(), self.env.path.as_deref())
            .map_err(|e| ykman_error(&e, &self.profile))?;
        crate::log::debug(
            &self.env,
            &format!(
                "running {} {}",
                ykman.display(),
                self.account.args().join(" ")
            ),
        );
        let code = self
            .account
            .fetch_code(&ykman, CODE_TIMEOUT)
            .map_err(|e| ykman_error(&e, &self.profile))?;
        check_code(&code)?;
        Ok(code)
    }
}

fn ykman_error(err: &ykman::YkmanError, profile: &str) -> Error {
    Error::new(err.kind(), err.message(Some(&shell_word(profile))))
}

/// Picks the code source for a login: a typed code, then `mfa_process`, then a YubiKey
/// account, then 1Password.
pub fn source_for(
    profile: &Profile,
    typed: Option<Typed>,
    env: &Env,
) -> Result<Box<dyn CodeSource>> {
    if let Some(typed) = typed {
        return Ok(Box::new(typed));
    }
    if let Some(process) = &profile.mfa_process {
        return Ok(Box::new(command::MfaProcess::new(
            process.to_string(),
            profile.name.to_string(),
        )));
    }
    if let Some(account) = &profile.ykman_account {
        return Ok(Box::new(YkmanSource {
            account: ykman::Ykman {
                account: account.to_string(),
            },
            env: env.clone(),
            profile: profile.name.to_string(),
        }));
    }
    if let Some(item) = onepassword::OnePassword::of(profile) {
        return Ok(Box::new(OnePasswordSource {
            item,
            env: env.clone(),
            profile: profile.name.to_string(),
        }));
    }
    let name = shell_word(&profile.name);
    Err(Error::new(
        ErrorKind::NoCodeSource,
        format!(
            "{} has no one-time code source: run awsmfa setup {name} --op-item \"ITEM\" (the 1Password item with the one-time password), or pass --code",
            profile.name
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `work` with those code sources set, as the AWS files give it.
    fn profile(mfa_process: bool, ykman_account: bool, op_item: bool) -> Profile<'static> {
        let mut config = String::from("[profile work]\n");
        for (on, line) in [
            (mfa_process, "mfa_process = echo 123456\n"),
            (ykman_account, "awsmfa_ykman_account = AWS:work\n"),
            (op_item, "awsmfa_op_item = AWS work\n"),
        ] {
            if on {
                config.push_str(line);
            }
        }
        let files = crate::profiles::AwsFiles::new(
            crate::ini::Document::parse(config).unwrap(),
            crate::ini::Document::parse(
                "[work-mfa]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n",
            )
            .unwrap(),
            "/h/.aws/config".into(),
            "/h/.aws/credentials".into(),
        );
        files
            .profile("work", "2026-11-25T10:00:00Z".parse().unwrap())
            .unwrap()
            .into_owned()
    }

    #[test]
    fn sources_are_picked_typed_then_mfa_process_then_yubikey_then_1password() {
        let env = Env::default();
        let picked = |p: &Profile, typed: Option<Typed>| {
            let source = source_for(p, typed, &env).unwrap();
            (source.progress(), source.is_time_based())
        };
        let yubikey = "Reading the code from your YubiKey (touch it if it blinks)…";
        let typed = || Some(Typed::from_argument("123456".into()));
        assert_eq!(
            picked(&profile(true, true, true), typed()),
            ("Using the code given with --code…", false)
        );
        assert_eq!(
            picked(&profile(true, true, true), None),
            ("Running mfa_process for the code…", true)
        );
        // A YubiKey's code is a TOTP too: the reused-code window applies.
        assert_eq!(picked(&profile(false, true, true), None), (yubikey, true));
        assert_eq!(
            picked(&profile(false, false, true), None),
            ("Fetching code from 1Password…", true)
        );
        let none = source_for(&profile(false, false, false), None, &env)
            .err()
            .unwrap();
        assert_eq!(none.kind(), ErrorKind::NoCodeSource);
    }

    #[test]
    fn the_1password_item_is_the_one_the_profile_records() {
        assert_eq!(
            onepassword::OnePassword::of(&profile(true, true, false)),
            None
        );
        let mut p = profile(false, false, true);
        assert_eq!(
            onepassword::OnePassword::of(&p),
            Some(onepassword::OnePassword {
                item: "AWS work".into(),
                vault: None,
                account: None,
            })
        );
        p.op_vault = Some("Private".into());
        p.op_account = Some("my.1password.com".into());
        let item = onepassword::OnePassword::of(&p).unwrap();
        assert_eq!(item.vault.as_deref(), Some("Private"));
        assert_eq!(item.account.as_deref(), Some("my.1password.com"));
    }

    #[test]
    fn only_six_digits_pass_and_the_error_does_not_echo_the_input() {
        assert!(check_code("012345").is_ok());
        for bad in ["12345", "1234567", "12345a", " 12345", "１２３４５６", ""] {
            let err = check_code(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidCode);
            assert!(bad.is_empty() || !err.message().contains(bad), "{bad}");
        }
    }
}
