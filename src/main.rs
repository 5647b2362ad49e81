//! The `jalsa` binary: parse the command line and hand over to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    jalsa::web::memory::tune();
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
