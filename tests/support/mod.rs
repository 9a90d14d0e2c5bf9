//! Shared utilities for the integration tests (`mod support;` in a `tests/*.rs` file).
//!
//! - [`Moto`]: a real STS implementation (moto's server) on loopback.
//! - [`Home`]: a throwaway home folder with `~/.aws` files, and a builder for commands that
//!   run the real `awsmfa` binary against it with a fake 1Password `op` on `PATH`.
//!
//! Nothing here is compiled into the binary: the tests point the program at these through
//! the same environment variables a user could set.

// Each test binary compiles this module and uses a different part of it.
#![allow(dead_code)]

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{OnceLock, mpsc};
use std::time::{Duration, Instant};

pub mod dbus;

const REPO: &str = env!("CARGO_MANIFEST_DIR");
const RUN_THROUGH_SCRIPT: &str = "run the tests through ./scripts/test, which installs moto \
     into .venv from requirements-test.txt and puts .venv/bin first on PATH";
/// How long moto may take to start answering before a test gives up on it.
const MOTO_START_LIMIT: Duration = Duration::from_secs(30);

/// moto's server (`tests/support/sts_server.py`) on `127.0.0.1` at a port the kernel chose.
///
/// It starts in about a third of a second, so a test binary normally shares one through
/// [`Moto::shared`]; [`Moto::start`] gives a test a private one. The server exits when its
/// standard input closes: on drop here, or when the test process ends, which is what stops
/// the shared one (statics are never dropped).
pub struct Moto {
    child: Child,
    url: String,
}

impl Moto {
    /// The server shared by every test in this test binary, started on first use.
    pub fn shared() -> &'static Moto {
        static SHARED: OnceLock<Moto> = OnceLock::new();
        SHARED.get_or_init(Moto::start)
    }

    /// Starts a server of its own and waits (bounded) until it answers HTTP.
    ///
    /// Panics, saying how to install moto, when it cannot start: never a silent skip.
    pub fn start() -> Moto {
        let python = python();
        let script = Path::new(REPO).join("tests/support/sts_server.py");
        let log = tempfile::NamedTempFile::new().expect("create a log file for moto");
        let mut child = Command::new(&python)
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log.reopen().expect("reopen moto's log file"))
            .spawn()
            .unwrap_or_else(|err| {
                panic!(
                    "cannot run {} for moto ({err}): {RUN_THROUGH_SCRIPT}",
                    python.display()
                )
            });

        // The first stdout line is the URL, printed once the socket listens.
        let stdout = child.stdout.take().expect("moto's stdout is piped");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(read.map(|_| line.trim().to_owned()));
        });
        let started = Instant::now();
        let url = match receiver.recv_timeout(MOTO_START_LIMIT) {
            Ok(Ok(url)) if url.starts_with("http://127.0.0.1:") => url,
            outcome => {
                let _ = child.kill();
                let _ = child.wait();
                let stderr = fs::read_to_string(log.path()).unwrap_or_default();
                panic!(
                    "moto did not start ({} with {}; first line {outcome:?}; stderr: {}): \
                     {RUN_THROUGH_SCRIPT}",
                    python.display(),
                    script.display(),
                    stderr.trim()
                );
            }
        };

        let moto = Moto { child, url };
        let remaining = MOTO_START_LIMIT.saturating_sub(started.elapsed());
        if let Err(err) = moto.wait_until_answering(remaining) {
            let stderr = fs::read_to_string(log.path()).unwrap_or_default();
            panic!(
                "moto at {} does not answer ({err}; stderr: {}): {RUN_THROUGH_SCRIPT}",
                moto.url,
                stderr.trim()
            );
        }
        moto
    }

    /// The base URL, e.g. `http://127.0.0.1:40123`: the value for `AWS_ENDPOINT_URL_STS`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Creates IAM users through boto3 (`tests/support/iam_seed.py`): alice (an access key,
    /// an enabled virtual MFA device, a policy allowing iam:ListMFADevices), bob (a device of
    /// his own) and carol (an access key, no policy). Returns the script's JSON.
    pub fn seed_iam(&self) -> serde_json::Value {
        let script = Path::new(REPO).join("tests/support/iam_seed.py");
        let output = Command::new(python())
            .arg(&script)
            .arg(&self.url)
            .output()
            .unwrap_or_else(|err| panic!("cannot run iam_seed.py ({err}): {RUN_THROUGH_SCRIPT}"));
        assert!(
            output.status.success(),
            "iam_seed.py failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("iam_seed.py prints one JSON object")
    }

    /// From now on moto checks each request's SigV4 signature against the keys it issued and
    /// evaluates the caller's IAM policies (its `INITIAL_NO_AUTH_ACTION_COUNT`, set to 0
    /// through its own API). Only on a private server ([`Moto::start`]): it breaks requests
    /// signed with made-up keys.
    pub fn enforce_auth(&self) {
        let address = self.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).expect("connect to moto");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        write!(
            stream,
            "POST /moto-api/reset-auth HTTP/1.0\r\nHost: {address}\r\nContent-Length: 1\r\n\r\n0"
        )
        .expect("write to moto");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("read moto's answer");
        assert!(
            response.starts_with("HTTP/1.1 200"),
            "reset-auth: {response:.200}"
        );
    }

    /// Polls moto's own API until it returns HTTP 200, which also loads its backends.
    fn wait_until_answering(&self, limit: Duration) -> Result<(), String> {
        let address = self.url.trim_start_matches("http://").to_owned();
        let deadline = Instant::now() + limit;
        let mut last_error;
        loop {
            match http_status(&address, "/moto-api/") {
                Ok(200) => return Ok(()),
                Ok(status) => last_error = format!("HTTP {status}"),
                Err(err) => last_error = err.to_string(),
            }
            if Instant::now() >= deadline {
                return Err(format!("last answer: {last_error}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python that has moto and dbus-next: the repository's `.venv` when it exists, else
/// `python3` on PATH (which ./scripts/test makes the `.venv` one).
fn python() -> PathBuf {
    let venv = Path::new(REPO).join(".venv/bin/python3");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// The status code of one plain HTTP/1.0 GET, with short timeouts.
fn http_status(address: &str, path: &str) -> std::io::Result<u16> {
    let timeout = Duration::from_secs(5);
    let socket = address
        .parse()
        .map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidInput, err))?;
    let mut stream = TcpStream::connect_timeout(&socket, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP answer: {response:.80}")))
}

/// A temporary folder that plays the user's machine for one test:
///
/// ```text
/// <tmp>/home/.aws/config        HOME, AWS_CONFIG_FILE
/// <tmp>/home/.aws/credentials   AWS_SHARED_CREDENTIALS_FILE (mode 0600)
/// <tmp>/cache/                  AWSMFA_CACHE_DIR (not created: the binary makes it)
/// <tmp>/bin/op                  -> tests/support/fake-op, first on PATH
/// ```
///
/// Removed when dropped.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    /// A home whose `~/.aws/config` and `~/.aws/credentials` hold exactly these strings.
    pub fn new(config: &str, credentials: &str) -> Home {
        let dir = tempfile::Builder::new()
            .prefix("awsmfa-test-")
            .tempdir()
            .expect("create a temporary home");
        let home = Home { dir };
        home.write_file(".aws/config", config);
        home.write_file(".aws/credentials", credentials);
        set_mode(&home.credentials_path(), 0o600);

        fs::create_dir(home.bin_dir()).expect("create the fake bin folder");
        let fake_op = Path::new(REPO).join("tests/support/fake-op");
        std::os::unix::fs::symlink(&fake_op, home.bin_dir().join("op"))
            .expect("link the fake op into the bin folder");
        home
    }

    /// The folder that is HOME for the commands built by [`Home::cmd`].
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn config_path(&self) -> PathBuf {
        self.path().join(".aws/config")
    }

    pub fn credentials_path(&self) -> PathBuf {
        self.path().join(".aws/credentials")
    }

    /// `AWSMFA_CACHE_DIR` for the commands built here.
    pub fn cache_dir(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    /// The first folder on `PATH` for the commands built here; holds `op`. A test can put
    /// other stand-ins beside it.
    pub fn bin_dir(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    /// The credentials file as it is now.
    pub fn read_credentials(&self) -> String {
        let path = self.credentials_path();
        fs::read_to_string(&path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
    }

    /// Writes `contents` to `relative` under HOME (making folders), replacing any file there.
    pub fn write_file(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.path().join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .unwrap_or_else(|err| panic!("create {}: {err}", parent.display()));
        }
        fs::write(&path, contents).unwrap_or_else(|err| panic!("write {}: {err}", path.display()));
        path
    }

    /// The real `awsmfa` binary with an environment of only this home's variables:
    /// `HOME`, `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `AWSMFA_CACHE_DIR`,
    /// `PATH` (the fake `op` first, then `/usr/bin:/bin`), `AWS_EC2_METADATA_DISABLED=true`,
    /// and `DBUS_SESSION_BUS_ADDRESS` passed through for the keychain and notifications.
    /// Runs in HOME. Add `AWS_ENDPOINT_URL_STS` ([`Moto::url`]) and `FAKE_OP_*` per test.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_awsmfa"));
        cmd.env_clear()
            .current_dir(self.path())
            .env("HOME", self.path())
            .env("AWS_CONFIG_FILE", self.config_path())
            .env("AWS_SHARED_CREDENTIALS_FILE", self.credentials_path())
            .env("AWSMFA_CACHE_DIR", self.cache_dir())
            .env(
                "PATH",
                format!("{}:/usr/bin:/bin", self.bin_dir().display()),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true");
        if let Some(bus) = std::env::var_os("DBUS_SESSION_BUS_ADDRESS") {
            cmd.env("DBUS_SESSION_BUS_ADDRESS", bus);
        }
        cmd
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .unwrap_or_else(|err| panic!("chmod {mode:o} {}: {err}", path.display()));
}

/// A stand-in STS on loopback that answers every request with `status` and `body` (real STS
/// XML: the errors moto cannot produce, or something that is not STS at all). Returns its URL
/// for `AWS_ENDPOINT_URL_STS`; it serves until the test process ends.
pub fn sts_answering(status: u16, body: impl Into<String>) -> String {
    let body: String = body.into();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 16384];
            let _ = stream.read(&mut buf);
            let reply = format!(
                "HTTP/1.1 {status} Error\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    url
}
