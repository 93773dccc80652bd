//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The sample ledger directory.
pub fn sample() -> PathBuf {
    root().join("ledgers/mali-ctip-2017")
}

/// The `fundledger` binary, with a clean environment for our variables.
pub fn fundledger() -> Command {
    let mut c = Command::cargo_bin("fundledger").expect("binary built");
    c.env_remove("FUNDLEDGER_LEDGER")
        .env_remove("FUNDLEDGER_LANG");
    c
}

/// Runs `fundledger` with `args`, returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = fundledger().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// True when `tool` is on PATH. When `FUNDLEDGER_REQUIRE_PEERS=1` (set by CI), a
/// missing tool fails the test instead of skipping it.
pub fn have(tool: &str) -> bool {
    let found = StdCommand::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var("FUNDLEDGER_REQUIRE_PEERS").as_deref() == Ok("1") {
        panic!("{tool} is required (FUNDLEDGER_REQUIRE_PEERS=1) but not installed");
    }
    if !found {
        eprintln!("skipping: {tool} is not installed");
    }
    found
}

/// Writes `files` (name, content) into a new temporary directory.
pub fn temp_ledger(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, content) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, content).expect("write");
    }
    dir
}

/// Path as &str (test paths are UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}
