//! Any file that parses and any upsert / removal (see `Edit::decode` for the input's
//! shape): every byte outside the target section(s) is unchanged, the result parses, the
//! target holds exactly the new keys, the other lines of the target survive; names, keys
//! and values that cannot be written are refused.
#![no_main]

use awsmfa_fuzz::{Edit, invariants};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(edit) = Edit::decode(data) else {
        return;
    };
    if awsmfa_fuzz::ini::Document::parse(edit.text.as_str()).is_err() {
        return;
    }
    let upserted = invariants::check_upsert(&edit.text, &edit.name, &edit.values, &edit.remove);
    match upserted {
        Ok(written) => assert_eq!(
            written,
            invariants::writable(&edit.name, &edit.values),
            "{edit:?}"
        ),
        Err(problem) => panic!("upsert: {problem}\n{edit:?}"),
    }
    if let Err(problem) = invariants::check_remove(&edit.text, &edit.name, &edit.remove) {
        panic!("remove_keys: {problem}\n{edit:?}");
    }
});
