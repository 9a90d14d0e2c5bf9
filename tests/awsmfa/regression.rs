//! One test per bug found in the AWS file editor (`src/ini.rs`) by the property tests
//! (`tests/ini_properties.rs`) and the fuzzers (`./scripts/fuzz`), each named after the bug
//! and pinning the exact bytes written.

use awsmfa::ini::Document;

fn upsert(text: &str, name: &str, values: &[(&str, &str)]) -> String {
    let doc = Document::parse(text).expect("the input parses");
    let out = doc.upsert(name, values, &[]).expect("the edit is accepted");
    let again = Document::parse(out.as_str()).expect("the result parses");
    assert_eq!(
        again.upsert(name, values, &[]).unwrap(),
        out,
        "a second identical edit changes nothing"
    );
    out
}

/// Found by the property tests: a file of only blanks without a final line end (`" "`) got
/// the new header glued to its last line (`" [work]"`).
#[test]
fn a_new_section_after_a_last_line_of_blanks_starts_a_line_of_its_own() {
    assert_eq!(upsert(" ", "work", &[("k", "v")]), " \n[work]\nk = v\n");
    assert_eq!(
        upsert("\n\t", "work", &[("k", "v")]),
        "\n\t\n[work]\nk = v\n"
    );
    // A lone BOM is no line: the header follows it directly, as before.
    assert_eq!(
        upsert("\u{feff}", "work", &[("k", "v")]),
        "\u{feff}[work]\nk = v\n"
    );
}

/// Found by the property tests: a file that is one line ended by a lone CR (`"\r"`) was
/// edited with LF lines, and the LF after that CR then made its first line CRLF, so the
/// next identical edit rewrote awsmfa's lines with CRLF (the edit was not idempotent).
#[test]
fn a_lone_cr_that_ends_the_first_line_counts_as_crlf() {
    assert_eq!(
        upsert("\r", "work", &[("k", "v")]),
        "\r\n[work]\r\nk = v\r\n"
    );
    assert_eq!(
        upsert("[a]\r", "work", &[("k", "v")]),
        "[a]\r\n\r\n[work]\r\nk = v\r\n"
    );
}

/// Found by the property tests: a key starting with `#` or `;` was accepted and written as
/// `# = [`, which reads back as a comment, so the section did not hold the key.
#[test]
fn a_key_that_would_start_a_comment_is_refused() {
    let doc = Document::parse("").unwrap();
    for key in ["#", "#key", ";key"] {
        let err = doc.upsert("a", &[(key, "v")], &[]).unwrap_err();
        assert!(
            err.problem.contains("cannot be written to an AWS file"),
            "{key:?}: {}",
            err.problem
        );
    }
    // Inside a key, the marks are ordinary characters.
    assert_eq!(upsert("", "a", &[("k#1", "v")]), "[a]\nk#1 = v\n");
}

/// Found by `./scripts/fuzz` (target `edit`): the target section's last line ended in a
/// lone CR at the end of the file (`[z]\r`); the edit added a CRLF after that CR, so the
/// line read `[z]\r` from then on. The CR now gets its LF.
#[test]
fn a_section_whose_last_line_ends_in_a_lone_cr_keeps_that_line() {
    // The fuzzer's input, as it found it.
    let text = "[work-mfa]\r\naws_access_key_id = AKIA0\r\naws_secret_accesskey = s\r\n\r\n\
                [work]\r\naws_session_token = t\r\n\r\n[z]\r";
    let values = [
        ("aws_access_key_id", "a = b # [c] ; 0"),
        ("aws_secret_access_key", "a = b # [c] ; 1"),
        ("aws_session_token", "a = b # [c] ; 2"),
        ("x_security_token_expires", "a = b # [c] ; 3"),
        ("region", "a = b # [c] ; 4"),
        ("ключ", "a = b # [c] ; 5"),
    ];
    let out = upsert(text, "z", &values);
    assert_eq!(
        out,
        format!(
            "{text}\naws_access_key_id = a = b # [c] ; 0\r\naws_secret_access_key = a = b # [c] ; 1\r\n\
             aws_session_token = a = b # [c] ; 2\r\nx_security_token_expires = a = b # [c] ; 3\r\n\
             region = a = b # [c] ; 4\r\nключ = a = b # [c] ; 5\r\n"
        )
    );
    // The same with LF lines, and after a setting instead of the header.
    assert_eq!(
        upsert("[a]\nk = v\n[z]\r", "z", &[("x", "1")]),
        "[a]\nk = v\n[z]\r\nx = 1\n"
    );
    assert_eq!(
        upsert("[z]\nk = v\r", "z", &[("x", "1")]),
        "[z]\nk = v\r\nx = 1\n"
    );
    // Nothing to add: not even a line end is.
    assert_eq!(upsert("[z]\r", "z", &[]), "[z]\r");
}
