//! The `jalsa` binary: parse the command line and hand over to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    return_big_blocks();
    let cli = match jalsa::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            // clap's own report spans several lines; a script wants one.
            let text = e.render().to_string();
            let message: Vec<&str> = text
                .lines()
                .take_while(|l| !l.starts_with("Usage:"))
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            eprintln!("jalsa: {}", message.join(" ").trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    match jalsa::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("jalsa: error: {message}");
            ExitCode::FAILURE
        }
    }
}

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
fn return_big_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; no other thread is running yet.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 8 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 4 << 20);
    }
}
