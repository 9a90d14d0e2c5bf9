//! What the two AWS calls (STS in `sts.rs`, IAM in `iam.rs`) share: where each is sent, the
//! runtime they run on, and the failures they word alike.
//!
//! The endpoint follows the AWS SDKs' rules ("Service-specific endpoints" in the AWS SDKs and
//! Tools reference), for the profile whose keys sign the request: `AWS_ENDPOINT_URL_<SERVICE>`,
//! then `AWS_ENDPOINT_URL`, then `endpoint_url` of the service in the profile's `services`
//! section, then the profile's `endpoint_url`; all of them ignored when
//! `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's `ignore_configured_endpoint_urls`)
//! is `true`. The requests carry the one-time code and are signed with the long-term keys, so
//! an endpoint must be `https://`; plain `http://` is only accepted to this computer
//! (127.0.0.0/8, `::1`, `localhost`), where local test servers run.

use std::future::Future;

use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use http_body_util::Limited;

use crate::error::{Error, ErrorKind, Result};
use crate::paths::Env;

/// The biggest answer read from STS or IAM; theirs are a few kilobytes. Anything bigger is
/// not theirs (a proxy, a wrong endpoint) and would only fill memory.
pub const ANSWER_LIMIT: usize = 1024 * 1024;

/// An AWS service awsmfa calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// AWS STS: GetSessionToken, AssumeRole.
    Sts,
    /// AWS IAM: ListMFADevices.
    Iam,
}

impl Service {
    /// `STS`, `IAM`: the name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Service::Sts => "STS",
            Service::Iam => "IAM",
        }
    }

    /// The service's key in a `services` section (`sts`, `iam`).
    pub fn config_key(self) -> &'static str {
        match self {
            Service::Sts => "sts",
            Service::Iam => "iam",
        }
    }

    fn variable(self) -> &'static str {
        match self {
            Service::Sts => "AWS_ENDPOINT_URL_STS",
            Service::Iam => "AWS_ENDPOINT_URL_IAM",
        }
    }
}

/// The endpoint settings of one profile in `~/.aws/config`, as read by `profiles`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileEndpoints {
    /// Where these settings are, for messages: `[profile work-mfa] of ~/.aws/config`.
    pub origin: String,
    /// `endpoint_url` of the service in the profile's `services` section.
    pub service_endpoint_url: Option<String>,
    /// The profile's own `endpoint_url`.
    pub endpoint_url: Option<String>,
    /// The profile's `ignore_configured_endpoint_urls`.
    pub ignore_configured_endpoint_urls: Option<String>,
}

/// The URL to send `service`'s requests to, or `None` for the SDK's own endpoint.
pub fn endpoint(env: &Env, profile: &ProfileEndpoints, service: Service) -> Result<Option<String>> {
    let is_true = |v: &Option<String>| v.as_deref().map(|v| v.trim().eq_ignore_ascii_case("true"));
    let ignored = is_true(&env.aws_ignore_configured_endpoint_urls)
        .or(is_true(&profile.ignore_configured_endpoint_urls))
        .unwrap_or(false);
    if ignored {
        return Ok(None);
    }
    let own = match service {
        Service::Sts => &env.aws_endpoint_url_sts,
        Service::Iam => &env.aws_endpoint_url_iam,
    };
    let candidates = [
        (own, service.variable().to_string()),
        (&env.aws_endpoint_url, "AWS_ENDPOINT_URL".to_string()),
        (
            &profile.service_endpoint_url,
            format!(
                "endpoint_url for {} in the services section of {}",
                service.config_key(),
                profile.origin
            ),
        ),
        (
            &profile.endpoint_url,
            format!("endpoint_url in {}", profile.origin),
        ),
    ];
    let Some((value, origin)) = candidates.into_iter().find_map(|(value, origin)| {
        Some((value.as_deref()?.trim(), origin)).filter(|(v, _)| !v.is_empty())
    }) else {
        return Ok(None);
    };
    check_url(value, &origin).map(Some)
}

/// `value` if it is an https URL, or an http URL to this computer.
fn check_url(value: &str, origin: &str) -> Result<String> {
    let invalid = |why: &str| {
        Error::new(
            ErrorKind::InvalidEndpoint,
            format!("{origin} is {why} ({value}): fix it or unset it"),
        )
    };
    let uri: http::Uri = value.parse().map_err(|_| invalid("not an http(s) URL"))?;
    let host = uri.host().ok_or_else(|| invalid("not an http(s) URL"))?;
    match uri.scheme_str() {
        Some("https") => Ok(value.to_string()),
        Some("http") if is_loopback(host) => Ok(value.to_string()),
        Some("http") => Err(Error::new(
            ErrorKind::InvalidEndpoint,
            format!(
                "{origin} is plain http to another computer ({value}): awsmfa sends the one-time code and signed requests only over https (http only to 127.0.0.1, ::1 or localhost): use an https URL"
            ),
        )),
        _ => Err(invalid("not an http(s) URL")),
    }
}

/// Whether `host` (as a URI has it: IPv6 in brackets) is this computer.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `body` cut off with an error past [`ANSWER_LIMIT`] bytes.
pub fn capped(body: SdkBody) -> SdkBody {
    SdkBody::from_body_1_x(Limited::new(body, ANSWER_LIMIT))
}

/// Whether `err` (or what caused it) is an answer cut off by [`capped`].
pub fn is_too_large(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut at = Some(err);
    while let Some(err) = at {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        at = err.source();
    }
    false
}

/// An answer larger than [`ANSWER_LIMIT`].
pub fn too_large(service: Service) -> Error {
    Error::new(
        ErrorKind::Network,
        format!(
            "the answer to the AWS {0} request was larger than {1} MiB, which no {0} answer is: something else is answering: check {2} and any proxy",
            service.name(),
            ANSWER_LIMIT / (1024 * 1024),
            service.variable()
        ),
    )
}

/// The SDK's HTTPS client (rustls with ring), every answer [`capped`].
pub fn https_client() -> SharedHttpClient {
    let inner = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    SharedHttpClient::new(CappedClient(inner))
}

#[derive(Debug)]
struct CappedClient(SharedHttpClient);

impl HttpClient for CappedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(CappedConnector(self.0.http_connector(settings, components)))
    }
}

#[derive(Debug)]
struct CappedConnector(SharedHttpConnector);

impl HttpConnector for CappedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let answer = self.0.call(request);
        HttpConnectorFuture::new(async move { Ok(answer.await?.map(capped)) })
    }
}

/// Runs `future` to completion on a runtime of its own (one per command: the calls are few).
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the network runtime", &e))?;
    Ok(runtime.block_on(future))
}

/// AWS does not accept the access key.
pub fn invalid_key() -> Error {
    Error::new(
        ErrorKind::StsInvalidKey,
        "AWS does not accept the source profile's access key (wrong, deactivated or deleted): create a new access key in IAM and put it in the source profile",
    )
}

/// AWS is throttling.
pub fn throttled() -> Error {
    Error::new(
        ErrorKind::StsThrottled,
        "AWS is throttling requests: wait a minute",
    )
}

/// `service` cannot be reached.
pub fn unreachable(service: Service) -> Error {
    Error::new(
        ErrorKind::Network,
        format!(
            "cannot reach AWS {}: check your network connection (or {})",
            service.name(),
            service.variable()
        ),
    )
}

/// `service` did not answer in time.
pub fn timed_out(service: Service) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!(
            "AWS {} did not answer in time: check your network connection",
            service.name()
        ),
    )
}

/// AWS refused a request signed with this computer's time; `said` is AWS's message.
pub fn clock_is_off(said: &str) -> Error {
    Error::new(
        ErrorKind::ClockOff,
        format!(
            "AWS refused the request because this computer's clock is off ({}): set the date and time automatically and try again",
            crate::quote::one_line(said)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        Env::default()
    }

    fn profile() -> ProfileEndpoints {
        ProfileEndpoints {
            origin: "[profile work-mfa] of ~/.aws/config".into(),
            ..ProfileEndpoints::default()
        }
    }

    #[test]
    fn without_settings_the_sdk_decides() {
        assert_eq!(endpoint(&env(), &profile(), Service::Sts).unwrap(), None);
    }

    #[test]
    fn the_service_variable_wins_then_the_global_one_then_the_config() {
        let mut env = Env {
            aws_endpoint_url_sts: Some("http://127.0.0.1:5000".into()),
            aws_endpoint_url: Some("https://global.example".into()),
            ..env()
        };
        let mut profile = ProfileEndpoints {
            service_endpoint_url: Some("https://service.example".into()),
            endpoint_url: Some("https://profile.example".into()),
            ..profile()
        };
        let at = |env: &Env, p: &ProfileEndpoints, s| endpoint(env, p, s).unwrap().unwrap();
        assert_eq!(at(&env, &profile, Service::Sts), "http://127.0.0.1:5000");
        assert_eq!(at(&env, &profile, Service::Iam), "https://global.example");
        env.aws_endpoint_url = None;
        assert_eq!(at(&env, &profile, Service::Iam), "https://service.example");
        profile.service_endpoint_url = None;
        assert_eq!(at(&env, &profile, Service::Iam), "https://profile.example");
    }

    #[test]
    fn ignoring_configured_endpoints_ignores_them_all() {
        let env = Env {
            aws_endpoint_url_sts: Some("http://127.0.0.1:5000".into()),
            ..env()
        };
        let ignoring = ProfileEndpoints {
            ignore_configured_endpoint_urls: Some("true".into()),
            ..profile()
        };
        assert_eq!(endpoint(&env, &ignoring, Service::Sts).unwrap(), None);
        let not_ignoring = Env {
            aws_ignore_configured_endpoint_urls: Some("false".into()),
            ..env.clone()
        };
        assert!(
            endpoint(&not_ignoring, &ignoring, Service::Sts)
                .unwrap()
                .is_some()
        );
        let by_variable = Env {
            aws_ignore_configured_endpoint_urls: Some("TRUE".into()),
            ..env
        };
        assert_eq!(
            endpoint(&by_variable, &profile(), Service::Sts).unwrap(),
            None
        );
    }

    #[test]
    fn plain_http_only_to_this_computer() {
        for ok in [
            "http://127.0.0.1:4566",
            "http://127.8.9.10/",
            "http://localhost:4566",
            "http://[::1]:4566",
            "https://sts.eu-west-1.amazonaws.com",
        ] {
            let profile = ProfileEndpoints {
                endpoint_url: Some(ok.into()),
                ..profile()
            };
            assert_eq!(
                endpoint(&env(), &profile, Service::Sts).unwrap().as_deref(),
                Some(ok)
            );
        }
        let profile = ProfileEndpoints {
            endpoint_url: Some("http://sts.attacker.example".into()),
            ..profile()
        };
        let err = endpoint(&env(), &profile, Service::Sts).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidEndpoint);
        assert_eq!(
            err.message(),
            "endpoint_url in [profile work-mfa] of ~/.aws/config is plain http to another computer (http://sts.attacker.example): awsmfa sends the one-time code and signed requests only over https (http only to 127.0.0.1, ::1 or localhost): use an https URL"
        );
    }

    #[test]
    fn a_malformed_endpoint_names_its_origin() {
        for bad in ["127.0.0.1:5000", "ftp://host/", "not a url"] {
            let env = Env {
                aws_endpoint_url_iam: Some(bad.into()),
                ..env()
            };
            let err = endpoint(&env, &profile(), Service::Iam).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidEndpoint);
            assert!(
                err.message()
                    .starts_with("AWS_ENDPOINT_URL_IAM is not an http(s) URL"),
                "{}",
                err.message()
            );
        }
    }
}
