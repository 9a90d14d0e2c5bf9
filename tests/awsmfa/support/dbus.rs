//! A private D-Bus session bus per test, and a notification service on it that records
//! every call (`tests/support/notification_listener.py`, run with the `.venv` Python).
//!
//! The tests point the real binary at the bus through `DBUS_SESSION_BUS_ADDRESS`, as a
//! desktop session does. Both processes end when their handle is dropped. Missing tools are
//! a failure that says how to install them, never a skip.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{REPO, python};
const HOW_TO_INSTALL: &str = "run the tests through ./scripts/test, which installs dbus \
     (dbus-daemon) with apt-get and dbus-next into .venv from requirements-test.txt, and puts \
     .venv/bin first on PATH";
/// How long the bus or the listener may take to start.
const START_LIMIT: Duration = Duration::from_secs(20);

/// The first line `child` prints on stdout, within [`START_LIMIT`].
fn first_line(stdout: ChildStdout) -> Result<String, String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let read = reader.read_line(&mut line);
        let _ = sender.send(read.map(|_| line.trim().to_owned()));
        // Keep draining, so the child never blocks on a full pipe.
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    match receiver.recv_timeout(START_LIMIT) {
        Ok(Ok(line)) => Ok(line),
        Ok(Err(err)) => Err(format!("reading its stdout failed: {err}")),
        Err(_) => Err(format!("nothing on stdout within {START_LIMIT:?}")),
    }
}

fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// A `dbus-daemon` of its own, with no service activation (nothing answers but what a test
/// starts), listening on a socket in a temporary folder.
pub struct Bus {
    child: Child,
    address: String,
    dir: tempfile::TempDir,
}

impl Bus {
    /// Starts the bus and waits (bounded) for its address.
    pub fn start() -> Bus {
        let dir = tempfile::Builder::new()
            .prefix("awsmfa-bus-")
            .tempdir()
            .expect("create a folder for the bus");
        let config = dir.path().join("session.conf");
        fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                dir.path().join("bus").display()
            ),
        )
        .expect("write the bus configuration");
        let log = dir.path().join("dbus-daemon.log");
        let mut child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(fs::File::create(&log).expect("create the bus log"))
            .spawn()
            .unwrap_or_else(|err| panic!("cannot run dbus-daemon ({err}): {HOW_TO_INSTALL}"));
        let stdout = child.stdout.take().expect("piped stdout");
        match first_line(stdout) {
            Ok(address) if address.starts_with("unix:") => Bus {
                child,
                address,
                dir,
            },
            outcome => {
                stop(&mut child);
                panic!(
                    "dbus-daemon did not start ({outcome:?}; stderr: {}): {HOW_TO_INSTALL}",
                    fs::read_to_string(&log).unwrap_or_default().trim()
                );
            }
        }
    }

    /// The value for `DBUS_SESSION_BUS_ADDRESS`.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Ends the bus now (as a desktop session that closes).
    pub fn stop(&mut self) {
        stop(&mut self.child);
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// A Secret Service on a [`Bus`] that takes every call and never answers
/// (`tests/support/stuck_secret_service.py`).
pub struct StuckSecretService {
    child: Child,
}

impl StuckSecretService {
    /// Starts it and waits (bounded) until it owns `org.freedesktop.secrets`.
    pub fn start(bus: &Bus) -> StuckSecretService {
        let script = Path::new(REPO).join("tests/support/stuck_secret_service.py");
        let mut child = Command::new(python())
            .arg(&script)
            .args(["--address", bus.address()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|err| {
                panic!("cannot run {} ({err}): {HOW_TO_INSTALL}", script.display())
            });
        let stdout = child.stdout.take().expect("piped stdout");
        match first_line(stdout) {
            Ok(line) if line == "ready" => StuckSecretService { child },
            outcome => {
                stop(&mut child);
                panic!("the stuck Secret Service did not start ({outcome:?}): {HOW_TO_INSTALL}");
            }
        }
    }
}

impl Drop for StuckSecretService {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        stop(&mut self.child);
    }
}

/// How the listener answers.
#[derive(Debug, Clone, Default)]
pub struct Answers {
    /// Advertise `body-markup`.
    pub markup: bool,
    /// Refuse every `Notify` with this error text.
    pub refuse: Option<String>,
}

/// `org.freedesktop.Notifications` on a [`Bus`], recording every call.
pub struct Listener {
    child: Child,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Listener {
    /// Starts a listener that answers like a notification daemon.
    pub fn start(bus: &Bus) -> Listener {
        Listener::with(bus, Answers::default())
    }

    /// Starts a listener with these answers and waits (bounded) until it owns the name.
    pub fn with(bus: &Bus, answers: Answers) -> Listener {
        Listener::on_address(bus.address(), answers)
    }

    /// [`Listener::with`] on the bus at `address` (the private session's, say).
    pub fn on_address(address: &str, answers: Answers) -> Listener {
        let dir = tempfile::Builder::new()
            .prefix("awsmfa-listener-")
            .tempdir()
            .expect("create a folder for the listener");
        let log = dir.path().join("calls.jsonl");
        let stderr = dir.path().join("stderr.txt");
        let script = Path::new(REPO).join("tests/support/notification_listener.py");
        let python = python();
        let mut command = Command::new(&python);
        command
            .arg(&script)
            .args(["--address", address])
            .arg("--log")
            .arg(&log)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(fs::File::create(&stderr).expect("create the listener's stderr file"));
        if answers.markup {
            command.arg("--markup");
        }
        if let Some(text) = &answers.refuse {
            command.args(["--refuse", text]);
        }
        let mut child = command.spawn().unwrap_or_else(|err| {
            panic!("cannot run {} ({err}): {HOW_TO_INSTALL}", python.display())
        });
        let stdout = child.stdout.take().expect("piped stdout");
        match first_line(stdout) {
            Ok(line) if line == "ready" => Listener {
                child,
                log,
                _dir: dir,
            },
            outcome => {
                stop(&mut child);
                panic!(
                    "the notification listener did not start ({outcome:?}; stderr: {}): {HOW_TO_INSTALL}",
                    fs::read_to_string(&stderr).unwrap_or_default().trim()
                );
            }
        }
    }

    /// Every call so far, oldest first.
    pub fn calls(&self) -> Vec<Value> {
        let mut text = String::new();
        if let Ok(mut file) = fs::File::open(&self.log) {
            file.read_to_string(&mut text)
                .expect("read the listener's log");
        }
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("the listener writes JSON lines"))
            .collect()
    }

    /// The `Notify` calls so far (refused ones included), oldest first.
    pub fn notifications(&self) -> Vec<Value> {
        self.calls()
            .into_iter()
            .filter(|c| c["method"] == "Notify")
            .collect()
    }

    /// The person presses the button `action` of notification `id` (the listener emits
    /// `ActionInvoked`, then `NotificationClosed`, to the connection that posted it).
    pub fn invoke(&self, id: u64, action: &str) {
        self.tell(&format!("invoke {id} {action}\n"));
    }

    /// The person closes notification `id`.
    pub fn close(&self, id: u64) {
        self.tell(&format!("close {id}\n"));
    }

    fn tell(&self, line: &str) {
        use std::io::Write;
        let mut stdin = self
            .child
            .stdin
            .as_ref()
            .expect("the listener's stdin is piped");
        stdin
            .write_all(line.as_bytes())
            .and_then(|()| stdin.flush())
            .expect("tell the listener");
    }

    /// Waits (up to `limit`) until at least `count` notifications came, and returns them all.
    pub fn wait_for(&self, count: usize, limit: Duration) -> Vec<Value> {
        let deadline = Instant::now() + limit;
        loop {
            let shown = self.notifications();
            if shown.len() >= count || Instant::now() >= deadline {
                return shown;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        stop(&mut self.child);
    }
}
