//! What the process does to itself before it touches a secret: no core dumps. A dump of an
//! awsmfa that was waiting for the next code window, or for 1Password, holds the long-term
//! keys; a core file left in a working folder, or sent to a crash reporter, would carry them.

use std::sync::OnceLock;

/// The core size limit awsmfa was started with, for the command `exec` runs.
static STARTED_WITH: OnceLock<libc::rlim_t> = OnceLock::new();

/// Turns core dumps off for this process: its core size limit to 0 (macOS and Linux) and, on
/// Linux, the process marked not dumpable (which also keeps other processes of the same user
/// from attaching to it to read its memory). The hard limit stays, so that
/// [`give_back_core_dumps`] can hand the person's limit on to the command `exec` runs.
pub fn no_core_dumps() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read or fill the struct they are given and have no
    // other effect on memory.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_CORE, &mut limit) == 0 {
            let _ = STARTED_WITH.set(limit.rlim_cur);
        }
        limit.rlim_cur = 0;
        libc::setrlimit(libc::RLIMIT_CORE, &limit);
    }
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_DUMPABLE takes plain integers and changes only this process's flag.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// Gives the core size limit awsmfa was started with back, right before `exec` replaces the
/// process with the person's command (the not-dumpable mark ends with the exec itself).
pub fn give_back_core_dumps() {
    let Some(&started_with) = STARTED_WITH.get() else {
        return;
    };
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: as above.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_CORE, &mut limit) == 0 {
            limit.rlim_cur = started_with.min(limit.rlim_max);
            libc::setrlimit(libc::RLIMIT_CORE, &limit);
        }
    }
}
