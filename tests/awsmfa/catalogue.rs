//! The catalogue of error kinds: `error-kinds.json` and the README's table are generated
//! from `ErrorKind` (`src/error.rs`), and must not drift from it. After a change to the
//! kinds, `AWSMFA_BLESS=1 cargo test --test awsmfa catalogue` rewrites both; the Raycast
//! extension's titles and the Alfred workflow's retry rule are checked against the JSON file
//! by their own tests.

use std::path::Path;

use awsmfa::error::{ErrorKind, catalogue_json, catalogue_markdown};

use crate::support::REPO;

const START: &str = "<!-- error-kinds: generated from src/error.rs by the tests; do not edit -->\n";
const END: &str = "<!-- /error-kinds -->";

fn bless() -> bool {
    std::env::var_os("AWSMFA_BLESS").is_some()
}

#[test]
fn error_kinds_json_is_generated_from_the_kinds() {
    let path = Path::new(REPO).join("error-kinds.json");
    let generated = catalogue_json();
    if bless() {
        std::fs::write(&path, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        checked_in, generated,
        "error-kinds.json is not what src/error.rs declares: rewrite it with AWSMFA_BLESS=1"
    );
    let parsed: serde_json::Value = serde_json::from_str(&checked_in).unwrap();
    assert_eq!(
        parsed["kinds"].as_array().unwrap().len(),
        ErrorKind::ALL.len()
    );
}

#[test]
fn the_readme_table_is_the_catalogue() {
    let path = Path::new(REPO).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md has no generated error table between {START:?} and {END:?}");
    };
    let table = &readme[start + START.len()..end];
    let generated = catalogue_markdown();
    if bless() && table != generated {
        let updated = format!("{}{START}{generated}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        table, generated,
        "README.md's error table is not the catalogue: rewrite it with AWSMFA_BLESS=1"
    );
}

#[test]
fn every_kind_has_a_documented_exit_code() {
    let codes: Vec<i32> = awsmfa::error::exit::ALL.iter().map(|(c, _)| *c).collect();
    for kind in ErrorKind::ALL {
        assert!(codes.contains(&kind.exit_code()), "{kind}");
    }
}
