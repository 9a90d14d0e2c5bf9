//! STS through the SDK's own HTTP test client, replaying real STS responses (the AccessDenied
//! cases a local STS cannot produce), and real sockets for the network failures.

use aws_sdk_sts::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_http_client::test_util::infallible_client_fn;
use aws_smithy_types::body::SdkBody;

use super::*;

fn request() -> Request {
    Request {
        serial: "arn:aws:iam::123456789012:mfa/me".into(),
        code: "864209".into(),
        duration_seconds: 43_200,
        role_arn: None,
        session_name: session_name("work"),
    }
}

/// A client whose every HTTP exchange answers `status` with `body`.
fn replaying(status: u16, body: &'static str) -> aws_sdk_sts::Client {
    let http = infallible_client_fn(move |_req| {
        http::Response::builder()
            .status(status)
            .header("content-type", "text/xml")
            .body(SdkBody::from(body))
            .unwrap()
    });
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::for_tests())
        .http_client(http)
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

fn run<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn access_denied_cases_get_their_own_advice() {
    let cases: [(&str, u16, ErrorKind, &str); 9] = [
        (
            include_str!("../../tests/fixtures/sts/invalid-code.xml"),
            403,
            ErrorKind::StsInvalidCode,
            "wait for the next code",
        ),
        (
            include_str!("../../tests/fixtures/sts/wrong-serial.xml"),
            403,
            ErrorKind::StsInvalidSerial,
            "awsmfa setup PROFILE --serial",
        ),
        (
            include_str!("../../tests/fixtures/sts/session-credentials.xml"),
            403,
            ErrorKind::StsSessionCredentials,
            "long-term",
        ),
        (
            include_str!("../../tests/fixtures/sts/invalid-key.xml"),
            403,
            ErrorKind::StsInvalidKey,
            "create a new access key",
        ),
        (
            include_str!("../../tests/fixtures/sts/wrong-secret.xml"),
            403,
            ErrorKind::StsInvalidKey,
            "create a new access key",
        ),
        (
            include_str!("../../tests/fixtures/sts/expired-token.xml"),
            403,
            ErrorKind::StsExpiredKey,
            "expired",
        ),
        (
            include_str!("../../tests/fixtures/sts/throttling.xml"),
            400,
            ErrorKind::StsThrottled,
            "wait a minute",
        ),
        (
            include_str!("../../tests/fixtures/sts/validation.xml"),
            400,
            ErrorKind::StsAccessDenied,
            "less than or equal to 129600",
        ),
        (
            include_str!("../../tests/fixtures/sts/role-denied.xml"),
            403,
            ErrorKind::StsAccessDenied,
            "not authorized to perform: sts:AssumeRole",
        ),
    ];
    for (xml, status, kind, advice) in cases {
        let err = run(exchange(&replaying(status, xml), &request())).unwrap_err();
        assert_eq!(err.kind(), kind, "{xml}");
        assert!(err.message().contains(advice), "{kind}: {}", err.message());
        assert!(
            !err.message().contains("864209"),
            "the code leaked: {}",
            err.message()
        );
        let exit = if kind == ErrorKind::StsSessionCredentials {
            crate::error::exit::CONFIG
        } else {
            crate::error::exit::AWS
        };
        assert_eq!(err.exit_code(), exit, "{kind}");
    }
}

#[test]
fn only_transient_failures_are_retryable() {
    let code = run(exchange(
        &replaying(
            403,
            include_str!("../../tests/fixtures/sts/invalid-code.xml"),
        ),
        &request(),
    ))
    .unwrap_err();
    assert!(
        code.is_retryable(),
        "a wrong code is fixed by the next code"
    );
    let key = run(exchange(
        &replaying(
            403,
            include_str!("../../tests/fixtures/sts/invalid-key.xml"),
        ),
        &request(),
    ))
    .unwrap_err();
    assert!(!key.is_retryable());
}

#[test]
fn reads_the_session_from_a_real_response() {
    let body = r#"<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetSessionTokenResult>
    <Credentials>
      <SessionToken>AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2026-11-26T06:41:00Z</Expiration>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
  </GetSessionTokenResult>
  <ResponseMetadata><RequestId>58c5dbae-abef-11e0-8cfe-09039844ac7d</RequestId></ResponseMetadata>
</GetSessionTokenResponse>"#;
    let session = run(exchange(&replaying(200, body), &request())).unwrap();
    assert_eq!(session.access_key_id, "ASIAIOSFODNN7EXAMPLE");
    assert_eq!(
        session.session_token,
        "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT"
    );
    assert_eq!(session.expiration, "2026-11-26T06:41:00Z".parse().unwrap());
    assert!(
        !format!("{session:?}").contains("ASIA"),
        "Debug must not print keys"
    );
}

#[test]
fn sends_the_serial_code_and_duration() {
    use std::sync::{Arc, Mutex};
    let seen = Arc::new(Mutex::new(String::new()));
    let record = seen.clone();
    let http = infallible_client_fn(move |req: http::Request<SdkBody>| {
        *record.lock().unwrap() =
            String::from_utf8_lossy(req.body().bytes().unwrap_or_default()).into_owned();
        http::Response::builder()
            .status(403)
            .body(SdkBody::from(include_str!(
                "../../tests/fixtures/sts/invalid-code.xml"
            )))
            .unwrap()
    });
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::for_tests())
        .http_client(http)
        .build();
    let mut req = request();
    req.role_arn = Some("arn:aws:iam::123456789012:role/admin".into());
    req.duration_seconds = 3_600;
    let _ = run(exchange(&aws_sdk_sts::Client::from_conf(config), &req));
    let body = seen.lock().unwrap().clone();
    for part in [
        "Action=AssumeRole",
        "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme",
        "TokenCode=864209",
        "DurationSeconds=3600",
        "RoleSessionName=awsmfa-work",
    ] {
        assert!(body.contains(part), "{part} missing from {body}");
    }
}

fn keys() -> LongTermKeys {
    LongTermKeys {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
    }
}

/// A client of the real HTTP stack aimed at `url`.
fn real_client(url: &str, timeouts: TimeoutConfig) -> aws_sdk_sts::Client {
    client(&keys(), "us-east-1", Some(url), timeouts)
}

#[test]
fn a_closed_port_is_a_network_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = real_client(&format!("http://127.0.0.1:{port}"), timeouts());
    let err = run(exchange(&client, &request())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{}", err.message());
    assert!(err.is_retryable());
    assert_eq!(err.exit_code(), crate::error::exit::NETWORK);
}

#[test]
fn a_silent_server_is_a_timeout() {
    // Accepts the connection and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let short = TimeoutConfig::builder()
        .connect_timeout(Duration::from_millis(500))
        .operation_attempt_timeout(Duration::from_millis(300))
        .operation_timeout(Duration::from_millis(800))
        .build();
    let err = run(exchange(&real_client(&url, short), &request())).unwrap_err();
    drop(listener);
    assert_eq!(err.kind(), ErrorKind::Timeout, "{}", err.message());
    assert!(err.message().contains("did not answer in time"));
}

#[test]
fn classify_without_a_message_still_says_something() {
    let err = classify(Some("SomethingNew"), None);
    assert_eq!(
        err.message(),
        "AWS STS failed (SomethingNew): no details given"
    );
    assert_eq!(
        classify(None, Some("boom")).message(),
        "AWS STS failed: boom"
    );
}

#[test]
fn debug_output_never_shows_the_code() {
    let shown = format!("{:?}", request());
    assert!(!shown.contains("864209"), "{shown}");
    assert!(
        shown.contains("arn:aws:iam::123456789012:mfa/me"),
        "{shown}"
    );
}

#[test]
fn role_session_names_only_use_allowed_characters() {
    assert_eq!(session_name("work"), "awsmfa-work");
    assert_eq!(session_name("my profile/ü"), "awsmfa-my-profile--");
    assert_eq!(session_name(&"x".repeat(100)).len(), 64);
}

#[test]
fn empty_session_keys_are_refused() {
    let body = r#"<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetSessionTokenResult>
    <Credentials>
      <SessionToken></SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2026-11-26T06:41:00Z</Expiration>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
  </GetSessionTokenResult>
</GetSessionTokenResponse>"#;
    let err = run(exchange(&replaying(200, body), &request())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Internal);
    assert!(err.message().contains("empty session keys"), "{err}");
}
