//! The API contract, checked from outside: schemathesis (PyPI) reads `/api/openapi.json`
//! from a live `jalsa serve` and sends every operation schema-valid and schema-invalid
//! requests, with a staff token, under every check it has (no 5xx, statuses and bodies as
//! documented, invalid data refused, valid data accepted, auth required where declared).
//! `tests/schemathesis.toml` lists the refusals no schema can express. Bounded by
//! `JALSA_SCHEMATHESIS_EXAMPLES` (default 50 per operation); says SKIPPED without it.

mod common;

use std::process::Command;

use common::node::{add_staff, sqlite_and_files, start_local};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_nothing_against_the_openapi_document() {
    if Command::new("schemathesis")
        .arg("--version")
        .output()
        .is_err()
    {
        common::skipped(
            "SKIPPED API contract test: schemathesis is not installed (python3 -m pip install schemathesis)",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (database, _) = sqlite_and_files(dir.path());
    add_staff(&database, "amna", "a long enough password");
    let token = Command::new(env!("CARGO_BIN_EXE_jalsa"))
        .args(["staff", "token", "amna", "--database", &database])
        .output()
        .unwrap();
    assert!(token.status.success());
    let token = String::from_utf8(token.stdout).unwrap();
    let token = token.lines().last().unwrap().trim().to_owned();

    // No per-client limits: the fuzzer is one client sending a great many requests, and
    // frame uploads limited to ten a minute would leave their logic untested.
    let node = start_local(
        dir.path(),
        &[
            "--rate-limit",
            "0",
            "--report-limit",
            "100000",
            "--upload-limit",
            "0",
        ],
    )
    .await;
    let examples = std::env::var("JALSA_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "50".into());
    let seed = std::env::var("JALSA_SCHEMATHESIS_SEED").unwrap_or_else(|_| "1".into());
    let config = common::repo().join("tests/schemathesis.toml");
    let url = format!("http://{}/api/openapi.json", node.address);
    let run = tokio::task::spawn_blocking(move || {
        Command::new("schemathesis")
            .arg("--config-file")
            .arg(&config)
            .args(["--no-color", "run", &url, "--checks", "all"])
            .args(["--header", &format!("Authorization: Bearer {token}")])
            .args(["--max-examples", &examples, "--seed", &seed])
            .args(["--phases", "examples,coverage,fuzzing"])
            .current_dir(dir.path())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "schemathesis found problems:\n{report}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        report.contains("Tested: 29"),
        "not every operation ran:\n{report}"
    );
}
