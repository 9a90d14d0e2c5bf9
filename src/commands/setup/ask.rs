//! Questions on the terminal for the guided `awsmfa setup`: each on stderr with a proposed
//! answer that Enter accepts, the answer read from stdin within [`ANSWER_TIMEOUT`]. Only
//! when both stdin and stderr are a terminal; otherwise there is no one to ask, and setup
//! names the flag that answers instead.

use std::cell::OnceCell;
use std::io::{IsTerminal, Write};
use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};

/// How long a question waits for its answer.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(600);

/// A person at a terminal.
pub struct Terminal {
    /// The lines typed, read by a thread started at the first question (a setup that asks
    /// nothing never reads the terminal, where a background job would be stopped).
    answers: OnceCell<mpsc::Receiver<Option<String>>>,
}

impl Terminal {
    /// The terminal, when stdin and stderr are one.
    pub fn open() -> Option<Terminal> {
        (std::io::stdin().is_terminal() && std::io::stderr().is_terminal()).then(|| Terminal {
            answers: OnceCell::new(),
        })
    }

    /// The typed lines, one for each question; `None` once stdin has ended. One reader for
    /// the whole run, so a line typed ahead is kept for the next question; a reader still
    /// waiting when setup ends is left to the process's end.
    fn answers(&self) -> &mpsc::Receiver<Option<String>> {
        self.answers.get_or_init(|| {
            let (tell, answers) = mpsc::channel();
            let reader = move || {
                let stdin = std::io::stdin();
                loop {
                    let mut line = String::new();
                    let answer = match stdin.read_line(&mut line) {
                        Ok(0) | Err(_) => None,
                        Ok(_) => Some(line.trim().to_string()),
                    };
                    let end = answer.is_none();
                    if tell.send(answer).is_err() || end {
                        break;
                    }
                }
            };
            // Without a thread the receiver's sender is gone at once: "stdin closed".
            let _ = std::thread::Builder::new()
                .name("answers".into())
                .spawn(reader);
            answers
        })
    }

    /// Writes `text` to the terminal (stderr).
    pub fn say(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
        let _ = err.flush();
    }

    /// Asks `question` and returns the answer, trimmed ("" for Enter); `flag` is what answers
    /// it without a terminal, for the message when no answer comes.
    fn answer(&self, question: &str, flag: &str) -> Result<String> {
        self.say(question);
        match self.answers().recv_timeout(ANSWER_TIMEOUT) {
            Ok(Some(answer)) => Ok(answer),
            Ok(None) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                self.say("\n");
                Err(Error::new(
                    ErrorKind::InvalidOption,
                    format!(
                        "setup stopped: no answer (stdin closed): run it again, or pass {flag}"
                    ),
                ))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Err(Error::new(
                ErrorKind::InvalidOption,
                format!(
                    "setup stopped: no answer within {} min: run it again, or pass {flag}",
                    ANSWER_TIMEOUT.as_secs() / 60
                ),
            )),
        }
    }

    /// A yes/no question whose proposed answer is yes: `question [Y/n] `.
    pub fn confirm(&self, question: &str, flag: &str) -> Result<bool> {
        loop {
            let answer = self.answer(&format!("{question} [Y/n] "), flag)?;
            match answer.to_lowercase().as_str() {
                "" | "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                _ => self.say("Type y or n (Enter: y).\n"),
            }
        }
    }

    /// Lists `options` (numbered from 1) and asks which; Enter takes the first, the proposed
    /// one.
    pub fn choose(&self, question: &str, options: &[String], flag: &str) -> Result<usize> {
        let mut list = String::new();
        for (i, option) in options.iter().enumerate() {
            list.push_str(&format!("  {}) {option}\n", i + 1));
        }
        self.say(&list);
        loop {
            let answer = self.answer(
                &format!("{question} [1-{}, Enter: 1] ", options.len()),
                flag,
            )?;
            if answer.is_empty() {
                return Ok(0);
            }
            match answer.parse::<usize>() {
                Ok(n) if (1..=options.len()).contains(&n) => return Ok(n - 1),
                _ => self.say(&format!("Type a number from 1 to {}.\n", options.len())),
            }
        }
    }
}
