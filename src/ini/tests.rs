//! The section editor over a corpus of real-world-shaped files: every byte outside the
//! edited section must survive, and the result must read back as written.

use super::*;

/// Real-world shapes: comments of both kinds, CRLF, a BOM, no trailing newline, duplicate
/// sections and keys, names with spaces, dots and unicode, nested `s3 =` settings, other
/// tools' keys.
const CORPUS: &[(&str, &str)] = &[
    ("empty", ""),
    ("only a comment", "# nothing here yet\n"),
    (
        "aws-cli default",
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    ),
    (
        "comments and blank lines",
        "# Work account — rotate keys every 90 days\n; old style comment\n\n[work-mfa]\n# long-term\naws_access_key_id=AKIA1\naws_secret_access_key=abc\n\n\n[work]\naws_access_key_id = ASIAOLD\n# keep this comment\naws_secret_access_key = old\naws_session_token = old\nregion = eu-west-1\n\n# trailing comment about [other]\n[other]\nx = y\n",
    ),
    (
        "crlf",
        "[work-mfa]\r\naws_access_key_id = AKIA1\r\naws_secret_access_key = s\r\n\r\n[work]\r\naws_session_token = t\r\n\r\n[z]\r\nk = v\r\n",
    ),
    ("bom", "\u{feff}[work]\naws_access_key_id = A\n[b]\nk = v\n"),
    (
        "no trailing newline",
        "[a]\nk = v\n[work]\naws_access_key_id = A",
    ),
    (
        "no trailing newline, other last",
        "[work]\nk = v\n[a]\nk = v",
    ),
    (
        "duplicate sections and keys",
        "[work]\naws_access_key_id = A1\naws_access_key_id = A2\n[mid]\nm = 1\n[work]\naws_session_token = T2\nnote = keep\n",
    ),
    (
        "odd names",
        "[my profile]\nk = v\n[team.prod]\nk = v\n[ünïcødé-账户]\nk = v\n[work]\nk = v\n",
    ),
    (
        "nested settings",
        "[work]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\n[after]\nk = v\n",
    ),
    (
        "colon delimiter and odd spacing",
        "[work]\n  aws_access_key_id:ASIA\n\taws_session_token =   t  \n[x]\nk=v\n",
    ),
    (
        "other tools' keys",
        "[work]\naws_access_key_id = ASIA\naws_session_token = t\naws_security_token = t\nexpiration = 2019-01-01 00:00:00\nassumed_role = False\nx_principal_arn = arn:aws:iam::1:user/me\n",
    ),
    (
        "header with comment",
        "[work] # session written by awsmfa\nk = v\n[a] ; x\nk = v\n",
    ),
    ("whitespace only", "\n\n  \n"),
];

const NAMES: &[&str] = &[
    "work",
    "new-profile",
    "my profile",
    "ünïcødé-账户",
    "team.prod",
];

const VALUES: &[(&str, &str)] = &[
    ("aws_access_key_id", "ASIANEW"),
    ("aws_secret_access_key", "secret/with+chars="),
    ("aws_session_token", "token"),
    ("x_security_token_expires", "2026-11-25T18:42:00Z"),
];

const REMOVE: &[&str] = &["aws_security_token", "expiration"];

/// The text outside every section called `name`, in order.
fn outside(doc: &Document, name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cursor = 0;
    for s in doc.sections().iter().filter(|s| s.name == name) {
        parts.push(doc.text()[cursor..s.span.start].to_string());
        cursor = s.span.end;
    }
    parts.push(doc.text()[cursor..].to_string());
    parts
}

/// `outside` for the old text, allowing the one thing an append may add: a line end on a
/// last line that had none (and the blank line before the new section).
fn assert_preserved(before: &Document, after: &Document, name: &str, label: &str) {
    let old = outside(before, name);
    let new = outside(after, name);
    if !before.has_section(name) {
        // Appended: the old text, then at most a line end and a blank line, then the section.
        assert_eq!(new.len(), 2, "{label}: expected one new section");
        assert_eq!(new[1], "", "{label}: the new section must be last");
        let (o, n) = (before.text(), &new[0]);
        assert!(n.starts_with(o), "{label}: old text changed\n{o:?}\n{n:?}");
        assert!(
            n[o.len()..].chars().all(|c| c == '\n' || c == '\r'),
            "{label}: {n:?}"
        );
        return;
    }
    assert_eq!(old, new, "{label}: bytes outside [{name}] changed");
}

#[test]
fn upsert_changes_only_the_target_section_over_the_corpus() {
    for (label, text) in CORPUS {
        let before = Document::parse(*text).unwrap_or_else(|e| panic!("{label}: {e}"));
        for name in NAMES {
            let label = format!("{label} / [{name}]");
            let out = before.upsert(name, VALUES, REMOVE).unwrap();
            let after =
                Document::parse(out.clone()).unwrap_or_else(|e| panic!("{label}: {e}\n{out}"));
            assert_preserved(&before, &after, name, &label);
            for (key, value) in VALUES {
                assert_eq!(after.get(name, key), Some(*value), "{label}: {key}");
            }
            for key in REMOVE {
                assert_eq!(after.get(name, key), None, "{label}: {key} not removed");
            }
            // Keys of the section that awsmfa does not manage survive.
            for section in before.sections().iter().filter(|s| s.name == *name) {
                for entry in before.settings(section) {
                    let managed = VALUES
                        .iter()
                        .any(|(k, _)| k.eq_ignore_ascii_case(entry.key))
                        || REMOVE.iter().any(|k| k.eq_ignore_ascii_case(entry.key));
                    if !managed {
                        assert!(
                            after.get(name, entry.key).is_some(),
                            "{label}: lost {}",
                            entry.key
                        );
                    }
                }
            }
            // A second identical upsert changes nothing.
            assert_eq!(
                after.upsert(name, VALUES, REMOVE).unwrap(),
                out,
                "{label}: not idempotent"
            );
        }
    }
}

#[test]
fn remove_keys_changes_only_the_target_section_over_the_corpus() {
    let remove = [
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "expiration",
    ];
    for (label, text) in CORPUS {
        let before = Document::parse(*text).unwrap();
        for name in NAMES {
            let Some(out) = before.remove_keys(name, &remove) else {
                assert!(
                    remove.iter().all(|k| before.get(name, k).is_none()),
                    "{label}: said nothing to remove"
                );
                continue;
            };
            let after = Document::parse(out).unwrap();
            assert_preserved(&before, &after, name, label);
            for key in remove {
                assert_eq!(after.get(name, key), None, "{label}: {key}");
            }
            assert_eq!(
                after.sections().iter().filter(|s| s.name == *name).count(),
                before.sections().iter().filter(|s| s.name == *name).count(),
                "{label}: the header must stay"
            );
        }
    }
}

#[test]
fn keeps_crlf_and_the_bom_in_what_it_writes() {
    let doc = Document::parse("\u{feff}[a]\r\nk = v\r\n").unwrap();
    let out = doc.upsert("work", &[("x", "1")], &[]).unwrap();
    assert_eq!(out, "\u{feff}[a]\r\nk = v\r\n\r\n[work]\r\nx = 1\r\n");
    let out = doc.upsert("a", &[("x", "1")], &[]).unwrap();
    assert_eq!(out, "\u{feff}[a]\r\nk = v\r\nx = 1\r\n");
}

#[test]
fn replaces_in_place_and_appends_new_keys_after_the_last_setting() {
    let doc = Document::parse("[work]\n# c\nb = old\n\n[next]\n").unwrap();
    let out = doc
        .upsert("work", &[("b", "new"), ("a", "1")], &[])
        .unwrap();
    assert_eq!(out, "[work]\n# c\nb = new\na = 1\n\n[next]\n");
}

#[test]
fn appends_a_missing_section_after_a_blank_line() {
    let doc = Document::parse("[a]\nk = v").unwrap();
    assert_eq!(
        doc.upsert("b", &[("x", "1")], &[]).unwrap(),
        "[a]\nk = v\n\n[b]\nx = 1\n"
    );
    let doc = Document::parse("").unwrap();
    assert_eq!(doc.upsert("b", &[("x", "1")], &[]).unwrap(), "[b]\nx = 1\n");
}

#[test]
fn duplicate_sections_lose_stale_copies_of_the_keys_being_set() {
    let doc = Document::parse("[w]\nk = 1\n[m]\n[w]\nk = 2\nkeep = y\n").unwrap();
    let out = doc.upsert("w", &[("k", "3")], &[]).unwrap();
    assert_eq!(out, "[w]\nk = 3\n[m]\n[w]\nkeep = y\n");
    assert_eq!(Document::parse(out).unwrap().get("w", "k"), Some("3"));
}

#[test]
fn reads_like_the_aws_cli() {
    let doc = Document::parse(
        "[default]\nregion=us-east-1\n[profile work] # c\nRegion : eu-west-1\nmfa_serial = arn:aws:iam::1:mfa/me\ns3 =\n  x = 1\nempty =\n",
    )
    .unwrap();
    assert_eq!(doc.get("profile work", "region"), Some("eu-west-1"));
    assert_eq!(
        doc.get("profile work", "mfa_serial"),
        Some("arn:aws:iam::1:mfa/me")
    );
    assert_eq!(
        doc.get("profile work", "x"),
        None,
        "nested settings are not keys"
    );
    assert_eq!(doc.get("profile work", "empty"), Some(""));
    assert_eq!(doc.get("default", "region"), Some("us-east-1"));
}

#[test]
fn headers_and_continuations_read_as_the_aws_cli_reads_them() {
    // The name runs to the last `]`, as written; what follows is ignored.
    let doc = Document::parse("[a] junk\nk = v\n[ b ]\nk = v\n[c]d]\nk = v\n").unwrap();
    let names: Vec<&str> = doc.sections().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a", " b ", "c]d"]);
    // An indented header after a setting is part of that setting's value, not a section.
    let doc = Document::parse("[work-mfa]\naws_access_key_id = A\n  [work]\nk = v\n").unwrap();
    let names: Vec<&str> = doc.sections().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["work-mfa"]);
    assert_eq!(doc.get("work-mfa", "k"), Some("v"));
    // Only deeper than the setting's own line continues it.
    let doc = Document::parse("[a]\n  k = v\n  [b]\n  j = w\n\n    more\n").unwrap();
    let names: Vec<&str> = doc.sections().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(doc.get("b", "j"), Some("w"));
    assert_eq!(
        doc.get("b", "more"),
        None,
        "continues j across the blank line"
    );
}

#[test]
fn malformed_lines_are_errors_that_name_the_line() {
    let cases = [
        ("k = v\n", 1, "before the first `[section]`"),
        ("[a]\nnot a setting\n", 2, "expected `key = value`"),
        ("[a\n", 1, "closing `]`"),
        ("[]\n", 1, "needs a name"),
        ("[a]\n= v\n", 2, "needs a name"),
    ];
    for (text, line, problem) in cases {
        let err = Document::parse(text).unwrap_err();
        assert_eq!(err.line, line, "{text:?}");
        assert!(err.problem.contains(problem), "{text:?}: {}", err.problem);
    }
}

#[test]
fn refuses_names_and_values_that_would_break_the_file() {
    let doc = Document::parse("").unwrap();
    for name in ["", "a]b", "a\nb", " padded", "#comment"] {
        assert!(doc.upsert(name, &[("k", "v")], &[]).is_err(), "{name:?}");
    }
    assert!(doc.upsert("a", &[("k", "line\nbreak")], &[]).is_err());
    assert!(doc.upsert("a", &[("k=x", "v")], &[]).is_err());
}
