//! The one renderer that prints secrets: a session's keys, for the tools that asked for them
//! (`credential-process`, `export`). Every other report leaves keys out.

use serde::Serialize;

use super::Format;
use crate::expiry;
use crate::quote::shell_word;
use crate::sts::Session;

/// How the keys are asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `credential-process`: the AWS `credential_process` JSON, whatever the format.
    CredentialProcess,
    /// `export`: shell `export` lines (`--format json`: the `credential_process` JSON).
    Export,
}

/// The AWS `credential_process` output, version 1.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessJson<'a> {
    version: u8,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: &'a str,
    expiration: String,
}

/// The variables a tool reads its credentials from, in the order `export` prints them.
pub fn variables(session: &Session, region: Option<&str>) -> Vec<(&'static str, String)> {
    let mut vars = vec![
        ("AWS_ACCESS_KEY_ID", session.access_key_id.clone()),
        ("AWS_SECRET_ACCESS_KEY", session.secret_access_key.clone()),
        ("AWS_SESSION_TOKEN", session.session_token.clone()),
        (
            "AWS_CREDENTIAL_EXPIRATION",
            expiry::format(session.expiration),
        ),
    ];
    if let Some(region) = region {
        vars.push(("AWS_REGION", region.to_string()));
        vars.push(("AWS_DEFAULT_REGION", region.to_string()));
    }
    vars
}

/// The variables that would point a tool at a profile instead of the keys.
pub const PROFILE_VARIABLES: [&str; 2] = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"];

/// Renders the keys as `shape` asks, in `format`.
pub fn render(format: Format, shape: Shape, session: &Session, region: Option<&str>) -> String {
    if shape == Shape::CredentialProcess || format == Format::Json {
        let json = ProcessJson {
            version: 1,
            access_key_id: &session.access_key_id,
            secret_access_key: &session.secret_access_key,
            session_token: &session.session_token,
            expiration: expiry::format(session.expiration),
        };
        return serde_json::to_string(&json).unwrap_or_default() + "\n";
    }
    let mut out: String = variables(session, region)
        .into_iter()
        .map(|(name, value)| format!("export {name}={}\n", shell_word(&value)))
        .collect();
    out.push_str(&format!("unset {}\n", PROFILE_VARIABLES.join(" ")));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "se/cr+et'key".into(),
            session_token: "to//ken==".into(),
            expiration: "2030-01-01T12:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn credential_process_json_is_version_1_in_every_format() {
        for format in [Format::Text, Format::Json, Format::Alfred] {
            let out = render(
                format,
                Shape::CredentialProcess,
                &session(),
                Some("eu-west-1"),
            );
            let json: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(
                json,
                serde_json::json!({
                    "Version": 1,
                    "AccessKeyId": "ASIAEXAMPLE",
                    "SecretAccessKey": "se/cr+et'key",
                    "SessionToken": "to//ken==",
                    "Expiration": "2030-01-01T12:00:00Z",
                })
            );
        }
    }

    #[test]
    fn export_lines_are_quoted_for_a_shell_and_unset_the_profile() {
        let out = render(Format::Text, Shape::Export, &session(), Some("eu-west-1"));
        assert_eq!(
            out,
            "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n\
             export AWS_SECRET_ACCESS_KEY='se/cr+et'\\''key'\n\
             export AWS_SESSION_TOKEN=to//ken==\n\
             export AWS_CREDENTIAL_EXPIRATION=2030-01-01T12:00:00Z\n\
             export AWS_REGION=eu-west-1\n\
             export AWS_DEFAULT_REGION=eu-west-1\n\
             unset AWS_PROFILE AWS_DEFAULT_PROFILE\n"
        );
        let no_region = render(Format::Text, Shape::Export, &session(), None);
        assert!(!no_region.contains("REGION"));
    }
}
