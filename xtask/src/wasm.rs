//! `cargo xtask wasm`: the validator compiled to WebAssembly, with its
//! JavaScript glue, where the book picks it up (`spec/validate/pkg/`, which
//! mdbook copies to `book/validate/pkg/`; it is git-ignored).
//!
//! 1. `rustup target add wasm32-unknown-unknown` (when rustup is there).
//! 2. `wasm-bindgen-cli` at exactly the version of the `wasm-bindgen` crate
//!    in `Cargo.lock` (the two must match): the one on `PATH` when it is
//!    that version, else `cargo install wasm-bindgen-cli --version =V`.
//!    `wasm-pack` is not used: it downloads its own `wasm-bindgen` at run
//!    time.
//! 3. `cargo build -p zarr-links-wasm --target wasm32-unknown-unknown
//!    --profile wasm` (size-optimised, see the root `Cargo.toml`).
//! 4. `wasm-bindgen --target web` into `spec/validate/pkg/`.
//! 5. `wasm-opt -Oz`, only when the environment variable `WASM_OPT` names
//!    a binaryen `wasm-opt` (Debian's binaryen is too old for what current
//!    Rust emits; npm's `binaryen` package works). The size budget is met
//!    without it.
//! 6. Prints the size, raw and gzipped, and fails over the budget.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The gzipped size the page's WebAssembly must stay under (1.5 MB).
pub const GZIP_BUDGET: u64 = 1_500_000;

/// Where the output goes, relative to the repository root.
pub const OUT_DIR: &str = "spec/validate/pkg";

/// The version of a package in `Cargo.lock`.
pub fn locked_version(root: &Path, package: &str) -> Result<String, String> {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let wanted = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
            {
                return Ok(v.to_string());
            }
        }
    }
    Err(format!("Cargo.lock has no package {package}"))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    eprintln!("xtask wasm: {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// Where `cargo install` puts binaries: `$CARGO_HOME/bin`, else
/// `~/.cargo/bin`.
fn cargo_bin(name: &str) -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    Some(home.join("bin").join(name))
}

/// The `wasm-bindgen` command at `version` (`WASM_BINDGEN`, else the one on
/// `PATH`, else cargo's bin directory), installed when none is that version.
fn wasm_bindgen(version: &str) -> Result<PathBuf, String> {
    let wanted = format!("wasm-bindgen {version}");
    let found = |exe: &Path| {
        Command::new(exe)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let candidates: Vec<PathBuf> = match std::env::var_os("WASM_BINDGEN") {
        Some(exe) => vec![PathBuf::from(exe)],
        None => std::iter::once(PathBuf::from("wasm-bindgen"))
            .chain(cargo_bin("wasm-bindgen"))
            .collect(),
    };
    let matching = |candidates: &[PathBuf]| {
        candidates
            .iter()
            .find(|exe| found(exe).as_deref() == Some(wanted.as_str()))
            .cloned()
    };
    if let Some(exe) = matching(&candidates) {
        return Ok(exe);
    }
    eprintln!("xtask wasm: no {wanted} found; installing it");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let spec = format!("={version}");
    let install = |locked: bool| {
        let mut cmd = Command::new(&cargo);
        cmd.args(["install", "wasm-bindgen-cli", "--version", &spec, "--force"]);
        if locked {
            cmd.arg("--locked");
        }
        // Its own target directory, not the workspace's.
        cmd.env_remove("CARGO_TARGET_DIR");
        run(&mut cmd)
    };
    if install(true).is_err() {
        // The registry may lack one of the exact dependency versions that
        // wasm-bindgen-cli's own lock file names; the CLI itself stays at
        // exactly `version`, which is all that must match.
        eprintln!(
            "xtask wasm: installing with wasm-bindgen-cli's lock file failed; trying again with its dependencies resolved from the registry"
        );
        install(false)?;
    }
    matching(&candidates).ok_or_else(|| {
        format!(
            "after `cargo install`, no {wanted} at {candidates:?}; set WASM_BINDGEN to its path"
        )
    })
}

fn gzipped_size(path: &Path) -> Result<u64, String> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip failed on {}", path.display()));
    }
    Ok(out.stdout.len() as u64)
}

/// `cargo xtask wasm`.
pub fn command(root: &Path, args: &[String]) -> Result<(), String> {
    if let Some(other) = args.first() {
        return Err(format!("wasm: unknown argument {other:?}"));
    }
    let started = Instant::now();
    let _ = Command::new("rustup")
        .args(["target", "add", "wasm32-unknown-unknown"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let version = locked_version(root, "wasm-bindgen")?;
    let bindgen = wasm_bindgen(&version)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(&cargo).current_dir(root).args([
        "build",
        "--package",
        "zarr-links-wasm",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm",
        "--locked",
    ]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"));
    let input = target.join("wasm32-unknown-unknown/wasm/zarr_links_wasm.wasm");
    let out = root.join(OUT_DIR);
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    run(Command::new(&bindgen)
        .args([
            "--target",
            "web",
            "--out-name",
            "zarr_links",
            "--no-typescript",
            "--remove-name-section",
            "--remove-producers-section",
            "--out-dir",
        ])
        .arg(&out)
        .arg(&input))?;
    let wasm = out.join("zarr_links_bg.wasm");
    if let Some(opt) = std::env::var_os("WASM_OPT") {
        let optimised = out.join("zarr_links_bg.opt.wasm");
        run(Command::new(opt)
            .args([
                "-Oz",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "--enable-reference-types",
                "--enable-multivalue",
                "--enable-sign-ext",
                "--enable-mutable-globals",
            ])
            .arg(&wasm)
            .arg("-o")
            .arg(&optimised))?;
        std::fs::rename(&optimised, &wasm).map_err(|e| e.to_string())?;
    }
    let raw = std::fs::metadata(&wasm)
        .map_err(|e| format!("{}: {e}", wasm.display()))?
        .len();
    let gz = gzipped_size(&wasm)?;
    println!(
        "{}: {raw} bytes ({:.2} MB), {gz} bytes gzipped ({:.2} MB; budget {:.1} MB); built in {:.0} s",
        wasm.strip_prefix(root).unwrap_or(&wasm).display(),
        raw as f64 / 1e6,
        gz as f64 / 1e6,
        GZIP_BUDGET as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    if gz > GZIP_BUDGET {
        return Err(format!(
            "the WebAssembly is {gz} bytes gzipped, over the budget of {GZIP_BUDGET}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_names_one_wasm_bindgen_version() {
        let v = locked_version(&crate::root(), "wasm-bindgen").unwrap();
        // The crate pins the same version (`=V`), so `cargo update` cannot
        // move the lock away from the installed CLI unnoticed.
        let manifest =
            std::fs::read_to_string(crate::root().join("crates/zarr-links-wasm/Cargo.toml"))
                .unwrap();
        assert!(
            manifest.contains(&format!("wasm-bindgen = \"={v}\"")),
            "crates/zarr-links-wasm/Cargo.toml pins wasm-bindgen = \"={v}\""
        );
    }
}
