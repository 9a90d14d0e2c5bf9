//! Runs a code source's child process (`op`, `mfa_process`, `ykman`) without ever stalling: stdin
//! closed, stdout and stderr read on their own threads (so neither pipe can fill up and stop
//! the child), the child killed at a deadline, and its output drained for a short grace only,
//! because a helper it started in the background may hold the pipes open after it exits.

use std::io::{self, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long to keep reading a child's output after it has exited. What the child itself
/// printed has arrived by then.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// What a finished child printed.
#[derive(Debug)]
pub struct Output {
    /// The exit code; `None` when a signal ended it.
    pub status: Option<i32>,
    /// Its stdout, lossily decoded.
    pub stdout: String,
    /// Its stderr, lossily decoded.
    pub stderr: String,
}

/// Why a child gave no output.
#[derive(Debug)]
pub enum RunError {
    /// It could not be started.
    Start(io::Error),
    /// It ran past the timeout and was killed.
    Timeout,
}

/// Runs `command` with stdin closed, killing it after `timeout`, and with it every process
/// it started (it runs in a process group of its own).
pub fn run(command: &mut Command, timeout: Duration) -> Result<Output, RunError> {
    use std::os::unix::process::CommandExt;
    run_leader(command.process_group(0), timeout)
}

/// [`run`], with `command` in a session of its own, so without a controlling terminal.
///
/// A program that asks for a password on the terminal itself (ykman for a YubiKey whose OATH
/// accounts have one, through Python's getpass, which opens `/dev/tty` whatever stdin is) then
/// finds no terminal and gives up at once. In a process group of its own but on awsmfa's
/// terminal it would be stopped by the terminal's job control (SIGTTOU, SIGTTIN) until the
/// timeout.
pub fn run_in_new_session(command: &mut Command, timeout: Duration) -> Result<Output, RunError> {
    use std::os::unix::process::CommandExt;
    // SAFETY: setsid is async-signal-safe and touches no memory of this process; it runs in
    // the forked child before exec. The child is not a process group leader yet (no
    // `process_group` here), so setsid succeeds and makes it the leader of a new group.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    run_leader(command, timeout)
}

/// Runs `command`, which leads a process group of its own, as [`run`] says.
fn run_leader(command: &mut Command, timeout: Duration) -> Result<Output, RunError> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(RunError::Start)?;
    let stdout = Collector::start(child.stdout.take());
    let stderr = Collector::start(child.stderr.take());
    let Some(status) = wait_until(&mut child, Instant::now() + timeout) else {
        // Nobody answered (a 1Password prompt, a hung command): stop it, and whatever it
        // started, so that nothing lingers.
        kill_group(&child);
        let _ = child.kill();
        let _ = child.wait();
        return Err(RunError::Timeout);
    };
    let drain_until = Instant::now() + DRAIN_GRACE;
    Ok(Output {
        status: status.code(),
        stdout: stdout.finish(drain_until),
        stderr: stderr.finish(drain_until),
    })
}

/// Sends SIGKILL to the process group `child` leads.
fn kill_group(child: &Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill has no memory effects; a group that is gone already is ESRCH.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

/// Waits for `child` to exit, until `deadline`. None if it is still running then.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    let mut pause = Duration::from_millis(5);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => {}
            // The child cannot be waited for; treat it as still running so it gets killed.
            Err(_) => return None,
        }
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// Reads one output pipe on its own thread.
struct Collector {
    bytes: Arc<Mutex<Vec<u8>>>,
    done: Receiver<()>,
}

impl Collector {
    fn start(pipe: Option<impl Read + Send + 'static>) -> Collector {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let (tell, done) = mpsc::channel();
        if let Some(mut pipe) = pipe {
            let sink = Arc::clone(&bytes);
            thread::spawn(move || {
                let mut chunk = [0u8; 4096];
                loop {
                    match pipe.read(&mut chunk) {
                        Ok(0) => break,
                        Ok(n) => sink
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .extend_from_slice(&chunk[..n]),
                        Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                        Err(_) => break,
                    }
                }
                let _ = tell.send(());
            });
        }
        Collector { bytes, done }
    }

    /// What was read, once the pipe has closed or `until` has passed.
    fn finish(self, until: Instant) -> String {
        let _ = self
            .done
            .recv_timeout(until.saturating_duration_since(Instant::now()));
        let bytes = self.bytes.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Duration) -> Result<Output, RunError> {
        run(Command::new("/bin/sh").arg("-c").arg(script), timeout)
    }

    #[test]
    fn collects_both_pipes_and_the_status() {
        let out = sh("echo out; echo err >&2; exit 3", Duration::from_secs(10)).unwrap();
        assert_eq!(
            (out.status, out.stdout.as_str(), out.stderr.as_str()),
            (Some(3), "out\n", "err\n")
        );
    }

    #[test]
    fn a_hanging_child_is_killed() {
        let started = Instant::now();
        let result = sh("sleep 30", Duration::from_millis(200));
        assert!(matches!(result, Err(RunError::Timeout)));
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_timed_out_child_is_stopped_with_everything_it_started() {
        let marker = format!("AWSMFA_PROCESS_TEST={}", std::process::id());
        let (name, value) = marker.split_once('=').unwrap();
        let result = run(
            Command::new("/bin/sh")
                .args(["-c", "sleep 300 & sleep 300"])
                .env(name, value),
            Duration::from_millis(300),
        );
        assert!(matches!(result, Err(RunError::Timeout)));
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = std::fs::read_dir("/proc")
                .unwrap()
                .filter_map(|entry| std::fs::read(entry.ok()?.path().join("environ")).ok())
                .filter(|environ| environ.split(|b| *b == 0).any(|v| v == marker.as_bytes()))
                .count();
            if left == 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{left} processes it started still run"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_child_in_a_new_session_has_no_terminal_and_leads_its_group() {
        // /proc/PID/stat: pid (comm) state ppid pgrp session tty_nr …
        let out = run_in_new_session(
            Command::new("/bin/sh").args(["-c", "echo $$; cut -d' ' -f5-7 /proc/$$/stat"]),
            Duration::from_secs(10),
        )
        .unwrap();
        let mut lines = out.stdout.lines();
        let pid = lines.next().unwrap();
        assert_eq!(
            lines.next().unwrap(),
            format!("{pid} {pid} 0"),
            "its own group and session, no terminal"
        );
        let killed = Instant::now();
        let result = run_in_new_session(
            Command::new("/bin/sh").args(["-c", "sleep 300 & sleep 300"]),
            Duration::from_millis(200),
        );
        assert!(matches!(result, Err(RunError::Timeout)));
        assert!(killed.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn a_background_helper_holding_the_pipes_does_not_stall_it() {
        // The child exits at once; the `sleep` it leaves behind keeps stdout open.
        let started = Instant::now();
        let out = sh("echo 123456; sleep 30 &", Duration::from_secs(10)).unwrap();
        assert_eq!(out.stdout, "123456\n");
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn a_missing_program_is_a_start_error() {
        let result = run(
            &mut Command::new("/nonexistent/awsmfa-test"),
            Duration::from_secs(1),
        );
        assert!(matches!(result, Err(RunError::Start(e)) if e.kind() == io::ErrorKind::NotFound));
    }
}
