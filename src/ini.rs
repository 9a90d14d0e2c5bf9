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
//!
//! Both files are parsed on every keystroke in Alfred (`list`), so the reader keeps what it
//! finds as `u32` offsets into the text (an entry is 28 bytes, a section 32, neither owns a
//! string), finds each line's delimiter and end in one scan, and reads the common lines from
//! the few bytes around those (`read_lines`), the others by `classify`.

use std::collections::HashMap;

use hashbrown::{HashTable, hash_table};
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

/// No entry or section, in [`Entry::joined`] and [`Head::earlier`].
const NONE: u32 = u32::MAX;

/// One `key = value` line (with its continuation lines), as byte offsets into the text.
/// `u32`: the text is at most 4 GiB ([`Document::parse`] refuses more; awsmfa reads at most
/// 256 MiB), and 28 bytes an entry rather than 80 (four `Range<usize>` and an
/// `Option<Box<str>>`): `list` holds one per setting of both files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    /// Where its line starts.
    start: u32,
    /// The key as written, trimmed.
    key: u32,
    key_end: u32,
    /// The value on the key's own line, trimmed.
    value: u32,
    value_end: u32,
    /// The end of its line(s), line end included.
    end: u32,
    /// With continuation lines, the index of the whole value in [`Document::joined`];
    /// [`NONE`] without (nearly every entry).
    joined: u32,
}

impl Entry {
    /// Byte range of the line(s) in the document, line end included.
    fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    fn key_range(&self) -> Range<usize> {
        self.key as usize..self.key_end as usize
    }

    fn key_len(&self) -> usize {
        (self.key_end - self.key) as usize
    }

    fn value_range(&self) -> Range<usize> {
        self.value as usize..self.value_end as usize
    }
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

    /// Their name as the file has it, if there is a section of that name.
    pub fn name(&self) -> Option<&'a str> {
        self.last.map(|i| self.doc.section(i).name)
    }

    /// The sections, last first (the order in which the AWS CLI lets them win).
    fn last_first(&self) -> impl Iterator<Item = &'a Head> + 'a {
        let doc = self.doc;
        std::iter::successors(self.last, move |&i| doc.earlier_of(i)).map(move |i| &doc.heads[i])
    }

    /// Reads many keys in one walk, for callers that know their keys by a slot number:
    /// `slot_of` names the slot of a key's bytes as written (`None`: not wanted; bytes, not
    /// a `str`, which would check both ends for char boundaries: `list` passes every key of
    /// hundreds of profiles per keystroke), and each slot
    /// still empty takes the value of the setting that wins (the last of the key; the AWS
    /// CLI lets later keys win, also across sections of one name). A value is read only for
    /// a key that takes a slot (`list` reads a handful of settings of hundreds of profiles
    /// per keystroke, most of them not wanted).
    pub fn fill<const N: usize>(
        &self,
        slots: &mut Slots<'a, N>,
        slot_of: impl Fn(&[u8]) -> Option<usize>,
    ) {
        let doc = self.doc;
        let text = doc.text.as_bytes();
        for head in self.last_first() {
            for entry in doc.entries_of(head).iter().rev() {
                if let Some(slot) = slot_of(&text[entry.key_range()]) {
                    slots.offer(slot, || doc.value_of(entry));
                }
            }
        }
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
        let doc = self.doc;
        let text = doc.text.as_bytes();
        let mut found = [None; N];
        let mut missing = N;
        // The lengths of the keys asked for (modulo 64) as bits: an entry of none of them is
        // passed over with one test, not one comparison per key (a dozen keys, most
        // settings of a section not among them).
        let lengths = keys
            .iter()
            .fold(0, |bits, key| bits | length_bit(key.len()));
        for head in self.last_first() {
            for entry in doc.entries_of(head).iter().rev() {
                let len = entry.key_len();
                if lengths & length_bit(len) == 0 {
                    continue;
                }
                // The length first (at hand for both, and it tells most keys apart), then
                // the bytes as written (keys are nearly always written as awsmfa asks for
                // them), then ignoring case.
                let slot = (0..N).find(|&i| {
                    keys[i].len() == len && found[i].is_none() && {
                        let (key, wanted) = (&text[entry.key_range()], keys[i].as_bytes());
                        key == wanted || key.eq_ignore_ascii_case(wanted)
                    }
                });
                if let Some(i) = slot {
                    found[i] = Some(doc.value_of(entry));
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

/// Values by slot number, for [`Sections::fill`]: up to 64 slots, each empty or holding the
/// value that took it first. Which slots are taken, and which of them hold a value that is not
/// empty, are two words: emptying them all is two stores, and reading one a bit test. `list`
/// empties 21 slots three times for each of hundreds of profiles per keystroke and reads a
/// dozen; as `[Option<&str>; 21]` (336 bytes, a `memset` call each time, an emptiness test
/// each read) that cost 0.21 M instructions more at 1,000 profiles (callgrind).
#[derive(Debug, Clone, Copy)]
pub struct Slots<'a, const N: usize> {
    /// Bit `i`: slot `i` is taken.
    taken: u64,
    /// Bit `i`: slot `i` is taken by a value that is not empty.
    filled: u64,
    /// A slot's value; only read where its bit is set.
    values: [&'a str; N],
}

impl<'a, const N: usize> Slots<'a, N> {
    /// Every slot empty (`N` at most 64).
    pub const EMPTY: Self = {
        assert!(N <= 64, "at most 64 slots");
        Slots {
            taken: 0,
            filled: 0,
            values: [""; N],
        }
    };

    /// Empties every slot.
    pub fn clear(&mut self) {
        self.taken = 0;
        self.filled = 0;
    }

    /// The value in slot `i`, if it is taken by one that is not empty. (An empty value
    /// still takes its slot, so that a later offer does not: configparser's `key =` hides
    /// `[DEFAULT]`'s.) A bit test: `list` asks for a dozen slots of each of hundreds of
    /// profiles per keystroke.
    #[inline(always)]
    pub fn get(&self, i: usize) -> Option<&'a str> {
        if i < N && self.filled & (1 << i) != 0 {
            Some(self.values[i])
        } else {
            None
        }
    }

    /// Puts `value()` in slot `i` if it is empty (a slot past `N` is none).
    #[inline(always)]
    fn offer(&mut self, i: usize, value: impl FnOnce() -> &'a str) {
        if i < N && self.taken & (1 << i) == 0 {
            let value = value();
            self.values[i] = value;
            self.taken |= 1 << i;
            self.filled |= u64::from(!value.is_empty()) << i;
        }
    }
}

/// A key length as one bit of a `u64` (lengths 64 apart share one): a set of lengths in a
/// word, for [`Sections::get_many`] to pass over keys of other lengths.
fn length_bit(len: usize) -> u64 {
    1 << (len % 64)
}

/// A key as one bit of a `u64`, the same for keys equal but for ASCII case: its length plus
/// its last byte with the bit set that tells ASCII letters' cases apart (`| 0x20`, which
/// lower-cases a letter), modulo 64 (`aws_access_key_id` and `aws_session_token` have one
/// length, not one last byte). Keys of one section with different bits cannot be one key
/// twice. Cheap on purpose: `parse` computes it for every setting (with the first byte and a
/// multiply as well it cost `parse` 0.3 M instructions more at 1,000 profiles; with
/// `to_ascii_lowercase`, and the last byte read again rather than handed over by
/// `common_setting`, 0.07 M more).
fn key_bit(len: usize, last: u8) -> u64 {
    1 << ((len + usize::from(last | 0x20)) % 64)
}

/// Where one `[name]` section is: its name, its entries and its lines, as offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Head {
    /// The name's bytes in the text.
    name: u32,
    name_end: u32,
    /// Its entries: a range of the document's entry list.
    entries: u32,
    entries_end: u32,
    /// Byte range from the header's first byte to the start of the next header (or the end).
    start: u32,
    end: u32,
    /// The section of the same name before it ([`NONE`] for none).
    earlier: u32,
    /// Whether [`Document::cli_problems`] must look at its entries: two of its keys share a
    /// [`key_bit`] (they may be one key twice), or one has continuation lines (which may be
    /// sub-settings without `=`). Found while parsing, so that the check of a file the AWS
    /// CLI reads looks at the few sections that need it (0.6 M instructions at 1,000
    /// profiles when it walked every entry of every section).
    suspect: bool,
    /// Whether a later section has the same name (set with the index, see
    /// [`Document::sections_named_as`]).
    superseded: bool,
}

impl Head {
    fn name_range(&self) -> Range<usize> {
        self.name as usize..self.name_end as usize
    }

    fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One `[name]` section and the lines up to the next header, from [`Document::sections`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section<'a> {
    /// The text between the first `[` and the last `]`, as written (`profile work`, `work`,
    /// `default`; `  work ` stays padded, as the AWS CLI reads it).
    pub name: &'a str,
    head: &'a Head,
}

impl Section<'_> {
    /// Byte range from the header's first byte to the start of the next header (or the end).
    #[cfg(test)]
    fn span(&self) -> Range<usize> {
        self.head.span()
    }
}

/// A parsed file that remembers where everything is, so edits touch only their lines.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    /// Every section in file order.
    heads: Vec<Head>,
    /// Every entry in file order; each section owns a range of it.
    entries: Vec<Entry>,
    /// The whole values of the entries with continuation lines, joined as configparser
    /// joins them (see [`Entry::joined`]).
    joined: Vec<Box<str>>,
    newline: &'static str,
    /// Section name → the index of the last section of that name. `list` looks up a dozen
    /// keys for each of hundreds of profiles on every keystroke: a scan per lookup is
    /// quadratic. A table of indexes hashed by the names the text already holds, rather
    /// than a map with a copy of each name and a list per name: building that cost `list`
    /// two allocations per section.
    index: HashTable<u32>,
    /// The last `[DEFAULT]` section, found once: every profile lookup asks for it.
    defaults: Option<usize>,
}

/// The section configparser takes every section's defaults from.
pub const DEFAULTS_SECTION: &str = "DEFAULT";

/// The hash of a section name in [`Document::index`]: eight bytes at a time, each word
/// folded in by a 128-bit multiply (as foldhash and wyhash do), which spreads every input bit
/// over the low bits hashbrown picks a bucket by and the high bits it keeps as a tag. FNV-1a
/// took a multiply per byte: about 0.2 M instructions of parsing at 1,000 profiles (3,000
/// names), this about 0.1 M (callgrind).
fn name_hash(name: &[u8]) -> u64 {
    const SEED: u64 = 0x243f_6a88_85a3_08d3;
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let fold = |a: u64| {
        let m = u128::from(a) * u128::from(K);
        (m as u64) ^ ((m >> 64) as u64)
    };
    let mut hash = SEED ^ name.len() as u64;
    let (words, rest) = name.as_chunks::<8>();
    for word in words {
        hash = fold(hash ^ u64::from_le_bytes(*word));
    }
    if !rest.is_empty() {
        // The last eight bytes, overlapping the words before (the length is in the seed);
        // a shorter name byte by byte. Copying the rest into a zeroed word called memcpy.
        let last = match name.len().checked_sub(8) {
            Some(at) => u64::from_le_bytes(name[at..].try_into().expect("eight bytes")),
            None => rest.iter().fold(0, |word, &b| word << 8 | u64::from(b)),
        };
        hash = fold(hash ^ last);
    }
    hash
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

/// A byte in every lane of a word, for [`marks`].
const LANES: u64 = 0x0101_0101_0101_0101;

/// The bytes of `word` equal to `byte`, each marked by its high bit (`haszero` of the word
/// XOR `byte` in every lane). A borrow may also mark bytes above a marked one, so only the
/// lowest mark is exact: the first such byte, as the word is read little-endian.
fn marks(word: u64, byte: u8) -> u64 {
    let x = word ^ (LANES * u64::from(byte));
    x.wrapping_sub(LANES) & !x & (LANES << 7)
}

/// The offset of the first byte of `bytes` that `is` (a byte) and `mark` (the same in a word,
/// as [`marks`] has it) agree on: eight bytes at a time, then the last few one by one.
/// memchr's SIMD search is quicker over a long text, but `parse` searches each line for its
/// end and its delimiter, a few dozen bytes each, and setting that search up each time cost
/// more than the search: this took `parse` of both files at 1,000 profiles from 5.8 to 5.3 M
/// instructions (callgrind; memchr's own word-at-a-time search, `arch::all`, was no
/// quicker than its SIMD one here).
#[inline(always)]
fn find_first(bytes: &[u8], mark: impl Fn(u64) -> u64, is: impl Fn(u8) -> bool) -> Option<usize> {
    let (words, rest) = bytes.as_chunks::<8>();
    for (i, word) in words.iter().enumerate() {
        let found = mark(u64::from_le_bytes(*word));
        if found != 0 {
            return Some(i * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    let at = words.len() * 8;
    rest.iter().position(|&b| is(b)).map(|i| at + i)
}

/// Where a line's parts are, from [`line_marks`]: its first `=` or `:` (its `\n` when none
/// comes before that), and its `\n`; the length of the text for what is not there.
type LineMarks = (usize, usize);

/// The first `\n`, `=` or `:` from `at` on, and the first `\n` from there: a line's
/// delimiter (or, when it has none, its end) and its end, in one scan from its start.
/// Sixteen bytes at a time with SSE2 on x86_64 ([`lane_marks`]), eight at a time elsewhere
/// ([`word_marks`]).
#[inline(always)]
fn line_marks(bytes: &[u8], at: usize) -> LineMarks {
    #[cfg(target_arch = "x86_64")]
    {
        scan_line::<16, 1>(bytes, at, lane_marks)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        scan_line::<8, 8>(bytes, at, word_marks)
    }
}

/// [`line_marks`] `N` bytes at a time: `marks` gives the `\n`s and the `=`s and `:`s of `N`
/// bytes as bits, `BITS` bits a byte, the lowest bit of each exact (as [`marks`] has it: a
/// wrong mark lies above a right one of its own byte). Both come from one look at the bytes,
/// so a line whose delimiter and end lie in the same `N` bytes is read in one step, and after
/// the delimiter the search for the end goes on from the next `N` bytes. Through the rest of
/// the text, not just one line, so only the text's last few bytes (fewer than `N`) are left
/// to [`line_marks_plain`], not the last few of every line.
///
/// It replaced a search for the first of the three bytes and a second one from there for
/// the `\n` (each sixteen bytes at a time, a byte compared into 0xff or 0 and the sixteen
/// read as one `u128`, about 22 instructions a lane): `parse` of both files at 1,000
/// profiles went from 3.21 to 2.84 M instructions (callgrind).
#[inline(always)]
fn scan_line<const N: usize, const BITS: u32>(
    bytes: &[u8],
    mut at: usize,
    marks: impl Fn(&[u8; N]) -> (u64, u64),
) -> LineMarks {
    let found = |at: usize, mask: u64| at + (mask.trailing_zeros() / BITS) as usize;
    let delimiter = loop {
        let Some(chunk) = bytes[at..].first_chunk::<N>() else {
            return line_marks_plain(bytes, at);
        };
        let (newlines, delimiters) = marks(chunk);
        if newlines | delimiters != 0 {
            // An exact lowest mark each, of different bytes: the lower one comes first (no
            // mark at all counts 64).
            if newlines.trailing_zeros() < delimiters.trailing_zeros() {
                let end = found(at, newlines);
                return (end, end);
            }
            let delimiter = found(at, delimiters);
            if newlines != 0 {
                return (delimiter, found(at, newlines));
            }
            at += N;
            break delimiter;
        }
        at += N;
    };
    loop {
        let Some(chunk) = bytes[at..].first_chunk::<N>() else {
            return (delimiter, line_marks_plain(bytes, at).1);
        };
        let (newlines, _) = marks(chunk);
        if newlines != 0 {
            return (delimiter, found(at, newlines));
        }
        at += N;
    }
}

/// [`line_marks`] byte by byte: the definition the others follow, and how the last few bytes
/// of the text are read. Out of line: with the text's last bytes read in the loop of
/// [`read_lines`] (padded with zeros to sixteen), the compiler kept the loop's values on the
/// stack, and `parse` took 3.02 M instructions rather than 2.84 M.
#[cold]
#[inline(never)]
fn line_marks_plain(bytes: &[u8], at: usize) -> LineMarks {
    let len = bytes.len();
    let first = |from: usize, is: fn(&u8) -> bool| {
        bytes[from..].iter().position(is).map_or(len, |i| from + i)
    };
    let delimiter = first(at, |&b| matches!(b, b'\n' | b'=' | b':'));
    (delimiter, first(delimiter, |&b| b == b'\n'))
}

/// The `\n`s and the `=`s and `:`s of eight bytes, as [`marks`] has them (the high bit of a
/// byte, only the lowest mark of each exact): the search on processors without SSE2 (the
/// Mac's aarch64); on x86_64 only in the tests, against [`lane_marks`] and a plain search.
#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
#[inline(always)]
fn word_marks(word: &[u8; 8]) -> (u64, u64) {
    let word = u64::from_le_bytes(*word);
    (marks(word, b'\n'), marks(word, b'=') | marks(word, b':'))
}

/// The `\n`s and the `=`s and `:`s of sixteen bytes, a bit each (bit `i` for byte `i`), by
/// [`lane_marks_sse2`].
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn lane_marks(lane: &[u8; 16]) -> (u64, u64) {
    // SAFETY: `lane_marks_sse2` needs nothing but SSE2, which is part of the x86_64
    // baseline: every x86_64 processor has it, and rustc's x86_64 targets enable it.
    unsafe { lane_marks_sse2(lane) }
}

/// [`lane_marks`]: three SSE2 compares of the sixteen bytes at once and their high bits
/// gathered into a number each (`pcmpeqb`, `pmovmskb`), about ten instructions for sixteen
/// bytes and both answers. Without the intrinsics (which are `unsafe` to reach from code not
/// compiled for SSE2) the compiler made its compares, but not the gathering: it went
/// through the stack and two 64-bit halves, about 22 instructions a lane and one answer.
/// Worth its `unsafe`: with [`word_marks`] on x86_64, `parse` of both files at 1,000
/// profiles takes 3.76 M instructions, with this 2.84 M (callgrind). No raw pointers: the
/// bytes come in as an array (the compiler loads them with one `movdqu`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn lane_marks_sse2(lane: &[u8; 16]) -> (u64, u64) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8,
    };
    let lane = u128::from_le_bytes(*lane);
    let lane = _mm_set_epi64x((lane >> 64) as i64, lane as i64);
    let newlines = _mm_cmpeq_epi8(lane, _mm_set1_epi8(b'\n' as i8));
    let equals = _mm_cmpeq_epi8(lane, _mm_set1_epi8(b'=' as i8));
    let colons = _mm_cmpeq_epi8(lane, _mm_set1_epi8(b':' as i8));
    // Sixteen bits each: the high bits of the sign-extended `i32` are zero.
    (
        u64::from(_mm_movemask_epi8(newlines) as u32),
        u64::from(_mm_movemask_epi8(_mm_or_si128(equals, colons)) as u32),
    )
}

/// The first `=` or `:` in `bytes`.
fn find_delimiter(bytes: &[u8]) -> Option<usize> {
    find_first(
        bytes,
        |word| marks(word, b'=') | marks(word, b':'),
        |b| b == b'=' || b == b':',
    )
}

/// Spaces and tabs: nearly all the white space there is around the parts of a line.
fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `s` without the white space before it, as `str::trim_start` has it: spaces and tabs go
/// byte by byte, and the Unicode-aware trim runs only when something other than a visible
/// ASCII character is left in front.
fn trim_start(s: &str) -> &str {
    let bytes = s.as_bytes();
    let start = bytes
        .iter()
        .position(|&b| !is_blank(b))
        .unwrap_or(bytes.len());
    // An ASCII byte, so a char boundary.
    let rest = &s[start..];
    match rest.as_bytes().first() {
        Some(first) if !first.is_ascii_graphic() => rest.trim_start(),
        _ => rest,
    }
}

/// `s` without the white space after it, as `str::trim_end` has it (see [`trim_start`]).
fn trim_end(s: &str) -> &str {
    let bytes = s.as_bytes();
    let end = bytes
        .iter()
        .rposition(|&b| !is_blank(b))
        .map_or(0, |i| i + 1);
    let rest = &s[..end];
    match rest.as_bytes().last() {
        Some(last) if !last.is_ascii_graphic() => rest.trim_end(),
        _ => rest,
    }
}

/// `s` without the white space around it, as Python's `str.strip()` (and `str::trim`) has it.
fn trim(s: &str) -> &str {
    trim_start(trim_end(s))
}

/// A line without its `\n` or `\r\n`.
fn content(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// What one line (without its line end) is by itself, as configparser reads it; whether it
/// continues the setting before it is up to [`Document::parse`], which knows that setting.
/// Ranges are byte offsets into the line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    /// Blank, or a `#`/`;` comment (after any white space).
    Blank,
    /// `[name]`: the name runs from the first `[` to the last `]`, as written (not trimmed),
    /// and what follows the last `]` is ignored; `None` when there is no `]`.
    Header {
        indent: usize,
        name: Option<Range<usize>>,
    },
    /// `key = value` or `key: value` (the first `=` or `:`), both parts trimmed; the key is
    /// empty for a line starting with the delimiter.
    Setting {
        indent: usize,
        key: Range<usize>,
        value: Range<usize>,
    },
    /// Anything else (no delimiter): `trimmed` is the line without its white space around.
    Other {
        indent: usize,
        trimmed: Range<usize>,
    },
}

impl Line {
    /// How far the line is indented, in characters, as configparser counts it.
    fn indent(&self) -> usize {
        match self {
            Line::Blank => 0,
            Line::Header { indent, .. }
            | Line::Setting { indent, .. }
            | Line::Other { indent, .. } => *indent,
        }
    }
}

/// [`Line`] the plain way, with the Unicode-aware `str` functions: the definition that
/// [`classify`] follows, and what it falls back to for a line whose first visible character
/// is not ASCII (or that starts with other white space than spaces and tabs).
fn classify_plain(line: &str) -> Line {
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
        return Line::Blank;
    }
    let at = |part: &str| {
        let start = part.as_ptr() as usize - line.as_ptr() as usize;
        start..start + part.len()
    };
    let indent = line.chars().take_while(|c| c.is_whitespace()).count();
    if let Some(inner) = trimmed.strip_prefix('[') {
        let name = inner.rfind(']').map(|close| at(&inner[..close]));
        return Line::Header { indent, name };
    }
    match trimmed.find(['=', ':']) {
        Some(delimiter) => Line::Setting {
            indent,
            key: at(trimmed[..delimiter].trim()),
            value: at(trimmed[delimiter + 1..].trim()),
        },
        None => Line::Other {
            indent,
            trimmed: at(trimmed),
        },
    }
}

/// [`classify_plain`] in one pass over the line's bytes, for the lines [`read_lines`] does
/// not read itself (indented ones, tabs or other white space around the parts, ...): the
/// first byte after the spaces and tabs decides what the line is; the delimiter is found
/// eight bytes at a time ([`find_delimiter`]); each part is trimmed only at the end that can
/// have white space (the line's first visible character starts the key, its last one ends the
/// value). The plain way trims three times a line and counts the indentation in chars; with
/// this and the offsets of [`Entry`], `parse` of both files at 1,000 profiles went from 8.9
/// to 5.5 M instructions (callgrind, about 380 a line).
fn classify(line: &str) -> Line {
    // Indexes into the bytes rather than `str` slices and iterators: a slice checks both
    // ends for char boundaries, an iterator sets itself up, and four of each a line added up
    // to a quarter of `parse` (callgrind).
    let bytes = line.as_bytes();
    let mut start = 0;
    while start < bytes.len() && is_blank(bytes[start]) {
        start += 1;
    }
    let Some(&first) = bytes.get(start) else {
        return Line::Blank;
    };
    if !first.is_ascii_graphic() {
        // Non-ASCII (which may be white space, as U+00A0 is), another control character.
        return classify_plain(line);
    }
    // Only spaces and tabs before it: one character each.
    let indent = start;
    if first == b'#' || first == b';' {
        return Line::Blank;
    }
    // The line's first visible character starts the text, its last one ends it: spaces
    // and tabs go byte by byte, other white space (rare) the Unicode-aware way. `bytes[start]`
    // is no blank, so `end` stops after it.
    let mut end = bytes.len();
    while is_blank(bytes[end - 1]) {
        end -= 1;
    }
    if !bytes[end - 1].is_ascii_graphic() {
        end = start + line[start..end].trim_end().len();
    }
    if first == b'[' {
        // White space holds no `]`: the last `]` of the line is the last of the text.
        // From the end: the `]` nearly always ends the line.
        let name = bytes[start + 1..end]
            .iter()
            .rposition(|&b| b == b']')
            .map(|close| start + 1..start + 1 + close);
        return Line::Header { indent, name };
    }
    let Some(delimiter) = find_delimiter(&bytes[start..end]) else {
        return Line::Other {
            indent,
            trimmed: start..end,
        };
    };
    let delimiter = start + delimiter;
    let mut key_end = delimiter;
    while key_end > start && is_blank(bytes[key_end - 1]) {
        key_end -= 1;
    }
    if key_end > start && !bytes[key_end - 1].is_ascii_graphic() {
        key_end = start + line[start..key_end].trim_end().len();
    }
    let mut value = delimiter + 1;
    while value < end && is_blank(bytes[value]) {
        value += 1;
    }
    if value < end && !bytes[value].is_ascii_graphic() {
        value = end - line[value..end].trim_start().len();
    }
    Line::Setting {
        indent,
        key: start..key_end,
        value: value..end,
    }
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
    let mut value = text[entry.value_range()].to_string();
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
    let span = &text[entry.span()];
    let first_end = span.find('\n').map_or(span.len(), |i| i + 1);
    let start = entry.span().start + first_end;
    lines(&text[start..entry.span().end])
        .map(move |range| (start + range.start, trim(content(&text[start..][range]))))
        .filter(|(_, line)| !line.starts_with(['#', ';']))
}

/// Offset `at` of a text [`Document::parse`] took, as stored: it refuses text of 4 GiB or
/// more, so a plain cast (a checked conversion a field cost `parse` 0.3 M instructions).
fn offset(at: usize) -> u32 {
    debug_assert!(u32::try_from(at).is_ok(), "{at} is past 4 GiB");
    at as u32
}

/// Why a line could not be read: the offset where it starts (counted into a line number only
/// then) and what is wrong.
type LineError = (usize, String);

const BEFORE_FIRST_SECTION: &str =
    "a setting before the first `[section]` header: put it under a profile";

/// What [`Document::parse`] has read so far: the sections and settings, and what decides how
/// the next line reads. The common lines are read in [`read_lines`] itself, the others by
/// [`Reader::line`].
///
/// A section's end, its last entry and whether it is [`Head::suspect`] are written once, when
/// the next header (or the end of the text) closes it ([`Reader::close`]), not at each of its
/// lines: a section runs from its header to the next header, every line in between is its.
#[derive(Debug)]
struct Reader {
    heads: Vec<Head>,
    entries: Vec<Entry>,
    /// The indentation of the last header or setting line, and whether it was a setting
    /// (only a setting takes continuation lines).
    indent_level: usize,
    setting_open: bool,
    /// The [`key_bit`]s of the keys of the last section, and whether it is suspect.
    keys_seen: u64,
    suspect: bool,
    /// The entries continuation lines were added to, each once, in order.
    continued: Vec<usize>,
}

impl Reader {
    fn with_capacity(entries: usize, heads: usize) -> Self {
        Reader {
            heads: Vec::with_capacity(heads),
            entries: Vec::with_capacity(entries),
            indent_level: 0,
            setting_open: false,
            keys_seen: 0,
            suspect: false,
            continued: Vec::new(),
        }
    }

    /// [`Reader::line`], taking the reader and giving it back.
    #[inline(never)]
    fn read(mut self, kind: Line, line: &str, start: usize, end: usize) -> Result<Self, String> {
        self.line(kind, line, start, end)?;
        Ok(self)
    }

    /// A line as [`classify`] read it, `line` its text (without its line end) from `start` in
    /// the text, its line end included up to `end`.
    fn line(&mut self, kind: Line, line: &str, start: usize, end: usize) -> Result<(), String> {
        if kind == Line::Blank {
            return Ok(());
        }
        if self.continues(kind.indent(), end) {
            return Ok(());
        }
        let at = |range: Range<usize>| start + range.start..start + range.end;
        match kind {
            Line::Header { name, .. } => {
                let Some(name) = name else {
                    return Err("a section header needs a closing `]`".into());
                };
                if name.is_empty() {
                    return Err("a section header needs a name, e.g. `[default]`".into());
                }
                self.header(start, at(name), end);
                Ok(())
            }
            Line::Setting { key, value, .. } => {
                let last = line.as_bytes()[key.end.saturating_sub(1)];
                self.setting(start, at(key), at(value), end, last)
            }
            Line::Other { trimmed, .. } => Err(if self.heads.is_empty() {
                BEFORE_FIRST_SECTION.into()
            } else {
                format!(
                    "expected `key = value`, a `[section]` header or a `#` comment, found `{}`",
                    preview(&line[trimmed])
                )
            }),
            Line::Blank => unreachable!("blank lines are read above"),
        }
    }

    /// Whether a line `indent` deep, ending at `end`, continues the setting before it (then
    /// it is part of it); otherwise the line sets the indentation the next ones are measured
    /// against.
    fn continues(&mut self, indent: usize, end: usize) -> bool {
        if self.setting_open
            && indent > self.indent_level
            && let Some(last) = self.entries.last_mut()
        {
            // A continuation (`s3 =` followed by indented sub-settings) belongs to its key.
            last.end = offset(end);
            self.suspect = true;
            if self.continued.last() != Some(&(self.entries.len() - 1)) {
                self.continued.push(self.entries.len() - 1);
            }
            return true;
        }
        self.indent_level = indent;
        false
    }

    /// Ends the last section at `at`, where the next header starts (or the text ends).
    #[inline(always)]
    fn close(&mut self, at: usize) {
        if let Some(head) = self.heads.last_mut() {
            head.end = offset(at);
            head.entries_end = offset(self.entries.len());
            head.suspect = self.suspect;
        }
    }

    /// A `[name]` header starting at `start` (`name` not empty, as offsets in the text).
    #[inline(always)]
    fn header(&mut self, start: usize, name: Range<usize>, end: usize) {
        self.close(start);
        let entries = offset(self.entries.len());
        self.heads.push(Head {
            name: offset(name.start),
            name_end: offset(name.end),
            entries,
            entries_end: entries,
            start: offset(start),
            end: offset(end),
            earlier: NONE,
            suspect: false,
            superseded: false,
        });
        self.keys_seen = 0;
        self.suspect = false;
        self.setting_open = false;
    }

    /// A `key = value` line starting at `start`, `key` and `value` trimmed (as offsets in the
    /// text), `last` the key's last byte.
    #[inline(always)]
    fn setting(
        &mut self,
        start: usize,
        key: Range<usize>,
        value: Range<usize>,
        end: usize,
        last: u8,
    ) -> Result<(), String> {
        if self.heads.is_empty() {
            return Err(BEFORE_FIRST_SECTION.into());
        }
        if key.is_empty() {
            return Err("a setting needs a name before `=`".into());
        }
        self.setting_open = true;
        self.entries.push(Entry {
            start: offset(start),
            key: offset(key.start),
            key_end: offset(key.end),
            value: offset(value.start),
            value_end: offset(value.end),
            end: offset(end),
            joined: NONE,
        });
        let bit = key_bit(key.len(), last);
        self.suspect |= self.keys_seen & bit != 0;
        self.keys_seen |= bit;
        Ok(())
    }
}

/// The common setting line, as [`classify`] reads it: `key = value` (or `key=value`, `key:
/// value`, `key =`) with nothing around it but single spaces around the delimiter and ASCII
/// next to every edge, `delimiter` the first `=` or `:` of the line `start..end` (without its
/// line end; at or past `end` when it has none: `None`), which starts with `first`, no `[`,
/// `#` or `;`. The offsets where its key ends and its value starts and the key's last byte,
/// or `None` for any other line. A few byte tests instead of `classify`'s trims and no
/// [`Line`] to build and match: nearly every line of a real file is one of these.
#[inline(always)]
fn common_setting(
    bytes: &[u8],
    start: usize,
    first: u8,
    delimiter: usize,
    end: usize,
) -> Option<(usize, usize, u8)> {
    // The line up to `end`, and the delimiter before `end`: then the compiler knows the
    // bytes looked at below are in the text and checks fewer of their offsets (0.007 M
    // instructions of `parse` at 1,000 profiles).
    let bytes = &bytes[..end];
    if delimiter >= end {
        return None;
    }
    // Not indented (and so never a continuation), a key, no white space (nor any non-ASCII
    // byte, which may be some) at either end of the line.
    if !(first.is_ascii_graphic() && delimiter > start && bytes[end - 1].is_ascii_graphic()) {
        return None;
    }
    // The commonest form, `key = value`, from the five bytes around the delimiter, tested
    // at once (0.16 M instructions of `parse` at 1,000 profiles, where the tests below took
    // one byte at a time). The key's last byte is in the line: the byte after it is a
    // space, so not the line's first (and `delimiter - 2` does not wrap: `delimiter - 1 >
    // start`, or else no space there and the pattern fails, or no five bytes at all).
    if let Some(&[key_last, b' ', _, b' ', value_first]) = bytes
        .get(delimiter.wrapping_sub(2)..)
        .and_then(<[u8]>::first_chunk::<5>)
        && value_first.is_ascii_graphic()
        && key_last.is_ascii_graphic()
    {
        return Some((delimiter - 1, delimiter + 2, key_last));
    }
    let (key_end, key_last) = match bytes[delimiter - 1] {
        b if b.is_ascii_graphic() => (delimiter, b),
        // `delimiter - 1 > start`: the first byte is no space.
        b' ' => match bytes[delimiter - 2] {
            b if b.is_ascii_graphic() => (delimiter - 1, b),
            _ => return None,
        },
        _ => return None,
    };
    if delimiter + 1 == end {
        return Some((key_end, end, key_last));
    }
    let value = match bytes[delimiter + 1] {
        b if b.is_ascii_graphic() => delimiter + 1,
        // Before `end - 1`, which is no space: `delimiter + 2 < end`.
        b' ' if bytes[delimiter + 2].is_ascii_graphic() => delimiter + 2,
        _ => return None,
    };
    Some((key_end, value, key_last))
}

/// The line end an edit of `body` (the text after any BOM) writes: CRLF when its first line
/// ends with one (or with a lone CR at the very end, which the `\n` of an edit turns into
/// CRLF), else LF.
fn newline_of(body: &[u8]) -> &'static str {
    let first_end = memchr::memchr(b'\n', body).unwrap_or(body.len());
    if first_end > 0 && body[first_end - 1] == b'\r' {
        "\r\n"
    } else {
        "\n"
    }
}

/// Whether a line starting with a byte is a header or a comment (`[`, `#`, `;`), looked up:
/// one load, where `matches!` took six instructions a line (0.06 M of `parse` at 1,000
/// profiles).
const HEADER_OR_COMMENT: [bool; 256] = {
    let mut table = [false; 256];
    table[b'[' as usize] = true;
    table[b'#' as usize] = true;
    table[b';' as usize] = true;
    table
};

/// Reads the lines of `text` from `body_start` (after any BOM) into sections and settings.
///
/// A line's first `=` or `:` (or its end when it has none) and its end are found by one scan
/// from its start ([`line_marks`]). The common lines (a `key = value` setting, a `[name]`
/// header, a comment, a blank line) are read from a few bytes around those marks, the others
/// by [`classify`]. With `classify` for every line, the whole line searched for its end and
/// then its text for its delimiter, and a [`Line`] for each, `parse` of both files at 1,000
/// profiles took 5.47 M instructions, about 380 a line; with this 3.53 M, with a search
/// sixteen bytes at a time 3.37 M, with [`line_marks`] 2.84 M, with the byte patterns of
/// [`common_setting`] and [`HEADER_OR_COMMENT`] and the line ends read with fewer tests
/// 2.48 M (callgrind).
fn read_lines(text: &str, body_start: usize) -> Result<Reader, LineError> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    // About a setting every 24 bytes (real ones are longer): one allocation nearly always,
    // whose pages past the settings are never written, so never resident. Counting the
    // lines first (as this did) cost a pass over the text, 0.14 M instructions at 1,000
    // profiles; a denser file grows the list. Sections likewise, about one every 128 bytes
    // (grown by doubling, the list was copied over and over).
    let mut reader = Reader::with_capacity(len / 24 + 8, len / 128 + 8);
    let mut start = body_start;
    while start < len {
        let line_start = start;
        let first = bytes[line_start];
        // The first delimiter or line end, and the line end (a header's or a comment's
        // delimiter is not looked at).
        let header_or_comment = HEADER_OR_COMMENT[usize::from(first)];
        let (delimiter, newline_at) = line_marks(bytes, line_start);
        // After the `\n`, or the text's end (`newline_at` is at most `len`): a compare and an
        // add, where `(newline_at + 1).min(len)` took four instructions (0.02 M at 1,000
        // profiles).
        let end = newline_at + usize::from(newline_at < len);
        start = end;
        // The line without `\n` or `\r\n`, as `content` has it. The byte before an empty
        // line is never a CR (it is the `\n` before it, the BOM's last byte, or none), so the
        // byte before `newline_at` is looked at without testing that the line has one (0.04 M
        // instructions at 1,000 profiles).
        let content_end =
            newline_at - usize::from(bytes.get(newline_at.wrapping_sub(1)) == Some(&b'\r'));
        if content_end == line_start {
            continue;
        }
        let err = |problem| (line_start, problem);
        if header_or_comment {
            if first != b'[' {
                continue;
            }
            // `[name]`, not indented (so no continuation), the name not empty.
            if bytes[content_end - 1] == b']' && content_end - line_start > 2 {
                reader.indent_level = 0;
                reader.header(line_start, line_start + 1..content_end - 1, end);
                continue;
            }
        } else if let Some((key_end, value, key_last)) =
            // No delimiter (`delimiter` past the line): `common_setting` says `None` (it tests
            // that anyway; a test here as well cost 0.02 M instructions at 1,000 profiles).
            common_setting(bytes, line_start, first, delimiter, content_end)
        {
            // Not indented: no continuation, and the indentation the next lines are measured
            // against.
            reader.indent_level = 0;
            reader
                .setting(
                    line_start,
                    line_start..key_end,
                    value..content_end,
                    end,
                    key_last,
                )
                .map_err(err)?;
            continue;
        }
        // By value, so that the reader is never borrowed: then the compiler keeps what the
        // common lines change (the entry list's length, the keys seen) in registers, not in
        // memory for this call to see (0.03 M instructions of `parse` at 1,000 profiles).
        let line = &text[line_start..content_end];
        reader = reader
            .read(classify(line), line, line_start, end)
            .map_err(err)?;
    }
    reader.close(len);
    Ok(reader)
}

/// The 1-based line that starts at offset `at` of `text`.
fn line_number(text: &[u8], at: usize) -> usize {
    memchr::memchr_iter(b'\n', &text[..at]).count() + 1
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
        if u32::try_from(text.len()).is_err() {
            return Err(ParseError {
                line: 0,
                problem: "the file is 4 GiB or larger, far beyond any AWS file: move it away"
                    .into(),
            });
        }
        let bytes = text.as_bytes();
        let body_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let newline = newline_of(&bytes[body_start..]);
        let Reader {
            mut heads,
            mut entries,
            continued,
            ..
        } = read_lines(&text, body_start).map_err(|(at, problem)| ParseError {
            line: line_number(bytes, at),
            problem,
        })?;
        entries.shrink_to_fit();
        let mut joined = Vec::with_capacity(continued.len());
        for i in continued {
            entries[i].joined = offset(joined.len());
            joined.push(joined_value(&text, &entries[i]));
        }
        let mut index: HashTable<u32> = HashTable::with_capacity(heads.len());
        for i in 0..heads.len() {
            let name = &bytes[heads[i].name_range()];
            let name_of = |j: &u32| &bytes[heads[*j as usize].name_range()];
            // One probe for the name, which finds it or the slot it goes in (a search, then
            // an insert that searched for the slot again, cost `parse` of both files at 1,000
            // profiles 0.014 M instructions more).
            let found = index.entry(
                name_hash(name),
                |j| name_of(j) == name,
                |j| name_hash(name_of(j)),
            );
            match found {
                hash_table::Entry::Occupied(mut last) => {
                    let earlier = std::mem::replace(last.get_mut(), offset(i));
                    heads[earlier as usize].superseded = true;
                    heads[i].earlier = earlier;
                }
                hash_table::Entry::Vacant(slot) => {
                    slot.insert(offset(i));
                }
            }
        }
        let mut doc = Document {
            text,
            heads,
            entries,
            joined,
            newline,
            index,
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
    pub fn sections(
        &self,
    ) -> impl ExactSizeIterator<Item = Section<'_>> + DoubleEndedIterator + Clone + '_ {
        self.heads.iter().map(|head| self.section_of(head))
    }

    /// Section `i` of [`Document::sections`]. Panics when there are not that many.
    pub fn section(&self, i: usize) -> Section<'_> {
        self.section_of(&self.heads[i])
    }

    fn section_of<'a>(&'a self, head: &'a Head) -> Section<'a> {
        Section {
            name: self.name_of(head),
            head,
        }
    }

    fn name_of(&self, head: &Head) -> &str {
        &self.text[head.name_range()]
    }

    /// The sections called `name`, in file order.
    fn heads_called<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Head> + 'a {
        self.heads
            .iter()
            .filter(move |head| self.name_of(head) == name)
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

    /// The sections called as section `i` is, as [`Document::sections_called`] finds them,
    /// but without hashing and comparing the name where `i` is the last of them (nearly
    /// always): `list` reads hundreds of sections it found by walking the file.
    pub fn sections_named_as(&self, i: usize) -> Sections<'_> {
        let head = &self.heads[i];
        if head.superseded {
            self.sections_called(self.name_of(head))
        } else {
            self.sections_through(i)
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
            .find(name_hash(name.as_bytes()), |&i| {
                self.name_of(&self.heads[i as usize]) == name
            })
            .map(|&i| i as usize)
    }

    /// The section of the same name before section `i`.
    fn earlier_of(&self, i: usize) -> Option<usize> {
        Some(self.heads[i].earlier)
            .filter(|&j| j != NONE)
            .map(|j| j as usize)
    }

    /// The settings of one section, in file order.
    pub fn settings<'a>(
        &'a self,
        section: Section<'_>,
    ) -> impl DoubleEndedIterator<Item = Setting<'a>> + 'a {
        self.entries_of(section.head).iter().map(|e| Setting {
            key: self.key_of(e),
            value: self.value_of(e),
        })
    }

    /// A nested setting: in the last section called `section` whose entry `key` has indented
    /// sub-settings (`sts =` then `  endpoint_url = …`, as in a `services` section), the
    /// value of `sub_key`, as botocore reads them (later lines win).
    pub fn nested(&self, section: &str, key: &str, sub_key: &str) -> Option<&str> {
        self.sections_called(section).last_first().find_map(|head| {
            self.entries_of(head)
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

    fn entries_of(&self, head: &Head) -> &[Entry] {
        &self.entries[head.entries as usize..head.entries_end as usize]
    }

    fn key_of(&self, entry: &Entry) -> &str {
        &self.text[entry.key_range()]
    }

    /// The value of an entry as the AWS CLI reads it (continuation lines joined).
    fn value_of(&self, entry: &Entry) -> &str {
        match self.joined.get(entry.joined as usize) {
            Some(joined) => joined,
            None => &self.text[entry.value_range()],
        }
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
        let targets: Vec<&Head> = self.heads_called(name).collect();
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
            let span = section.span();
            let mut insert_at = span.start
                + self.text[span.clone()]
                    .find('\n')
                    .map_or(span.len(), |i| i + 1);
            for entry in self.entries_of(section) {
                let entry_key = self.key_of(entry);
                out.push_str(&self.text[cursor..entry.span().start]);
                cursor = entry.span().end;
                let own = values
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(entry_key));
                match own {
                    Some((key, value))
                        if is_first && !written.iter().any(|w| w.eq_ignore_ascii_case(key)) =>
                    {
                        // Indented as it was: how deep a line is decides, for the AWS CLI,
                        // whether the lines after it continue it.
                        let indent =
                            plain_indent(&self.text[entry.span().start..entry.key_range().start]);
                        out.push_str(&line_for(&indent, key, value));
                        written.push(key);
                    }
                    _ if is_set(entry_key) || is_removed(entry_key) => {}
                    _ => out.push_str(&self.text[entry.span()]),
                }
                insert_at = entry.span().end;
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
        /// A problem by the byte offsets it names: lines are counted only for what is found
        /// (counting from the start of the file for each one was most of this on a big file).
        enum Found<'a> {
            Bom,
            Section {
                head: &'a Head,
                first: &'a Head,
            },
            Key {
                head: &'a Head,
                entry: &'a Entry,
                earlier: &'a Entry,
            },
            SubSetting {
                head: &'a Head,
                entry: &'a Entry,
                at: usize,
            },
        }
        let mut found = Vec::new();
        if self.text.starts_with('\u{feff}') {
            found.push(Found::Bom);
        }
        for (i, head) in self.heads.iter().enumerate() {
            if head.earlier != NONE {
                let first = std::iter::successors(Some(i), |&j| self.earlier_of(j))
                    .last()
                    .unwrap_or(i);
                let first = &self.heads[first];
                found.push(Found::Section { head, first });
                continue;
            }
            if !head.suspect {
                continue;
            }
            let entries = self.entries_of(head);
            for (j, entry) in entries.iter().enumerate() {
                let len = entry.key_len();
                let key = &self.text.as_bytes()[entry.key_range()];
                let same = |e: &&Entry| {
                    e.key_len() == len
                        && self.text.as_bytes()[e.key_range()].eq_ignore_ascii_case(key)
                };
                if let Some(earlier) = entries[..j].iter().find(same) {
                    found.push(Found::Key {
                        head,
                        entry,
                        earlier,
                    });
                }
                // Only an entry with continuation lines can have sub-settings.
                if entry.joined != NONE
                    && let Some(at) = self.sub_setting_without_equals(entry)
                {
                    found.push(Found::SubSetting { head, entry, at });
                }
            }
        }
        if found.is_empty() {
            return Vec::new();
        }
        let line_of = line_counter(
            self.text.as_bytes(),
            found
                .iter()
                .flat_map(|found| match found {
                    Found::Bom => [0, 0],
                    Found::Section { head, first } => [head.start, first.start].map(|a| a as usize),
                    Found::Key { entry, earlier, .. } => {
                        [entry.start, earlier.start].map(|a| a as usize)
                    }
                    Found::SubSetting { at, .. } => [*at, *at],
                })
                .collect(),
        );
        let mut problems: Vec<CliProblem> = found
            .into_iter()
            .map(|found| match found {
                Found::Bom => CliProblem {
                    line: 1,
                    what: "starts with a byte-order mark (BOM)".into(),
                    fix: "save it as UTF-8 without a BOM",
                },
                Found::Section { head, first } => CliProblem {
                    line: line_of(head.start as usize),
                    what: format!(
                        "has [{}] twice (lines {} and {})",
                        self.name_of(head),
                        line_of(first.start as usize),
                        line_of(head.start as usize)
                    ),
                    fix: "merge the two into one section",
                },
                Found::Key {
                    head,
                    entry,
                    earlier,
                } => CliProblem {
                    line: line_of(entry.start as usize),
                    what: format!(
                        "has {} twice in [{}] (lines {} and {})",
                        self.key_of(entry),
                        self.name_of(head),
                        line_of(earlier.start as usize),
                        line_of(entry.start as usize)
                    ),
                    fix: "keep one of them",
                },
                Found::SubSetting { head, entry, at } => CliProblem {
                    line: line_of(at),
                    what: format!(
                        "has a line without `=` among the sub-settings of {} in [{}] (line {})",
                        self.key_of(entry),
                        self.name_of(head),
                        line_of(at)
                    ),
                    fix: "write it as `name = value`, or indent it no deeper than the line before",
                },
            })
            .collect();
        problems.sort_by_key(|p| p.line);
        problems
    }

    /// Where a setting with sub-settings (`s3 =`, then indented lines) has a line that is not
    /// `name = value`, which botocore refuses the whole file for.
    fn sub_setting_without_equals(&self, entry: &Entry) -> Option<usize> {
        if entry.value != entry.value_end || entry.joined == NONE {
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
        for head in self.heads_called(name) {
            for entry in self.entries_of(head) {
                if remove
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(self.key_of(entry)))
                {
                    out.push_str(&self.text[cursor..entry.span().start]);
                    cursor = entry.span().end;
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

/// A hash map keyed by names from the AWS files (sections, profiles), hashed as the section
/// index hashes them.
pub type NameMap<V> = HashMap<String, V, BuildHasherDefault<NameHasher>>;

/// A set of names from the AWS files, hashed as the section index hashes them.
pub type NameSet<T> = std::collections::HashSet<T, BuildHasherDefault<NameHasher>>;

/// The hash of a name from the AWS files, eight bytes at a time (what the section index
/// uses). std's SipHash defends against crafted collisions, which a person's own config file
/// does not need, and costs `list` more than the lookups do.
pub fn hash_name(name: &str) -> u64 {
    name_hash(name.as_bytes())
}

/// [`hash_name`] as a [`Hasher`] for [`NameMap`] and [`NameSet`] (a `str` is written as its
/// bytes, then a `0xff`).
#[derive(Default)]
pub struct NameHasher(u64);

impl Hasher for NameHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = self.0.rotate_left(17) ^ name_hash(bytes);
    }

    fn write_u8(&mut self, byte: u8) {
        self.0 = self.0.rotate_left(17) ^ u64::from(byte);
    }
}

/// FNV-1a, byte by byte: the hash in the names of awsmfa's refresh lock files, which every
/// version must compute alike (see `commands::fresh::refresh_lock_name`).
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

/// The 1-based line of each offset in `offsets`, counted in one pass over `text`: `line_of`
/// of any of those offsets is the number of `\n` before it, plus one.
fn line_counter(text: &[u8], mut offsets: Vec<usize>) -> impl Fn(usize) -> usize {
    offsets.sort_unstable();
    offsets.dedup();
    let mut line = 1;
    let mut from = 0;
    let lines: Vec<usize> = offsets
        .iter()
        .map(|&to| {
            line += memchr::memchr_iter(b'\n', &text[from..to]).count();
            from = to;
            line
        })
        .collect();
    move |at| {
        lines[offsets
            .binary_search(&at)
            .expect("an offset that was counted")]
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
