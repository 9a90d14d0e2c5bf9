//! `awsmfa login` killed with SIGKILL at any point — while it waits for STS, while it reads
//! the answer, while it writes the credentials file, after — leaves that file exactly as it
//! was or exactly as a finished login leaves it, never anything in between; a temporary file
//! a killed login leaves behind is swept by the next one, which succeeds.
//!
//! Each window of the write is hit on purpose: the login runs under strace, which holds one
//! system call (the fsync of the temporary file, the rename, the fsync of the folder) for a
//! few seconds; the test checks that the files show the login inside that window, kills it
//! there and checks what it left. A sweep of kills at delays spread around the STS answer
//! (STS here is a tiny server on loopback that holds each request until the test releases
//! it) then checks the same promise at moments nobody chose.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use crate::support::{Held, Home, rename_syscalls, session_xml, sts_answering};
use awsmfa::ini::Document;

const PROFILE: &str = "crash";
const ITERATIONS: u32 = 40;
/// The loop stops early rather than run past this on a very slow machine.
const TIME_LIMIT: Duration = Duration::from_secs(40);
/// How long to wait for the login's request before calling the run broken.
const REQUEST_LIMIT: Duration = Duration::from_secs(20);

/// What STS hands out: a session whose keys the test knows.
fn answer_xml() -> String {
    let expiration = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(12))
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    session_xml(
        "ASIACRASHSAFETY00001",
        "crash/safety+secret",
        "FwoGZXIvYXdzEcrashsafetytoken",
        &expiration,
    )
}

/// An STS that holds each request until the test answers it: every request arrives on
/// `arrived` as a sender; a send on it makes the server answer with `xml`, dropping it
/// makes the server drop the connection (its login was killed).
struct HeldSts {
    url: String,
    arrived: Receiver<Sender<()>>,
}

impl HeldSts {
    fn start(xml: String) -> HeldSts {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (arrived_tx, arrived) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (arrived_tx, xml) = (arrived_tx.clone(), xml.clone());
                std::thread::spawn(move || {
                    if read_request(&mut stream).is_err() {
                        return;
                    }
                    let (release, released) = mpsc::channel();
                    if arrived_tx.send(release).is_err() || released.recv().is_err() {
                        return;
                    }
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{xml}",
                        xml.len()
                    );
                    let _ = stream.write_all(reply.as_bytes());
                });
            }
        });
        HeldSts { url, arrived }
    }
}

/// Reads one HTTP request (headers and a `content-length` body).
fn read_request(stream: &mut TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(REQUEST_LIMIT))?;
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)
}

fn credentials() -> String {
    let mut text = String::from(
        "# Long-term keys. Rotate every 90 days!\r\n[crash-mfa]\r\n\
         aws_access_key_id = AKIAIOSFODNN7EXAMPLE\r\n\
         aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\r\n\r\n\
         [crash]\r\naws_access_key_id = ASIAOLDSESSION\r\naws_secret_access_key = old\r\n\
         aws_session_token = old-token\r\nx_security_token_expires = 2020-01-01T00:00:00Z\r\n\
         aws_security_token = old-token\r\n\r\n; another tool's profile\r\n[other]\r\nregion = eu-west-1\r\n",
    );
    // Padding so that writing the file takes long enough for kills to land inside it.
    let mut n = 0;
    while text.len() < 512 * 1024 {
        text.push_str(&format!(
            "# padding line {n:06}: the bytes of other tools' comments must survive too\r\n"
        ));
        n += 1;
    }
    text.push_str("[last]\r\nkey = the end of the file\r\n");
    text
}

fn login_command(home: &Home, sts_url: &str) -> std::process::Command {
    let mut cmd = home.cmd();
    cmd.args(["login", PROFILE, "--code", "123456", "--format", "json"])
        .env("AWS_ENDPOINT_URL_STS", sts_url);
    cmd
}

fn login(home: &Home, sts: &HeldSts) -> Child {
    login_command(home, &sts.url)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start awsmfa")
}

/// Waits until the login's request reached STS; returns what answers it.
fn wait_for_request(sts: &HeldSts, child: &mut Child) -> Sender<()> {
    match sts.arrived.recv_timeout(REQUEST_LIMIT) {
        Ok(release) => release,
        Err(_) => {
            let _ = child.kill();
            panic!("the login never called STS: {}", stderr_of(child));
        }
    }
}

/// Waits for `child` and returns what it printed on stderr.
fn stderr_of(child: &mut Child) -> String {
    let _ = child.wait();
    let mut text = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut text);
    }
    text
}

/// awsmfa's temporary files next to the credentials file.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".credentials.awsmfa-") && name.ends_with(".tmp"))
        .collect()
}

/// The sections of a file, by name, as `Document` reads them.
fn sections(text: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let doc = Document::parse(text).expect("the credentials file parses");
    doc.sections()
        .map(|s| {
            let entries = doc
                .settings(s)
                .map(|e| (e.key.to_string(), e.value.to_string()))
                .collect();
            (s.name.to_string(), entries)
        })
        .collect()
}

#[test]
fn logins_killed_at_moments_nobody_chose_leave_the_old_file_or_the_new_one() {
    let old = credentials();
    let home = Home::new(
        "[profile crash]\nmfa_serial = arn:aws:iam::123456789012:mfa/crash\n",
        &old,
    );
    let aws_dir = home.credentials_path().parent().unwrap().to_path_buf();
    let sts = HeldSts::start(answer_xml());

    // One login that finishes: the new version, and how long the tail after STS takes.
    let mut child = login(&home, &sts);
    let release = wait_for_request(&sts, &mut child);
    let released = Instant::now();
    release.send(()).unwrap();
    let status = child.wait().unwrap();
    let tail = released.elapsed();
    let stderr = stderr_of(&mut child);
    assert!(status.success(), "the reference login failed: {stderr}");
    let new = home.read_credentials();
    assert_ne!(new, old);
    assert!(
        new.contains("\r\n[crash]\r\naws_access_key_id = ASIACRASHSAFETY00001\r\n"),
        "the session replaced the old one in place"
    );
    let (old_sections, new_sections) = (sections(&old), sections(&new));

    let started = Instant::now();
    let mut outcomes = BTreeMap::<&str, u32>::new();
    for i in 0..ITERATIONS {
        if started.elapsed() > TIME_LIMIT {
            break;
        }
        std::fs::write(home.credentials_path(), &old).unwrap();
        let mut child = login(&home, &sts);
        let release = wait_for_request(&sts, &mut child);
        // Every 10th kill lands while the login waits for STS; the others at delays
        // spread over 0..1.5 × the tail measured above, in a scrambled order.
        if i % 10 != 0 {
            let fraction = f64::from((i * 37) % ITERATIONS) / f64::from(ITERATIONS);
            release.send(()).unwrap();
            std::thread::sleep(tail.mul_f64(1.5 * fraction));
        }
        child.kill().unwrap();
        let status = child.wait().unwrap();

        let now = std::fs::read_to_string(home.credentials_path()).unwrap();
        if i % 10 == 0 {
            assert_eq!(now, old, "kill #{i}, while the login waited for STS");
        }
        let outcome = if now == old {
            assert_eq!(sections(&now), old_sections);
            if status.success() {
                "old (finished?)"
            } else {
                "old"
            }
        } else if now == new {
            assert_eq!(sections(&now), new_sections);
            "new"
        } else {
            panic!(
                "kill #{i} left a file that is neither the old nor the new one ({} bytes)",
                now.len()
            );
        };
        *outcomes.entry(outcome).or_default() += 1;
    }
    assert!(
        !outcomes.contains_key("old (finished?)"),
        "a login that exited 0 left the old file: {outcomes:?}"
    );

    // Whatever the kills left behind, the next login works and sweeps it.
    std::fs::write(home.credentials_path(), &old).unwrap();
    let mut child = login(&home, &sts);
    let release = wait_for_request(&sts, &mut child);
    release.send(()).unwrap();
    let status = child.wait().unwrap();
    let stderr = stderr_of(&mut child);
    assert!(
        status.success(),
        "the login after the kills failed: {stderr}"
    );
    assert_eq!(home.read_credentials(), new);
    assert_eq!(
        temporaries(&aws_dir),
        Vec::<String>::new(),
        "temporary files were left"
    );
    let names: Vec<String> = std::fs::read_dir(&aws_dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "only config and credentials remain: {names:?}"
    );
}

/// Where a held login is killed, and what it must leave.
struct Window {
    what: &'static str,
    syscalls: &'static str,
    how: &'static str,
    when: u32,
    /// What the folder shows once the login is inside the window: the credentials file
    /// as it is then, and whether a temporary file with the whole new text is there.
    inside: (Version, bool),
    /// What the kill leaves: the credentials file, and whether a temporary file is left.
    after: (Version, bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    Old,
    New,
}

const RENAMES: &str = "rename,renameat,renameat2";

const WINDOWS: [Window; 4] = [
    Window {
        what: "the temporary file is written and synced, not yet checked or renamed",
        syscalls: "fsync",
        how: "delay_exit",
        when: 1,
        inside: (Version::Old, true),
        after: (Version::Old, true),
    },
    Window {
        what: "checked, about to be renamed over the file",
        syscalls: RENAMES,
        how: "delay_enter",
        when: 1,
        inside: (Version::Old, true),
        after: (Version::Old, true),
    },
    Window {
        what: "renamed, the folder not yet synced",
        syscalls: RENAMES,
        how: "delay_exit",
        when: 1,
        inside: (Version::New, false),
        after: (Version::New, false),
    },
    Window {
        what: "renamed and the folder synced, the login not yet done",
        syscalls: "fsync",
        how: "delay_exit",
        when: 2,
        inside: (Version::New, false),
        after: (Version::New, false),
    },
];

#[test]
fn a_login_killed_inside_each_window_of_the_write_leaves_the_old_file_or_the_new_one() {
    if !crate::support::linux_only("strace, which holds a system call") {
        return;
    }
    let old = credentials();
    let home = Home::new(
        "[profile crash]\nmfa_serial = arn:aws:iam::123456789012:mfa/crash\n",
        &old,
    );
    let aws_dir = home.credentials_path().parent().unwrap().to_path_buf();
    let sts = sts_answering(200, answer_xml());
    let out = login_command(&home, &sts).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new = home.read_credentials();
    assert_ne!(new, old);
    let text = |version| match version {
        Version::Old => old.as_str(),
        Version::New => new.as_str(),
    };
    let whole_temporary = || {
        temporaries(&aws_dir).iter().any(|name| {
            std::fs::read_to_string(aws_dir.join(name)).ok().as_deref() == Some(new.as_str())
        })
    };

    let mut hit = Vec::new();
    for window in WINDOWS {
        std::fs::write(home.credentials_path(), &old).unwrap();
        for name in temporaries(&aws_dir) {
            std::fs::remove_file(aws_dir.join(name)).unwrap();
        }
        let held = Held::start(
            &login_command(&home, &sts),
            window.syscalls,
            window.how,
            window.when,
        );
        let (file, temporary) = window.inside;
        held.wait_until(window.what, || {
            std::fs::read_to_string(home.credentials_path())
                .ok()
                .as_deref()
                == Some(text(file))
                && whole_temporary() == temporary
                && (window.syscalls != RENAMES || held.in_syscall(&rename_syscalls()))
        });
        held.kill();
        let (file, temporary) = window.after;
        assert_eq!(
            home.read_credentials(),
            text(file),
            "killed when {}: the file is not the {file:?} one",
            window.what
        );
        assert_eq!(
            !temporaries(&aws_dir).is_empty(),
            temporary,
            "killed when {}: temporary files {:?}",
            window.what,
            temporaries(&aws_dir)
        );
        hit.push(window.what);
    }
    assert_eq!(hit.len(), WINDOWS.len(), "every window was hit: {hit:?}");

    // What the kills left, the next login sweeps, and it succeeds.
    std::fs::write(home.credentials_path(), &old).unwrap();
    let out = login_command(&home, &sts).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(home.read_credentials(), new);
    assert_eq!(temporaries(&aws_dir), Vec::<String>::new());
}
