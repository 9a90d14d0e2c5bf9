//! The one harness of the integration tests.
//!
//! - [`Moto`]: a real STS and IAM implementation (moto's server) on loopback; [`sts_answering`]
//!   and friends: stand-ins that answer with real STS XML (the errors moto cannot produce) or
//!   with nothing at all.
//! - [`Home`]: a throwaway home folder with `~/.aws` files, and a builder for commands that
//!   run the real `awsmfa` binary against it with a fake 1Password `op` and a fake `ykman` on
//!   `PATH`, reminders off and no access to the machine's own keychain.
//! - [`assert_refused`]: a failure prints one line, exits with the documented code and kind,
//!   and changes nothing under the test folder.
//! - [`private_session`]: the gate of tests that use the OS keychain: they run only inside the
//!   private D-Bus session `./scripts/test` creates, or on the macOS CI machine in the
//!   throwaway keychain its job creates; [`linux_only`] and [`macos_services`]: the gates of
//!   tests of one platform's services, skipped with a printed reason on the other.
//! - [`FakeClock`], [`MemoryKeychain`], [`Recorded`]: for running a command in this process
//!   with a clock that does not wait.
//!
//! Nothing here is compiled into the binary: the tests point the program at these through
//! the same environment variables a user could set.

use std::collections::BTreeMap;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};

use serde_json::Value;

pub mod dbus;

pub const REPO: &str = env!("CARGO_MANIFEST_DIR");
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

    /// The long-term key lines of a user [`Moto::seed_iam`] made, for a credentials file.
    pub fn key_lines(user: &serde_json::Value) -> String {
        format!(
            "aws_access_key_id = {}\naws_secret_access_key = {}\n",
            user["access_key_id"]
                .as_str()
                .expect("a seeded user's key ID"),
            user["secret_access_key"]
                .as_str()
                .expect("a seeded user's secret key")
        )
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
pub fn python() -> PathBuf {
    let venv = Path::new(REPO).join(".venv/bin/python3");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// Runs `tests/support/SCRIPT` with the `.venv` Python (botocore comes with moto), `input` on
/// its stdin; returns whether it succeeded and its stdout.
pub fn python_script(script: &str, input: &str) -> (bool, String) {
    let path = Path::new(REPO).join("tests/support").join(script);
    let mut child = Command::new(python())
        .arg(&path)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    // The scripts read all of stdin before they write: no deadlock.
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
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
/// <tmp>/bin/ykman               -> tests/support/fake-ykman
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
        for (fake, name) in [("fake-op", "op"), ("fake-ykman", "ykman")] {
            let fake = Path::new(REPO).join("tests/support").join(fake);
            std::os::unix::fs::symlink(&fake, home.bin_dir().join(name))
                .unwrap_or_else(|err| panic!("link the fake {name} into the bin folder: {err}"));
        }
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

    /// The first folder on `PATH` for the commands built here; holds `op` and `ykman`. A test
    /// can put other stand-ins beside it.
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

    /// The folder holding HOME, the state folder and the fake `bin`: what a failure must
    /// leave as it was.
    pub fn root(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// The real `awsmfa` binary with an environment of only this home's variables:
    /// `HOME`, `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `AWSMFA_CACHE_DIR`,
    /// `PATH` (the fake `op` and `ykman` first, then `/usr/bin:/bin`),
    /// `AWS_EC2_METADATA_DISABLED=true` and `AWSMFA_REMINDERS=off` (a test about reminders
    /// removes it). The bus of the private session (its keychain) is passed only inside that
    /// session ([`private_session`]); outside it `AWSMFA_KEYCHAIN=off`, so nothing reaches
    /// the machine's own keychain.
    /// Runs in HOME. Add `AWS_ENDPOINT_URL_STS` ([`Moto::url`]) and `FAKE_OP_*` or
    /// `FAKE_YKMAN_*` per test.
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
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWSMFA_REMINDERS", "off");
        match private_bus() {
            Some(bus) => cmd.env("DBUS_SESSION_BUS_ADDRESS", bus),
            // The macOS CI machine: the real Keychain, whose default is the job's throwaway one.
            None if macos_test_keychain() => &mut cmd,
            // No keychain at all: not the machine's own (a Mac's login Keychain needs no bus).
            None => cmd.env("AWSMFA_KEYCHAIN", "off"),
        };
        cmd
    }

    /// `program` with the environment [`Home::cmd`] gives awsmfa (HOME, the AWS files, the
    /// fake `op` first on `PATH`): for an AWS tool that runs awsmfa, or a shell around it.
    pub fn other(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let like = self.cmd();
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .current_dir(self.path())
            .envs(like.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
        cmd
    }

    /// An environment like [`Home::cmd`]'s, for running a command in this process.
    pub fn env(&self) -> awsmfa::paths::Env {
        awsmfa::paths::Env {
            home: Some(self.path()),
            aws_config_file: Some(self.config_path()),
            aws_credentials_file: Some(self.credentials_path()),
            cache_dir: Some(self.cache_dir()),
            path: Some(format!("{}:/usr/bin:/bin", self.bin_dir().display()).into()),
            reminders: Some("off".into()),
            ..awsmfa::paths::Env::default()
        }
    }
}

pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .unwrap_or_else(|err| panic!("chmod {mode:o} {}: {err}", path.display()));
}

/// A stand-in STS on loopback that answers every request with `status` and `body` (real STS
/// XML: the errors moto cannot produce, or something that is not STS at all). Returns its URL
/// for `AWS_ENDPOINT_URL_STS`; it serves until the test process ends.
pub fn sts_answering(status: u16, body: impl Into<String>) -> String {
    sts_counting(status, body).0
}

/// [`sts_answering`], and how many requests it has answered so far.
pub fn sts_counting(
    status: u16,
    body: impl Into<String>,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let body: String = body.into();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let answered = count.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 16384];
            let _ = stream.read(&mut buf);
            answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let reply = format!(
                "HTTP/1.1 {status} Error\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (url, count)
}

// ---------------------------------------------------------------------------------------
// The private session: the only place the OS keychain is touched
// ---------------------------------------------------------------------------------------

/// The bus of the private D-Bus session `scripts/lib/keyring-session` started (it sets
/// `AWSMFA_TEST_SESSION` to that bus's address), if this test process runs inside it.
fn private_bus() -> Option<String> {
    let marker = std::env::var("AWSMFA_TEST_SESSION").ok()?;
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok()?;
    (marker == bus).then_some(bus)
}

/// The variable the macOS CI job sets to the path of the throwaway keychain it created and
/// made the default: there the tests use the real Keychain, launchd and Notification Center.
pub const MACOS_TEST_KEYCHAIN: &str = "AWSMFA_TEST_MACOS_KEYCHAIN";

/// Whether this is the macOS CI machine with its throwaway keychain: on macOS,
/// [`MACOS_TEST_KEYCHAIN`] names a keychain file, and it is the user's default keychain right
/// now (`security default-keychain`). A developer's Mac never passes both: their default is
/// their login keychain, whatever the variable says.
fn macos_test_keychain() -> bool {
    static ANSWER: OnceLock<bool> = OnceLock::new();
    *ANSWER.get_or_init(|| {
        if !cfg!(target_os = "macos") {
            return false;
        }
        let Some(wanted) = std::env::var_os(MACOS_TEST_KEYCHAIN) else {
            return false;
        };
        let Ok(out) = Command::new("/usr/bin/security")
            .args(["default-keychain", "-d", "user"])
            .output()
        else {
            return false;
        };
        // It prints the path in double quotes, indented.
        let default = String::from_utf8_lossy(&out.stdout)
            .trim()
            .trim_matches('"')
            .to_string();
        let same = |a: &Path, b: &Path| match (fs::canonicalize(a), fs::canonicalize(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        out.status.success() && same(Path::new(&default), Path::new(&wanted))
    })
}

/// Whether a test that uses `what` (the OS keychain) may run: only inside the private
/// session of `./scripts/test` (Linux) or on the macOS CI machine with its throwaway default
/// keychain ([`MACOS_TEST_KEYCHAIN`]), never against the machine's own keychain. Elsewhere it
/// is skipped with a printed reason, unless `AWSMFA_TEST_NO_SKIP` is set (as `./scripts/test`
/// and the macOS job set it), which makes a missing session a failure.
#[must_use]
pub fn private_session(what: &str) -> bool {
    if private_bus().is_some() || macos_test_keychain() {
        return true;
    }
    let why = if cfg!(target_os = "macos") {
        format!(
            "{what} is only tested on the macOS CI machine, in the throwaway keychain its job \
             creates, makes the default and names in {MACOS_TEST_KEYCHAIN}: never against this \
             Mac's own Keychain, launchd and Notification Center"
        )
    } else {
        format!(
            "{what} is only tested inside the private D-Bus session with its own gnome-keyring \
             that ./scripts/test starts (or: scripts/lib/keyring-session cargo test), never \
             against this machine's own keychain"
        )
    };
    if std::env::var_os("AWSMFA_TEST_NO_SKIP").is_some() {
        panic!("{why}; AWSMFA_TEST_NO_SKIP is set, so it may not be skipped");
    }
    eprintln!("skipped: {why}");
    false
}

/// Checks that the OS keychain holds `serial` for `profile` under awsmfa's service, as the
/// awsmfa binary stored it. On Linux it is read through the `keyring` crate in this process.
/// On macOS only the program that stored a Keychain item may read its secret without a
/// prompt (which nobody answers on the CI machine), so there the item's presence is checked
/// (`security find-generic-password` without `-w`: attributes only); the binary reading it
/// back (a login that needs it) proves the value.
pub fn assert_stored_serial(profile: &str, serial: &str) {
    if cfg!(target_os = "macos") {
        let out = Command::new("/usr/bin/security")
            .args(["find-generic-password", "-s", "awsmfa", "-a", profile])
            .output()
            .expect("run security");
        assert!(
            out.status.success(),
            "no Keychain item awsmfa/{profile}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let stored = keyring::Entry::new("awsmfa", profile)
        .and_then(|entry| entry.get_password())
        .ok();
    assert_eq!(
        stored.as_deref(),
        Some(serial),
        "the keychain's serial of {profile}"
    );
}

/// Removes what awsmfa stored for `profile` from the keychain of the private session. On
/// macOS nothing: the item is the binary's (see [`assert_stored_serial`]), and the CI job
/// deletes its throwaway keychain with everything in it.
pub fn forget_stored_serial(profile: &str) {
    if !cfg!(target_os = "macos")
        && let Ok(entry) = keyring::Entry::new("awsmfa", profile)
    {
        let _ = entry.delete_credential();
    }
}

/// Where `program` (a shell, groff) is on PATH, for a test that needs it. Missing, the test is
/// skipped with a printed reason, unless `AWSMFA_TEST_NO_SKIP` is set (`./scripts/test`
/// installs every such program first), which makes it a failure.
#[must_use]
pub fn tool(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    if let Some(found) = std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
    {
        return Some(found);
    }
    let why = format!("{program} is not installed (./scripts/test installs it)");
    if std::env::var_os("AWSMFA_TEST_NO_SKIP").is_some() {
        panic!("{why}; AWSMFA_TEST_NO_SKIP is set, so the test may not be skipped");
    }
    eprintln!("skipped: {why}");
    None
}

/// Whether a test of `what`, a service only Linux has (a D-Bus session bus with
/// freedesktop notifications or a Secret Service, systemd, strace, /proc), may run. On macOS
/// it is skipped with a printed reason whatever `AWSMFA_TEST_NO_SKIP` says: the Linux job runs
/// it, and the macOS job tests the Mac's own services instead.
#[must_use]
pub fn linux_only(what: &str) -> bool {
    if cfg!(target_os = "macos") {
        eprintln!("skipped on macOS: {what} exists only on Linux; the Linux job tests it");
        return false;
    }
    true
}

/// Whether a test of the Mac's own reminder services (launchd, Notification Center) may
/// run: only on the macOS CI machine ([`private_session`]); elsewhere skipped with a printed
/// reason, as those services exist only on macOS.
#[must_use]
pub fn macos_services(what: &str) -> bool {
    if !cfg!(target_os = "macos") {
        eprintln!("skipped: {what} exists only on macOS; the macOS job tests it");
        return false;
    }
    private_session(what)
}

// ---------------------------------------------------------------------------------------
// Stand-ins for STS on loopback
// ---------------------------------------------------------------------------------------

/// A stand-in STS answering every request with the STS error XML in `fixture` (a path
/// relative to the repository), with the status STS uses for it.
pub fn sts_error(fixture: &str) -> String {
    let path = Path::new(REPO).join(fixture);
    let body = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let status = if body.contains("<Code>Throttling</Code>") {
        400
    } else {
        403
    };
    sts_answering(status, body)
}

/// A GetSessionToken answer with these keys, expiring at `expiration`.
pub fn session_xml(access_key_id: &str, secret: &str, token: &str, expiration: &str) -> String {
    include_str!("../../testdata/sts/get-session-token.xml")
        .replace("{ACCESS_KEY_ID}", access_key_id)
        .replace("{SECRET_ACCESS_KEY}", secret)
        .replace("{SESSION_TOKEN}", token)
        .replace("{EXPIRATION}", expiration)
}

/// A stand-in STS that hands out a session expiring at `expiration`.
pub fn sts_session(expiration: &str) -> String {
    sts_answering(
        200,
        session_xml(
            "ASIABADINPUTS0000001",
            "bad/inputs+secret",
            "FwoGZXIvYXdzEbadinputstoken",
            expiration,
        ),
    )
}

/// Twelve hours from now, as STS writes an expiry.
pub fn in_12_hours() -> String {
    jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(12))
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A URL of a port nothing listens on.
pub fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

/// A stand-in that takes the request and never answers.
pub fn silent_sts() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    url
}

// ---------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------

/// Longer than any case takes (the silent STS: two attempts of 10 s), short enough that a
/// hang fails the test instead of stalling the run.
pub const LIMIT: Duration = Duration::from_secs(60);

/// Runs `cmd` to the end, or kills it and fails once `limit` has passed.
pub fn output_within(cmd: &mut Command, limit: Duration) -> Output {
    finished_within(cmd.stdin(Stdio::null()), limit)
}

/// [`output_within`] with stdin a pipe nobody writes to nor closes: a command that reads
/// stdin hangs there (and fails the test at `limit`).
pub fn output_with_stdin_open(cmd: &mut Command, limit: Duration) -> Output {
    finished_within(cmd.stdin(Stdio::piped()), limit)
}

fn finished_within(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run awsmfa");
    // Held open (when it is a pipe) until the command has ended.
    let _stdin = child.stdin.take();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// `cmd` run as from a terminal window (`tests/support/with_terminal.py`): the leader of a
/// session whose controlling terminal is a fresh pseudo-terminal. With `typed`, a person sits
/// there: stdin and stderr are that terminal, `typed` is typed ahead (one answer a line), and
/// the output's stderr is all the terminal showed (prompts, progress, echoed answers).
pub fn at_terminal(cmd: &Command, typed: Option<&str>) -> Command {
    let mut in_terminal = Command::new(python());
    in_terminal.arg(Path::new(REPO).join("tests/support/with_terminal.py"));
    if let Some(typed) = typed {
        in_terminal.args(["--typed", typed]);
    }
    in_terminal
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .env_clear()
        .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    if let Some(dir) = cmd.get_current_dir() {
        in_terminal.current_dir(dir);
    }
    in_terminal
}

/// Runs `cmd` within [`LIMIT`].
pub fn run(cmd: &mut Command) -> Output {
    output_within(cmd, LIMIT)
}

/// What it printed on stderr.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// What it printed on stdout, as JSON.
pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            stderr(output)
        )
    })
}

/// Runs `cmd`, checks it succeeded, and returns its stdout.
pub fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---------------------------------------------------------------------------------------
// What "nothing changed" means: every file under the test folder, as it was
// ---------------------------------------------------------------------------------------

/// One file system entry as a failure must leave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A file: mode, owner and contents.
    File { mode: u32, uid: u32, hash: u64 },
    /// A folder.
    Dir { mode: u32, uid: u32 },
    /// A symbolic link and its target.
    Link(PathBuf),
    /// A pipe or another special file.
    Other { mode: u32 },
}

/// Every entry under `root`.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Entry> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        let meta = fs::symlink_metadata(&path).unwrap();
        let entry = if meta.file_type().is_symlink() {
            Entry::Link(fs::read_link(&path).unwrap())
        } else if meta.is_dir() {
            for child in fs::read_dir(&path).unwrap().flatten() {
                stack.push(child.path());
            }
            Entry::Dir {
                mode: meta.mode(),
                uid: meta.uid(),
            }
        } else if meta.is_file() {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            fs::read(&path).unwrap().hash(&mut hasher);
            Entry::File {
                mode: meta.mode(),
                uid: meta.uid(),
                hash: hasher.finish(),
            }
        } else {
            Entry::Other { mode: meta.mode() }
        };
        out.insert(path.strip_prefix(root).unwrap().to_path_buf(), entry);
    }
    out
}

/// What a refused command must print.
pub struct Want<'a> {
    /// Progress lines printed before the error, in order.
    pub progress: &'a [&'a str],
    /// The one error line, without `awsmfa: ` (as `--format json` prints it: without the
    /// terminal's retry wording).
    pub message: &'a str,
    /// The exit code.
    pub exit: i32,
    /// The error kind's wire name.
    pub kind: &'a str,
}

/// Runs `cmd` with `--format json`, checks it against `want`, and checks that nothing under
/// the test folder changed.
pub fn assert_refused(home: &Home, cmd: &mut Command, want: Want<'_>) {
    let root = home.root();
    let before = snapshot(&root);
    let out = output_within(cmd.args(["--format", "json"]), LIMIT);
    check_refusal(&out, &want);
    let after = snapshot(&root);
    assert_eq!(after, before, "files changed");
}

/// Checks a refused command's output against `want`.
pub fn check_refusal(out: &Output, want: &Want<'_>) {
    let stderr = stderr(out);
    let mut expected: String = want.progress.iter().map(|l| format!("{l}\n")).collect();
    expected.push_str(&format!("awsmfa: {}\n", want.message));
    assert_eq!(stderr, expected, "stderr");
    assert_eq!(
        out.status.code(),
        Some(want.exit),
        "exit code; stderr: {stderr}"
    );
    let json = json(out);
    assert_eq!(json["error"]["kind"], want.kind, "kind");
    assert_eq!(json["error"]["message"], want.message, "JSON message");
}

// ---------------------------------------------------------------------------------------
// Running a command in this process
// ---------------------------------------------------------------------------------------

/// Runs `command` in this process, as `main` would with these adapters, printing in
/// `format`.
pub fn run_in_process(
    env: awsmfa::paths::Env,
    clock: &FakeClock,
    keychain: &MemoryKeychain,
    progress: &Recorded,
    format: awsmfa::launcher::Format,
    command: awsmfa::cli::Command,
) -> awsmfa::Outcome {
    let ctx = awsmfa::commands::Context {
        env,
        clock,
        keychain,
        progress,
    };
    let cli = awsmfa::cli::Cli {
        output: awsmfa::cli::Output { format },
        command,
    };
    awsmfa::run(cli, &ctx)
}

/// A clock that stands still until a command sleeps, then moves on by the time slept, and
/// remembers every sleep: a command run with it never waits real seconds.
pub struct FakeClock {
    now: Mutex<jiff::Timestamp>,
    slept: Mutex<Vec<Duration>>,
    tz: jiff::tz::TimeZone,
}

impl FakeClock {
    /// A clock that reads `at` (RFC 3339) until something sleeps.
    pub fn at(at: &str) -> FakeClock {
        FakeClock {
            now: Mutex::new(at.parse().expect("an RFC 3339 time")),
            slept: Mutex::new(Vec::new()),
            tz: jiff::tz::TimeZone::UTC,
        }
    }

    /// Every sleep so far.
    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap().clone()
    }
}

impl awsmfa::clock::Clock for FakeClock {
    fn now(&self) -> jiff::Timestamp {
        *self.now.lock().unwrap()
    }

    fn time_zone(&self) -> &jiff::tz::TimeZone {
        &self.tz
    }

    fn sleep(&self, duration: Duration) {
        self.slept.lock().unwrap().push(duration);
        let mut now = self.now.lock().unwrap();
        *now = now
            .checked_add(jiff::SignedDuration::try_from(duration).unwrap())
            .unwrap();
    }
}

/// A keychain in memory.
#[derive(Default)]
pub struct MemoryKeychain(pub Mutex<BTreeMap<String, String>>);

impl awsmfa::keychain::SerialStore for MemoryKeychain {
    fn get(&self, profile: &str) -> awsmfa::error::Result<Option<String>> {
        Ok(self.0.lock().unwrap().get(profile).cloned())
    }

    fn set(&self, profile: &str, serial: &str) -> awsmfa::error::Result<()> {
        self.0
            .lock()
            .unwrap()
            .insert(profile.to_string(), serial.to_string());
        Ok(())
    }

    fn delete(&self, profile: &str) -> awsmfa::error::Result<()> {
        self.0.lock().unwrap().remove(profile);
        Ok(())
    }
}

/// Progress lines, recorded.
#[derive(Default)]
pub struct Recorded(pub Mutex<Vec<String>>);

impl awsmfa::commands::Progress for Recorded {
    fn step(&self, line: &str) {
        self.0.lock().unwrap().push(line.to_string());
    }
}

impl Recorded {
    /// The lines so far.
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

// ---------------------------------------------------------------------------------------
// Holding the binary at a known point: strace's fault injection
// ---------------------------------------------------------------------------------------

/// The real binary run under `strace` with one kind of system call held up (strace's
/// `-e inject=SYSCALLS:delay_enter=…` or `delay_exit=…`), so that a test can kill it, or
/// change a file under it, at a known point of its work: between writing its temporary
/// file and renaming it, say. Nothing in the binary knows.
pub struct Held {
    strace: Child,
    pid_file: PathBuf,
    _dir: tempfile::TempDir,
}

/// The numbers of the rename system calls of this machine (Linux: strace and `/proc` are
/// Linux's).
#[cfg(target_os = "linux")]
pub fn rename_syscalls() -> Vec<i64> {
    #[allow(unused_mut)]
    let mut numbers = vec![libc::SYS_renameat, libc::SYS_renameat2];
    #[cfg(target_arch = "x86_64")]
    numbers.push(libc::SYS_rename);
    numbers
}

/// None elsewhere: the tests that hold a system call run on Linux only.
#[cfg(not(target_os = "linux"))]
pub fn rename_syscalls() -> Vec<i64> {
    Vec::new()
}

/// How long a held system call is held: long enough for a test to act, short enough not to
/// slow the run much.
pub const HOLD: Duration = Duration::from_secs(3);

impl Held {
    /// Starts `cmd` (built by [`Home::cmd`]) under strace, holding the system calls
    /// `syscalls` (comma-separated, e.g. `rename,renameat,renameat2`) as `how` says:
    /// `delay_enter` (before the call runs) or `delay_exit` (after), on the call number
    /// `when` of that set (1 = the first).
    pub fn start(cmd: &Command, syscalls: &str, how: &str, when: u32) -> Held {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let micros = HOLD.as_micros();
        let mut strace = Command::new("strace");
        strace
            .args(["-f", "-qq", "-o", "/dev/null"])
            .args(["-e", &format!("trace={syscalls}")])
            .args([
                "-e",
                &format!("inject={syscalls}:{how}={micros}:when={when}"),
            ])
            .args(["sh", "-c", "echo $$ > \"$0\"; exec \"$@\""])
            .arg(&pid_file)
            .arg(cmd.get_program())
            .args(cmd.get_args())
            .env_clear()
            .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = cmd.get_current_dir() {
            strace.current_dir(dir);
        }
        let strace = strace.spawn().unwrap_or_else(|err| {
            panic!("cannot run strace ({err}): ./scripts/test installs it (package strace)")
        });
        Held {
            strace,
            pid_file,
            _dir: dir,
        }
    }

    /// The process ID of awsmfa (not of strace).
    pub fn pid(&self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(text) = fs::read_to_string(&self.pid_file)
                && let Ok(pid) = text.trim().parse()
            {
                return pid;
            }
            assert!(
                Instant::now() < deadline,
                "awsmfa did not start under strace"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits (bounded) until `reached` holds, polling: the sign that the program got to the
    /// point being held.
    pub fn wait_until(&self, what: &str, mut reached: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !reached() {
            assert!(Instant::now() < deadline, "never reached: {what}");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Whether awsmfa is inside one of the system calls `numbers` now, held there
    /// (`/proc/PID/syscall`).
    pub fn in_syscall(&self, numbers: &[i64]) -> bool {
        fs::read_to_string(format!("/proc/{}/syscall", self.pid()))
            .ok()
            .and_then(|text| text.split_whitespace().next()?.parse::<i64>().ok())
            .is_some_and(|n| numbers.contains(&n))
    }

    /// Whether awsmfa holds a `flock` on `path` now (`/proc/locks`).
    pub fn holds_lock_on(&self, path: &Path) -> bool {
        let pid = self.pid().to_string();
        let inode = fs::metadata(path).unwrap().ino().to_string();
        fs::read_to_string("/proc/locks")
            .unwrap_or_default()
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>())
            .any(|fields| {
                fields.get(1) == Some(&"FLOCK")
                    && fields.get(4) == Some(&pid.as_str())
                    && fields.get(5).and_then(|dev| dev.rsplit(':').next()) == Some(inode.as_str())
            })
    }

    /// Kills awsmfa with SIGKILL and waits for strace to end.
    pub fn kill(mut self) {
        let pid = self.pid();
        let status = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -KILL {pid}");
        let _ = self.strace.wait();
    }

    /// Lets it run to the end; returns what it printed and its exit status.
    pub fn finish(self) -> Output {
        self.strace.wait_with_output().unwrap()
    }
}

// ---------------------------------------------------------------------------------------
// Faults that need root: another user, a pipe
// ---------------------------------------------------------------------------------------

/// The user nobody, for faults that root would not see.
pub const NOBODY: u32 = 65534;

/// Gives everything under `root` to `uid` (needs root).
pub fn chown_tree(root: &Path, uid: u32) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        std::os::unix::fs::lchown(&path, Some(uid), Some(uid))
            .unwrap_or_else(|e| panic!("chown {} (this test needs root): {e}", path.display()));
        if std::fs::symlink_metadata(&path).unwrap().is_dir() {
            for child in std::fs::read_dir(&path).unwrap().flatten() {
                stack.push(child.path());
            }
        }
    }
}

/// Runs `cmd` as the user nobody (needs root).
pub fn as_nobody(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    cmd.uid(NOBODY).gid(NOBODY);
}

/// Makes a named pipe at `path`.
pub fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}
