//! Property tests of the section editor (`awsmfa::ini`): for generated files of every shape
//! the AWS files come in — sections, `#`/`;` comments, blank lines, CRLF/LF (also mixed), a
//! BOM, duplicate sections and keys, names with spaces, dots and unicode, long lines,
//! indented continuation lines, no trailing newline — and any upsert or removal:
//!
//! - every byte outside the target section(s) is unchanged (a missing section is appended
//!   after the old text, which stays a byte-for-byte prefix),
//! - the result parses,
//! - the target holds exactly the new keys, once each, and no removed key,
//! - every other line of the target — other keys with their continuation lines, comments,
//!   blank lines, the header — survives in its order.
//!
//! The checks live in `fuzz/src/invariants.rs`, shared with the fuzz targets; they compare
//! the editor's output with a second, line-by-line reading of the file written from the
//! grammar, independently of `src/ini.rs`.

#[path = "../../fuzz/src/invariants.rs"]
#[allow(dead_code)]
mod invariants;

/// The byte-preservation corpus the editor's unit tests use.
#[path = "../../src/ini/corpus.rs"]
mod corpus;

use awsmfa::ini::Document;
use invariants::{check_move, check_parse, check_remove, check_upsert};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::{Config, FileFailurePersistence, RngAlgorithm};

/// Section names: plain, the `-mfa` source convention, spaces, dots, unicode, a `#` inside,
/// the config file's `profile x` form.
const NAMES: &[&str] = &[
    "work",
    "work-mfa",
    "my profile",
    "team.prod",
    "ünïcødé-账户",
    "profile work",
    "default",
    "a#b",
];

/// Keys found in files, case variants included (keys match case-insensitively).
const FILE_KEYS: &[&str] = &[
    "aws_access_key_id",
    "AWS_ACCESS_KEY_ID",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
    "x_security_token_expires",
    "expiration",
    "Expiration",
    "region",
    "s3",
    "note",
    "ключ",
    "key with spaces",
];

/// Keys an upsert may set (unique ignoring ASCII case, as awsmfa's are).
const SET_KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "x_security_token_expires",
    "region",
    "ключ",
];

/// Keys an edit may remove.
const REMOVE_KEYS: &[&str] = &[
    "aws_security_token",
    "expiration",
    "note",
    "S3",
    "key with spaces",
    "REGION",
];

// ---------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------

/// How the lines of one file end.
#[derive(Debug, Clone, Copy)]
enum Endings {
    Lf,
    Crlf,
    Mixed,
}

/// Strings matching `regex`, parsed once (a `&str` strategy parses it for every value).
fn text(regex: &str) -> proptest::string::RegexGeneratorStrategy<String> {
    proptest::string::string_regex(regex).expect("a valid regex")
}

/// A value: short text with the characters values really hold, empty, or a long line.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => text("[A-Za-z0-9/+=]{1,24}"),
        2 => text("[a-z0-9 #;:=\\[\\]ü账.-]{0,16}[a-z0-9]"),
        1 => Just(String::new()),
        1 => (select(&['x', 'é', '/'][..]), 500..4000usize)
            .prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

/// One line of a section body, without its line end.
fn body_line() -> impl Strategy<Value = String> {
    let entry = (
        select(&["", "", "", " ", "\t"][..]),
        select(FILE_KEYS),
        select(&[" = ", "=", " =", " : ", ":", "\t=\t"][..]),
        value(),
        select(&["", "", "  "][..]),
    )
        .prop_map(|(indent, key, delim, value, trail)| {
            format!("{indent}{key}{delim}{value}{trail}")
        });
    let comment = (
        select(&["", "", "  "][..]),
        select(&["#", ";"][..]),
        text("[ a-z\\[\\]=#]{0,30}"),
    )
        .prop_map(|(indent, mark, text)| format!("{indent}{mark}{text}"));
    let blank = select(&["", "", "  ", "\t"][..]).prop_map(str::to_string);
    let continuation = (
        select(&["  ", "\t", "    "][..]),
        select(
            &[
                "max_concurrent_requests = 20",
                "addressing_style = path",
                "x=1",
            ][..],
        ),
    )
        .prop_map(|(indent, text)| format!("{indent}{text}"));
    prop_oneof![5 => entry, 2 => comment, 2 => blank, 2 => continuation]
}

/// A `[name]` header in one of the ways people write it.
fn header() -> impl Strategy<Value = String> {
    (
        select(&["", "", "", " "][..]),
        select(&["", "", " "][..]),
        select(NAMES),
        select(&["", "", "", " # written by a tool", ";c", "  ; [x]"][..]),
    )
        .prop_map(|(indent, pad, name, comment)| format!("{indent}[{pad}{name}{pad}]{comment}"))
}

/// A whole file that parses: optional BOM, comments and blank lines before the first
/// header, sections with bodies, line ends of one or mixed kinds, maybe no final newline.
fn file() -> impl Strategy<Value = String> {
    let preamble = prop::collection::vec(
        prop_oneof![Just(String::new()), text("[#;] [a-z ]{0,20}"),],
        0..3,
    );
    let section = (header(), prop::collection::vec(body_line(), 0..8));
    (
        any::<bool>(),
        preamble,
        prop::collection::vec(section, 0..6),
        select(&[Endings::Lf, Endings::Crlf, Endings::Mixed][..]),
        any::<u64>(),
        any::<bool>(),
    )
        .prop_map(|(bom, preamble, sections, endings, coin, trailing)| {
            let mut lines = preamble;
            for (header, body) in sections {
                lines.push(header);
                lines.extend(body);
            }
            let mut text = String::from(if bom { "\u{feff}" } else { "" });
            for (i, line) in lines.iter().enumerate() {
                text.push_str(line);
                let crlf = match endings {
                    Endings::Lf => false,
                    Endings::Crlf => true,
                    Endings::Mixed => coin >> (i % 64) & 1 == 1,
                };
                text.push_str(if crlf { "\r\n" } else { "\n" });
            }
            if !trailing {
                // The last line loses its line end.
                let end = if text.ends_with("\r\n") { 2 } else { 1 };
                if text.ends_with('\n') {
                    text.truncate(text.len() - end);
                }
            }
            text
        })
}

/// An upsert: the target name, the keys to set with their values, the keys to remove
/// (never one that is also set).
fn edit() -> impl Strategy<Value = (String, Vec<(String, String)>, Vec<String>)> {
    (
        select(NAMES),
        subsequence(SET_KEYS, 0..=SET_KEYS.len()),
        prop::collection::vec(value().prop_map(|v| v.trim().to_string()), SET_KEYS.len()),
        subsequence(REMOVE_KEYS, 0..=REMOVE_KEYS.len()),
        any::<bool>(),
    )
        .prop_map(|(name, set, values, remove, shuffle)| {
            let mut values: Vec<(String, String)> = set
                .iter()
                .zip(values)
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            if shuffle {
                values.reverse();
            }
            let remove = remove
                .iter()
                .filter(|r| !values.iter().any(|(k, _)| k.eq_ignore_ascii_case(r)))
                .map(|r| r.to_string())
                .collect();
            (name.to_string(), values, remove)
        })
}

/// Pieces that make up files of every kind, most of them broken: for the editor's
/// behaviour on whatever parses, and for parse never panicking.
const ATOMS: &[&str] = &[
    "[",
    "]",
    "=",
    ":",
    "#",
    ";",
    " ",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\u{feff}",
    "a",
    "work",
    "k",
    "é",
    "[work]",
    "\n[a]\n",
    "x = 1",
    "  ",
    "\n  s = 1",
    "[ work ]",
    "\u{85}",
    "\u{a0}",
];

/// A name, key or value made of the characters that could break a line or a header.
fn odd() -> impl Strategy<Value = String> {
    prop::collection::vec(
        select(
            &[
                "a", "b", " ", "[", "]", "=", ":", "#", ";", "\t", "\r", "\n", "é", "\u{85}",
                "\u{feff}",
            ][..],
        ),
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        // The inputs are small; a failure shrinks in well under this many steps.
        max_shrink_iters: 4096,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        // ChaCha, the default, spends most of a debug run making random numbers.
        rng_algorithm: RngAlgorithm::XorShift,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(10_000))]

    #[test]
    fn upsert_changes_only_the_target_and_sets_exactly_the_new_keys(
        text in file(),
        (name, values, remove) in edit(),
    ) {
        check_parse(&text).map_err(TestCaseError::fail)?;
        let written = check_upsert(&text, &name, &values, &remove).map_err(TestCaseError::fail)?;
        prop_assert!(written, "refused a valid edit");
    }
}

proptest! {
    #![proptest_config(config(3_000))]

    #[test]
    fn remove_keys_changes_only_the_target(
        text in file(),
        name in select(NAMES),
        remove in subsequence(FILE_KEYS, 1..=4),
    ) {
        let remove: Vec<String> = remove.iter().map(|k| k.to_string()).collect();
        check_remove(&text, name, &remove).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn move_keys_changes_only_the_two_sections(
        text in file(),
        from in select(NAMES),
        to in select(NAMES),
        seeded in any::<bool>(),
        keys in subsequence(&["aws_access_key_id", "aws_secret_access_key", "region"][..], 1..=3),
    ) {
        // Half of the files get the keys in [from] first, as `setup --move-keys` finds them.
        let text = if seeded {
            let values: Vec<(&str, &str)> = keys.iter().map(|k| (*k, "AKIAEXAMPLE")).collect();
            Document::parse(text.as_str()).unwrap().upsert(from, &values, &[]).unwrap()
        } else {
            text
        };
        let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        let moved = check_move(&text, from, to, &keys).map_err(TestCaseError::fail)?;
        prop_assert!(moved || !seeded || from == to, "refused a move of keys [{}] holds", from);
    }

    #[test]
    fn any_name_key_or_value_is_refused_or_reads_back_as_written(
        text in file(),
        name in odd(),
        key in odd(),
        value in odd(),
    ) {
        let values = vec![(key, value)];
        let written = check_upsert(&text, &name, &values, &[]).map_err(TestCaseError::fail)?;
        prop_assert_eq!(written, invariants::writable(&name, &values));
    }

    #[test]
    fn any_text_either_fails_to_parse_or_edits_cleanly(
        atoms in prop::collection::vec(select(ATOMS), 0..40),
        (name, values, remove) in edit(),
    ) {
        let text = atoms.concat();
        check_parse(&text).map_err(TestCaseError::fail)?;
        if Document::parse(text.as_str()).is_ok() {
            check_upsert(&text, &name, &values, &remove).map_err(TestCaseError::fail)?;
            check_remove(&text, &name, &remove).map_err(TestCaseError::fail)?;
        }
    }
}

/// The AWS CLI's own reader over generated files, the corpus, and edits of both: awsmfa never turns a file the
/// AWS CLI reads into one it cannot read, nor changes how it reads another section, the
/// values written are what it reads, and awsmfa warns exactly about the files it refuses
/// (`tests/support/botocore_reads.py`, run once over all).
#[test]
fn the_aws_cli_reads_every_edit_of_a_file_it_read() {
    use proptest::strategy::ValueTree;

    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut pairs = String::new();
    let mut count = 0;
    while count < 3000 {
        let text = file().new_tree(&mut runner).unwrap().current();
        let (name, values, remove) = edit().new_tree(&mut runner).unwrap().current();
        let Ok(doc) = Document::parse(text.as_str()) else {
            continue;
        };
        let set: Vec<(&str, &str)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let removed: Vec<&str> = remove.iter().map(String::as_str).collect();
        let Ok(after) = doc.upsert(&name, &set, &removed) else {
            continue;
        };
        let pair = serde_json::json!({
            "before": text,
            "after": after,
            "name": name,
            "values": values,
            "warned": !doc.cli_problems().is_empty(),
        });
        pairs.push_str(&pair.to_string());
        pairs.push('\n');
        count += 1;
    }
    // And every edit of the byte-preservation corpus.
    for (_, text) in corpus::CORPUS {
        let doc = Document::parse(*text).unwrap();
        for name in corpus::NAMES {
            let pair = serde_json::json!({
                "before": text,
                "after": doc.upsert(name, corpus::VALUES, corpus::REMOVE).unwrap(),
                "name": name,
                "values": corpus::VALUES,
                "warned": !doc.cli_problems().is_empty(),
            });
            pairs.push_str(&pair.to_string());
            pairs.push('\n');
        }
    }
    // And `setup --move-keys` over the corpus: the long-term keys of [NAME] moved to
    // [NAME-mfa].
    let long_term = [
        ("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
        (
            "aws_secret_access_key",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
    ];
    let keys = ["aws_access_key_id", "aws_secret_access_key"];
    for (_, text) in corpus::CORPUS {
        for name in corpus::NAMES {
            let before = Document::parse(*text)
                .unwrap()
                .upsert(name, &long_term, &[])
                .unwrap();
            let doc = Document::parse(before.as_str()).unwrap();
            let to = format!("{name}-mfa");
            let pair = serde_json::json!({
                "before": before,
                "after": doc.move_keys(name, &to, &keys).unwrap(),
                "name": to,
                "moved_from": name,
                "values": long_term,
                "warned": !doc.cli_problems().is_empty(),
            });
            pairs.push_str(&pair.to_string());
            pairs.push('\n');
        }
    }
    let (ok, report) = crate::support::python_script("botocore_reads.py", &pairs);
    assert!(ok, "{report}");
    let read: u32 = report
        .split(", ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(
        read >= 500,
        "too few files the AWS CLI reads to prove anything: {report}"
    );
}
