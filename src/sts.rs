//! The exchange with AWS STS: long-term keys + MFA code → temporary session keys.
//!
//! The client gets the source profile's keys explicitly (never the default provider chain,
//! never instance metadata, never the shared config files) and the endpoint [`aws::endpoint`]
//! chose. Timeouts are short and AccessDenied is never retried.

use std::time::Duration;

use aws_sdk_sts::config::retry::RetryConfig;
use aws_sdk_sts::config::timeout::TimeoutConfig;
use aws_sdk_sts::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use jiff::Timestamp;

use crate::aws::{self, Service};
use crate::error::{Error, ErrorKind, Result};
use crate::quote::one_line;

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

/// An STS client for one source profile's keys, sent to `endpoint` (see
/// [`aws::endpoint`]; `None`: STS's own for the region).
///
/// Configured here and only here: no credential chain, no shared config files, no
/// environment read behind awsmfa's back.
pub fn client(
    keys: &LongTermKeys,
    region: &str,
    endpoint: Option<&str>,
    timeouts: TimeoutConfig,
) -> aws_sdk_sts::Client {
    let mut config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
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
        .http_client(aws::https_client());
    if let Some(url) = endpoint {
        config = config.endpoint_url(url);
    }
    aws_sdk_sts::Client::from_conf(config.build())
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
            ErrorKind::Internal,
            "AWS STS answered without credentials: try again",
        )
    })?;
    let expiration = Timestamp::from_second(credentials.expiration().secs())
        .map_err(|_| Error::new(ErrorKind::Internal, "AWS STS sent an impossible expiry"))?;
    let session = Session {
        access_key_id: credentials.access_key_id().trim().to_string(),
        secret_access_key: credentials.secret_access_key().trim().to_string(),
        session_token: credentials.session_token().trim().to_string(),
        expiration,
    };
    // Keys no AWS tool could use: never written over a working section.
    if session.access_key_id.is_empty()
        || session.secret_access_key.is_empty()
        || session.session_token.is_empty()
    {
        return Err(Error::new(
            ErrorKind::Internal,
            "AWS STS answered with empty session keys, which no AWS tool could use, so nothing was written: check AWS_ENDPOINT_URL_STS and any proxy, and try again",
        ));
    }
    Ok(session)
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
    if std::error::Error::source(err).is_some_and(aws::is_too_large) {
        return aws::too_large(Service::Sts);
    }
    match err {
        SdkError::ServiceError(_) => classify(err.code(), err.message()),
        SdkError::TimeoutError(_) => aws::timed_out(Service::Sts),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => aws::timed_out(Service::Sts),
        SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => aws::unreachable(Service::Sts),
        SdkError::ConstructionFailure(_) => Error::new(
            ErrorKind::Internal,
            "could not build the AWS STS request: check the profile's region and the MFA serial",
        ),
        _ => classify(err.code(), err.message()),
    }
}

/// Maps an STS error code and message (as AWS sends them) to a message that says what to do.
pub fn classify(code: Option<&str>, message: Option<&str>) -> Error {
    let message = message.unwrap_or("");
    let has = |needle: &str| {
        message
            .to_ascii_lowercase()
            .contains(&needle.to_ascii_lowercase())
    };
    match code.unwrap_or("") {
        "AccessDenied" if has("invalid MFA one time pass code") => Error::new(
            ErrorKind::StsInvalidCode,
            "AWS rejected the one-time code (wrong, expired or already used): wait for the next code",
        ),
        "AccessDenied" if has("unable to validate MFA code") => Error::new(
            ErrorKind::StsInvalidSerial,
            "AWS could not check the code against the MFA serial: run awsmfa setup PROFILE --serial ARN with the ARN from IAM → Security credentials → MFA",
        ),
        "AccessDenied" if has("session credentials") => Error::new(
            ErrorKind::StsSessionCredentials,
            "the source profile holds temporary keys, not long-term ones: put an access key (AKIA…) from IAM in it",
        ),
        "AccessDenied" => Error::new(
            ErrorKind::StsAccessDenied,
            format!("AWS denied the request: {}", one_line(message)),
        ),
        // The signature carries this computer's time; AWS takes it within 15 minutes of its own.
        "SignatureDoesNotMatch" | "InvalidSignatureException"
            if has("signature expired") || has("signature not yet current") =>
        {
            aws::clock_is_off(message)
        }
        "RequestExpired" | "RequestTimeTooSkewed" | "RequestInTheFuture" => {
            aws::clock_is_off(message)
        }
        "InvalidClientTokenId" | "SignatureDoesNotMatch" | "UnrecognizedClientException" => {
            aws::invalid_key()
        }
        "ExpiredToken" | "ExpiredTokenException" => Error::new(
            ErrorKind::StsExpiredKey,
            "the source profile's keys have expired: put current long-term keys (AKIA…) in it",
        ),
        "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => aws::throttled(),
        "RegionDisabledException" => Error::new(
            ErrorKind::StsAccessDenied,
            "STS is not activated in the profile's region: set region to one that is (e.g. us-east-1) in ~/.aws/config",
        ),
        "ValidationError" => Error::new(
            ErrorKind::StsAccessDenied,
            format!("AWS refused the request: {}", one_line(message)),
        ),
        // Neither an error code nor a message: something else answered (a proxy, a captive
        // portal, a wrong AWS_ENDPOINT_URL_STS) with what is not an STS response.
        "" if message.trim().is_empty() => Error::new(
            ErrorKind::Network,
            "the answer to the AWS STS request did not come from STS: check your network connection (a captive portal or proxy may be answering) or AWS_ENDPOINT_URL_STS",
        ),
        other => Error::new(
            ErrorKind::StsAccessDenied,
            format!(
                "AWS STS failed{}: {}",
                if other.is_empty() {
                    String::new()
                } else {
                    format!(" ({other})")
                },
                if message.is_empty() {
                    "no details given".into()
                } else {
                    one_line(message)
                }
            ),
        ),
    }
}

#[cfg(test)]
mod tests;
