//! The local directory backend: one idea, a confined view of one directory
//! as a store, read here (`get`, `list_dir`) and written in [`commit`]
//! (locked, checked, all-or-nothing), with its unit tests.
//!
//! Every path is opened beneath a handle of the root directory opened once
//! ([`cap_std::fs::Dir`]: `openat2` with `RESOLVE_BENEATH` on Linux, a
//! component-by-component resolver elsewhere), never by its full path, so a
//! directory swapped for a symbolic link while the store is read cannot
//! lead a read outside the root: there is no gap between a check and an
//! open.

use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::{Dir, FileType, Metadata, OpenOptions};

use crate::{join_key, valid_key, DirEntry, OpenError, Store, StoreError, MAX_DOCUMENT_BYTES};

mod atomic;
pub(crate) mod commit;

pub use atomic::write_atomic;

/// The metadata file names that mark a directory as a Zarr node.
const NODE_FILES: [&str; 3] = ["zarr.json", ".zgroup", ".zarray"];

/// A Zarr store in a local directory.
///
/// Reading never creates, changes or removes a file (writing is
/// [`crate::WritableStore`]'s, through [`LocalStore::lock`] and
/// `replace_all`). It never reads outside the root, even while the store
/// changes: every key is opened beneath a handle of the root directory, a
/// symbolic link is followed only while it stays inside, and keys with
/// empty, `.` or `..` segments are refused ([`crate::key_problem`]).
/// Only regular files are read: a FIFO, socket or device is reported
/// ([`StoreError::NotAFile`]) without being opened for reading, and files
/// are opened without blocking. Documents larger than
/// [`MAX_DOCUMENT_BYTES`] are refused before they are read.
///
/// Listing a directory gives each subdirectory's identity (device and
/// inode), so that the loader reads a directory reached twice through
/// symbolic links once. Symbolic links that leave the root, loop, point at
/// one of their own ancestors or lead nowhere are listed with a problem and
/// are not followed.
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
#[derive(Debug)]
pub struct LocalStore {
    /// The path as given, for messages.
    given: PathBuf,
    /// The canonical root, for messages.
    root: PathBuf,
    /// The root directory, opened once; every read and write goes through it.
    dir: Dir,
    /// The root directory's own identity, for loops back to it.
    root_identity: Option<(u64, u64)>,
    /// Whether this store holds the writers' lock ([`LocalStore::lock`]).
    locked: std::sync::atomic::AtomicBool,
}

fn has_node_file(dir: &Path) -> bool {
    NODE_FILES.iter().any(|f| dir.join(f).is_file())
}

/// The identity of a file: its device and inode numbers.
#[cfg(unix)]
fn identity(meta: &Metadata) -> Option<(u64, u64)> {
    use cap_std::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_meta: &Metadata) -> Option<(u64, u64)> {
    None
}

/// What a file that is not a regular file is, for messages.
pub(crate) fn file_kind(ft: FileType) -> &'static str {
    if ft.is_dir() {
        return "a directory";
    }
    if ft.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use cap_std::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
    }
    "not a regular file"
}

/// Whether `e` is cap-std's refusal to leave the root (it has no OS error
/// number, unlike a real permission error).
fn is_escape(e: &std::io::Error) -> bool {
    e.kind() == ErrorKind::PermissionDenied && e.raw_os_error().is_none()
}

/// ELOOP ("too many levels of symbolic links").
fn is_loop(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    const ELOOP: i32 = 40;
    #[cfg(not(target_os = "linux"))]
    const ELOOP: i32 = 62;
    e.raw_os_error() == Some(ELOOP)
}

impl LocalStore {
    /// Opens the store whose root directory is `path`.
    ///
    /// Fails when the path does not exist, is not a directory, cannot be
    /// read (its permissions, or those of its metadata files), or is a node
    /// inside a larger store (the error names that store's root). To find
    /// the enclosing store, only the existence of `zarr.json`, `.zgroup`
    /// and `.zarray` in the parent directories is checked; nothing outside
    /// the root is read. Whether the root holds Zarr metadata is checked by
    /// [`crate::load`].
    ///
    /// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
    pub fn open(path: &Path) -> Result<LocalStore, OpenError> {
        let unreadable = |what: &str, e: &dyn std::fmt::Display| {
            OpenError::Unreadable(format!("{}: {what}: {e}", path.display()))
        };
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(OpenError::Missing(path.to_path_buf()))
            }
            Err(e) if e.kind() == ErrorKind::NotADirectory => {
                return Err(OpenError::Missing(path.to_path_buf()))
            }
            Err(e) => return Err(unreadable("cannot read the directory", &e)),
        };
        if !meta.is_dir() {
            return Err(OpenError::NotADirectory(path.to_path_buf()));
        }
        let root =
            std::fs::canonicalize(path).map_err(|e| unreadable("cannot read the directory", &e))?;
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
        let dir = Dir::open_ambient_dir(&root, ambient_authority())
            .map_err(|e| unreadable("cannot read the directory", &e))?;
        // Listing needs read permission, and reaching the files in it
        // search permission; a store the user cannot read is not opened.
        dir.entries()
            .map_err(|e| unreadable("cannot list the directory", &e))?;
        for file in NODE_FILES {
            let found = match dir.symlink_metadata(file) {
                Ok(m) => m,
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) => return Err(unreadable(&format!("cannot read {file}"), &e)),
            };
            if found.is_file() {
                if let Err(e) = dir.open_with(file, OpenOptions::new().read(true)) {
                    if e.kind() == ErrorKind::PermissionDenied {
                        return Err(unreadable(&format!("cannot read {file}"), &e));
                    }
                }
            }
        }
        let root_identity = dir.dir_metadata().ok().as_ref().and_then(identity);
        Ok(LocalStore {
            given: path.to_path_buf(),
            root,
            dir,
            root_identity,
            locked: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// The canonical root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Why following `key` failed, as a store error.
    fn classify(&self, key: &str, e: &std::io::Error) -> StoreError {
        if is_escape(e) {
            // Where the link leads, for the message only: nothing is read.
            let ambient = self.root.join(key);
            return match std::fs::canonicalize(&ambient) {
                Ok(real) if real.starts_with(&self.root) => StoreError::NotFollowed {
                    key: key.to_string(),
                    link: self.link_text(key),
                },
                Ok(real) => StoreError::Outside {
                    key: key.to_string(),
                    resolved: real.display().to_string(),
                },
                Err(_) => StoreError::Outside {
                    key: key.to_string(),
                    resolved: self.link_text(key),
                },
            };
        }
        if is_loop(e) {
            return StoreError::Loop(key.to_string());
        }
        match e.kind() {
            ErrorKind::NotADirectory => StoreError::NotADirectory(key.to_string()),
            ErrorKind::IsADirectory => StoreError::IsADirectory(key.to_string()),
            ErrorKind::NotFound if self.dir.symlink_metadata(key).is_ok() => StoreError::Io {
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

    /// The text of the first symbolic link on the way to `key`, for messages.
    fn link_text(&self, key: &str) -> String {
        let mut prefix = String::new();
        for segment in key.split('/') {
            prefix = join_key(&prefix, segment);
            if let Ok(target) = std::fs::read_link(self.root.join(&prefix)) {
                return format!("`{prefix}` -> {}", target.display());
            }
        }
        key.to_string()
    }

    /// The identities of `prefix` and of every directory above it, up to
    /// the root, with their key prefixes.
    fn ancestors(&self, prefix: &str) -> Vec<((u64, u64), String)> {
        let mut out = Vec::new();
        if let Some(id) = self.root_identity {
            out.push((id, String::new()));
        }
        let mut at = String::new();
        for segment in prefix.split('/').filter(|s| !s.is_empty()) {
            at = join_key(&at, segment);
            if let Some(id) = self.dir.metadata(&at).ok().as_ref().and_then(identity) {
                out.push((id, at.clone()));
            }
        }
        out
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

/// Options to open a metadata document: read only, never blocking (a FIFO
/// swapped in after the type check opens at once and is refused).
fn read_options() -> OpenOptions {
    use cap_fs_ext::OpenOptionsSyncExt;
    let mut options = OpenOptions::new();
    options.read(true).nonblock(true);
    options
}

impl Store for LocalStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if key.is_empty() || !valid_key(key) {
            return Err(StoreError::InvalidKey(key.to_string()));
        }
        // What the key is, before opening it: only regular files are opened.
        let before = match self.dir.metadata(key) {
            Ok(m) => m,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                if self.dir.symlink_metadata(key).is_ok() {
                    return Err(self.classify(key, &e));
                }
                return Ok(None);
            }
            Err(e) => return Err(self.classify(key, &e)),
        };
        if before.is_dir() {
            return Err(StoreError::IsADirectory(key.to_string()));
        }
        if !before.is_file() {
            return Err(StoreError::NotAFile {
                key: key.to_string(),
                what: file_kind(before.file_type()).to_string(),
            });
        }
        if before.len() > MAX_DOCUMENT_BYTES as u64 {
            return Err(StoreError::TooLarge {
                key: key.to_string(),
                size: before.len(),
            });
        }
        let mut file = match self.dir.open_with(key, &read_options()) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.classify(key, &e)),
        };
        read_checked(key, &mut file, &before).map(Some)
    }

    fn list_dir(&self, prefix: &str) -> Result<Vec<DirEntry>, StoreError> {
        if !valid_key(prefix) {
            return Err(StoreError::InvalidKey(prefix.to_string()));
        }
        let opened;
        let dir = if prefix.is_empty() {
            &self.dir
        } else {
            opened = match self.dir.open_dir(prefix) {
                Ok(d) => d,
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(self.classify(prefix, &e)),
            };
            &opened
        };
        let here = dir.dir_metadata().map_err(|e| self.classify(prefix, &e))?;
        let entries = dir.entries().map_err(|e| self.classify(prefix, &e))?;
        let mut ancestors = None;
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| self.classify(prefix, &e))?;
            let os_name = entry.file_name();
            let Some(name) = os_name.to_str() else {
                out.push(DirEntry {
                    name: os_name.to_string_lossy().into_owned(),
                    is_dir: false,
                    problem: Some("the name is not valid UTF-8; Zarr keys are UTF-8".to_string()),
                    identity: None,
                });
                continue;
            };
            let name = name.to_string();
            let key = join_key(prefix, &name);
            let ft = entry.file_type().map_err(|e| self.classify(&key, &e))?;
            if !ft.is_symlink() {
                let identity = if ft.is_dir() {
                    entry_identity(&here, &entry)
                } else {
                    None
                };
                out.push(DirEntry {
                    name,
                    is_dir: ft.is_dir(),
                    problem: None,
                    identity,
                });
                continue;
            }
            // A symbolic link: followed only beneath the root.
            let (is_dir, identity, problem) = match self.dir.metadata(&key) {
                Err(e) => {
                    let problem = match self.classify(&key, &e) {
                        StoreError::Outside { resolved, .. } => format!(
                            "a symbolic link leads outside the store root (to {resolved}); expected every node inside the root, so it was not followed"
                        ),
                        other => other.detail(),
                    };
                    (false, None, Some(problem))
                }
                Ok(m) if m.is_dir() => {
                    let id = identity(&m);
                    let ancestors = ancestors.get_or_insert_with(|| self.ancestors(prefix));
                    match ancestors.iter().find(|(a, _)| Some(*a) == id) {
                        Some((_, at)) => (
                            false,
                            None,
                            Some(format!(
                                "a symbolic link leads back to its own ancestor `/{at}`, which makes a loop; expected a finite tree, so it was not followed"
                            )),
                        ),
                        None => (true, id, None),
                    }
                }
                Ok(_) => (false, None, None),
            };
            out.push(DirEntry {
                name,
                is_dir,
                problem,
                identity,
            });
        }
        out.sort();
        Ok(out)
    }

    fn describe(&self) -> String {
        self.given.display().to_string()
    }
}

/// The identity of a subdirectory listed in a directory whose metadata is
/// `here` (the entry's inode, on the directory's device).
#[cfg(unix)]
fn entry_identity(here: &Metadata, entry: &cap_std::fs::DirEntry) -> Option<(u64, u64)> {
    use cap_std::fs::MetadataExt;
    use rustix::fs::DirEntryExt;
    Some((here.dev(), entry.ino()))
}

#[cfg(not(unix))]
fn entry_identity(_here: &Metadata, _entry: &cap_std::fs::DirEntry) -> Option<(u64, u64)> {
    None
}

/// Reads an opened document: it must still be the regular file `before`
/// described (same device and inode), and at most [`MAX_DOCUMENT_BYTES`].
fn read_checked(
    key: &str,
    file: &mut cap_std::fs::File,
    before: &Metadata,
) -> Result<Vec<u8>, StoreError> {
    let io = |e: std::io::Error| StoreError::Io {
        key: key.to_string(),
        message: e.to_string(),
    };
    let now = file.metadata().map_err(io)?;
    if !now.is_file() {
        return Err(StoreError::NotAFile {
            key: key.to_string(),
            what: file_kind(now.file_type()).to_string(),
        });
    }
    if identity(&now) != identity(before) {
        return Err(StoreError::Io {
            key: key.to_string(),
            message: "the file was replaced while it was being opened; run again".to_string(),
        });
    }
    let mut buf = Vec::with_capacity(now.len().min(MAX_DOCUMENT_BYTES as u64) as usize);
    file.take(MAX_DOCUMENT_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(io)?;
    if buf.len() > MAX_DOCUMENT_BYTES {
        return Err(StoreError::TooLarge {
            key: key.to_string(),
            size: buf.len() as u64,
        });
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn store_with(files: &[(&str, &str)]) -> (tempfile::TempDir, LocalStore) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("store");
        for (key, text) in files {
            let p = root.join(key);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        let store = LocalStore::open(&root).unwrap();
        (dir, store)
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_named_and_never_opened() {
        let (dir, store) = store_with(&[("zarr.json", "{}")]);
        let fifo = dir.path().join("store/a/zarr.json");
        fs::create_dir_all(fifo.parent().unwrap()).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let e = store.get("a/zarr.json").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a/zarr.json: is a FIFO (named pipe); expected a regular file, so it was not read"
        );
        let sock = dir.path().join("store/.zattrs");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let e = store.get(".zattrs").unwrap_err();
        assert!(e.to_string().contains("is a socket"), "{e}");
        assert_eq!(e.rule(), zarr_links_model::Rule::StoreMetadata);
    }

    #[cfg(unix)]
    #[test]
    fn links_that_leave_the_root_are_not_followed_even_when_they_come_back() {
        let (dir, store) = store_with(&[("zarr.json", "{}"), ("a/zarr.json", "{\"x\": 1}")]);
        let outside = dir.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("zarr.json"), "secret").unwrap();
        std::os::unix::fs::symlink("../../outside", dir.path().join("store/a/out")).unwrap();
        std::os::unix::fs::symlink("../a", dir.path().join("store/a/inside")).unwrap();
        let absolute = dir.path().join("store/a");
        std::os::unix::fs::symlink(&absolute, dir.path().join("store/abs")).unwrap();
        assert!(matches!(
            store.get("a/out/zarr.json"),
            Err(StoreError::Outside { .. })
        ));
        // A relative link that stays inside is followed.
        assert_eq!(
            store.get("a/inside/zarr.json").unwrap().unwrap(),
            b"{\"x\": 1}"
        );
        // An absolute one is not, although it points inside.
        let e = store.get("abs/zarr.json").unwrap_err();
        assert!(matches!(e, StoreError::NotFollowed { .. }), "{e:?}");
        assert!(e.to_string().contains("`abs` ->"), "{e}");
        let listed = store.list_dir("a").unwrap();
        let out = listed.iter().find(|e| e.name == "out").unwrap();
        assert!(out
            .problem
            .as_deref()
            .unwrap()
            .contains("outside the store root"));
    }

    #[test]
    fn listing_gives_directories_their_identity() {
        let (dir, store) = store_with(&[("zarr.json", "{}"), ("a/zarr.json", "{}")]);
        let listed = store.list_dir("").unwrap();
        let a = listed.iter().find(|e| e.name == "a").unwrap();
        assert!(a.is_dir);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("a", dir.path().join("store/b")).unwrap();
            let listed = store.list_dir("").unwrap();
            let a = listed.iter().find(|e| e.name == "a").unwrap().identity;
            let b = listed.iter().find(|e| e.name == "b").unwrap().identity;
            assert!(a.is_some());
            assert_eq!(a, b, "a link to a directory has the directory's identity");
            let file = listed.iter().find(|e| e.name == "zarr.json").unwrap();
            assert_eq!(file.identity, None);
        }
        drop(dir);
    }
}
