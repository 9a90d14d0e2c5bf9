//! What must hold for every edit of an AWS file, checked against a second reading of the
//! file: [`classify`] reads it line by line from the grammar, independently of the parser in
//! `src/ini.rs`. Shared by the property tests (`tests/ini_properties.rs`) and the fuzz
//! targets, so both prove the same things:
//!
//! - [`check_parse`]: the parser reads what the line-by-line reading reads (sections, keys,
//!   values with their continuation lines joined as configparser joins them) and keeps the
//!   text as it was;
//! - [`check_upsert`]: every byte outside the target section(s) is unchanged (a missing
//!   section is appended after the old text, which stays a byte-for-byte prefix), the result
//!   parses, the target holds exactly the new keys once each and no removed key, and every
//!   other line of the target (other settings with their continuation lines, comments,
//!   blank lines, the header) survives in its order; doing it again changes nothing;
//! - [`check_remove`]: the same for `remove_keys`.
//!
//! Used as a module by both (`crate::ini` is the editor under test); each check returns
//! `Err` with what differs.

use crate::ini::Document;

/// Returns `Err(message)` from the enclosing check when `cond` is false.
macro_rules! ensure {
    ($cond:expr, $($message:tt)+) => {
        if !$cond {
            return Err(format!($($message)+));
        }
    };
}

/// What one line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `[name]`, with the name.
    Header(String),
    /// `key = value`, with the key and the value.
    Entry(String, String),
    /// An indented line after a setting of its section: part of that setting.
    Continuation,
    /// A blank line or a `#`/`;` comment.
    Comment,
}

/// One line: its byte range (line end included), what it is, and its text without the end.
#[derive(Debug, Clone)]
pub struct Line {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub content: String,
}

/// Reads `text` (which parsed) the way the AWS CLI's grammar (Python's configparser) does:
/// after an optional BOM, a line is a comment when blank or starting with `#`/`;`; a
/// continuation when a setting is open and the line is indented deeper than that setting's
/// line; else a header when starting with `[` (the name running to the last `]`), or a
/// setting whose key ends at the first `=` or `:`.
pub fn classify(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut has_entry = false;
    let mut indent_level = 0;
    while start < text.len() {
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        let content = text[start..end]
            .strip_suffix('\n')
            .unwrap_or(&text[start..end]);
        let content = content.strip_suffix('\r').unwrap_or(content);
        let trimmed = content.trim();
        let indent = content.chars().take_while(|c| c.is_whitespace()).count();
        let kind = if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            Kind::Comment
        } else if has_entry && indent > indent_level {
            Kind::Continuation
        } else if let Some(inner) = trimmed.strip_prefix('[') {
            has_entry = false;
            indent_level = indent;
            let close = inner.rfind(']').expect("a header of a file that parsed");
            Kind::Header(inner[..close].to_string())
        } else {
            has_entry = true;
            indent_level = indent;
            let at = trimmed
                .find(['=', ':'])
                .expect("a setting of a file that parsed");
            Kind::Entry(
                trimmed[..at].trim().to_string(),
                trimmed[at + 1..].trim().to_string(),
            )
        };
        lines.push(Line {
            start,
            end,
            kind,
            content: content.to_string(),
        });
        start = end;
    }
    lines
}

/// What a section holds, in order: loose lines (comments and blank lines that are not
/// between a setting and its continuation) and settings with all their lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Loose(String),
    Setting { key: String, lines: Vec<String> },
}

/// One section as the line-by-line reading sees it.
#[derive(Debug, Clone)]
pub struct View {
    pub name: String,
    pub header: String,
    pub tokens: Vec<Token>,
    /// Byte range from the header to the next header (or the end).
    pub start: usize,
    pub end: usize,
}

/// Every section of `text` (which parsed), in order.
pub fn sections(text: &str) -> Vec<View> {
    let mut views: Vec<View> = Vec::new();
    for line in classify(text) {
        if let Kind::Header(name) = &line.kind {
            views.push(View {
                name: name.clone(),
                header: line.content.clone(),
                tokens: Vec::new(),
                start: line.start,
                end: line.end,
            });
            continue;
        }
        let Some(view) = views.last_mut() else {
            continue; // comments before the first header
        };
        view.end = line.end;
        match &line.kind {
            Kind::Entry(key, _) => view.tokens.push(Token::Setting {
                key: key.clone(),
                lines: vec![line.content.clone()],
            }),
            Kind::Continuation => {
                // Joins the last setting, with the comments in between.
                let mut between = Vec::new();
                while let Some(Token::Loose(_)) = view.tokens.last() {
                    if let Some(Token::Loose(text)) = view.tokens.pop() {
                        between.push(text);
                    }
                }
                let Some(Token::Setting { lines, .. }) = view.tokens.last_mut() else {
                    unreachable!("a continuation follows a setting of its section");
                };
                lines.extend(between.into_iter().rev());
                lines.push(line.content.clone());
            }
            Kind::Comment => view.tokens.push(Token::Loose(line.content.clone())),
            Kind::Header(_) => unreachable!(),
        }
    }
    views
}

/// The text around the sections called `name`: before the first, between them, after the
/// last.
pub fn outside(text: &str, name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cursor = 0;
    for view in sections(text).iter().filter(|v| v.name == name) {
        parts.push(text[cursor..view.start].to_string());
        cursor = view.end;
    }
    parts.push(text[cursor..].to_string());
    parts
}

/// The line end a document writes new lines with: that of its first line (a lone CR that
/// ends the file counts as CRLF: the `\n` an edit adds after it makes one).
pub fn newline_of(text: &str) -> &'static str {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = body.find('\n').map_or(body, |i| &body[..i]);
    if first.ends_with('\r') { "\r\n" } else { "\n" }
}

fn same_key(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The parser reads `text` as the line-by-line reading does, keeps it as it was, and reads
/// its own output the same way again. A refusal names a line of the file.
pub fn check_parse(text: &str) -> Result<(), String> {
    let doc = match Document::parse(text) {
        Ok(doc) => doc,
        Err(err) => {
            let body = text.strip_prefix('\u{feff}').unwrap_or(text);
            let lines = body.split_inclusive('\n').count();
            ensure!(
                (1..=lines).contains(&err.line),
                "the error names line {} of {lines}",
                err.line
            );
            ensure!(!err.problem.is_empty(), "an error without a problem");
            return Ok(());
        }
    };
    ensure!(doc.text() == text, "the text changed while parsing");
    let lines = classify(text);
    let headers: Vec<&str> = lines
        .iter()
        .filter_map(|l| match &l.kind {
            Kind::Header(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let parsed: Vec<&str> = doc.sections().map(|s| s.name).collect();
    ensure!(
        headers == parsed,
        "sections {parsed:?}, expected {headers:?}"
    );
    let mut section = usize::MAX;
    let mut entries: Vec<Vec<(String, String)>> = vec![Vec::new(); headers.len()];
    // Blank lines since the last line of the open setting: part of its value when a
    // continuation line follows (configparser keeps them, and drops them at the end).
    let mut blanks = 0;
    for line in &lines {
        match &line.kind {
            Kind::Header(_) => {
                section = section.wrapping_add(1);
                blanks = 0;
            }
            Kind::Entry(key, value) => {
                ensure!(section < headers.len(), "a setting before the first header");
                entries[section].push((key.clone(), value.clone()));
                blanks = 0;
            }
            Kind::Continuation => {
                let Some((_, value)) = entries.get_mut(section).and_then(|e| e.last_mut()) else {
                    return Err("a continuation without a setting".into());
                };
                value.push_str(&"\n".repeat(blanks + 1));
                value.push_str(line.content.trim());
                let kept = value.trim_end().len();
                value.truncate(kept);
                blanks = 0;
            }
            Kind::Comment => blanks += usize::from(line.content.trim().is_empty()),
        }
    }
    for (section, want) in doc.sections().zip(&entries) {
        let got: Vec<(String, String)> = doc
            .settings(section)
            .map(|e| (e.key.to_string(), e.value.to_string()))
            .collect();
        ensure!(
            &got == want,
            "[{}] holds {got:?}, expected {want:?}",
            section.name
        );
        // Names are kept as written (`[ work ]` is ` work `), as the AWS CLI keeps them.
        ensure!(!section.name.is_empty(), "an empty section name");
    }
    Ok(())
}

/// The target sections' tokens after an upsert, derived from before: in the first target,
/// the first setting of a key being set is replaced in place and the keys it did not have
/// follow its last setting; everywhere else, settings of keys being set or removed go.
fn expected_upsert(
    before: &[View],
    values: &[(String, String)],
    remove: &[String],
) -> Vec<Vec<Token>> {
    let managed = |key: &str| {
        values.iter().any(|(k, _)| same_key(k, key)) || remove.iter().any(|r| same_key(r, key))
    };
    let mut out = Vec::new();
    for (index, view) in before.iter().enumerate() {
        let mut tokens = Vec::new();
        let mut written: Vec<&str> = Vec::new();
        let mut after_last_setting = 0;
        for token in &view.tokens {
            match token {
                Token::Setting { key, .. } if managed(key) => {
                    if index != 0 {
                        continue;
                    }
                    let own = values.iter().find(|(k, _)| same_key(k, key));
                    if let Some((k, v)) = own
                        && !written.iter().any(|w| same_key(w, k))
                    {
                        tokens.push(Token::Setting {
                            key: k.clone(),
                            lines: vec![format!("{k} = {v}")],
                        });
                        written.push(k);
                    }
                    // A dropped setting moves the insertion point past it too.
                    after_last_setting = tokens.len();
                }
                Token::Setting { .. } => {
                    tokens.push(token.clone());
                    after_last_setting = tokens.len();
                }
                Token::Loose(_) => tokens.push(token.clone()),
            }
        }
        if index == 0 {
            let new: Vec<Token> = values
                .iter()
                .filter(|(k, _)| !written.iter().any(|w| same_key(w, k)))
                .map(|(k, v)| Token::Setting {
                    key: k.clone(),
                    lines: vec![format!("{k} = {v}")],
                })
                .collect();
            tokens.splice(after_last_setting..after_last_setting, new);
        }
        out.push(tokens);
    }
    out
}

/// The names of the sections other than `name`, in order, as the AWS CLI reads them.
fn others(text: &str, name: &str) -> Vec<String> {
    sections(text)
        .into_iter()
        .map(|v| v.name)
        .filter(|n| n != name)
        .collect()
}

/// Every other section is still there, in order, as the AWS CLI reads it: no header became
/// part of a value, nothing became a header.
fn ensure_others_kept(text: &str, out: &str, name: &str) -> Result<(), String> {
    ensure!(
        others(text, name) == others(out, name),
        "the other sections changed as read: {:?} became {:?}\n{out:?}",
        others(text, name),
        others(out, name)
    );
    Ok(())
}

/// `tokens` with the leading white space of the settings of `values` (written by the
/// editor) taken off.
fn unindented(tokens: &[Token], values: &[(String, String)]) -> Vec<Token> {
    tokens
        .iter()
        .map(|token| match token {
            Token::Setting { key, lines } if values.iter().any(|(k, _)| same_key(k, key)) => {
                Token::Setting {
                    key: key.clone(),
                    lines: lines
                        .iter()
                        .map(|l| l.trim_start_matches([' ', '\t']).to_string())
                        .collect(),
                }
            }
            other => other.clone(),
        })
        .collect()
}

/// Upserts into `text` (which must parse) and checks the result (see the module docs).
/// `values` must not repeat a key (ignoring ASCII case) nor share one with `remove`.
/// Returns `Ok(false)` when the editor refused the name, a key or a value, which it must
/// do exactly when writing them would break the file.
pub fn check_upsert(
    text: &str,
    name: &str,
    values: &[(String, String)],
    remove: &[String],
) -> Result<bool, String> {
    let doc = Document::parse(text).map_err(|e| format!("the input does not parse: {e}"))?;
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let removed: Vec<&str> = remove.iter().map(String::as_str).collect();
    let out = match doc.upsert(name, &pairs, &removed) {
        Ok(out) => out,
        Err(err) => {
            ensure!(
                !writable(name, values),
                "refused a name, key and value that can be written: {err}"
            );
            return Ok(false);
        }
    };
    let after = Document::parse(out.as_str())
        .map_err(|e| format!("the result does not parse: {e}\n{out:?}"))?;
    let newline = newline_of(text);
    let before_views: Vec<View> = sections(text)
        .into_iter()
        .filter(|v| v.name == name)
        .collect();
    let after_views: Vec<View> = sections(&out)
        .into_iter()
        .filter(|v| v.name == name)
        .collect();

    if before_views.is_empty() {
        // Appended: the old text stays a prefix, then at most line ends, then the section.
        ensure!(
            out.starts_with(text),
            "the old text changed:\n{text:?}\n{out:?}"
        );
        let section: String = std::iter::once(format!("[{name}]{newline}"))
            .chain(values.iter().map(|(k, v)| format!("{k} = {v}{newline}")))
            .collect();
        ensure!(
            out.ends_with(&section),
            "{out:?} should end with {section:?}"
        );
        let gap = &out[text.len()..out.len() - section.len()];
        ensure!(
            gap.chars().all(|c| c == '\r' || c == '\n'),
            "only line ends may come between the old text and the new section: {gap:?}"
        );
        ensure!(
            after_views.len() == 1 && after_views[0].start == out.len() - section.len(),
            "the new header does not start a line of its own: {out:?}"
        );
    } else {
        ensure!(
            outside(text, name) == outside(&out, name),
            "bytes outside [{name}] changed:\n{text:?}\n{out:?}"
        );
        ensure!(
            before_views.len() == after_views.len(),
            "[{name}] sections appeared or vanished: {out:?}"
        );
        let want = expected_upsert(&before_views, values, remove);
        for (i, ((want, b), a)) in want.iter().zip(&before_views).zip(&after_views).enumerate() {
            ensure!(b.header == a.header, "the header changed: {:?}", a.header);
            // Written settings are indented as the editor sees fit (so that nothing around
            // them changes meaning); what they say is compared.
            let got = unindented(&a.tokens, values);
            ensure!(
                want == &got,
                "[{name}] #{i} holds\n{:?}\nexpected\n{want:?}\nfrom {text:?}\nto {out:?}",
                a.tokens
            );
        }
    }
    ensure_others_kept(text, &out, name)?;

    // Exactly the new keys, once each, on lines of their own; no removed key.
    for (key, value) in values {
        ensure!(
            after.get(name, key) == Some(value.as_str()),
            "[{name}] {key} reads {:?}, not {value:?}",
            after.get(name, key)
        );
    }
    for key in remove {
        ensure!(
            after.get(name, key).is_none(),
            "[{name}] {key} was not removed"
        );
    }
    for line in classify(&out) {
        let Kind::Entry(key, _) = &line.kind else {
            continue;
        };
        let in_target = after_views
            .iter()
            .any(|v| v.start <= line.start && line.end <= v.end);
        if !in_target {
            continue;
        }
        if let Some((k, v)) = values.iter().find(|(k, _)| same_key(k, key)) {
            let want = format!("{k} = {v}{newline}");
            ensure!(
                out[line.start..line.end].trim_start_matches([' ', '\t']) == want,
                "{:?} should be {want:?}",
                &out[line.start..line.end]
            );
        }
        ensure!(
            !remove.iter().any(|r| same_key(r, key)),
            "[{name}] still holds {key}"
        );
    }
    // Doing it again changes nothing.
    ensure!(
        after.upsert(name, &pairs, &removed).ok().as_ref() == Some(&out),
        "not idempotent: {out:?}"
    );
    Ok(true)
}

/// Whether `name`, keys and values can go into an AWS file as a header and `key = value`
/// lines that read back as written.
pub fn writable(name: &str, values: &[(String, String)]) -> bool {
    let name_ok = !name.is_empty()
        && name == name.trim()
        && !name.contains(['[', ']', '\n', '\r'])
        && !name.starts_with(['#', ';']);
    name_ok
        && values.iter().all(|(key, value)| {
            !key.is_empty()
                && key == key.trim()
                && !key.contains(['=', ':', '\n', '\r', '['])
                && !key.starts_with(['#', ';'])
                && value == value.trim()
                && !value.contains(['\n', '\r'])
        })
}

/// Removes `remove` from the sections called `name` of `text` (which must parse) and checks
/// the result: only the settings of those keys went, everything else stayed.
pub fn check_remove(text: &str, name: &str, remove: &[String]) -> Result<(), String> {
    let doc = Document::parse(text).map_err(|e| format!("the input does not parse: {e}"))?;
    let removed: Vec<&str> = remove.iter().map(String::as_str).collect();
    let before_views: Vec<View> = sections(text)
        .into_iter()
        .filter(|v| v.name == name)
        .collect();
    let gone = |t: &Token| matches!(t, Token::Setting { key, .. } if remove.iter().any(|r| same_key(r, key)));
    let present = before_views.iter().flat_map(|v| &v.tokens).any(gone);
    let Some(out) = doc.remove_keys(name, &removed) else {
        ensure!(!present, "said there was nothing to remove from {text:?}");
        return Ok(());
    };
    ensure!(present, "changed a file with nothing to remove: {text:?}");
    Document::parse(out.as_str())
        .map_err(|e| format!("the result does not parse: {e}\n{out:?}"))?;
    ensure!(
        outside(text, name) == outside(&out, name),
        "bytes outside [{name}] changed:\n{text:?}\n{out:?}"
    );
    let after_views: Vec<View> = sections(&out)
        .into_iter()
        .filter(|v| v.name == name)
        .collect();
    ensure!(
        before_views.len() == after_views.len(),
        "a [{name}] header went"
    );
    for (b, a) in before_views.iter().zip(&after_views) {
        ensure!(b.header == a.header, "the header changed: {:?}", a.header);
        let want: Vec<Token> = b.tokens.iter().filter(|t| !gone(t)).cloned().collect();
        ensure!(
            want == a.tokens,
            "[{name}] holds\n{:?}\nexpected\n{want:?}",
            a.tokens
        );
    }
    ensure_others_kept(text, &out, name)
}

/// Moves `keys` from the sections called `from` to `to` in `text` (which must parse) and
/// checks the result: it is exactly the removal of the keys from `from` (checked by
/// [`check_remove`]) followed by the upsert of their values as read into `to` (checked by
/// [`check_upsert`]), so every byte outside the two sections stays; `to` reads the values
/// `from` had, and `from` holds none of the keys. Returns `Ok(false)` when the editor
/// refused, which it must do exactly when `from` lacks a key, `from` is `to`, or the
/// values cannot be written.
pub fn check_move(text: &str, from: &str, to: &str, keys: &[String]) -> Result<bool, String> {
    let doc = Document::parse(text).map_err(|e| format!("the input does not parse: {e}"))?;
    let names: Vec<&str> = keys.iter().map(String::as_str).collect();
    let read: Option<Vec<(String, String)>> = keys
        .iter()
        .map(|k| doc.get(from, k).map(|v| (k.clone(), v.to_string())))
        .collect();
    let out = doc.move_keys(from, to, &names);
    let Some(values) = read.filter(|_| from != to) else {
        ensure!(out.is_err(), "moved keys [{from}] does not have to [{to}]");
        return Ok(false);
    };
    let out = match out {
        Ok(out) => out,
        Err(err) => {
            ensure!(
                !writable(to, &values),
                "refused a move that can be written: {err}"
            );
            return Ok(false);
        }
    };
    check_remove(text, from, keys)?;
    let without = doc
        .remove_keys(from, &names)
        .unwrap_or_else(|| text.to_string());
    ensure!(
        check_upsert(&without, to, &values, &[])?,
        "the upsert into [{to}] was refused"
    );
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let upserted = Document::parse(without.as_str())
        .and_then(|d| d.upsert(to, &pairs, &[]))
        .map_err(|e| format!("the upsert failed: {e}"))?;
    ensure!(
        out == upserted,
        "the move is not the removal then the upsert:\n{out:?}\n{upserted:?}"
    );
    let after =
        Document::parse(out.as_str()).map_err(|e| format!("the result does not parse: {e}"))?;
    for (key, value) in &values {
        ensure!(
            after.get(to, key) == Some(value.as_str()),
            "[{to}] {key} reads {:?}",
            after.get(to, key)
        );
        ensure!(after.get(from, key).is_none(), "[{from}] still holds {key}");
    }
    Ok(true)
}
