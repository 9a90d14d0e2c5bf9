//! Which 1Password item holds an AWS MFA device's one-time password, for `awsmfa setup`:
//! `op item list --format json` lists the items (titles, vaults, URLs: no fields), then
//! `op item get ID --format json` for each, best-ranked first and within a bound on the total
//! time, keeps those with a one-time password field.
//!
//! Spawning ([`find`]) is kept apart from reading ([`parse_list`], [`has_otp`], [`rank`]),
//! which are pure. An item's JSON carries its secrets (the one-time password's `otpauth://`
//! secret and current code among them): only the field types are read from it, and nothing
//! of it is kept, logged or shown. Item IDs are no secret; op gets them after `--`.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::{OpError, failure, spawn_error};
use crate::otp::process::{self, RunError};
use crate::otp::program::whole_seconds;

/// How long `op item list` may take: long on a big account, and op may first wait for the
/// person to unlock 1Password (Touch ID).
pub const LIST_TIMEOUT: Duration = Duration::from_secs(90);
/// How long one `op item get` may take.
pub const GET_TIMEOUT: Duration = Duration::from_secs(20);
/// How long all the `op item get`s together may take; items not looked at by then are
/// counted in [`Found::unchecked`].
pub const CHECK_BUDGET: Duration = Duration::from_secs(45);
/// How many `op item get`s run at once.
const WORKERS: usize = 4;

/// One item as `op item list --format json` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Listed {
    /// The item's ID (26 characters).
    pub id: String,
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// Its vault.
    #[serde(default)]
    pub vault: Vault,
    /// Its websites, the primary one first once ranked.
    #[serde(default)]
    pub urls: Vec<Url>,
}

/// An item's vault.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Vault {
    /// The vault's ID.
    #[serde(default)]
    pub id: String,
    /// The vault's name.
    #[serde(default)]
    pub name: String,
}

/// One of an item's websites.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Url {
    /// Whether it is the item's primary website.
    #[serde(default)]
    pub primary: bool,
    /// The address.
    #[serde(default)]
    pub href: String,
}

impl Listed {
    /// The item's addresses, the primary one first.
    pub fn hrefs(&self) -> Vec<String> {
        let mut urls: Vec<&Url> = self.urls.iter().filter(|u| !u.href.is_empty()).collect();
        urls.sort_by_key(|u| !u.primary);
        urls.into_iter().map(|u| u.href.clone()).collect()
    }
}

/// What makes an item likely the one: the profile's name and the AWS account's ID.
#[derive(Debug, Clone, Copy)]
pub struct Hints<'a> {
    /// The session profile.
    pub profile: &'a str,
    /// The 12-digit AWS account ID, from the MFA device's ARN.
    pub account_id: Option<&'a str>,
}

/// How likely `item` is the AWS MFA item: its title or an address naming the account ID
/// counts most, then the profile's name, then `aws`.
pub fn score(item: &Listed, hints: &Hints<'_>) -> u32 {
    let text = std::iter::once(item.title.as_str())
        .chain(item.urls.iter().map(|u| u.href.as_str()))
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase();
    let mut score = 0;
    if hints.account_id.is_some_and(|id| text.contains(id)) {
        score += 8;
    }
    if !hints.profile.is_empty() && text.contains(&hints.profile.to_lowercase()) {
        score += 4;
    }
    // AWS sign-in addresses say `aws` (signin.aws.amazon.com); "amazon" alone is a shop.
    if text.contains("aws") {
        score += 2;
    }
    score
}

/// `items`, most likely first (by [`score`], then title).
pub fn rank(mut items: Vec<Listed>, hints: &Hints<'_>) -> Vec<Listed> {
    items.sort_by_cached_key(|item| {
        (
            std::cmp::Reverse(score(item, hints)),
            item.title.to_lowercase(),
        )
    });
    items
}

/// Pure: the items of `op item list --format json` (a JSON array; `[]` or nothing when
/// there are none).
pub fn parse_list(stdout: &str) -> Result<Vec<Listed>, OpError> {
    if stdout.trim().is_empty() {
        return Ok(Vec::new());
    }
    serde_json::from_str(stdout).map_err(|_| OpError::Failed {
        message: "op item list printed something other than a JSON list of items".into(),
    })
}

/// Pure: whether the item `op item get ID --format json` printed has a one-time password
/// field (`"type": "OTP"`). Only the fields' types are read.
pub fn has_otp(stdout: &str) -> Result<bool, OpError> {
    #[derive(Deserialize)]
    struct Item {
        #[serde(default)]
        fields: Vec<Field>,
    }
    #[derive(Deserialize)]
    struct Field {
        #[serde(rename = "type", default)]
        kind: String,
    }
    let item: Item = serde_json::from_str(stdout).map_err(|_| OpError::Failed {
        message: "op item get printed something other than an item's JSON".into(),
    })?;
    Ok(item
        .fields
        .iter()
        .any(|f| f.kind.eq_ignore_ascii_case("OTP")))
}

/// The items that have a one-time password, most likely first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The items with a one-time password, ranked.
    pub items: Vec<Listed>,
    /// How many items were not looked at within [`CHECK_BUDGET`].
    pub unchecked: usize,
}

/// The argv of `op item list`.
pub fn list_args(account: Option<&str>) -> Vec<String> {
    item_args("list", account, None)
}

/// The argv of `op item get ID` (the ID last, after `--`).
pub fn get_args(id: &str, account: Option<&str>) -> Vec<String> {
    item_args("get", account, Some(id))
}

fn item_args(command: &str, account: Option<&str>, id: Option<&str>) -> Vec<String> {
    let mut args: Vec<String> = ["item", command, "--format", "json"]
        .map(String::from)
        .into();
    if let Some(account) = account {
        args.extend(["--account".into(), account.to_string()]);
    }
    if let Some(id) = id {
        args.extend(["--".into(), id.to_string()]);
    }
    args
}

fn run_op(op: &Path, args: &[String], timeout: Duration, item: &str) -> Result<String, OpError> {
    match process::run(Command::new(op).args(args), timeout) {
        Ok(out) if out.status == Some(0) => Ok(out.stdout),
        Ok(out) => Err(failure(out.status, &out.stderr, item)),
        Err(RunError::Start(err)) => Err(spawn_error(op, &err)),
        Err(RunError::Timeout) => Err(OpError::Timeout {
            seconds: whole_seconds(timeout),
        }),
    }
}

/// Lists the items (within [`LIST_TIMEOUT`]), ranks them, and keeps those with a one-time
/// password, looking at the best-ranked first, a few at a time, until [`CHECK_BUDGET`] is
/// spent. A locked or signed-out 1Password stops the search with its error.
pub fn find(op: &Path, account: Option<&str>, hints: &Hints<'_>) -> Result<Found, OpError> {
    let listed = parse_list(&run_op(op, &list_args(account), LIST_TIMEOUT, "")?)?;
    let ranked = rank(listed, hints);
    let deadline = Instant::now() + CHECK_BUDGET;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let with_otp: Mutex<Vec<usize>> = Mutex::new(Vec::new());
    let checked = AtomicUsize::new(0);
    let fatal: Mutex<Option<OpError>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(ranked.len()) {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let left = deadline.saturating_duration_since(Instant::now());
                    let Some(item) = ranked.get(i).filter(|_| !left.is_zero()) else {
                        break;
                    };
                    let args = get_args(&item.id, account);
                    let answer = run_op(op, &args, GET_TIMEOUT.min(left), &item.id)
                        .and_then(|stdout| has_otp(&stdout));
                    match answer {
                        Ok(otp) => {
                            checked.fetch_add(1, Ordering::Relaxed);
                            if otp {
                                with_otp.lock().unwrap_or_else(|e| e.into_inner()).push(i);
                            }
                        }
                        // Gone since the list (deleted, moved to a vault out of reach).
                        Err(OpError::ItemNotFound { .. }) => {
                            checked.fetch_add(1, Ordering::Relaxed);
                        }
                        // Out of time for this one: counted as not looked at.
                        Err(OpError::Timeout { .. }) if left < GET_TIMEOUT => break,
                        Err(err) => {
                            stop.store(true, Ordering::Relaxed);
                            let mut fatal = fatal.lock().unwrap_or_else(|e| e.into_inner());
                            fatal.get_or_insert(err);
                        }
                    }
                }
            });
        }
    });
    if let Some(err) = fatal.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(err);
    }
    let mut indexes = with_otp.into_inner().unwrap_or_else(|e| e.into_inner());
    indexes.sort_unstable();
    let unchecked = ranked.len() - checked.into_inner().min(ranked.len());
    Ok(Found {
        items: indexes.into_iter().map(|i| ranked[i].clone()).collect(),
        unchecked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"[
      {"id":"aaaaaaaaaaaaaaaaaaaaaaaaaa","title":"Netflix","version":1,
       "vault":{"id":"v1","name":"Private"},"category":"LOGIN",
       "last_edited_by":"U","created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T10:30:00Z",
       "additional_information":"me@example.com",
       "urls":[{"primary":true,"href":"https://netflix.com"}]},
      {"id":"bbbbbbbbbbbbbbbbbbbbbbbbbb","title":"Console","version":3,
       "vault":{"id":"v2","name":"Work"},"category":"LOGIN",
       "urls":[{"label":"website","href":"https://other.example"},
               {"primary":true,"href":"https://123456789012.signin.aws.amazon.com/console"}]},
      {"id":"cccccccccccccccccccccccccc","title":"AWS (work)","category":"LOGIN",
       "vault":{"id":"v2","name":"Work"}},
      {"id":"dddddddddddddddddddddddddd","title":"Amazon shopping","category":"LOGIN",
       "vault":{"id":"v1","name":"Private"}}
    ]"#;

    #[test]
    fn reads_op_item_list_as_the_real_cli_prints_it() {
        let items = parse_list(LIST).unwrap();
        assert_eq!(items.len(), 4);
        assert_eq!(items[1].vault.name, "Work");
        assert_eq!(
            items[1].hrefs(),
            [
                "https://123456789012.signin.aws.amazon.com/console",
                "https://other.example"
            ]
        );
        assert_eq!(parse_list("").unwrap(), []);
        assert_eq!(parse_list("[]\n").unwrap(), []);
        assert!(parse_list("ID  TITLE  VAULT").is_err());
    }

    #[test]
    fn ranks_the_account_id_then_the_profile_then_aws() {
        let ranked = |profile, account_id| -> Vec<String> {
            let hints = Hints {
                profile,
                account_id,
            };
            rank(parse_list(LIST).unwrap(), &hints)
                .into_iter()
                .map(|i| i.title)
                .collect()
        };
        assert_eq!(
            ranked("work", Some("123456789012")),
            ["Console", "AWS (work)", "Amazon shopping", "Netflix"]
        );
        assert_eq!(
            ranked("prod", None),
            ["AWS (work)", "Console", "Amazon shopping", "Netflix"]
        );
    }

    #[test]
    fn an_otp_field_is_found_by_its_type_and_nothing_else_is_read() {
        let item = r#"{"id":"x","title":"AWS","fields":[
            {"id":"password","type":"CONCEALED","purpose":"PASSWORD","label":"password","value":"hunter2"},
            {"id":"TOTP_abc","type":"OTP","label":"one-time password",
             "value":"otpauth://totp/AWS?secret=JBSWY3DPEHPK3PXP","totp":"488912"}]}"#;
        assert_eq!(has_otp(item), Ok(true));
        let plain = r#"{"id":"x","title":"Netflix","fields":[{"id":"password","type":"CONCEALED","value":"p"}]}"#;
        assert_eq!(has_otp(plain), Ok(false));
        assert_eq!(has_otp(r#"{"id":"x"}"#), Ok(false));
        let err = has_otp("otpauth://totp/AWS?secret=JBSWY3DPEHPK3PXP").unwrap_err();
        assert!(!format!("{err}{err:?}").contains("JBSWY3DP"), "{err:?}");
    }

    #[test]
    fn the_item_id_goes_after_the_flags() {
        assert_eq!(
            get_args("-odd", Some("my.1password.com")),
            [
                "item",
                "get",
                "--format",
                "json",
                "--account",
                "my.1password.com",
                "--",
                "-odd"
            ]
        );
        assert_eq!(list_args(None), ["item", "list", "--format", "json"]);
    }
}
