//! A lossless reader and section editor for the AWS `config` and `credentials` files.
//!
//! Written by hand on purpose: every INI crate we looked at (rust-ini, configparser,
//! ini-roundtrip-less forks) rewrites the whole file when saving and drops comments, blank
//! lines, key order or CRLF line ends. The credentials file holds the person's long-term keys
//! and other tools' profiles, so an edit here changes the lines of one section and copies
//! every other byte through untouched.
//!
//! Syntax follows the AWS CLI (Python's `configparser` as botocore uses it): `[section]`
//! headers (a trailing `#`/`;` comment allowed), `key = value` or `key: value` lines, full-line
//! comments starting with `#` or `;`, continuation lines indented deeper than their setting
//! (nested `s3 =` settings), CRLF or LF line ends and an optional UTF-8 byte-order mark (which
//! the AWS CLI refuses; see [`Document::cli_problems`]). Keys match case-insensitively. Values
//! keep everything after the delimiter: the AWS CLI does not strip inline comments.

use std::collections::HashMap;

use hashbrown::HashTable;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

/// Why a file could not be read as INI: the 1-based line and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, in words a person can act on.
    pub problem: String,
}

/// One `key = value` line (with its continuation lines), as byte ranges into the text: a
/// file is parsed on every keystroke in Alfred, and two strings per line add up.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// The key as written, trimmed.
    key: Range<usize>,
    /// The value on the key's own line, trimmed.
    value: Range<usize>,
    /// The whole value when continuation lines follow, joined as configparser joins them.
    joined: Option<Box<str>>,
    /// Byte range of the line(s) in the document, line end included.
    span: Range<usize>,
}

/// Something that makes the AWS CLI refuse a whole file (see [`Document::cli_problems`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliProblem {
    /// 1-based line.
    pub line: usize,
    /// What is there: `has [work] twice (lines 3 and 9)`.
    pub what: String,
    /// What to do.
    pub fix: &'static str,
}

/// A `key = value` setting as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting<'a> {
    /// The key as written, trimmed.
    pub key: &'a str,
    /// The value as the AWS CLI reads it: trimmed, and with its continuation lines (each
    /// trimmed, comments left out) after a `\n` each (`s3 =` then ` name = value` reads
    /// `"\nname = value"`).
    pub value: &'a str,
}

/// Every section of one name in a document (none, one, or duplicates), from
/// [`Document::sections_called`].
#[derive(Debug, Clone, Copy)]
pub struct Sections<'a> {
    doc: &'a Document,
    /// The last section of the name, if any.
    last: Option<usize>,
}

impl<'a> Sections<'a> {
    /// No section at all.
    pub fn none(doc: &'a Document) -> Self {
        Sections { doc, last: None }
    }

    /// Whether there is a section of that name.
    pub fn exist(&self) -> bool {
        self.last.is_some()
    }

    /// The sections, last first (the order in which the AWS CLI lets them win).
    fn last_first(&self) -> impl Iterator<Item = &'a Section> + 'a {
        let doc = self.doc;
        std::iter::successors(self.last, move |&i| doc.earlier_of(i)).map(move |i| &doc.sections[i])
    }

    /// Every setting of the sections, the one that wins first: the last section's settings
    /// from its last line up, then the section of the same name before it, and so on (the
    /// AWS CLI lets later keys win).
    pub fn winning_first(&self) -> impl Iterator<Item = Setting<'a>> + 'a {
        let doc = self.doc;
        self.last_first()
            .flat_map(move |section| doc.settings(section).rev())
    }

    /// The value of `key` (case-insensitive), the last one winning, as the AWS CLI merges
    /// duplicate sections.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        let [value] = self.get_many(&[key]);
        value
    }

    /// The values of several keys, each the last one of its name (case-insensitive) as
    /// [`Sections::get`] has it, in one walk over the sections' settings (`list` reads a dozen
    /// keys of hundreds of profiles per keystroke).
    pub fn get_many<const N: usize>(&self, keys: &[&str; N]) -> [Option<&'a str>; N] {
        let mut found = [None; N];
        let mut missing = N;
        for section in self.last_first() {
            for setting in self.doc.settings(section).rev() {
                let slot = keys.iter().zip(found.iter_mut()).find(|(key, slot)| {
                    slot.is_none()
                        && key.len() == setting.key.len()
                        && key.eq_ignore_ascii_case(setting.key)
                });
                if let Some((_, slot)) = slot {
                    *slot = Some(setting.value);
                    missing -= 1;
                    if missing == 0 {
                        return found;
                    }
                }
            }
        }
        found
    }
}

/// One `[name]` section and the lines up to the next header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The text between the first `[` and the last `]`, as written (`profile work`, `work`,
    /// `default`; `  work ` stays padded, as the AWS CLI reads it).
    pub name: String,
    /// Its entries: a range of the document's entry list.
    entries: Range<usize>,
    /// Byte range from the header's first byte to the start of the next header (or the end).
    span: Range<usize>,
}

/// A parsed file that remembers where everything is, so edits touch only their lines.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    sections: Vec<Section>,
    /// Every entry in file order; each section owns a range of it.
    entries: Vec<Entry>,
    newline: &'static str,
    /// Section name → the index of the last section of that name. `list` looks up a dozen
    /// keys for each of hundreds of profiles on every keystroke: a scan per lookup is
    /// quadratic. A table of indexes hashed by the names `sections` already holds, rather
    /// than a map with a copy of each name and a list per name: building that cost `list`
    /// two allocations per section.
    index: HashTable<usize>,
    /// For each section, the one of the same name before it (`NO_SECTION` for none).
    earlier: Vec<usize>,
    /// The last `[DEFAULT]` section, found once: every profile lookup asks for it.
    defaults: Option<usize>,
}

/// The section configparser takes every section's defaults from.
pub const DEFAULTS_SECTION: &str = "DEFAULT";

/// No section, in [`Document::earlier`].
const NO_SECTION: usize = usize::MAX;

/// The hash of a section name in [`Document::index`].
fn name_hash(name: &str) -> u64 {
    let mut hasher = Fnv::default();
    hasher.write(name.as_bytes());
    hasher.finish()
}

/// The byte ranges of every line, each including its line end.
fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    // One search over the whole text (memchr's SIMD), not one per line.
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = ends.next().map_or(text.len(), |i| i + 1);
        let range = start..end;
        start = end;
        Some(range)
    })
}

/// `s` without the white space around it, as Python's `str.strip()` (and `str::trim`) has it.
/// Spaces and tabs go first, byte by byte: around `=` they are the only white space in
/// nearly every line, and the Unicode-aware trim is only needed for what is left.
fn trim(s: &str) -> &str {
    let plain = |b: &u8| *b == b' ' || *b == b'\t';
    let bytes = s.as_bytes();
    let start = bytes.iter().position(|b| !plain(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !plain(b))
        .map_or(start, |i| i + 1);
    // Both ends are ASCII, so char boundaries.
    let rest = &s[start..end];
    match (rest.as_bytes().first(), rest.as_bytes().last()) {
        (Some(first), Some(last)) if !first.is_ascii_graphic() || !last.is_ascii_graphic() => {
            rest.trim()
        }
        _ => rest,
    }
}

/// A line without its `\n` or `\r\n`.
fn content(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// Parses a `[header]` line (without its indentation) into the section name, if it is one,
/// as Python's configparser does for botocore: the name is everything from the first `[` to
/// the last `]`, as written (not trimmed), and what follows the last `]` is ignored.
fn header_name(trimmed: &str) -> Option<Result<&str, String>> {
    let inner = trimmed.strip_prefix('[')?;
    let Some(close) = inner.rfind(']') else {
        return Some(Err("a section header needs a closing `]`".into()));
    };
    Some(Ok(&inner[..close]))
}

/// Indentation as deep as `indent` (in characters, as configparser counts it) made of what
/// is safe to write: its spaces and tabs, other white space (a lone CR, which Python reads as
/// a line end) replaced by spaces.
fn plain_indent(indent: &str) -> String {
    indent
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect()
}

/// The value of an entry with continuation lines as configparser reads it: the first line's
/// value, then each later line trimmed after a `\n`, blank lines kept as empty ones, comment
/// lines left out, trailing white space removed.
fn joined_value(text: &str, entry: &Entry) -> Box<str> {
    let mut value = text[entry.value.clone()].to_string();
    for (_, line) in continuation_lines(text, entry) {
        value.push('\n');
        value.push_str(line);
    }
    value.trim_end().into()
}

/// The lines after an entry's own line (its continuation lines and the blank lines between
/// them), each trimmed and with the offset in `text` where it starts; comment lines are left
/// out, as configparser leaves them out of the value.
fn continuation_lines<'t>(
    text: &'t str,
    entry: &Entry,
) -> impl Iterator<Item = (usize, &'t str)> + 't {
    let span = &text[entry.span.clone()];
    let first_end = span.find('\n').map_or(span.len(), |i| i + 1);
    let start = entry.span.start + first_end;
    lines(&text[start..entry.span.end])
        .map(move |range| (start + range.start, content(&text[start..][range]).trim()))
        .filter(|(_, line)| !line.starts_with(['#', ';']))
}

/// How far `line` is indented, in characters, as configparser counts it.
fn indentation(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count()
}

impl Document {
    /// Parses `text` as the AWS CLI does (Python's configparser, as botocore sets it up).
    /// Anything that is not a header, an entry, a comment, a blank line or a continuation
    /// line is an error naming the line, like the AWS CLI's own parser.
    ///
    /// A line is a continuation of the setting before it when it is indented deeper than
    /// that setting's line (blank and comment lines in between do not matter); otherwise an
    /// indented line is a header or a setting of its own. So `  [work]` after `key = value`
    /// is part of that value, not a section, as the AWS CLI reads it.
    pub fn parse(text: impl Into<String>) -> Result<Self, ParseError> {
        let text = text.into();
        let body_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut sections: Vec<Section> = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut newline = "\n";
        let mut first_line = true;
        // The indentation of the last header or setting line, and whether it was a setting
        // (only a setting takes continuation lines).
        let mut indent_level = 0;
        let mut setting_open = false;
        // The entries continuation lines were added to, each once, in order.
        let mut continued: Vec<usize> = Vec::new();
        for (index, range) in lines(&text[body_start..]).enumerate() {
            let range = range.start + body_start..range.end + body_start;
            let raw = &text[range.clone()];
            // CRLF, or a lone CR at the very end, which the `\n` of an edit turns into CRLF.
            if first_line && raw[content(raw).len()..].starts_with('\r') {
                newline = "\r\n";
            }
            first_line = false;
            let line = content(raw);
            let trimmed = trim(line);
            let number = index + 1;
            let err = |problem: String| ParseError {
                line: number,
                problem,
            };
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                if let Some(section) = sections.last_mut() {
                    section.span.end = range.end;
                }
                continue;
            }
            let indent = indentation(line);
            if setting_open
                && indent > indent_level
                && let (Some(section), Some(last)) = (sections.last_mut(), entries.last_mut())
            {
                // A continuation (`s3 =` followed by indented sub-settings) belongs to its key.
                section.span.end = range.end;
                last.span.end = range.end;
                if continued.last() != Some(&(entries.len() - 1)) {
                    continued.push(entries.len() - 1);
                }
                continue;
            }
            indent_level = indent;
            if let Some(name) = header_name(trimmed) {
                let name = name.map_err(err)?;
                if name.is_empty() {
                    return Err(err("a section header needs a name, e.g. `[default]`".into()));
                }
                sections.push(Section {
                    name: name.to_string(),
                    entries: entries.len()..entries.len(),
                    span: range.start..range.end,
                });
                setting_open = false;
                continue;
            }
            let Some(section) = sections.last_mut() else {
                return Err(err(
                    "a setting before the first `[section]` header: put it under a profile".into(),
                ));
            };
            section.span.end = range.end;
            setting_open = true;
            let Some(delimiter) = trimmed.bytes().position(|b| b == b'=' || b == b':') else {
                return Err(err(format!(
                    "expected `key = value`, a `[section]` header or a `#` comment, found `{}`",
                    preview(trimmed)
                )));
            };
            let key = trim(&trimmed[..delimiter]);
            if key.is_empty() {
                return Err(err("a setting needs a name before `=`".into()));
            }
            let value = trim(&trimmed[delimiter + 1..]);
            let at = |part: &str| {
                let start = part.as_ptr() as usize - text.as_ptr() as usize;
                start..start + part.len()
            };
            entries.push(Entry {
                key: at(key),
                value: at(value),
                joined: None,
                span: range,
            });
            section.entries.end = entries.len();
        }
        for i in continued {
            entries[i].joined = Some(joined_value(&text, &entries[i]));
        }
        let mut index: HashTable<usize> = HashTable::with_capacity(sections.len());
        let mut earlier = vec![NO_SECTION; sections.len()];
        for (i, section) in sections.iter().enumerate() {
            let hash = name_hash(&section.name);
            let same = |&j: &usize| sections[j].name == section.name;
            match index.find_mut(hash, same) {
                Some(last) => earlier[i] = std::mem::replace(last, i),
                None => {
                    index.insert_unique(hash, i, |&j| name_hash(&sections[j].name));
                }
            }
        }
        let mut doc = Document {
            text,
            sections,
            entries,
            newline,
            index,
            earlier,
            defaults: None,
        };
        doc.defaults = doc.last_called(DEFAULTS_SECTION);
        Ok(doc)
    }

    /// The text as it is now.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Every section in file order (duplicates included).
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// All sections called `name`, merged the way the AWS CLI reads them: later keys win.
    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.sections_called(section).get(key)
    }

    /// The sections called `name`, found once, to look up many keys in (`list` looks up a
    /// dozen for each of hundreds of profiles).
    pub fn sections_called(&self, name: &str) -> Sections<'_> {
        Sections {
            doc: self,
            last: self.last_called(name),
        }
    }

    /// The `[DEFAULT]` sections, which give every section of the file its defaults.
    pub fn defaults(&self) -> Sections<'_> {
        Sections {
            doc: self,
            last: self.defaults,
        }
    }

    /// Section `i` and the sections of the same name before it.
    pub fn sections_through(&self, i: usize) -> Sections<'_> {
        Sections {
            doc: self,
            last: Some(i),
        }
    }

    /// The index of the last section called `name`.
    fn last_called(&self, name: &str) -> Option<usize> {
        self.index
            .find(name_hash(name), |&i| self.sections[i].name == name)
            .copied()
    }

    /// The section of the same name before section `i`.
    fn earlier_of(&self, i: usize) -> Option<usize> {
        Some(self.earlier[i]).filter(|&j| j != NO_SECTION)
    }

    /// The settings of one section, in file order.
    pub fn settings<'a>(
        &'a self,
        section: &Section,
    ) -> impl DoubleEndedIterator<Item = Setting<'a>> + 'a {
        self.entries[section.entries.clone()]
            .iter()
            .map(|e| Setting {
                key: &self.text[e.key.clone()],
                value: e.joined.as_deref().unwrap_or(&self.text[e.value.clone()]),
            })
    }

    /// A nested setting: in the last section called `section` whose entry `key` has indented
    /// sub-settings (`sts =` then `  endpoint_url = …`, as in a `services` section), the
    /// value of `sub_key`, as botocore reads them (later lines win).
    pub fn nested(&self, section: &str, key: &str, sub_key: &str) -> Option<&str> {
        self.sections_called(section)
            .last_first()
            .find_map(|section| {
                self.entries_of(section)
                    .iter()
                    .rev()
                    .find(|e| self.key_of(e).eq_ignore_ascii_case(key))
                    .and_then(|entry| {
                        continuation_lines(&self.text, entry)
                            .filter_map(|(_, line)| {
                                let at = line.find(['=', ':'])?;
                                Some((line[..at].trim(), line[at + 1..].trim()))
                            })
                            .filter(|(k, _)| k.eq_ignore_ascii_case(sub_key))
                            .map(|(_, v)| v)
                            .last()
                    })
            })
    }

    fn entries_of(&self, section: &Section) -> &[Entry] {
        &self.entries[section.entries.clone()]
    }

    fn key_of(&self, entry: &Entry) -> &str {
        &self.text[entry.key.clone()]
    }

    /// Whether a section called `name` exists.
    pub fn has_section(&self, name: &str) -> bool {
        self.last_called(name).is_some()
    }

    /// Returns the text with section `name` holding `values` (set in the order given), and
    /// without any key listed in `remove`. Existing keys are replaced in place; new keys go
    /// right after the section's last setting; a missing section is appended at the end.
    /// Duplicate sections of that name lose the keys being set, so a stale copy cannot
    /// shadow the new value. Every byte outside those sections is copied unchanged.
    pub fn upsert(
        &self,
        name: &str,
        values: &[(&str, &str)],
        remove: &[&str],
    ) -> Result<String, ParseError> {
        check_section_name(name)?;
        for (key, value) in values {
            check_entry(key, value)?;
        }
        let targets: Vec<&Section> = self.sections.iter().filter(|s| s.name == name).collect();
        let newline = self.newline;
        let line_for =
            |indent: &str, key: &str, value: &str| format!("{indent}{key} = {value}{newline}");
        let Some(first) = targets.first() else {
            let mut out = self.text.clone();
            let body = self.text.trim_start_matches('\u{feff}');
            // The header starts a line of its own, also after a last line of blanks only.
            if !body.is_empty() {
                end_line(&mut out, newline);
            }
            if !body.trim().is_empty() && !out.ends_with(&format!("{newline}{newline}")) {
                out.push_str(newline);
            }
            out.push_str(&format!("[{name}]{newline}"));
            for (key, value) in values {
                out.push_str(&line_for("", key, value));
            }
            return Ok(out);
        };
        let is_set = |key: &str| values.iter().any(|(k, _)| k.eq_ignore_ascii_case(key));
        let is_removed = |key: &str| remove.iter().any(|k| k.eq_ignore_ascii_case(key));

        let mut out = String::with_capacity(self.text.len() + 256);
        let mut cursor = 0;
        for section in &targets {
            let is_first = std::ptr::eq(*section, *first);
            let mut written: Vec<&str> = Vec::new();
            let mut insert_at = section.span.start
                + self.text[section.span.clone()]
                    .find('\n')
                    .map_or(section.span.len(), |i| i + 1);
            for entry in self.entries_of(section) {
                let entry_key = self.key_of(entry);
                out.push_str(&self.text[cursor..entry.span.start]);
                cursor = entry.span.end;
                let own = values
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(entry_key));
                match own {
                    Some((key, value))
                        if is_first && !written.iter().any(|w| w.eq_ignore_ascii_case(key)) =>
                    {
                        // Indented as it was: how deep a line is decides, for the AWS CLI,
                        // whether the lines after it continue it.
                        let indent = plain_indent(&self.text[entry.span.start..entry.key.start]);
                        out.push_str(&line_for(&indent, key, value));
                        written.push(key);
                    }
                    _ if is_set(entry_key) || is_removed(entry_key) => {}
                    _ => out.push_str(&self.text[entry.span.clone()]),
                }
                insert_at = entry.span.end;
            }
            if is_first {
                // Settings the section did not have yet go after its last setting, before
                // any trailing blank lines or comments that separate it from the next one.
                out.push_str(&self.text[cursor..insert_at.max(cursor)]);
                cursor = insert_at.max(cursor);
                let mut new = values
                    .iter()
                    .filter(|(key, _)| !written.iter().any(|w| w.eq_ignore_ascii_case(key)))
                    .peekable();
                if new.peek().is_some() {
                    end_line(&mut out, newline);
                }
                // As deep as the line that follows (an indented `  [next]` header): a new
                // setting less indented than it would make the AWS CLI read it as part of
                // the new value. Never deeper than the setting before it, which holds it.
                let indent = plain_indent(self.indent_of_next_line(insert_at.max(cursor)));
                for (key, value) in new {
                    out.push_str(&line_for(&indent, key, value));
                }
            }
        }
        out.push_str(&self.text[cursor..]);
        Ok(out)
    }

    /// What in this file makes the AWS CLI (botocore) refuse to read it at all, though awsmfa
    /// reads it: a byte-order mark, a section that appears twice, a key twice in one
    /// section, a sub-setting line without `=`. In file order; empty for a file the AWS CLI
    /// reads.
    pub fn cli_problems(&self) -> Vec<CliProblem> {
        let mut problems = Vec::new();
        if self.text.starts_with('\u{feff}') {
            problems.push(CliProblem {
                line: 1,
                what: "starts with a byte-order mark (BOM)".into(),
                fix: "save it as UTF-8 without a BOM",
            });
        }
        let line_of = |at: usize| self.text[..at].matches('\n').count() + 1;
        for (i, section) in self.sections.iter().enumerate() {
            let first = std::iter::successors(Some(i), |&j| self.earlier_of(j))
                .last()
                .unwrap_or(i);
            if first != i {
                problems.push(CliProblem {
                    line: line_of(section.span.start),
                    what: format!(
                        "has [{}] twice (lines {} and {})",
                        section.name,
                        line_of(self.sections[first].span.start),
                        line_of(section.span.start)
                    ),
                    fix: "merge the two into one section",
                });
                continue;
            }
            let entries = self.entries_of(section);
            for (j, entry) in entries.iter().enumerate() {
                let key = self.key_of(entry);
                if let Some(earlier) = entries[..j]
                    .iter()
                    .find(|e| self.key_of(e).eq_ignore_ascii_case(key))
                {
                    problems.push(CliProblem {
                        line: line_of(entry.span.start),
                        what: format!(
                            "has {key} twice in [{}] (lines {} and {})",
                            section.name,
                            line_of(earlier.span.start),
                            line_of(entry.span.start)
                        ),
                        fix: "keep one of them",
                    });
                }
                if let Some(at) = self.sub_setting_without_equals(entry) {
                    problems.push(CliProblem {
                        line: line_of(at),
                        what: format!(
                            "has a line without `=` among the sub-settings of {key} in [{}] (line {})",
                            section.name,
                            line_of(at)
                        ),
                        fix: "write it as `name = value`, or indent it no deeper than the line before",
                    });
                }
            }
        }
        problems.sort_by_key(|p| p.line);
        problems
    }

    /// Where a setting with sub-settings (`s3 =`, then indented lines) has a line that is not
    /// `name = value`, which botocore refuses the whole file for.
    fn sub_setting_without_equals(&self, entry: &Entry) -> Option<usize> {
        if !entry.value.is_empty() || entry.joined.is_none() {
            return None;
        }
        continuation_lines(&self.text, entry)
            .find(|(_, line)| !line.is_empty() && !line.contains('='))
            .map(|(at, _)| at)
    }

    /// The indentation of the first line from `at` on that is not blank or a comment (""
    /// when there is none).
    fn indent_of_next_line(&self, at: usize) -> &str {
        lines(&self.text[at..])
            .map(|range| content(&self.text[at..][range]))
            .find(|line| {
                let trimmed = line.trim();
                !(trimmed.is_empty() || trimmed.starts_with(['#', ';']))
            })
            .map_or("", |line| &line[..line.len() - line.trim_start().len()])
    }

    /// Returns the text with `keys` moved from the sections called `from` to the section `to`:
    /// each key's value as the AWS CLI reads it in `from` is set in `to` as [`Document::upsert`]
    /// sets it (`to` is appended when missing), and every line of `from` holding one of the
    /// keys goes, as [`Document::remove_keys`] removes it. The headers and every other byte
    /// stay. Refused when `from` is `to`, when `from` lacks one of the keys, or when a value
    /// cannot be written on one line.
    pub fn move_keys(&self, from: &str, to: &str, keys: &[&str]) -> Result<String, ParseError> {
        let refuse = |problem: String| ParseError { line: 0, problem };
        if from == to {
            return Err(refuse(format!("[{from}] cannot take its own keys")));
        }
        check_section_name(to)?;
        let mut values = Vec::with_capacity(keys.len());
        for key in keys {
            let value = self
                .get(from, key)
                .ok_or_else(|| refuse(format!("[{from}] has no {key} to move")))?;
            values.push((*key, value));
        }
        for (key, value) in &values {
            check_entry(key, value)?;
        }
        let without = self
            .remove_keys(from, keys)
            .unwrap_or_else(|| self.text.clone());
        Document::parse(without)?.upsert(to, &values, &[])
    }

    /// Returns the text without the keys `remove` in every section called `name`; the header
    /// and every other line stay. `None` when there was nothing to remove.
    pub fn remove_keys(&self, name: &str, remove: &[&str]) -> Option<String> {
        let mut out = String::with_capacity(self.text.len());
        let mut cursor = 0;
        let mut changed = false;
        for section in self.sections.iter().filter(|s| s.name == name) {
            for entry in self.entries_of(section) {
                if remove
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(self.key_of(entry)))
                {
                    out.push_str(&self.text[cursor..entry.span.start]);
                    cursor = entry.span.end;
                    changed = true;
                }
            }
        }
        out.push_str(&self.text[cursor..]);
        changed.then_some(out)
    }
}

/// Ends the last line of `out` if it has no line end: a CR that ends the text (which reads
/// as a line end) gets its LF, any other line `newline`.
fn end_line(out: &mut String, newline: &str) {
    if out.ends_with('\r') {
        out.push('\n');
    } else if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(newline);
    }
}

/// A hash map keyed by names from the AWS files (sections, profiles), hashed with FNV-1a.
pub type NameMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

/// A set of names from the AWS files, hashed with FNV-1a.
pub type NameSet<T> = std::collections::HashSet<T, BuildHasherDefault<Fnv>>;

/// FNV-1a for the name maps. std's SipHash defends against crafted collisions, which a
/// person's own config file does not need, and costs `list` more than the lookups do.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

fn preview(text: &str) -> String {
    let mut short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

fn check_section_name(name: &str) -> Result<(), ParseError> {
    if name.is_empty()
        || name != name.trim()
        || name.contains([']', '[', '\n', '\r'])
        || name.starts_with(['#', ';'])
    {
        return Err(ParseError {
            line: 0,
            problem: format!(
                "`{}` cannot be a section name in an AWS file: use letters, digits, `-`, `_` or `.`",
                name.escape_debug()
            ),
        });
    }
    Ok(())
}

fn check_entry(key: &str, value: &str) -> Result<(), ParseError> {
    let bad = |what: &str| ParseError {
        line: 0,
        problem: format!(
            "the {what} of `{}` cannot be written to an AWS file",
            key.escape_debug()
        ),
    };
    // A key starting with `#` or `;` would turn its line into a comment.
    if key.is_empty()
        || key.contains(['=', ':', '\n', '\r', '['])
        || key.starts_with(['#', ';'])
        || key != key.trim()
    {
        return Err(bad("name"));
    }
    if value.contains(['\n', '\r']) || value != value.trim() {
        return Err(bad("value"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
