//! Text quoted into other text: a word for a POSIX shell, text for XML or markup, a message
//! from elsewhere as one line. A leaf: it imports nothing of the crate.

/// `word` quoted for a POSIX shell only when it needs it, for commands shown to people.
pub fn shell_word(word: &str) -> String {
    let mut out = String::new();
    push_shell_word(&mut out, word);
    out
}

/// [`shell_word`], appended to `out` (`list` quotes every profile's name into its row).
pub fn push_shell_word(out: &mut String, word: &str) {
    if plain_shell_word(word) {
        out.push_str(word);
        return;
    }
    out.push('\'');
    let mut pieces = word.split('\'');
    out.push_str(pieces.next().unwrap_or_default());
    for piece in pieces {
        out.push_str(r"'\''");
        out.push_str(piece);
    }
    out.push('\'');
}

/// Whether a shell reads `word` as itself: not empty, only ASCII letters, digits and
/// `-_.,:/@+=%`. Byte by byte: no byte of a non-ASCII character is one of them. A table
/// look-up a byte: `list` asks this of every profile's name per keystroke in Alfred, and the
/// ranges tested one by one cost it 0.05 M instructions more at 1,000 profiles (callgrind).
pub fn plain_shell_word(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| SHELL_PLAIN[usize::from(b)])
}

/// Whether a byte is one [`plain_shell_word`] allows.
const fn shell_plain(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
        | b'-' | b'_' | b'.' | b',' | b':' | b'/' | b'@' | b'+' | b'=' | b'%')
}

/// [`shell_plain`] of every byte.
const SHELL_PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = shell_plain(b as u8);
        b += 1;
    }
    table
};

/// `text` split into words as Python's `shlex.split` splits them (POSIX rules, which
/// botocore uses for config headers): white space separates words, single quotes keep
/// everything, double quotes keep all but `\"` and `\\`, a backslash outside quotes keeps
/// the next character. `None` where shlex fails: an unclosed quote, a trailing backslash.
pub fn shell_split(text: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\\' => {
                word.push(chars.next()?);
                in_word = true;
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\') => word.push(c),
                            c => {
                                word.push('\\');
                                word.push(c);
                            }
                        },
                        c => word.push(c),
                    }
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// `&`, `<` and `>` escaped: text for a property list, or for a notification server that
/// reads the body as markup.
pub fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `text` with every run of white space (line breaks included) as one space, for messages
/// quoted from AWS or another program.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_are_letters_digits_and_a_few_marks() {
        let plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,:/@+=%";
        for b in 0..=u8::MAX {
            let word = [b];
            let want = plain.as_bytes().contains(&b);
            assert_eq!(SHELL_PLAIN[usize::from(b)], want, "{b}");
            if let Ok(word) = std::str::from_utf8(&word) {
                assert_eq!(plain_shell_word(word), want, "{word:?}");
                assert_eq!(plain_shell_word(&format!("a{word}b")), want, "{word:?}");
            }
        }
        assert!(!plain_shell_word(""));
        assert!(!plain_shell_word("ops·team"));
    }

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(shell_word("work"), "work");
        assert_eq!(shell_word("my profile"), "'my profile'");
        assert_eq!(shell_word("a'b;rm -rf"), r"'a'\''b;rm -rf'");
        assert_eq!(shell_word("$(x)"), "'$(x)'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn quotes_as_the_plain_definition_does() {
        // shell_word as it was first written: by characters, with a String per step.
        let by_chars = |word: &str| {
            let plain = !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.,:/@+=%".contains(c));
            if plain {
                word.to_string()
            } else {
                format!("'{}'", word.replace('\'', r"'\''"))
            }
        };
        let mut words: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
        for word in [
            "", "é", "a·b", "work-01", "it's", "'", "a''b'", "x\0y", "ünï",
        ] {
            words.push(word.to_string());
        }
        for word in &words {
            assert_eq!(shell_word(word), by_chars(word), "{word:?}");
        }
    }

    #[test]
    fn splits_words_as_pythons_shlex_does() {
        let split = |s: &str| shell_split(s).map(|w| w.join("|"));
        assert_eq!(split("profile work").as_deref(), Some("profile|work"));
        assert_eq!(split("profile\t  work ").as_deref(), Some("profile|work"));
        assert_eq!(
            split("profile \"ops team\"").as_deref(),
            Some("profile|ops team")
        );
        assert_eq!(split("profile 'a b'").as_deref(), Some("profile|a b"));
        assert_eq!(split("profile a\\ b").as_deref(), Some("profile|a b"));
        assert_eq!(
            split("profile \"a\\\"b\\x\"").as_deref(),
            Some("profile|a\"b\\x")
        );
        assert_eq!(split("profile ''").as_deref(), Some("profile|"));
        assert_eq!(split("profile \"a"), None);
        assert_eq!(split("profile a\\"), None);
        // What shell_word quotes, shell_split reads back.
        for name in ["ops team", "it's", "a\"b", "ünï"] {
            let words = shell_split(&format!("profile {}", shell_word(name))).unwrap();
            assert_eq!(words, ["profile", name]);
        }
    }

    #[test]
    fn escapes_what_markup_would_read_as_tags() {
        assert_eq!(xml_text("a<b> & c"), "a&lt;b&gt; &amp; c");
    }

    #[test]
    fn folds_white_space() {
        assert_eq!(one_line(" a\n\tb  c "), "a b c");
    }
}
