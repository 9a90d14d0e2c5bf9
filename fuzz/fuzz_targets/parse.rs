//! Any bytes: parsing never panics, a refusal names a line of the file, and what parses is
//! read as the line-by-line reading of `invariants` reads it, text unchanged.
#![no_main]

use awsmfa_fuzz::invariants;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(problem) = invariants::check_parse(text)
    {
        panic!("{problem}\ninput: {text:?}");
    }
});
