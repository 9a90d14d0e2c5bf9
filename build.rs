//! Lays out the functions `awsmfa list` runs (Alfred's keystroke path) side by side in the
//! release binary, on Linux with the LLD linker Rust uses there by default.
//!
//! The kernel maps a program's code in 64 KiB blocks around each page it first runs. `list`
//! runs about 200 functions; spread over the 4 MiB of code they touched 31 blocks, so about
//! 1.9 MiB of the binary counted in its memory. Listed first in
//! `packaging/linux/hot-symbols.txt` (written by `scripts/hot-symbols` from callgrind runs of
//! the hot commands), they share 5 blocks. Nothing else changes: a function missing from the
//! list (new or renamed since the list was written) is laid out as before.
//!
//! Only for release builds (`--release` and the profiles that inherit it) for Linux on
//! x86_64, where rustc links with its own LLD unless told otherwise; with another linker set
//! (`-C linker`, `CARGO_TARGET_<TRIPLE>_LINKER`), which may not know the option, nothing is
//! added. macOS's linker takes an order file too, but its symbol names differ (another
//! target): that list would have to come from a run on a Mac.

use std::env;
use std::path::Path;

const LIST: &str = "packaging/linux/hot-symbols.txt";

fn main() {
    println!("cargo::rerun-if-changed={LIST}");
    println!("cargo::rerun-if-env-changed=CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER");
    let var = |name: &str| env::var(name).unwrap_or_default();
    let release = var("PROFILE") == "release";
    let linux_x86_64 = var("TARGET") == "x86_64-unknown-linux-gnu";
    let own_linker = var("CARGO_ENCODED_RUSTFLAGS").contains("linker")
        || env::var_os("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER").is_some();
    if !(release && linux_x86_64) || own_linker {
        return;
    }
    let list = Path::new(&var("CARGO_MANIFEST_DIR")).join(LIST);
    if !list.is_file() {
        return;
    }
    println!(
        "cargo::rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
        list.display()
    );
    // Symbols of the list that this build does not have (renamed since) are no error.
    println!("cargo::rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
}
