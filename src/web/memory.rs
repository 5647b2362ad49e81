//! Giving freed memory back to the system.
//!
//! glibc's allocator keeps what it frees: a flood of connections or photos left the node
//! near 900 MB resident until a restart, although nothing was in use (it gives back only
//! the free top of each arena, and a connection's buffers are freed in the middle). So
//! large blocks are mapped on their own ([`tune`]), and every [`TRIM_EVERY`] the allocator
//! is asked to return the free pages inside its arenas too. Elsewhere than glibc these do
//! nothing.

use std::time::Duration;

/// How often free memory is handed back.
pub const TRIM_EVERY: Duration = Duration::from_secs(2);

/// Sets the allocator up; call once, before any other thread starts.
///
/// Allocations of 8 MiB and more (large pictures being drawn, a password check's 19 MiB)
/// go straight to the operating system and back when freed. glibc otherwise raises that
/// threshold as such blocks come and go and keeps them in per-thread arenas: a flood of
/// 2048 px renders and sign-ins left the server at 480 MB resident, against 60 MB with this.
///
/// Setting that threshold also pins the one for giving back the free top of an arena at
/// 128 KiB, so each fresh remix's buffers (a megabyte or two) were handed back and faulted
/// in again on the next: 30% of the server's time went to the kernel. Keeping up to 4 MiB
/// per arena made fresh remixes over HTTP about 12% faster with the same memory after the
/// floods of loadtest/field.sh (docs/benchmarks.md).
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; no other thread is running yet.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 8 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP);
    }
}

/// What each arena keeps free at its top for the next remix's buffers.
const KEEP: i32 = 4 << 20;

/// Returns the allocator's free pages to the system.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory the allocator holds free.
    unsafe {
        libc::malloc_trim(KEEP as usize);
    }
}

/// Hands free memory back every [`TRIM_EVERY`], forever: spawn it.
pub async fn keep_giving_back() {
    let mut tick = tokio::time::interval(TRIM_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let _ = tokio::task::spawn_blocking(give_back).await;
    }
}

/// This process's resident memory, in bytes (Linux).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf only reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages * u64::try_from(page).ok()?)
}
