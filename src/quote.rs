//! Text quoted into other text: a word for a POSIX shell, text for XML or markup, a message
//! from elsewhere as one line. A leaf: it imports nothing of the crate.

/// `word` quoted for a POSIX shell only when it needs it, for commands shown to people.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,:/@+=%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

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
    fn quotes_only_what_needs_it() {
        assert_eq!(shell_word("work"), "work");
        assert_eq!(shell_word("my profile"), "'my profile'");
        assert_eq!(shell_word("a'b;rm -rf"), r"'a'\''b;rm -rf'");
        assert_eq!(shell_word("$(x)"), "'$(x)'");
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
