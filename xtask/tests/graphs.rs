//! The book's use-case pictures (`spec/use-cases/*.dot`) match what
//! `cargo xtask graphs` generates from the conformance stores today.

use std::process::Command;

#[test]
fn committed_book_pictures_are_up_to_date() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["graphs", "--check"])
        .output()
        .expect("xtask runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
