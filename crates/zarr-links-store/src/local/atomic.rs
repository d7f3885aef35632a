//! Writing one file outside any store (`export --output`): a temporary file
//! beside it, flushed, renamed over it. Documents inside a store are written
//! by [`super::commit`] instead (locked, checked, all or nothing).

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Writes `bytes` to `path` atomically: a temporary file beside it
/// (`.<name>.zarr-links-tmp.<pid>.<n>`, unique in this process), flushed to
/// disk, renamed over `path`, then the directory flushed. The file keeps the
/// original's permissions. Refuses to replace a symbolic link or anything
/// else that is not a regular file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("output");
    let permissions = match fs::symlink_metadata(path) {
        Ok(m) if !m.is_file() => {
            return Err(io::Error::other(format!(
                "{} is {}; only a regular file is replaced",
                path.display(),
                if m.file_type().is_symlink() {
                    "a symbolic link"
                } else if m.is_dir() {
                    "a directory"
                } else {
                    "not a regular file"
                }
            )))
        }
        Ok(m) => Some(m.permissions()),
        Err(_) => None,
    };
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(
        ".{name}{}{}.{n}",
        super::commit::TMP,
        std::process::id()
    ));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        if let Some(p) = permissions {
            f.set_permissions(p)?;
        }
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        fs::write(&p, "old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left behind"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        fs::write(&real, "{}").unwrap();
        let link = dir.path().join("out.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let e = write_atomic(&link, b"{}").unwrap_err();
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
        assert_eq!(fs::read_to_string(&real).unwrap(), "{}");
    }
}
