//! The exchange with AWS STS: long-term keys + MFA code → temporary session keys.
//!
//! The client gets the source profile's keys explicitly (never the default provider chain,
//! never instance metadata). The endpoint follows the standard `AWS_ENDPOINT_URL_STS` /
//! `AWS_ENDPOINT_URL` variables. Timeouts are short and AccessDenied is never retried.

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_sts::config::{Credentials, Region};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use jiff::Timestamp;

use crate::error::{Error, Result, exit};

/// The region used when the profile names none.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The long-term keys of the source profile. `Debug` does not print them.
#[derive(Clone)]
pub struct LongTermKeys {
    /// `aws_access_key_id`.
    pub access_key_id: String,
    /// `aws_secret_access_key`.
    pub secret_access_key: String,
}

impl std::fmt::Debug for LongTermKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LongTermKeys(…)")
    }
}

/// What to ask STS for. `Debug` does not print the code.
#[derive(Clone)]
pub struct Request {
    /// The MFA device's serial or ARN.
    pub serial: String,
    /// The one-time code.
    pub code: String,
    /// Session length in seconds (already range-checked).
    pub duration_seconds: u32,
    /// Assume this role instead of GetSessionToken.
    pub role_arn: Option<String>,
    /// The role session name, when assuming a role.
    pub session_name: String,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("serial", &self.serial)
            .field("code", &"••••••")
            .field("duration_seconds", &self.duration_seconds)
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .finish()
    }
}

/// Temporary credentials. `Debug` does not print them.
#[derive(Clone)]
pub struct Session {
    /// `aws_access_key_id` (ASIA…).
    pub access_key_id: String,
    /// `aws_secret_access_key`.
    pub secret_access_key: String,
    /// `aws_session_token`.
    pub session_token: String,
    /// When AWS says the keys stop working.
    pub expiration: Timestamp,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Session(expires {})", self.expiration)
    }
}

/// Connect within 4 s, one attempt within 10 s, the whole call (a retry included) within 20 s.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(4))
        .operation_attempt_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(20))
        .build()
}

/// An STS client for one source profile's keys.
pub async fn client(keys: &LongTermKeys, region: &str) -> aws_sdk_sts::Client {
    client_with(keys, region, timeouts()).await
}

/// [`client`] with other timeouts.
pub async fn client_with(
    keys: &LongTermKeys,
    region: &str,
    timeouts: TimeoutConfig,
) -> aws_sdk_sts::Client {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(Credentials::new(
            keys.access_key_id.clone(),
            keys.secret_access_key.clone(),
            None,
            None,
            "awsmfa-source-profile",
        ))
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(2))
        .load()
        .await;
    aws_sdk_sts::Client::new(&config)
}

/// Asks STS for a session (GetSessionToken, or AssumeRole when a role is set).
pub async fn exchange(client: &aws_sdk_sts::Client, request: &Request) -> Result<Session> {
    let credentials = match &request.role_arn {
        None => {
            client
                .get_session_token()
                .serial_number(&request.serial)
                .token_code(&request.code)
                .duration_seconds(request.duration_seconds as i32)
                .send()
                .await
                .map_err(|e| map_error(&e).masking(&request.code))?
                .credentials
        }
        Some(role) => {
            client
                .assume_role()
                .role_arn(role)
                .role_session_name(&request.session_name)
                .serial_number(&request.serial)
                .token_code(&request.code)
                .duration_seconds(request.duration_seconds as i32)
                .send()
                .await
                .map_err(|e| map_error(&e).masking(&request.code))?
                .credentials
        }
    };
    let credentials = credentials.ok_or_else(|| {
        Error::new(
            "internal",
            exit::AWS,
            "AWS STS answered without credentials: try again",
        )
    })?;
    let expiration = Timestamp::from_second(credentials.expiration().secs())
        .map_err(|_| Error::new("internal", exit::AWS, "AWS STS sent an impossible expiry"))?;
    Ok(Session {
        access_key_id: credentials.access_key_id().to_string(),
        secret_access_key: credentials.secret_access_key().to_string(),
        session_token: credentials.session_token().to_string(),
        expiration,
    })
}

/// A role session name from a profile name: only the characters AWS allows, at most 64.
pub fn session_name(profile: &str) -> String {
    let cleaned: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@-_".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("awsmfa-{cleaned}").chars().take(64).collect()
}

fn map_error<E, R>(err: &SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match err {
        SdkError::ServiceError(_) => classify(err.code(), err.message()),
        SdkError::TimeoutError(_) => timed_out(),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => timed_out(),
        SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => Error::new(
            "network",
            exit::NETWORK,
            "cannot reach AWS STS: check your network connection (or AWS_ENDPOINT_URL_STS) and try again",
        )
        .retryable(),
        SdkError::ConstructionFailure(_) => Error::new(
            "internal",
            exit::AWS,
            "could not build the AWS STS request: check the profile's region and the MFA serial",
        ),
        _ => classify(err.code(), err.message()),
    }
}

fn timed_out() -> Error {
    Error::new(
        "timeout",
        exit::NETWORK,
        "AWS STS did not answer in time: check your network connection and try again",
    )
    .retryable()
}

/// Maps an STS error code and message (as AWS sends them) to a message that says what to do.
pub fn classify(code: Option<&str>, message: Option<&str>) -> Error {
    let message = message.unwrap_or("");
    let has = |needle: &str| {
        message
            .to_ascii_lowercase()
            .contains(&needle.to_ascii_lowercase())
    };
    let aws = |kind: &'static str, text: String| Error::new(kind, exit::AWS, text);
    match code.unwrap_or("") {
        "AccessDenied" if has("invalid MFA one time pass code") => aws(
            "sts_invalid_code",
            "AWS rejected the one-time code (wrong, expired or already used): wait for the next code and try again".into(),
        )
        .retryable(),
        "AccessDenied" if has("unable to validate MFA code") => aws(
            "sts_invalid_serial",
            "AWS could not check the code against the MFA serial: run awsmfa setup PROFILE --serial ARN with the ARN from IAM → Security credentials → MFA".into(),
        ),
        "AccessDenied" if has("session credentials") => aws(
            "sts_session_credentials",
            "the source profile holds temporary keys, not long-term ones: put an access key (AKIA…) from IAM in it".into(),
        ),
        "AccessDenied" => aws(
            "sts_access_denied",
            format!("AWS denied the request: {}", one_line(message)),
        ),
        // The signature carries this computer's time; AWS takes it within 15 minutes of its own.
        "SignatureDoesNotMatch" | "InvalidSignatureException"
            if has("signature expired") || has("signature not yet current") =>
        {
            aws("sts_access_denied", clock_is_off(message))
        }
        "RequestExpired" | "RequestTimeTooSkewed" | "RequestInTheFuture" => {
            aws("sts_access_denied", clock_is_off(message))
        }
        "InvalidClientTokenId" | "SignatureDoesNotMatch" | "UnrecognizedClientException" => aws(
            "sts_invalid_key",
            "AWS does not accept the source profile's access key (wrong, deactivated or deleted): create a new access key in IAM and put it in the source profile".into(),
        ),
        "ExpiredToken" | "ExpiredTokenException" => aws(
            "sts_expired_key",
            "the source profile's keys have expired: put current long-term keys (AKIA…) in it".into(),
        ),
        "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => aws(
            "sts_throttled",
            "AWS is throttling requests: wait a minute and try again".into(),
        )
        .retryable(),
        "RegionDisabledException" => aws(
            "sts_access_denied",
            "STS is not activated in the profile's region: set region to one that is (e.g. us-east-1) in ~/.aws/config".into(),
        ),
        "ValidationError" => aws(
            "sts_access_denied",
            format!("AWS refused the request: {}", one_line(message)),
        ),
        // Neither an error code nor a message: something else answered (a proxy, a captive
        // portal, a wrong AWS_ENDPOINT_URL_STS) with what is not an STS response.
        "" if message.trim().is_empty() => Error::new(
            "network",
            exit::NETWORK,
            "the answer to the AWS STS request did not come from STS: check your network connection (a captive portal or proxy may be answering) or AWS_ENDPOINT_URL_STS, and try again",
        )
        .retryable(),
        other => aws(
            "sts_access_denied",
            format!(
                "AWS STS failed{}: {}",
                if other.is_empty() { String::new() } else { format!(" ({other})") },
                if message.is_empty() { "no details given".into() } else { one_line(message) }
            ),
        ),
    }
}

/// AWS refused a request signed with this computer's time, quoting both times.
fn clock_is_off(message: &str) -> String {
    format!(
        "AWS refused the request because this computer's clock is off ({}): set the date and time automatically and try again",
        one_line(message)
    )
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
