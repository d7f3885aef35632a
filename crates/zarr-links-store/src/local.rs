//! The local directory backend: one idea, a confined view of one directory
//! as a store, read (`get`, `list_dir`) and written (`put`, atomic), with its
//! unit tests.

use std::collections::HashSet;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use std::fs;
use std::io::{self, Write};

use crate::write::WritableStore;
use crate::{join_key, valid_key, DirEntry, OpenError, Store, StoreError, MAX_DOCUMENT_BYTES};

/// The metadata file names that mark a directory as a Zarr node.
const NODE_FILES: [&str; 3] = ["zarr.json", ".zgroup", ".zarray"];

/// A Zarr store in a local directory.
///
/// It only reads: no file is ever created, changed or removed. It never reads
/// outside the root: keys with empty, `.` or `..` segments are refused, and
/// a key that passes through a symbolic link is resolved and read only when
/// it stays inside the (canonical) root. Symbolic links that leave the root,
/// loop, or point at one of their own ancestors are reported by
/// [`Store::list_dir`] as entries with a problem and are not followed.
/// Documents larger than [`MAX_DOCUMENT_BYTES`] are refused without being
/// read.
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
#[derive(Debug)]
pub struct LocalStore {
    /// The path as given, for messages.
    given: PathBuf,
    /// The canonical root.
    root: PathBuf,
    /// Key prefixes known to be real directories (no symbolic link on the way
    /// from the root), so reads below them need no canonicalisation.
    safe: RwLock<HashSet<String>>,
}

fn has_node_file(dir: &Path) -> bool {
    NODE_FILES.iter().any(|f| dir.join(f).is_file())
}

impl LocalStore {
    /// Opens the store whose root directory is `path`.
    ///
    /// Fails when the path does not exist, is not a directory, or is a node
    /// inside a larger store (the error names that store's root). To find the
    /// enclosing store, only the existence of `zarr.json`, `.zgroup` and
    /// `.zarray` in the parent directories is checked; nothing outside the
    /// root is read. Whether the root holds Zarr metadata is checked by
    /// [`crate::load`].
    ///
    /// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
    pub fn open(path: &Path) -> Result<LocalStore, OpenError> {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(OpenError::Missing(path.to_path_buf()))
            }
            Err(e) if e.kind() == ErrorKind::NotADirectory => {
                return Err(OpenError::Missing(path.to_path_buf()))
            }
            Err(e) => return Err(OpenError::Unreadable(format!("{}: {e}", path.display()))),
        };
        if !meta.is_dir() {
            return Err(OpenError::NotADirectory(path.to_path_buf()));
        }
        let root = std::fs::canonicalize(path)
            .map_err(|e| OpenError::Unreadable(format!("{}: {e}", path.display())))?;
        // A node inside a store: some ancestor directories are Zarr nodes too.
        let mut enclosing = None;
        let mut dir = root.parent();
        if !has_node_file(&root) {
            // Not a node itself (a chunk directory, say): look further up for
            // the nearest node, then climb its store.
            while let Some(d) = dir {
                if has_node_file(d) {
                    break;
                }
                dir = d.parent();
            }
        }
        while let Some(d) = dir {
            if has_node_file(d) {
                enclosing = Some(d.to_path_buf());
                dir = d.parent();
            } else {
                break;
            }
        }
        if let Some(store_root) = enclosing {
            // Express the root relative to the path as given when we can.
            let shown = relative_root(path, &root, &store_root);
            return Err(OpenError::InsideStore {
                path: path.to_path_buf(),
                root: shown,
            });
        }
        let mut safe = HashSet::new();
        safe.insert(String::new());
        Ok(LocalStore {
            given: path.to_path_buf(),
            root,
            safe: RwLock::new(safe),
        })
    }

    /// The canonical root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, key: &str) -> PathBuf {
        let mut p = self.root.clone();
        for seg in key.split('/').filter(|s| !s.is_empty()) {
            p.push(seg);
        }
        p
    }

    fn is_safe(&self, prefix: &str) -> bool {
        self.safe
            .read()
            .map(|s| s.contains(prefix))
            .unwrap_or(false)
    }

    /// Resolves `path` (for `key`) and checks that it stays inside the root.
    fn confine(&self, key: &str, path: &Path) -> Result<Option<PathBuf>, StoreError> {
        match std::fs::canonicalize(path) {
            Ok(real) if real.starts_with(&self.root) => Ok(Some(real)),
            Ok(real) => Err(StoreError::Outside {
                key: key.to_string(),
                resolved: real.display().to_string(),
            }),
            Err(e) => Err(classify(key, &e, path)),
        }
    }
}

/// Shows the enclosing store root the way the user wrote the path, e.g.
/// `store` for `store/bands/B04`, falling back to the canonical path.
fn relative_root(given: &Path, canonical: &Path, store_root: &Path) -> PathBuf {
    let Ok(rest) = canonical.strip_prefix(store_root) else {
        return store_root.to_path_buf();
    };
    let ups = rest.components().count();
    let mut shown = given.to_path_buf();
    for _ in 0..ups {
        match shown.parent() {
            Some(p) if !p.as_os_str().is_empty() && shown.file_name().is_some() => {
                shown = p.to_path_buf()
            }
            _ => return store_root.to_path_buf(),
        }
    }
    shown
}

fn classify(key: &str, e: &std::io::Error, path: &Path) -> StoreError {
    match e.kind() {
        ErrorKind::NotADirectory => StoreError::NotADirectory(key.to_string()),
        ErrorKind::IsADirectory => StoreError::IsADirectory(key.to_string()),
        _ if is_loop(e) => StoreError::Loop(key.to_string()),
        ErrorKind::NotFound if path.symlink_metadata().is_ok() => StoreError::Io {
            key: key.to_string(),
            message: "a symbolic link leads to nothing; expected an existing file or directory"
                .to_string(),
        },
        _ => StoreError::Io {
            key: key.to_string(),
            message: e.to_string(),
        },
    }
}

/// ELOOP ("too many levels of symbolic links").
fn is_loop(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    const ELOOP: i32 = 40;
    #[cfg(not(target_os = "linux"))]
    const ELOOP: i32 = 62;
    e.raw_os_error() == Some(ELOOP)
}

/// Opens a file for reading without following a symbolic link in its last
/// component: such a link fails with ELOOP. Where that flag is not known,
/// fails with `Unsupported` so that the caller takes the careful path.
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        #[cfg(any(
            target_arch = "aarch64",
            target_arch = "arm",
            target_arch = "powerpc",
            target_arch = "powerpc64"
        ))]
        const O_NOFOLLOW: i32 = 0o100000;
        #[cfg(not(any(
            target_arch = "aarch64",
            target_arch = "arm",
            target_arch = "powerpc",
            target_arch = "powerpc64"
        )))]
        const O_NOFOLLOW: i32 = 0o400000;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(O_NOFOLLOW)
            .open(path)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        Err(std::io::Error::from(ErrorKind::Unsupported))
    }
}

fn parent_prefix(key: &str) -> &str {
    key.rfind('/').map_or("", |i| &key[..i])
}

impl Store for LocalStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if key.is_empty() || !valid_key(key) {
            return Err(StoreError::InvalidKey(key.to_string()));
        }
        let path = self.path_of(key);
        // Fast path: the directory is known to be reached without symbolic
        // links, and the file is opened without following one.
        let direct = if self.is_safe(parent_prefix(key)) {
            match open_no_follow(&path) {
                Ok(f) => Some((f, path.clone())),
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
                Err(e) if is_loop(&e) || e.kind() == ErrorKind::Unsupported => None,
                Err(e) => return Err(classify(key, &e, &path)),
            }
        } else {
            None
        };
        let (mut file, real) = match direct {
            Some(x) => x,
            None => {
                if let Err(e) = std::fs::symlink_metadata(&path) {
                    if e.kind() == ErrorKind::NotFound {
                        return Ok(None);
                    }
                    return Err(classify(key, &e, &path));
                }
                let real = match self.confine(key, &path)? {
                    Some(r) => r,
                    None => return Ok(None),
                };
                match std::fs::File::open(&real) {
                    Ok(f) => (f, real),
                    Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
                    Err(e) => return Err(classify(key, &e, &real)),
                }
            }
        };
        let meta = file.metadata().map_err(|e| classify(key, &e, &real))?;
        if meta.is_dir() {
            return Err(StoreError::IsADirectory(key.to_string()));
        }
        if meta.len() > MAX_DOCUMENT_BYTES as u64 {
            return Err(StoreError::TooLarge {
                key: key.to_string(),
                size: meta.len(),
            });
        }
        let mut buf = Vec::with_capacity(meta.len() as usize);
        (&mut file)
            .take(MAX_DOCUMENT_BYTES as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(|e| classify(key, &e, &real))?;
        if buf.len() > MAX_DOCUMENT_BYTES {
            return Err(StoreError::TooLarge {
                key: key.to_string(),
                size: buf.len() as u64,
            });
        }
        Ok(Some(buf))
    }

    fn list_dir(&self, prefix: &str) -> Result<Vec<DirEntry>, StoreError> {
        if !valid_key(prefix) {
            return Err(StoreError::InvalidKey(prefix.to_string()));
        }
        let path = self.path_of(prefix);
        let prefix_safe = self.is_safe(prefix);
        let dir = if prefix_safe {
            path
        } else {
            match self.confine(prefix, &path)? {
                Some(r) => r,
                None => return Ok(Vec::new()),
            }
        };
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(classify(prefix, &e, &dir)),
        };
        let mut out = Vec::new();
        let mut new_safe = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|e| classify(prefix, &e, &dir))?;
            let os_name = entry.file_name();
            let Some(name) = os_name.to_str() else {
                out.push(DirEntry {
                    name: os_name.to_string_lossy().into_owned(),
                    is_dir: false,
                    problem: Some("the name is not valid UTF-8; Zarr keys are UTF-8".to_string()),
                });
                continue;
            };
            let name = name.to_string();
            let key = join_key(prefix, &name);
            let ft = entry
                .file_type()
                .map_err(|e| classify(&key, &e, &entry.path()))?;
            if ft.is_symlink() {
                let link = entry.path();
                match std::fs::canonicalize(&link) {
                    Err(e) => {
                        let problem = classify(&key, &e, &link).detail();
                        out.push(DirEntry {
                            name,
                            is_dir: false,
                            problem: Some(problem),
                        });
                    }
                    Ok(real) if !real.starts_with(&self.root) => out.push(DirEntry {
                        name,
                        is_dir: false,
                        problem: Some(format!(
                            "a symbolic link leads outside the store root (to {}); expected every node inside the root, so it was not followed",
                            real.display()
                        )),
                    }),
                    Ok(real) if real.is_dir() && dir.starts_with(&real) => out.push(DirEntry {
                        name,
                        is_dir: false,
                        problem: Some(format!(
                            "a symbolic link leads back to its own ancestor `/{}`, which makes a loop; expected a finite tree, so it was not followed",
                            real.strip_prefix(&self.root).map(|p| p.display().to_string()).unwrap_or_default()
                        )),
                    }),
                    Ok(real) => out.push(DirEntry {
                        name,
                        is_dir: real.is_dir(),
                        problem: None,
                    }),
                }
            } else {
                if ft.is_dir() && prefix_safe {
                    new_safe.push(key);
                }
                out.push(DirEntry {
                    name,
                    is_dir: ft.is_dir(),
                    problem: None,
                });
            }
        }
        if !new_safe.is_empty() {
            if let Ok(mut s) = self.safe.write() {
                s.extend(new_safe);
            }
        }
        out.sort();
        Ok(out)
    }

    fn describe(&self) -> String {
        self.given.display().to_string()
    }
}

impl WritableStore for LocalStore {
    /// Replaces the file atomically ([`write_atomic`]). Keys with empty, `.`
    /// or `..` segments, and files that are symbolic links, are refused.
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        if key.is_empty() || !valid_key(key) {
            return Err(StoreError::InvalidKey(key.to_string()));
        }
        write_atomic(&self.path_of(key), bytes).map_err(|e| StoreError::Io {
            key: key.to_string(),
            message: e.to_string(),
        })
    }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, flushed
/// to disk, renamed over `path`, then the directory flushed. The file keeps
/// the original's permissions. Refuses to replace a symbolic link.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("metadata");
    let permissions = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(io::Error::other(format!(
                "{} is a symbolic link",
                path.display()
            )))
        }
        Ok(m) => Some(m.permissions()),
        Err(_) => None,
    };
    let tmp = dir.join(format!(".{name}.zarr-links-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if let Some(p) = permissions {
            fs::set_permissions(&tmp, p)?;
        }
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
        let p = dir.path().join("zarr.json");
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
        let link = dir.path().join(".zattrs");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(write_atomic(&link, b"{}").is_err());
        assert_eq!(fs::read_to_string(&real).unwrap(), "{}");
    }
}
