//! The caller's MFA devices, from IAM `ListMFADevices`: how `awsmfa setup` finds the serial
//! when neither `--serial` nor `mfa_serial` names it.
//!
//! One SigV4-signed Query request (`POST Action=ListMFADevices&Version=2010-05-08`), built
//! with the signer and the HTTPS connector that aws-sdk-sts already brings in: no new crate
//! and 40 KiB of release binary, where aws-sdk-iam would add a crate that takes about a
//! minute to compile (debug, two cores) and 187 KiB for this one call.
//! No `UserName` is sent, so IAM lists the devices of the user whose keys sign the request;
//! the usual force-MFA policy allows that without MFA.
//!
//! The caller passes the endpoint ([`crate::aws::endpoint`], the same rules as for STS) and
//! the time to sign with. Request building and response parsing are pure functions; only
//! [`list_mfa_devices`] touches the network.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use http::header::{CONTENT_TYPE, USER_AGENT};

use crate::aws::{self, Service};
use crate::error::{Error, ErrorKind, Result};
use crate::quote::one_line;
use crate::sts::LongTermKeys;

/// IAM's one global endpoint (the `aws` partition).
pub const DEFAULT_ENDPOINT: &str = "https://iam.amazonaws.com/";
/// The Query-protocol form body; no `UserName`, so IAM lists the signer's own devices.
pub const BODY: &str = "Action=ListMFADevices&Version=2010-05-08";
/// IAM is global and signs in us-east-1 in the `aws` partition.
const SIGNING_REGION: &str = "us-east-1";
const SIGNING_NAME: &str = "iam";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(4);
const CALL_TIMEOUT: Duration = Duration::from_secs(20);
const SERIAL_ADVICE: &str = "pass --serial ARN (IAM → Security credentials → MFA)";

/// Where an MFA device's serial was found, for `awsmfa setup --list-devices`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceSource {
    /// Stored in the OS keychain by an earlier setup.
    Keychain,
    /// `mfa_serial` in the config file.
    Config,
    /// Listed by IAM for the long-term keys.
    Iam,
}

impl DeviceSource {
    /// Where it came from, for people.
    pub fn describe(self) -> &'static str {
        match self {
            DeviceSource::Keychain => "stored in the keychain",
            DeviceSource::Config => "mfa_serial in ~/.aws/config",
            DeviceSource::Iam => "listed by AWS IAM for the long-term keys",
        }
    }
}

/// An MFA device to choose, and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Its serial number or ARN.
    pub serial: String,
    /// Where it was found.
    pub source: DeviceSource,
}

/// The AWS account ID in an MFA device's ARN (`arn:aws:iam::123456789012:mfa/me`).
pub fn account_id(serial: &str) -> Option<&str> {
    let id = serial.strip_prefix("arn:")?.split(':').nth(3)?;
    (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

/// The MFA devices of the caller, as serial numbers / ARNs, asked of `endpoint` (`None`:
/// IAM's own) with a request signed at `now`.
pub async fn list_mfa_devices(
    endpoint: Option<&str>,
    keys: &LongTermKeys,
    now: SystemTime,
) -> Result<Vec<String>> {
    let endpoint = endpoint_uri(endpoint)?;
    let request = signed_request(&endpoint, keys, now)?;
    let (status, body) = tokio::time::timeout(CALL_TIMEOUT, send(request))
        .await
        .map_err(|_elapsed| aws::timed_out(Service::Iam))??;
    parse_response(status, &body)
}

/// The URL to post to: the one given (already checked by [`crate::aws::endpoint`]), else
/// IAM's own.
pub fn endpoint_uri(endpoint: Option<&str>) -> Result<http::Uri> {
    match endpoint {
        None => Ok(http::Uri::from_static(DEFAULT_ENDPOINT)),
        Some(url) => url.parse().map_err(|_| {
            Error::new(
                ErrorKind::InvalidEndpoint,
                format!("the IAM endpoint is not an http(s) URL ({url}): fix it or unset it"),
            )
        }),
    }
}

/// The ListMFADevices request to `endpoint`, signed (SigV4, us-east-1, `iam`) at `now`.
///
/// The secret key only goes into the HMAC: no header, URI or error carries it.
pub fn signed_request(
    endpoint: &http::Uri,
    keys: &LongTermKeys,
    now: SystemTime,
) -> Result<http::Request<String>> {
    // An access key ID is letters and digits (AKIA…); anything else would make an invalid
    // Authorization header.
    let key_id = &keys.access_key_id;
    if key_id.is_empty() || !key_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(aws::invalid_key());
    }
    let mut request = http::Request::post(endpoint.clone())
        .header(
            CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .header(USER_AGENT, concat!("awsmfa/", env!("CARGO_PKG_VERSION")))
        .body(BODY.to_string())
        .map_err(|_| internal_error())?;

    let identity = Credentials::new(
        key_id,
        &keys.secret_access_key,
        None,
        None,
        "awsmfa-source-profile",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(SIGNING_REGION)
        .name(SIGNING_NAME)
        .time(now)
        .settings(SigningSettings::default())
        .build()
        .map_err(|_| internal_error())?
        .into();
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| Ok((name.as_str(), value.to_str()?)))
        .collect::<Result<Vec<_>, http::header::ToStrError>>()
        .map_err(|_| internal_error())?;
    let uri = request.uri().to_string();
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri.as_str(),
        headers.into_iter(),
        SignableBody::Bytes(request.body().as_bytes()),
    )
    .map_err(|_| internal_error())?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|_| internal_error())?
        .into_parts();
    instructions.apply_to_request_http1x(&mut request);
    Ok(request)
}

/// Sends the request through the SDK's own HTTPS connector (rustls, native roots).
async fn send(request: http::Request<String>) -> Result<(u16, String)> {
    let request =
        HttpRequest::try_from(request.map(SdkBody::from)).map_err(|_| internal_error())?;
    let connector = aws_smithy_http_client::Connector::builder()
        .connector_settings(
            HttpConnectorSettings::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .build(),
        )
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build();
    let response = connector
        .call(request)
        .await
        .map_err(|err| connection_error(&err))?;
    let status = response.status().as_u16();
    let body = ByteStream::new(aws::capped(response.into_body()))
        .collect()
        .await
        .map_err(|err| {
            if aws::is_too_large(&err) {
                aws::too_large(Service::Iam)
            } else {
                aws::unreachable(Service::Iam)
            }
        })?
        .into_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// Reads IAM's answer: the serial numbers (ARNs for virtual devices) in the order IAM lists
/// them, or the error IAM sent.
pub fn parse_response(status: u16, body: &str) -> Result<Vec<String>> {
    if (200..300).contains(&status) {
        if !body.contains("<ListMFADevicesResult") {
            return Err(unreadable_error(status));
        }
        return Ok(elements(body, "SerialNumber")
            .into_iter()
            .map(|serial| unescape(serial.trim()))
            .filter(|serial| !serial.is_empty())
            .collect());
    }
    let error = elements(body, "Error").into_iter().next();
    let field = |tag| {
        error
            .and_then(|e| elements(e, tag).into_iter().next())
            .map(|text| unescape(text.trim()))
    };
    match field("Code") {
        Some(code) => Err(classify(status, &code, field("Message").as_deref())),
        None => Err(unreadable_error(status)),
    }
}

/// Maps an IAM error code (as IAM sends it) to an error that says what to do.
pub fn classify(status: u16, code: &str, message: Option<&str>) -> Error {
    match code {
        "AccessDenied" | "AccessDeniedException" => Error::new(
            ErrorKind::IamAccessDenied,
            format!("IAM did not allow listing your MFA devices: {SERIAL_ADVICE}"),
        ),
        "InvalidClientTokenId" | "SignatureDoesNotMatch" | "UnrecognizedClientException" => {
            aws::invalid_key()
        }
        "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => aws::throttled(),
        // As sts::classify does for codes it does not know: say what IAM said.
        other => {
            let said = message.map(one_line).filter(|m| !m.is_empty());
            let said = said.as_deref().unwrap_or("no details given");
            if status >= 500 {
                Error::new(
                    ErrorKind::AwsUnavailable,
                    format!("AWS IAM failed ({other}): {said}: {SERIAL_ADVICE}, or wait a moment"),
                )
            } else {
                Error::new(
                    ErrorKind::IamAccessDenied,
                    format!("AWS IAM failed ({other}): {said}: {SERIAL_ADVICE}"),
                )
            }
        }
    }
}

/// The text of every `<tag>…</tag>` in `xml`, in order (IAM's XML has no attributes on
/// these elements, no CDATA and no self-closing form for them).
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let inner = &rest[start + open.len()..];
        let Some(end) = inner.find(&close) else { break };
        found.push(&inner[..end]);
        rest = &inner[end + close.len()..];
    }
    found
}

/// XML text with its five named entities and numeric references decoded; anything else
/// that starts with `&` is kept as it is.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest
            .find(';')
            .filter(|&semi| semi <= 10)
            .and_then(|semi| Some((entity(&rest[1..semi])?, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

fn connection_error(err: &ConnectorError) -> Error {
    if err.is_timeout() {
        aws::timed_out(Service::Iam)
    } else {
        aws::unreachable(Service::Iam)
    }
}

fn unreadable_error(status: u16) -> Error {
    Error::new(
        ErrorKind::Internal,
        format!(
            "the answer to IAM ListMFADevices was not IAM's (HTTP {status}): check AWS_ENDPOINT_URL_IAM \
             and any proxy, or {SERIAL_ADVICE}"
        ),
    )
}

fn internal_error() -> Error {
    Error::new(
        ErrorKind::Internal,
        format!("could not build the IAM ListMFADevices request: {SERIAL_ADVICE}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_id_comes_from_a_device_arn_only() {
        assert_eq!(
            account_id("arn:aws:iam::123456789012:mfa/me"),
            Some("123456789012")
        );
        assert_eq!(
            account_id("arn:aws-us-gov:iam::210987654321:u2f/user/me/key"),
            Some("210987654321")
        );
        assert_eq!(account_id("GAHT12345678"), None);
        assert_eq!(account_id("arn:aws:iam::12345:mfa/me"), None);
    }

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/iam/",
                $name
            ))
        };
    }

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn keys() -> LongTermKeys {
        LongTermKeys {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: SECRET.into(),
        }
    }

    /// 2015-08-30T12:36:00Z, the time of AWS's SigV4 test suite.
    fn example_time() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    #[test]
    fn endpoint_defaults_to_iam() {
        assert_eq!(endpoint_uri(None).unwrap(), "https://iam.amazonaws.com/");
        assert_eq!(
            endpoint_uri(Some("http://127.0.0.1:5000")).unwrap(),
            "http://127.0.0.1:5000/"
        );
    }

    #[test]
    fn the_request_is_a_signed_query_post() {
        let uri = endpoint_uri(None).unwrap();
        let request = signed_request(&uri, &keys(), example_time()).unwrap();
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.uri(), "https://iam.amazonaws.com/");
        assert_eq!(request.body(), "Action=ListMFADevices&Version=2010-05-08");
        let header = |name: &str| request.headers()[name].to_str().unwrap().to_string();
        assert_eq!(
            header("content-type"),
            "application/x-www-form-urlencoded; charset=utf-8"
        );
        assert_eq!(header("x-amz-date"), "20150830T123600Z");
        // The same request signed by botocore's SigV4Auth (an independent implementation).
        assert_eq!(
            header("authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=3e45b7c6c2d1b105bb5af9fc98328537b31fb7f77aabbd28dbdbe225a976f3dc"
        );
    }

    #[test]
    fn the_signature_covers_a_custom_endpoint_with_its_port() {
        let uri = endpoint_uri(Some("http://127.0.0.1:40123")).unwrap();
        let request = signed_request(&uri, &keys(), example_time()).unwrap();
        assert_eq!(request.uri(), "http://127.0.0.1:40123/");
        // botocore signs `host: 127.0.0.1:40123` here: the port is part of the signature.
        assert!(
            request.headers()["authorization"]
                .to_str()
                .unwrap()
                .ends_with(
                    "SignedHeaders=content-type;host;x-amz-date, \
             Signature=0ca58b7cbb09867b726ea85e29a213661e26d5522de8313e286f2afaba15c3fc"
                )
        );
    }

    #[test]
    fn the_secret_key_appears_nowhere_in_the_request() {
        let uri = endpoint_uri(None).unwrap();
        let request = signed_request(&uri, &keys(), example_time()).unwrap();
        let everything = format!("{request:?} {:?}", request.headers());
        assert!(!everything.contains(SECRET));
        assert!(!everything.contains("wJalrXUtnFEMI"));
    }

    #[test]
    fn an_access_key_id_that_cannot_be_one_is_refused_before_signing() {
        let uri = endpoint_uri(None).unwrap();
        for id in ["", "AKIA EXAMPLE", "AKIA\nEXAMPLE", "AKIA/1", "ÄKIA"] {
            let keys = LongTermKeys {
                access_key_id: id.into(),
                secret_access_key: SECRET.into(),
            };
            let err = signed_request(&uri, &keys, example_time()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::StsInvalidKey);
            assert!(!err.message().contains(SECRET));
        }
    }

    #[test]
    fn lists_the_serials_of_every_device() {
        let serials = parse_response(200, fixture!("list_mfa_devices.xml")).unwrap();
        assert_eq!(
            serials,
            [
                "arn:aws:iam::123456789012:mfa/ExampleMFADevice",
                "GAHT12345678"
            ]
        );
    }

    #[test]
    fn no_devices_is_an_empty_list() {
        assert!(
            parse_response(200, fixture!("list_mfa_devices_empty.xml"))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn entities_in_serials_are_decoded() {
        let serials = parse_response(200, fixture!("list_mfa_devices_entities.xml")).unwrap();
        assert_eq!(serials, ["arn:aws:iam::123456789012:mfa/a&b<c>'d\"e=f+g"]);
    }

    #[test]
    fn unescape_keeps_what_is_not_an_entity() {
        assert_eq!(unescape("a&amp;b"), "a&b");
        assert_eq!(unescape("&#65;&#x42;&#X43;"), "ABC");
        assert_eq!(unescape("AT&T"), "AT&T");
        assert_eq!(unescape("a & b; c"), "a & b; c");
        assert_eq!(unescape("&bogus;&#xD800;&"), "&bogus;&#xD800;&");
    }

    #[test]
    fn access_denied_says_to_pass_the_serial() {
        let err = parse_response(403, fixture!("error_access_denied.xml")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IamAccessDenied);
        assert_eq!(err.exit_code(), crate::error::exit::AWS);
        assert!(!err.is_retryable());
        assert_eq!(
            err.message(),
            "IAM did not allow listing your MFA devices: pass --serial ARN (IAM → Security credentials → MFA)"
        );
    }

    #[test]
    fn the_wrapped_error_form_is_read_too() {
        // moto (and STS) put <Error> inside <Errors>.
        let body = "<ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>User: \
                    arn:aws:iam::123456789012:user/carol is not authorized to perform: \
                    iam:ListMFADevices</Message><Type>Sender</Type></Error></Errors></ErrorResponse>";
        assert_eq!(
            parse_response(403, body).unwrap_err().kind(),
            ErrorKind::IamAccessDenied
        );
    }

    #[test]
    fn a_bad_key_or_secret_is_an_invalid_key() {
        for body in [
            fixture!("error_invalid_client_token_id.xml"),
            fixture!("error_signature_does_not_match.xml"),
        ] {
            let err = parse_response(403, body).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::StsInvalidKey);
            assert_eq!(err.exit_code(), crate::error::exit::AWS);
        }
    }

    #[test]
    fn throttling_is_retryable() {
        let err = parse_response(400, fixture!("error_throttling.xml")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::StsThrottled);
        assert!(err.is_retryable());
    }

    #[test]
    fn other_errors_quote_iam_and_server_errors_are_retryable() {
        let err = parse_response(500, fixture!("error_service_failure.xml")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AwsUnavailable);
        assert!(err.is_retryable());
        assert_eq!(
            err.message(),
            "AWS IAM failed (ServiceFailure): The request processing has failed because of an \
             unknown error, exception or failure.: pass --serial ARN (IAM → Security credentials → MFA), \
             or wait a moment"
        );
        let err = classify(400, "NoSuchEntity", None);
        assert!(!err.is_retryable());
        assert!(err.message().contains("(NoSuchEntity): no details given"));
    }

    #[test]
    fn an_answer_that_is_not_iams_is_reported_as_such() {
        for (status, body) in [
            (200, "<html><body>Sign in to the Wi-Fi</body></html>"),
            (502, "Bad Gateway"),
            (200, ""),
        ] {
            let err = parse_response(status, body).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Internal);
            assert!(
                err.message().contains(&format!("HTTP {status}")),
                "{}",
                err.message()
            );
        }
    }
}
