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
    fn escapes_what_markup_would_read_as_tags() {
        assert_eq!(xml_text("a<b> & c"), "a&lt;b&gt; &amp; c");
    }

    #[test]
    fn folds_white_space() {
        assert_eq!(one_line(" a\n\tb  c "), "a b c");
    }
}
