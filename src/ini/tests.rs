//! The section editor over a corpus of real-world-shaped files: every byte outside the
//! edited section must survive, and the result must read back as written.

use super::*;

#[path = "corpus.rs"]
mod corpus;
use corpus::{CORPUS, NAMES, REMOVE, VALUES};

/// The text outside every section called `name`, in order.
fn outside(doc: &Document, name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cursor = 0;
    for s in doc.sections().filter(|s| s.name == name) {
        parts.push(doc.text()[cursor..s.span().start].to_string());
        cursor = s.span().end;
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
            for section in before.sections().filter(|s| s.name == *name) {
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
                after.sections().filter(|s| s.name == *name).count(),
                before.sections().filter(|s| s.name == *name).count(),
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
    let names: Vec<&str> = doc.sections().map(|s| s.name).collect();
    assert_eq!(names, ["a", " b ", "c]d"]);
    // An indented header after a setting is part of that setting's value, not a section.
    let doc = Document::parse("[work-mfa]\naws_access_key_id = A\n  [work]\nk = v\n").unwrap();
    let names: Vec<&str> = doc.sections().map(|s| s.name).collect();
    assert_eq!(names, ["work-mfa"]);
    assert_eq!(doc.get("work-mfa", "k"), Some("v"));
    // Only deeper than the setting's own line continues it.
    let doc = Document::parse("[a]\n  k = v\n  [b]\n  j = w\n\n    more\n").unwrap();
    let names: Vec<&str> = doc.sections().map(|s| s.name).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(
        doc.get("b", "j"),
        Some("w\n\nmore"),
        "continued across the blank line, which stays in the value"
    );
    assert_eq!(doc.get("b", "more"), None);
    // Continuation lines join the value trimmed, comments left out, as configparser joins them.
    let doc =
        Document::parse("[a]\ns3 =\n  name = value  \n  # note\n\tother = x\n\n[b]\n").unwrap();
    assert_eq!(doc.get("a", "s3"), Some("\nname = value\nother = x"));
    assert!(doc.cli_problems().is_empty());
    let doc = Document::parse("[a]\ns3 =\n  name = value\n  [b]\n").unwrap();
    let problems = doc.cli_problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, 4);
    assert!(problems[0].what.contains("without `=`"), "{problems:?}");
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

#[test]
fn what_the_aws_cli_refuses_to_read_is_named_with_its_lines() {
    assert!(
        Document::parse("[a]\nk = v\n")
            .unwrap()
            .cli_problems()
            .is_empty()
    );
    let doc = Document::parse("\u{feff}[a]\nk = v\nK = w\n[b]\n[a]\nx = 1\n").unwrap();
    let problems: Vec<String> = doc
        .cli_problems()
        .into_iter()
        .map(|p| format!("{}: {}: {}", p.line, p.what, p.fix))
        .collect();
    assert_eq!(
        problems,
        [
            "1: starts with a byte-order mark (BOM): save it as UTF-8 without a BOM",
            "3: has K twice in [a] (lines 2 and 3): keep one of them",
            "5: has [a] twice (lines 1 and 5): merge the two into one section",
        ]
    );
}

#[test]
fn nested_settings_are_read_from_the_sub_setting_lines_only() {
    let doc = Document::parse(
        "[services s]\nsts =\n  # endpoint_url = https://commented.example\n  endpoint_url = https://first.example\n\n  endpoint_url = https://sts.example\niam =\n  endpoint_url = https://iam.example\n",
    )
    .unwrap();
    assert_eq!(
        doc.nested("services s", "sts", "endpoint_url"),
        Some("https://sts.example"),
        "the last one wins; comment lines are no sub-settings"
    );
    assert_eq!(
        doc.nested("services s", "iam", "endpoint_url"),
        Some("https://iam.example")
    );
    assert_eq!(doc.nested("services s", "sts", "region"), None);
    assert_eq!(doc.nested("services t", "sts", "endpoint_url"), None);
}

/// `outside`, around the sections called either name.
fn outside_both(doc: &Document, a: &str, b: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cursor = 0;
    for s in doc.sections().filter(|s| s.name == a || s.name == b) {
        parts.push(doc.text()[cursor..s.span().start].to_string());
        cursor = s.span().end;
    }
    parts.push(doc.text()[cursor..].to_string());
    parts
}

#[test]
fn move_keys_changes_only_the_two_sections_over_the_corpus() {
    const KEYS: [&str; 2] = ["aws_access_key_id", "aws_secret_access_key"];
    let long_term = [
        ("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
        (
            "aws_secret_access_key",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
    ];
    for (label, text) in CORPUS {
        for name in NAMES {
            let to = format!("{name}-mfa");
            let label = format!("{label} / [{name}] → [{to}]");
            // [name] with long-term keys, as a person's file has them.
            let keys = Document::parse(*text)
                .unwrap()
                .upsert(name, &long_term, &[])
                .unwrap();
            let before = Document::parse(keys).unwrap();
            let out = before.move_keys(name, &to, &KEYS).unwrap();
            let after = Document::parse(out.clone()).unwrap_or_else(|e| panic!("{label}: {e}"));
            for (key, value) in long_term {
                assert_eq!(after.get(&to, key), Some(value), "{label}: {key}\n{out}");
                assert_eq!(after.get(name, key), None, "{label}: {key} left\n{out}");
            }
            assert!(after.has_section(name), "{label}: the header must stay");
            // Everything but the lines of the two sections is as it was; a new [to] comes
            // last.
            let old = outside_both(&before, name, &to);
            let new = outside_both(&after, name, &to);
            if before.has_section(&to) {
                assert_eq!(old, new, "{label}");
            } else {
                assert_eq!(new.len(), old.len() + 1, "{label}: one new section");
                assert_eq!(old[..old.len() - 1], new[..old.len() - 1], "{label}");
                let (o, n) = (&old[old.len() - 1], &new[old.len() - 1]);
                assert!(
                    n.starts_with(o.as_str())
                        && n[o.len()..].chars().all(|c| c == '\r' || c == '\n'),
                    "{label}: {out:?}"
                );
            }
            // The other settings of [name] survive.
            for section in before.sections().filter(|s| s.name == *name) {
                for entry in before.settings(section) {
                    if !KEYS.iter().any(|k| k.eq_ignore_ascii_case(entry.key)) {
                        assert!(
                            after.get(name, entry.key).is_some(),
                            "{label}: lost {}",
                            entry.key
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn move_keys_refuses_what_it_cannot_move() {
    let doc = Document::parse("[work]\naws_access_key_id = AKIA1\n").unwrap();
    let keys = ["aws_access_key_id", "aws_secret_access_key"];
    let err = doc.move_keys("work", "work-mfa", &keys).unwrap_err();
    assert_eq!(err.problem, "[work] has no aws_secret_access_key to move");
    let err = doc.move_keys("work", "work", &keys[..1]).unwrap_err();
    assert_eq!(err.problem, "[work] cannot take its own keys");
    assert_eq!(
        doc.move_keys("work", "work-mfa", &keys[..1]).unwrap(),
        "[work]\n\n[work-mfa]\naws_access_key_id = AKIA1\n"
    );
}

#[test]
fn trim_is_str_trim() {
    let ends = [
        "",
        " ",
        "\t",
        " \t ",
        "\r",
        "\u{b}",
        "\u{c}",
        "\u{a0}",
        "\u{2003}",
        " \u{3000}\t",
    ];
    let middles = [
        "",
        "x",
        "key",
        "a b",
        "é",
        "\u{a0}x\u{a0}",
        "[work]",
        "=",
        "\u{1}",
    ];
    for left in ends {
        for middle in middles {
            for right in ends {
                let s = format!("{left}{middle}{right}");
                assert_eq!(trim(&s), s.trim(), "{s:?}");
            }
        }
    }
}

/// A small deterministic generator (xorshift), so the generated lines are the same each run.
struct Lines(u64);

impl Lines {
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        from[(self.0 % from.len() as u64) as usize]
    }

    /// A line made of the pieces that decide how a line reads: spaces, tabs, other white
    /// space (U+00A0, U+3000, U+0085, VT, FF, a lone CR), `=` and `:` anywhere, brackets,
    /// comment marks, non-ASCII text and control characters.
    fn line(&mut self) -> String {
        const PIECES: &[&str] = &[
            " ",
            " ",
            "\t",
            "\r",
            "\u{b}",
            "\u{c}",
            "\u{a0}",
            "\u{3000}",
            "\u{85}",
            "=",
            "=",
            ":",
            "[",
            "]",
            "#",
            ";",
            "k",
            "key",
            "aws_access_key_id",
            "é",
            "账",
            "\u{1}",
            "x y",
            "\u{feff}",
        ];
        let n = self
            .pick(&["0", "1", "2", "3", "5", "8", "12"])
            .parse()
            .unwrap();
        (0..n).map(|_| self.pick(PIECES)).collect()
    }
}

#[test]
fn classify_reads_every_line_as_the_plain_way_does() {
    let mut lines = Lines(0x9e37_79b9_7f4a_7c15);
    let mut seen = [0; 4];
    for _ in 0..200_000 {
        let line = lines.line();
        let plain = classify_plain(&line);
        assert_eq!(classify(&line), plain, "{line:?}");
        seen[match plain {
            Line::Blank => 0,
            Line::Header { .. } => 1,
            Line::Setting { .. } => 2,
            Line::Other { .. } => 3,
        }] += 1;
    }
    assert!(
        seen.iter().all(|&n| n > 1000),
        "every kind of line: {seen:?}"
    );
    // And the shapes of real files, each with every indentation and padding.
    let shapes = [
        "key = value",
        "key=value",
        "key : value",
        "Key:value = x",
        "key =",
        "key = a = b : c",
        "= value",
        ": value",
        "[profile work]",
        "[profile work] # comment",
        "[a]b]",
        "[unclosed",
        "[]",
        "# comment = x",
        "; comment",
        "no delimiter",
        "ключ = значение",
        "key = значение",
        "key\u{a0}= \u{a0}value\u{a0}",
    ];
    for shape in shapes {
        for left in ["", " ", "\t", "  \t", "\u{a0}", " \u{3000}", "\r"] {
            for right in ["", " ", "\t ", "\u{a0}", "\r", " \u{85}"] {
                let line = format!("{left}{shape}{right}");
                assert_eq!(classify(&line), classify_plain(&line), "{line:?}");
            }
        }
    }
}

#[test]
fn trim_start_and_trim_end_are_strs() {
    let mut lines = Lines(7);
    for _ in 0..100_000 {
        let s = lines.line();
        assert_eq!(trim_start(&s), s.trim_start(), "{s:?}");
        assert_eq!(trim_end(&s), s.trim_end(), "{s:?}");
    }
}

#[test]
fn get_many_finds_what_a_walk_over_the_settings_finds() {
    // The plain way: the last setting of the key in the last section, then earlier ones.
    let plain = |doc: &Document, name: &str, key: &str| -> Option<String> {
        doc.sections()
            .filter(|s| s.name == name)
            .flat_map(|s| doc.settings(s))
            .rfind(|setting| setting.key.eq_ignore_ascii_case(key))
            .map(|setting| setting.value.to_string())
    };
    // Keys unlike but for case (a key twice in one call takes two settings of it).
    let keys = [
        "AWS_ACCESS_KEY_ID",
        "aws_session_token",
        "note",
        "s3",
        "K",
        "m",
        "missing",
        "",
        "abcd",
        "aXcd",
        // 64 and 1 long: one bit of the lengths' set.
        "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    ];
    let long = "k".repeat(64);
    let lengths = format!("[p]\nabcd = 1\naXcd = 2\nABCD = 3\nk = 4\n{long} = 5\nk = 6\n");
    let extra = ("keys of one length", lengths.as_str());
    for (label, text) in CORPUS.iter().chain([&extra]) {
        let doc = Document::parse(*text).unwrap();
        let mut names: Vec<&str> = doc.sections().map(|s| s.name).collect();
        names.push("nothing");
        for name in names {
            let got = doc.sections_called(name).get_many(&keys);
            for (key, got) in keys.iter().zip(got) {
                assert_eq!(
                    got.map(str::to_string),
                    plain(&doc, name, key),
                    "{label} [{name}] {key}"
                );
                let lower = key.to_ascii_lowercase();
                assert_eq!(
                    doc.get(name, &lower).map(str::to_string),
                    plain(&doc, name, key),
                    "{label} [{name}] {lower}"
                );
            }
        }
    }
}

#[test]
fn fill_takes_what_get_many_finds_and_reads_empty_values_as_none() {
    let keys = [
        "aws_access_key_id",
        "aws_session_token",
        "note",
        "s3",
        "k",
        "region",
    ];
    let slot_of = |key: &[u8]| {
        keys.iter()
            .position(|k| k.as_bytes().eq_ignore_ascii_case(key))
    };
    let empty = ("an empty value", "[p]\nk =\nregion = x\n[p]\nnote = n\n");
    for (label, text) in CORPUS.iter().chain([&empty]) {
        let doc = Document::parse(*text).unwrap();
        let mut slots: Slots<'_, 6> = Slots::EMPTY;
        for name in doc.sections().map(|s| s.name).chain(["nothing"]) {
            // Reused, as `list` reuses its slots: what the last name left must not show.
            slots.clear();
            doc.sections_called(name).fill(&mut slots, slot_of);
            let want = doc.sections_called(name).get_many(&keys);
            for (i, want) in want.into_iter().enumerate() {
                let want = want.filter(|v| !v.is_empty());
                assert_eq!(slots.get(i), want, "{label} [{name}] {}", keys[i]);
            }
            assert_eq!(slots.get(keys.len()), None, "{label}: a slot past the last");
        }
        // A section found by walking the file reads as its name looked up does.
        for (i, section) in doc.sections().enumerate() {
            let (walked, looked_up) = (doc.sections_named_as(i), doc.sections_called(section.name));
            assert_eq!(
                walked.get_many(&keys),
                looked_up.get_many(&keys),
                "{label} {i}"
            );
            assert_eq!(walked.name(), looked_up.name(), "{label} {i}");
        }
    }
    // A slot taken by an empty value stays taken: a later section (here `[DEFAULT]`, as
    // `Read::fill` offers it second) does not fill it.
    let doc = Document::parse("[DEFAULT]\nk = from defaults\nnote = d\n[p]\nk =\n").unwrap();
    let mut slots: Slots<'_, 6> = Slots::EMPTY;
    doc.sections_called("p").fill(&mut slots, slot_of);
    doc.defaults().fill(&mut slots, slot_of);
    assert_eq!(slots.get(4), None);
    assert_eq!(slots.get(2), Some("d"));
}

#[test]
fn keys_of_one_length_are_told_apart() {
    let doc = Document::parse("[p]\nabcd = 1\naXcd = 2\n[q]\nabcd = 1\nABCD = 2\n").unwrap();
    let problems: Vec<String> = doc.cli_problems().into_iter().map(|p| p.what).collect();
    assert_eq!(problems, ["has ABCD twice in [q] (lines 5 and 6)"]);
    assert_eq!(doc.get("p", "ABCD"), Some("1"));
    assert_eq!(doc.get("p", "axcd"), Some("2"));
    // Lengths 64 apart share a bit of the set of lengths seen: still told apart.
    let long = "K".repeat(65);
    let doc = Document::parse(format!("[r]\nk = 1\n{long} = 2\nK = 3\n")).unwrap();
    let problems: Vec<String> = doc.cli_problems().into_iter().map(|p| p.what).collect();
    assert_eq!(problems, ["has K twice in [r] (lines 2 and 4)"]);
}

#[test]
fn line_counter_counts_as_the_plain_way_does() {
    let text = "a\n\nb\r\nccc\n\n\nd";
    let offsets: Vec<usize> = (0..=text.len()).rev().collect();
    let line_of = line_counter(text.as_bytes(), offsets.clone());
    for at in offsets {
        assert_eq!(line_of(at), text[..at].matches('\n').count() + 1, "{at}");
    }
}

#[test]
fn sections_of_many_names_are_found_by_their_names() {
    let mut text = String::new();
    for i in 0..2000 {
        text.push_str(&format!("[profile account-{i:04}]\nk = {i}\n"));
    }
    text.push_str("[profile account-0007]\nk = again\n");
    let doc = Document::parse(text).unwrap();
    for i in 0..2000 {
        let want = if i == 7 {
            "again".to_string()
        } else {
            i.to_string()
        };
        let name = format!("profile account-{i:04}");
        assert_eq!(doc.get(&name, "k"), Some(want.as_str()), "{name}");
    }
    assert!(!doc.has_section("profile account-2000"));
    assert!(!doc.has_section("profile account-000"));
    assert_eq!(doc.cli_problems().len(), 1);
}

#[test]
fn the_word_searches_find_what_position_finds() {
    // Every byte the searches must tell apart, and their neighbours (a borrow in one lane
    // marks the lane above it): the needles, 0x00, 0x80, 0xff, UTF-8 bytes.
    const BYTES: &[u8] = b"\n\x0b\x09=<>:;9[]\x00\x01\x7f\x80\x81\xff\xc3\xa9 ak\r";
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let delimiter = |b: u8| (b == b'=') | (b == b':');
    for round in 0..30_000 {
        // Mostly short, some past several 16-byte lanes; needles rare in some, so that the
        // searches run over many lanes and words before they find one.
        let len = (next() % if round % 4 == 0 { 80 } else { 40 }) as usize;
        let filler = next() % 3 == 0;
        let bytes: Vec<u8> = (0..len)
            .map(|_| match BYTES[(next() % BYTES.len() as u64) as usize] {
                b'\n' | b'=' | b':' if filler && next() % 8 != 0 => b'a',
                b => b,
            })
            .collect();
        assert_eq!(
            find_delimiter(&bytes),
            bytes.iter().position(|&b| delimiter(b)),
            "{bytes:?}"
        );
        // The search of `read_lines`, from every offset, through the rest of the text:
        // each way (sixteen bytes at a time, eight at a time, and the one this target uses).
        for at in 0..=len {
            assert_line_marks(&bytes, at);
        }
    }
}

/// A line's marks the plain way: the first `\n`, `=` or `:` from `at` (or the length), then
/// the first `\n` from there (or the length).
fn line_marks_by_position(bytes: &[u8], at: usize) -> LineMarks {
    let len = bytes.len();
    let delimiter = bytes[at..]
        .iter()
        .position(|&b| b == b'\n' || b == b'=' || b == b':')
        .map_or(len, |i| at + i);
    let newline = bytes[delimiter..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(len, |i| delimiter + i);
    (delimiter, newline)
}

/// Every way this target has of finding a line's marks finds what
/// [`line_marks_by_position`] finds: the one `read_lines` uses, sixteen bytes at a time
/// with SSE2 (on x86_64), eight at a time (the other targets' way), byte by byte.
fn assert_line_marks(bytes: &[u8], at: usize) {
    let want = line_marks_by_position(bytes, at);
    let label = || format!("{:?} from {at}", String::from_utf8_lossy(bytes));
    assert_eq!(line_marks(bytes, at), want, "line_marks of {}", label());
    assert_eq!(
        line_marks_plain(bytes, at),
        want,
        "byte by byte: {}",
        label()
    );
    assert_eq!(
        scan_line::<8, 8>(bytes, at, word_marks),
        want,
        "eight bytes at a time: {}",
        label()
    );
    #[cfg(target_arch = "x86_64")]
    assert_eq!(
        scan_line::<16, 1>(bytes, at, lane_marks),
        want,
        "SSE2: {}",
        label()
    );
}

#[test]
fn line_marks_are_found_at_every_offset_of_a_lane() {
    // A delimiter and a line end at every position of the first 40 bytes (across the edges
    // of 8-byte words and 16-byte lanes), or none, among filler that looks like them to a
    // word-at-a-time search (the bytes next to them, 0x00, 0x80, 0xff) or not; the search
    // starting at a line's start, or a word or a lane into it.
    const FILLERS: &[u8] = b"a\x0b<;9\x00\x80\xff\r \t";
    for len in 0..=40 {
        for filler in FILLERS {
            for delimiter in 0..=len {
                for newline in 0..=len {
                    for needle in [b'=', b':'] {
                        let mut bytes = vec![*filler; len];
                        if let Some(b) = bytes.get_mut(delimiter) {
                            *b = needle;
                        }
                        if let Some(b) = bytes.get_mut(newline) {
                            *b = b'\n';
                        }
                        for at in [0, 1, 7, 8, 9, 15, 16, 17] {
                            if at <= len {
                                assert_line_marks(&bytes, at);
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn line_marks_read_every_line_of_a_file_as_the_plain_way_does() {
    // The generated files of `read_lines` (CR, CRLF, a lone CR at the end, tabs, non-ASCII
    // white space, a BOM, long lines, continuation lines, empty values), from the start of
    // each of their lines, as `read_lines` searches them, and from every other offset.
    let mut files = Files(Lines(0x7a7a_0102_0304_0506));
    for _ in 0..20_000 {
        let text = files.file();
        let bytes = text.as_bytes();
        for at in 0..=bytes.len() {
            assert_line_marks(bytes, at);
        }
    }
}

/// The sections, the entries and the entries with continuation lines of a file.
type Read = (Vec<Head>, Vec<Entry>, Vec<usize>);

/// What `read_lines` reads, the plain way: each line found by `lines`, read by
/// `classify_plain`, each section's end and last entry written at each of its lines (the
/// loop `Document::parse` had before `read_lines`).
fn read_plain(text: &str) -> Result<Read, ParseError> {
    let body_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let bytes = text.as_bytes();
    let mut heads: Vec<Head> = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    let (mut indent_level, mut setting_open, mut keys_seen) = (0, false, 0);
    let mut continued: Vec<usize> = Vec::new();
    for (i, range) in lines(&text[body_start..]).enumerate() {
        let (line_start, end) = (body_start + range.start, body_start + range.end);
        let line = content(&text[line_start..end]);
        let err = |problem: &str| ParseError {
            line: i + 1,
            problem: problem.to_string(),
        };
        let kind = classify_plain(line);
        if kind == Line::Blank {
            if let Some(head) = heads.last_mut() {
                head.end = offset(end);
            }
            continue;
        }
        let indent = kind.indent();
        if setting_open
            && indent > indent_level
            && let (Some(head), Some(last)) = (heads.last_mut(), entries.last_mut())
        {
            head.end = offset(end);
            head.suspect = true;
            last.end = offset(end);
            if continued.last() != Some(&(entries.len() - 1)) {
                continued.push(entries.len() - 1);
            }
            continue;
        }
        indent_level = indent;
        let (key, value) = match kind {
            Line::Header { name, .. } => {
                let name = name.ok_or_else(|| err("a section header needs a closing `]`"))?;
                if name.is_empty() {
                    return Err(err("a section header needs a name, e.g. `[default]`"));
                }
                let at = offset(entries.len());
                heads.push(Head {
                    name: offset(line_start + name.start),
                    name_end: offset(line_start + name.end),
                    entries: at,
                    entries_end: at,
                    start: offset(line_start),
                    end: offset(end),
                    earlier: NONE,
                    suspect: false,
                    superseded: false,
                });
                keys_seen = 0;
                setting_open = false;
                continue;
            }
            Line::Setting { key, value, .. } => (Some(key), value),
            Line::Other { trimmed, .. } => (None, trimmed),
            Line::Blank => unreachable!(),
        };
        let head = heads.last_mut().ok_or_else(|| err(BEFORE_FIRST_SECTION))?;
        head.end = offset(end);
        setting_open = true;
        let Some(key) = key else {
            return Err(err(&format!(
                "expected `key = value`, a `[section]` header or a `#` comment, found `{}`",
                preview(&line[value])
            )));
        };
        if key.is_empty() {
            return Err(err("a setting needs a name before `=`"));
        }
        entries.push(Entry {
            start: offset(line_start),
            key: offset(line_start + key.start),
            key_end: offset(line_start + key.end),
            value: offset(line_start + value.start),
            value_end: offset(line_start + value.end),
            end: offset(end),
            joined: NONE,
        });
        head.entries_end = offset(entries.len());
        let bit = key_bit(key.len(), bytes[line_start + key.end - 1]);
        head.suspect |= keys_seen & bit != 0;
        keys_seen |= bit;
    }
    Ok((heads, entries, continued))
}

/// `read_lines` with its errors as `Document::parse` reports them.
fn read(text: &str) -> Result<Read, ParseError> {
    let body_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let reader = read_lines(text, body_start).map_err(|(at, problem)| ParseError {
        line: line_number(text.as_bytes(), at),
        problem,
    })?;
    Ok((reader.heads, reader.entries, reader.continued))
}

/// The line end an edit writes, the plain way: CRLF when the first line's content (after any
/// BOM) is followed by a CR.
fn newline_plain(text: &str) -> &'static str {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(range) = lines(body).next() else {
        return "\n";
    };
    let line = &body[range];
    if line[content(line).len()..].starts_with('\r') {
        "\r\n"
    } else {
        "\n"
    }
}

/// Generated files for `read_lines`: lines of every kind the fast paths tell apart (the
/// common `key = value` and `[name]` lines, and ones a byte off them: tabs, two spaces,
/// U+00A0 and U+3000 next to the delimiter or at an end, a lone CR, comments after headers,
/// empty values, no key, indented continuation lines, long lines), each ending in LF, CRLF,
/// a lone CR or nothing at the end, after a BOM or not, and keys of every length so that
/// the delimiter falls at every offset of a word.
struct Files(Lines);

impl Files {
    fn line(&mut self) -> String {
        const LINES: &[&str] = &[
            "[work]",
            "[profile account-000]",
            "[work] # comment",
            "[work]; x",
            "[]",
            "[unclosed",
            "  [indented]",
            "[a=b:c]",
            "key = value",
            "key=value",
            "key: value",
            "key =",
            "key=",
            "key = ",
            "key  =  value",
            "key\t= value",
            "key =\tvalue",
            "key = value\t",
            "key\u{a0}= value",
            "key =\u{a0}value",
            "key = value\u{a0}",
            "key = value\u{3000}",
            "\u{3000}key = value",
            "ключ = значение",
            "key = значение",
            "key = a = b : c",
            "Key:value = x",
            "= value",
            ": value",
            "=",
            "  continued = 1",
            "\tcontinued",
            "    deeper",
            "# comment = x",
            "; comment",
            "  # indented comment",
            "",
            " ",
            "\t",
            "no delimiter",
            "key = v\ralue",
            "\rkey = value",
            "key = value\r",
            "\u{feff}key = value",
        ];
        let line = self.0.pick(LINES);
        // Keys and values of every length, across the edges of 8-byte words, and past 64.
        let n = (self.0.pick(&[
            "0", "1", "2", "3", "5", "7", "8", "9", "15", "16", "17", "63", "64", "65", "70",
        ]))
        .parse::<usize>()
        .unwrap();
        match self
            .0
            .pick(&["as is", "as is", "longer key", "longer value"])
        {
            "longer key" => line.replacen("key", &format!("key{}", "k".repeat(n)), 1),
            "longer value" => line.replacen("value", &format!("value{}", "v".repeat(n)), 1),
            _ => line.to_string(),
        }
    }

    fn file(&mut self) -> String {
        let mut text = String::new();
        if self.0.pick(&["", "", "", "bom"]) == "bom" {
            text.push('\u{feff}');
        }
        // Mostly a file that reads, so that the lines after the first are compared too.
        if self.0.pick(&["header", "header", "header", ""]) == "header" {
            text.push_str("[first]\n");
        }
        let count = self.0.pick(&["1", "2", "4", "8", "16"]).parse().unwrap();
        for i in 0..count {
            let line = match self.0.pick(&["common", "common", "any"]) {
                "common" => self
                    .0
                    .pick(&["[s]", "k = v", "key=value", "key: value"])
                    .to_string(),
                _ => self.line(),
            };
            text.push_str(&line);
            let last = i + 1 == count;
            text.push_str(match self.0.pick(&["\n", "\n", "\r\n", "\r", "end"]) {
                "\r" if last => "\r",
                "\r" => "\n",
                "end" if last => "",
                "end" => "\n",
                newline => newline,
            });
        }
        text
    }
}

#[test]
fn read_lines_reads_every_file_as_the_plain_way_does() {
    let mut files = Files(Lines(0x0123_4567_89ab_cdef));
    let mut read_ok = 0;
    for _ in 0..100_000 {
        let text = files.file();
        let plain = read_plain(&text);
        read_ok += usize::from(plain.is_ok());
        assert_eq!(read(&text), plain, "{text:?}");
        assert_eq!(
            newline_of(text.strip_prefix('\u{feff}').unwrap_or(&text).as_bytes()),
            newline_plain(&text),
            "{text:?}"
        );
    }
    assert!(read_ok > 30_000, "{read_ok} files that read");
}

#[test]
fn short_common_lines_read_as_classify_plain_reads_them_after_any_text() {
    // Every short line around a delimiter (the five bytes `common_setting` tests at once, and
    // fewer), at the start of the text and after other text (a line, a BOM, a space), so
    // that the bytes before a short key are another line's.
    const KEYS: &[&str] = &["", "k", "ke", "key", " k", "k ", "k  ", "\tk", "k\t", "é"];
    const DELIMITERS: &[&str] = &["=", ":"];
    const VALUES: &[&str] = &["", "v", "va", " v", "  v", "v ", "\tv", " é", "=", " = v"];
    const BEFORE: &[&str] = &["", "x\n", " \n", "k =\n", "\u{feff}", "[s]\r\n"];
    let mut fast = 0;
    for before in BEFORE {
        for key in KEYS {
            for delimiter in DELIMITERS {
                for space_before in ["", " "] {
                    for value in VALUES {
                        let line = format!("{key}{space_before}{delimiter}{value}");
                        let text = format!("{before}{line}");
                        let bytes = text.as_bytes();
                        let start = before.len();
                        let Some(at) = line.find(['=', ':']) else {
                            continue;
                        };
                        let first = bytes[start];
                        if matches!(first, b'[' | b'#' | b';') {
                            continue;
                        }
                        let Some((key_end, value_at, key_last)) =
                            common_setting(bytes, start, first, start + at, bytes.len())
                        else {
                            continue;
                        };
                        fast += 1;
                        assert_eq!(
                            classify_plain(&line),
                            Line::Setting {
                                indent: 0,
                                key: 0..key_end - start,
                                value: value_at - start..line.len(),
                            },
                            "{text:?}"
                        );
                        assert_eq!(key_last, bytes[key_end - 1], "{text:?}");
                    }
                }
            }
        }
    }
    assert!(fast > 200, "{fast} common lines");
}

#[test]
fn a_line_is_a_header_or_a_comment_by_its_first_byte_as_matches_has_it() {
    for b in 0..=255u8 {
        assert_eq!(
            HEADER_OR_COMMENT[usize::from(b)],
            matches!(b, b'[' | b'#' | b';'),
            "{b:#x}"
        );
    }
}

#[test]
fn the_common_lines_read_as_classify_plain_reads_them() {
    let mut files = Files(Lines(0x5151_5151_aaaa_0001));
    let mut common = 0;
    for _ in 0..200_000 {
        let line = files.line();
        let bytes = line.as_bytes();
        let Some(delimiter) = bytes.iter().position(|&b| b == b'=' || b == b':') else {
            continue;
        };
        let first = bytes[0];
        if matches!(first, b'[' | b'#' | b';') || bytes.contains(&b'\n') {
            continue;
        }
        if let Some((key_end, value, key_last)) =
            common_setting(bytes, 0, first, delimiter, bytes.len())
        {
            common += 1;
            assert_eq!(
                classify_plain(&line),
                Line::Setting {
                    indent: 0,
                    key: 0..key_end,
                    value: value..bytes.len(),
                },
                "{line:?}"
            );
            assert_eq!(key_last, bytes[key_end - 1], "{line:?}");
        }
    }
    assert!(common > 20_000, "{common} common lines");
}

#[test]
fn every_key_twice_is_found_as_a_walk_over_all_pairs_finds_it() {
    // Keys that differ in case only, in length only, in one inner byte only, and ones that
    // share first and last bytes and length: whatever `key_bit` makes of them.
    const KEYS: &[&str] = &[
        "region",
        "REGION",
        "Region",
        "regiom",
        "rEgIoN",
        "a",
        "A",
        "b",
        "ab",
        "aB",
        "abc",
        "aXc",
        "AXC",
        "key with spaces",
        "KEY WITH SPACES",
        "ключ",
        "s3",
        "S3",
    ];
    let mut lines = Lines(0x5eed);
    for _ in 0..3000 {
        let mut text = String::new();
        let mut want = Vec::new();
        let mut line = 0;
        for section in 0..3 {
            text.push_str(&format!("[s{section}]\n"));
            line += 1;
            let mut keys: Vec<(&str, usize)> = Vec::new();
            for _ in 0..lines.pick(&["0", "1", "2", "3", "4", "6"]).parse().unwrap() {
                let key = lines.pick(KEYS);
                text.push_str(&format!("{key} = v\n"));
                line += 1;
                // The plain way: the first earlier key equal but for ASCII case.
                if let Some((_, at)) = keys.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
                    want.push(format!(
                        "has {key} twice in [s{section}] (lines {at} and {line})"
                    ));
                }
                keys.push((key, line));
            }
        }
        let doc = Document::parse(text.as_str()).unwrap();
        let got: Vec<String> = doc.cli_problems().into_iter().map(|p| p.what).collect();
        assert_eq!(got, want, "{text}");
    }
}
