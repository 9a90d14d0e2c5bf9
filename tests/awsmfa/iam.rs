//! IAM `ListMFADevices` for `awsmfa setup`: a hand-signed request (SigV4) against moto's IAM on
//! loopback, with signatures and policies checked, and the real binary's `setup` end to end.

use crate::support::{Home, Moto, assert_stored_serial, forget_stored_serial, private_session};
use awsmfa::error::{ErrorKind, exit};
use awsmfa::iam;
use awsmfa::sts::LongTermKeys;

fn keys(user: &serde_json::Value) -> LongTermKeys {
    LongTermKeys {
        access_key_id: user["access_key_id"].as_str().unwrap().to_owned(),
        secret_access_key: user["secret_access_key"].as_str().unwrap().to_owned(),
    }
}

fn list(moto: &Moto, keys: &LongTermKeys) -> awsmfa::error::Result<Vec<String>> {
    block_on(iam::list_mfa_devices(
        Some(moto.url()),
        keys,
        std::time::SystemTime::now(),
    ))
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn lists_the_device_of_the_user_whose_keys_sign() {
    let moto = Moto::start();
    let seed = moto.seed_iam();
    assert_eq!(
        list(&moto, &keys(&seed["alice"])).unwrap(),
        [seed["alice"]["serial"].as_str().unwrap()]
    );
    assert_ne!(seed["alice"]["serial"], seed["bob"]["serial"]);
    assert!(list(&moto, &keys(&seed["carol"])).unwrap().is_empty());
}

#[test]
fn with_signatures_and_policies_checked_refusals_say_what_to_do() {
    let moto = Moto::start();
    let seed = moto.seed_iam();
    moto.enforce_auth();
    let alice = keys(&seed["alice"]);
    assert_eq!(
        list(&moto, &alice).unwrap(),
        [seed["alice"]["serial"].as_str().unwrap()]
    );
    let err = list(&moto, &keys(&seed["carol"])).unwrap_err();
    assert_eq!(
        (err.kind(), err.exit_code()),
        (ErrorKind::IamAccessDenied, exit::AWS)
    );
    assert_eq!(
        err.message(),
        "IAM did not allow listing your MFA devices: pass --serial ARN (IAM → Security credentials → MFA)"
    );
    let wrong_secret = LongTermKeys {
        secret_access_key: "not-alices".into(),
        ..alice.clone()
    };
    let err = list(&moto, &wrong_secret).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::StsInvalidKey);
    assert!(!err.message().contains(&alice.secret_access_key));
    let unknown = LongTermKeys {
        access_key_id: "AKIAUNKNOWNUNKNOWN00".into(),
        secret_access_key: "x".into(),
    };
    assert_eq!(
        list(&moto, &unknown).unwrap_err().kind(),
        ErrorKind::StsInvalidKey
    );
}

#[test]
fn an_endpoint_nobody_listens_on_is_a_retryable_network_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let keys = LongTermKeys {
        access_key_id: "AKIAEXAMPLE".into(),
        secret_access_key: "x".into(),
    };
    let err = block_on(iam::list_mfa_devices(
        Some(&endpoint),
        &keys,
        std::time::SystemTime::now(),
    ))
    .unwrap_err();
    assert_eq!(
        (err.kind(), err.exit_code(), err.is_retryable()),
        (ErrorKind::Network, exit::NETWORK, true)
    );
}

#[test]
fn setup_without_a_serial_finds_the_device_through_iam_and_stores_it() {
    if !private_session("the OS keychain") {
        return;
    }
    let moto = Moto::start();
    let seed = moto.seed_iam();
    let alice = keys(&seed["alice"]);
    let name = format!("iam-setup-{}", std::process::id());
    let home = Home::new(
        "",
        &format!("[{name}-mfa]\n{}", Moto::key_lines(&seed["alice"])),
    );
    let out = home
        .cmd()
        .args(["setup", &name, "--op-item", "AWS alice"])
        .env("AWS_ENDPOINT_URL_IAM", moto.url())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let serial = seed["alice"]["serial"].as_str().unwrap();
    assert_stored_serial(&name, serial);
    forget_stored_serial(&name);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Asking AWS IAM for your MFA devices…"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("Found MFA device {serial}")),
        "{stderr}"
    );
    assert!(!stderr.contains(&alice.secret_access_key));

    // Keys IAM refuses: one line saying to pass --serial, nothing stored, config unchanged.
    let carol = keys(&seed["carol"]);
    moto.enforce_auth();
    let home = Home::new(
        "",
        &format!(
            "[carol-mfa]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            carol.access_key_id, carol.secret_access_key
        ),
    );
    let out = home
        .cmd()
        .args([
            "setup",
            "carol",
            "--op-item",
            "AWS carol",
            "--format",
            "json",
        ])
        .env("AWS_ENDPOINT_URL_IAM", moto.url())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(exit::AWS));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["kind"], "iam_access_denied");
    assert_eq!(std::fs::read_to_string(home.config_path()).unwrap(), "");
}
