//! What the process does to itself before it touches a secret: no core dumps. A dump of an
//! awsmfa that was waiting for the next code window, or for 1Password, holds the long-term
//! keys; a core file left in a working folder, or sent to a crash reporter, would carry them.

/// Turns core dumps off for this process: its core size limit to 0 (macOS and Linux) and, on
/// Linux, the process marked not dumpable (which also keeps other processes of the same user
/// from attaching to it to read its memory).
pub fn no_core_dumps() {
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit reads the struct it is given and has no other effect on memory.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &none);
    }
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_DUMPABLE takes plain integers and changes only this process's flag.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}
