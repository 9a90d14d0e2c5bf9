//! The code the fuzz targets drive: the AWS file editor, compiled from the main crate's
//! own source file, and the invariants every edit must keep (shared with
//! `tests/ini_properties.rs`).
//!
//! `src/ini.rs` is included by path rather than through the `awsmfa` library because that
//! library also pulls in the AWS SDK, the keychain and tokio, which would all be built with
//! fuzzing instrumentation for nothing: the editor needs only `std` and `thiserror`.

/// The main crate's `src/` folder, so that `ini` (and its `ini/tests.rs`) resolve there.
#[path = "../../src"]
mod main_crate {
    pub mod ini;
}
pub use main_crate::ini;

pub mod invariants;

/// Names an edit may target when the fuzzer does not pick one from the file: plain, the
/// `-mfa` convention, spaces, dots, unicode, a `#` inside, the config file's `profile x`.
pub const NAMES: &[&str] = &[
    "work",
    "work-mfa",
    "my profile",
    "team.prod",
    "ünïcødé-账户",
    "profile work",
    "default",
    "a#b",
];

/// Keys an edit may set: what `awsmfa login` writes, and two more.
pub const SET_KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "x_security_token_expires",
    "region",
    "ключ",
];

/// Keys an edit may remove: what `awsmfa login` removes, case variants, and others.
pub const REMOVE_KEYS: &[&str] = &[
    "aws_security_token",
    "expiration",
    "aws_credential_expiration",
    "NOTE",
    "s3",
    "key with spaces",
    "Region",
    "aws_session_expiration",
];

/// One edit decoded from fuzzer input: `[target, set, remove, flags] ++ text`, where
///
/// - `target`: below 0x80, the (n mod count)-th section of the file; else a name of [`NAMES`];
/// - `set`: bit i sets `SET_KEYS[i]`; bits 6-7 pick the values (short, empty, long, odd);
/// - `remove`: bit i removes `REMOVE_KEYS[i]` (unless it is being set);
/// - `flags` bit 0: the text goes on after a NUL with `KEY\x01VALUE`, one more pair to set;
///   bit 1: ... and `NAME\x01KEY\x01VALUE`, which also names the target.
#[derive(Debug)]
pub struct Edit {
    pub text: String,
    pub name: String,
    pub values: Vec<(String, String)>,
    pub remove: Vec<String>,
}

impl Edit {
    /// Decodes `data`; `None` when it is too short or not UTF-8 (the editor only ever
    /// sees text: awsmfa refuses a file that is not UTF-8 before parsing it).
    pub fn decode(data: &[u8]) -> Option<Edit> {
        let (&[target, set, remove, flags], rest) = data.split_first_chunk::<4>()?;
        let rest = std::str::from_utf8(rest).ok()?;
        let (text, extra) = match rest.split_once('\0') {
            Some((text, extra)) if flags & 3 != 0 => (text, Some(extra)),
            _ => (rest, None),
        };
        let doc = ini::Document::parse(text).ok();
        let sections = doc.as_ref().map_or(0, |d| d.sections().len());
        let mut name = if target < 0x80 && sections > 0 {
            let doc = doc.as_ref()?;
            doc.section(usize::from(target) % sections).name.to_string()
        } else {
            NAMES[usize::from(target) % NAMES.len()].to_string()
        };
        let value = |i: usize| match set >> 6 {
            0 => format!("V{i}/x+y="),
            1 => String::new(),
            2 => "z".repeat(3000 + i),
            _ => format!("a = b # [c] ; {i}"),
        };
        let mut values: Vec<(String, String)> = SET_KEYS
            .iter()
            .enumerate()
            .filter(|(i, _)| set >> i & 1 == 1)
            .map(|(i, k)| (k.to_string(), value(i)))
            .collect();
        if let Some(extra) = extra {
            let mut parts = extra.splitn(3, '\x01');
            if flags & 2 != 0 {
                name = parts.next()?.to_string();
            }
            let key = parts.next()?.to_string();
            let value = parts.next().unwrap_or("").to_string();
            values.retain(|(k, _)| !k.eq_ignore_ascii_case(&key));
            values.push((key, value));
        }
        let remove = REMOVE_KEYS
            .iter()
            .enumerate()
            .filter(|(i, _)| remove >> i & 1 == 1)
            .map(|(_, k)| k.to_string())
            .filter(|k| !values.iter().any(|(v, _)| v.eq_ignore_ascii_case(k)))
            .collect();
        Some(Edit {
            text: text.to_string(),
            name,
            values,
            remove,
        })
    }
}
