//! Writing a local store: one change of several documents, all or nothing.
//!
//! 1. Writers take the store's lock: an exclusive `flock` on the root
//!    directory itself (no lock file is left in the store). Taking it rolls
//!    back a change a crashed writer left half done (from its journal) and
//!    removes the temporary files such a writer left behind.
//! 2. Each document must still hold the bytes the change was planned from;
//!    else nothing is written.
//! 3. Every new document is written to a temporary file beside it
//!    (`.<name>.zarr-links-tmp.<pid>.<n>`) with the replaced file's owner
//!    and mode, and flushed to disk.
//! 4. Each replaced file is kept under a second name
//!    (`.<name>.zarr-links-old.<pid>.<n>`, a hard link), and a journal
//!    (`.zarr-links-journal` in the root) lists them, flushed.
//! 5. The temporary files are renamed over the documents in a fixed order.
//!    If one rename fails, the kept files are renamed back.
//! 6. The journal is removed (the change is then complete), then the kept
//!    files.
//!
//! A crash before step 6 leaves the journal; the next writer puts every
//! kept file back, so the store holds the old documents, all of them.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/security.html>

use std::io::{ErrorKind, Read, Write};

use cap_std::fs::{Dir, Metadata, OpenOptions};
use serde_json::{json, Value};

use super::{file_kind, LocalStore};
use crate::write::{Replacement, WritableStore, WriteError, WriteLock};
use crate::{join_key, valid_key, Store, StoreError, MAX_DOCUMENT_BYTES};

/// The journal of a change in progress, in the store root.
pub const JOURNAL: &str = ".zarr-links-journal";
/// In the names of temporary files: `.<name>.zarr-links-tmp.<pid>.<n>`.
pub(super) const TMP: &str = ".zarr-links-tmp.";
/// In the names of kept originals: `.<name>.zarr-links-old.<pid>.<n>`.
const OLD: &str = ".zarr-links-old.";
/// How long a writer waits for another one to finish.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// The environment variable that makes the writer fail on purpose, for the
/// fault tests: `write:N`, `fsync:N` or `rename:N` make the Nth such
/// operation of a change fail; `abort-after-rename:N` ends the process
/// right after the Nth rename, as a crash would. Several are separated by
/// commas.
#[doc(hidden)]
pub const FAULT_VARIABLE: &str = "ZARR_LINKS_FAULT";

/// The injected faults of one change, and how many of each operation ran.
#[derive(Debug, Default)]
struct Faults {
    plan: Vec<(String, usize)>,
    counts: std::collections::HashMap<&'static str, usize>,
}

impl Faults {
    fn from_env() -> Faults {
        Faults::parse(&std::env::var(FAULT_VARIABLE).unwrap_or_default())
    }

    fn parse(spec: &str) -> Faults {
        let plan = spec
            .split(',')
            .filter_map(|f| {
                let (op, n) = f.trim().split_once(':')?;
                Some((op.to_string(), n.parse().ok()?))
            })
            .collect();
        Faults {
            plan,
            counts: Default::default(),
        }
    }

    /// Counts one `op`; fails when this one is to fail.
    fn step(&mut self, op: &'static str) -> std::io::Result<()> {
        let n = self.counts.entry(op).or_default();
        *n += 1;
        let n = *n;
        if self.plan.iter().any(|(o, k)| o == op && *k == n) {
            return Err(std::io::Error::other(format!(
                "injected failure of {op} number {n} ({FAULT_VARIABLE})"
            )));
        }
        Ok(())
    }

    /// Ends the process after the Nth rename, when asked to.
    fn after_rename(&self) {
        let n = self.counts.get("rename").copied().unwrap_or(0);
        if self
            .plan
            .iter()
            .any(|(o, k)| o == "abort-after-rename" && *k == n)
        {
            std::process::abort();
        }
    }
}

/// The lock's holder: the root directory opened once more (its own open
/// file description, so that the `flock` is this writer's alone).
struct Held<'a> {
    store: &'a LocalStore,
    _dir: cap_std::fs::File,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.store
            .locked
            .store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

/// One document of a change, planned.
struct Planned<'c> {
    change: &'c Replacement,
    /// The key prefix of the document's directory.
    prefix: String,
    tmp: String,
    /// Where the replaced file is kept, when there is one.
    kept: Option<String>,
    /// The replaced file's metadata, when there is one.
    meta: Option<Metadata>,
}

fn io_error(key: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Io {
        key: key.to_string(),
        message: e.to_string(),
    }
}

fn split(key: &str) -> (String, String) {
    match key.rfind('/') {
        Some(i) => (key[..i].to_string(), key[i + 1..].to_string()),
        None => (String::new(), key.to_string()),
    }
}

/// Whether `name` is a temporary or kept file of a writer (this version's
/// names, or the `.<name>.zarr-links-<pid>.tmp` of earlier versions,
/// returned with its pid).
fn leftover(name: &str) -> Option<Option<u32>> {
    if !name.starts_with('.') {
        return None;
    }
    if name.contains(TMP) || name.contains(OLD) {
        return Some(None);
    }
    let pid = name.strip_suffix(".tmp")?.rsplit_once(".zarr-links-")?.1;
    pid.parse().ok().map(Some)
}

/// Whether a process with this id is running.
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return false;
        };
        !matches!(
            rustix::process::test_kill_process(pid),
            Err(rustix::io::Errno::SRCH)
        )
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// A directory opened for reading, as a file: what `flock` and `fsync`
/// need (cap-std's own directory handles are `O_PATH` on Linux).
fn dir_file(root: &Dir, prefix: &str) -> std::io::Result<cap_std::fs::File> {
    use cap_fs_ext::OpenOptionsMaybeDirExt;
    let path = if prefix.is_empty() { "." } else { prefix };
    root.open_with(path, OpenOptions::new().read(true).maybe_dir(true))
}

/// Flushes the entries of the directory `prefix` to disk (renames, new
/// files).
fn sync_dir(root: &Dir, prefix: &str) -> std::io::Result<()> {
    let dir = dir_file(root, prefix)?;
    #[cfg(unix)]
    {
        rustix::fs::fsync(&dir)?;
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
    }
    Ok(())
}

impl LocalStore {
    /// Takes the writers' lock of the store: an exclusive `flock` on the
    /// root directory, waited for up to two minutes. Then rolls back a
    /// change that a crashed writer left half done and removes its
    /// temporary files (the lock's notes say what was done). Where the file
    /// system cannot lock, the lock is not taken and a note says so.
    /// Without unix `flock` (Windows), writers are not kept out.
    ///
    /// Spec: <https://zarr-links.github.io/zarr-links/security.html>
    pub fn lock(&self) -> Result<WriteLock<'_>, WriteError> {
        self.lock_with(&mut || {})
    }

    /// [`LocalStore::lock`], calling `waiting` once when another writer
    /// holds the lock, before waiting for it (to tell the user why nothing
    /// happens).
    pub fn lock_with(&self, waiting: &mut dyn FnMut()) -> Result<WriteLock<'_>, WriteError> {
        let dir = dir_file(&self.dir, "").map_err(|e| WriteError::Store(io_error("", e)))?;
        let mut notes = Vec::new();
        #[cfg(unix)]
        {
            use rustix::fs::{flock, FlockOperation};
            let start = std::time::Instant::now();
            let mut told = false;
            loop {
                match flock(&dir, FlockOperation::NonBlockingLockExclusive) {
                    Ok(()) => break,
                    Err(rustix::io::Errno::WOULDBLOCK) if start.elapsed() < LOCK_WAIT => {
                        if !told {
                            waiting();
                            told = true;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                    Err(rustix::io::Errno::WOULDBLOCK) => {
                        return Err(WriteError::Refused(format!(
                            "another writer has held the store's lock for {} s (another `zarr-links index --write`?); nothing was written",
                            LOCK_WAIT.as_secs()
                        )))
                    }
                    Err(e) => {
                        notes.push(format!(
                            "the store cannot be locked ({e}); other writers are not kept out"
                        ));
                        break;
                    }
                }
            }
        }
        #[cfg(not(unix))]
        let _ = waiting;
        self.locked.store(true, std::sync::atomic::Ordering::SeqCst);
        let held = Held {
            store: self,
            _dir: dir,
        };
        notes.extend(self.recover()?);
        notes.extend(self.clean(&[String::new()]));
        Ok(WriteLock::new(Box::new(held), notes))
    }

    /// Rolls back the change a crashed writer left half done, from its
    /// journal. Runs under the lock.
    fn recover(&self) -> Result<Vec<String>, WriteError> {
        let fail = |e: std::io::Error| WriteError::Store(io_error(JOURNAL, e));
        let mut text = String::new();
        match self.dir.open_with(JOURNAL, OpenOptions::new().read(true)) {
            Ok(f) => {
                f.take(1 << 20).read_to_string(&mut text).map_err(fail)?;
            }
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(fail(e)),
        }
        let journal: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let files = journal["files"].as_array().cloned().unwrap_or_default();
        let mut restored = Vec::new();
        for file in files.iter().rev() {
            let Some(key) = file["key"]
                .as_str()
                .filter(|k| valid_key(k) && !k.is_empty())
            else {
                continue;
            };
            let (prefix, name) = split(key);
            match file["kept"].as_str() {
                // Only a kept file of this very document is put back.
                Some(kept) if kept.starts_with(&format!(".{name}{OLD}")) && !kept.contains('/') => {
                    let kept = join_key(&prefix, kept);
                    if self.dir.symlink_metadata(&kept).is_ok() {
                        self.dir
                            .rename(&kept, &self.dir, key)
                            .map_err(|e| WriteError::Store(io_error(key, e)))?;
                        restored.push(key.to_string());
                    }
                }
                Some(_) => {}
                // The document did not exist before the change.
                None => match self.dir.remove_file(key) {
                    Ok(()) => restored.push(key.to_string()),
                    Err(e) if e.kind() == ErrorKind::NotFound => {}
                    Err(e) => return Err(WriteError::Store(io_error(key, e))),
                },
            }
        }
        sync_dir(&self.dir, "").map_err(fail)?;
        self.dir.remove_file(JOURNAL).map_err(fail)?;
        sync_dir(&self.dir, "").map_err(fail)?;
        let pid = journal["pid"].as_u64().unwrap_or(0);
        Ok(vec![if restored.is_empty() {
            format!("an earlier write (process {pid}) was interrupted before it changed anything; its journal was removed")
        } else {
            format!(
                "an earlier write (process {pid}) was interrupted; the store is back as it was before it: restored {}",
                restored.join(", ")
            )
        }])
    }

    /// Removes the temporary and kept files that crashed writers left in
    /// the directories `prefixes`. Runs under the lock, so no writer of
    /// this version is using them; files named by an earlier version are
    /// removed only when their process has ended.
    fn clean(&self, prefixes: &[String]) -> Vec<String> {
        let mut removed = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for prefix in prefixes {
            if !seen.insert(prefix.as_str()) {
                continue;
            }
            let entries = if prefix.is_empty() {
                self.dir.entries()
            } else {
                self.dir.read_dir(prefix)
            };
            let Ok(entries) = entries else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let Some(name) = name.to_str() else { continue };
                let stale = match leftover(name) {
                    None => false,
                    Some(None) => true,
                    Some(Some(pid)) => !alive(pid),
                };
                let regular = entry.file_type().is_ok_and(|t| t.is_file());
                let key = join_key(prefix, name);
                if stale && regular && self.dir.remove_file(&key).is_ok() {
                    removed.push(key);
                }
            }
        }
        if removed.is_empty() {
            return Vec::new();
        }
        vec![format!(
            "removed {} file(s) that an interrupted write left behind: {}",
            removed.len(),
            removed.join(", ")
        )]
    }

    /// The document now at `key`: its bytes and metadata, `None` when
    /// absent. Symbolic links and special files are refused: they are never
    /// replaced.
    fn current(&self, key: &str) -> Result<Option<(Vec<u8>, Metadata)>, WriteError> {
        let refuse = |what: &str| {
            WriteError::Refused(format!(
                "{key} is {what}; only regular files are replaced; nothing was written"
            ))
        };
        let meta = match self.dir.symlink_metadata(key) {
            Ok(m) => m,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(WriteError::Store(self.classify(key, &e))),
        };
        if !meta.is_file() {
            return Err(refuse(file_kind(meta.file_type())));
        }
        let bytes = self
            .get(key)
            .map_err(WriteError::Store)?
            .unwrap_or_default();
        Ok(Some((bytes, meta)))
    }

    /// Replaces the documents of `changes` as one change (see the module
    /// documentation). With `check`, each must still hold
    /// [`Replacement::before`].
    fn commit(&self, changes: &[Replacement], check: bool) -> Result<Vec<String>, WriteError> {
        self.commit_with(changes, check, Faults::from_env())
    }

    fn commit_with(
        &self,
        changes: &[Replacement],
        check: bool,
        mut faults: Faults,
    ) -> Result<Vec<String>, WriteError> {
        let guard = if self.locked.load(std::sync::atomic::Ordering::SeqCst) {
            None
        } else {
            Some(self.lock()?)
        };
        let mut notes = guard.as_ref().map(|g| g.notes.clone()).unwrap_or_default();
        let prefixes: Vec<String> = changes.iter().map(|c| split(&c.key).0).collect();
        notes.extend(self.clean(&prefixes));
        let pid = std::process::id();
        let mut planned = Vec::new();
        for (n, change) in changes.iter().enumerate() {
            let key = &change.key;
            if key.is_empty() || !valid_key(key) {
                return Err(WriteError::Store(StoreError::InvalidKey(key.clone())));
            }
            if change.after.len() > MAX_DOCUMENT_BYTES {
                return Err(WriteError::Refused(format!(
                    "{key} would be {} bytes, over the limit of {MAX_DOCUMENT_BYTES} bytes (16 MiB) that readers of this tool accept; nothing was written",
                    change.after.len()
                )));
            }
            let current = self.current(key)?;
            if check && current.as_ref().map(|c| &c.0) != change.before.as_ref() {
                return Err(WriteError::Changed(key.clone()));
            }
            let (prefix, name) = split(key);
            planned.push(Planned {
                change,
                tmp: join_key(&prefix, &format!(".{name}{TMP}{pid}.{n}")),
                kept: current
                    .as_ref()
                    .map(|_| join_key(&prefix, &format!(".{name}{OLD}{pid}.{n}"))),
                meta: current.map(|c| c.1),
                prefix,
            });
        }

        // Temporary files, complete and on disk.
        for (i, p) in planned.iter().enumerate() {
            if let Err(e) = self.write_temporary(p, &mut faults, &mut notes) {
                self.remove_all(planned[..=i].iter().map(|p| p.tmp.as_str()));
                return Err(WriteError::Store(io_error(&p.change.key, e)));
            }
        }
        // The originals kept, and the journal that lists them.
        if let Err(e) = self.keep_originals(&planned) {
            self.remove_all(planned.iter().map(|p| p.tmp.as_str()));
            self.remove_all(planned.iter().filter_map(|p| p.kept.as_deref()));
            let _ = self.dir.remove_file(JOURNAL);
            return Err(WriteError::Store(io_error(JOURNAL, e)));
        }
        // The renames, in order; undone if one fails.
        for (i, p) in planned.iter().enumerate() {
            let renamed = faults
                .step("rename")
                .and_then(|()| self.dir.rename(&p.tmp, &self.dir, &p.change.key));
            if let Err(e) = renamed {
                return Err(self.undo(&planned, i, &p.change.key, e));
            }
            faults.after_rename();
        }
        let mut synced = std::collections::BTreeSet::new();
        for p in &planned {
            if synced.insert(p.prefix.as_str()) {
                let _ = sync_dir(&self.dir, &p.prefix);
            }
        }
        // The change is complete once its journal is gone.
        if let Err(e) = self
            .dir
            .remove_file(JOURNAL)
            .and_then(|()| sync_dir(&self.dir, ""))
        {
            notes.push(format!(
                "the change is written, but its journal {JOURNAL} could not be removed ({e}); the next write will roll it back"
            ));
            return Ok(notes);
        }
        self.remove_all(planned.iter().filter_map(|p| p.kept.as_deref()));
        drop(guard);
        Ok(notes)
    }

    /// Writes one temporary file with the replaced file's owner and mode.
    fn write_temporary(
        &self,
        p: &Planned<'_>,
        faults: &mut Faults,
        notes: &mut Vec<String>,
    ) -> std::io::Result<()> {
        let mut file = self
            .dir
            .open_with(&p.tmp, OpenOptions::new().write(true).create_new(true))?;
        faults.step("write")?;
        file.write_all(&p.change.after)?;
        if let Some(meta) = &p.meta {
            keep_owner_and_mode(&file, meta, &p.change.key, notes)?;
        }
        faults.step("fsync")?;
        file.sync_all()
    }

    /// Keeps every replaced file under a second name, then writes the
    /// journal; both on disk before the first rename.
    fn keep_originals(&self, planned: &[Planned<'_>]) -> std::io::Result<()> {
        for p in planned {
            if let Some(kept) = &p.kept {
                self.dir.hard_link(&p.change.key, &self.dir, kept)?;
            }
        }
        let files: Vec<Value> = planned
            .iter()
            .map(|p| {
                json!({
                    "key": p.change.key,
                    "kept": p.kept.as_deref().map(|k| split(k).1),
                })
            })
            .collect();
        let journal = json!({"pid": std::process::id(), "files": files});
        let mut f = self
            .dir
            .open_with(JOURNAL, OpenOptions::new().write(true).create_new(true))?;
        f.write_all(journal.to_string().as_bytes())?;
        f.sync_all()?;
        let mut synced = std::collections::BTreeSet::new();
        for p in planned {
            if synced.insert(p.prefix.as_str()) && !p.prefix.is_empty() {
                sync_dir(&self.dir, &p.prefix)?;
            }
        }
        sync_dir(&self.dir, "")
    }

    /// Puts back the documents renamed before `failed` (the `failed`-th
    /// rename failed with `error`) and removes the rest; says exactly what
    /// the store holds when that is not possible.
    fn undo(
        &self,
        planned: &[Planned<'_>],
        failed: usize,
        key: &str,
        error: std::io::Error,
    ) -> WriteError {
        let mut not_restored = Vec::new();
        for p in planned[..failed].iter().rev() {
            let back = match &p.kept {
                Some(kept) => self.dir.rename(kept, &self.dir, &p.change.key),
                None => self.dir.remove_file(&p.change.key),
            };
            if back.is_err() {
                not_restored.push(p.change.key.clone());
            }
        }
        self.remove_all(planned[failed..].iter().map(|p| p.tmp.as_str()));
        let _ = sync_dir(&self.dir, "");
        if not_restored.is_empty() {
            let _ = self.dir.remove_file(JOURNAL);
            self.remove_all(planned[failed..].iter().filter_map(|p| p.kept.as_deref()));
            return WriteError::Store(io_error(key, error));
        }
        WriteError::Incomplete(format!(
            "cannot write {key}: {error}; these files hold the new version and could not be put back: {}; every other file holds the old one. The journal {JOURNAL} stays, so the next `zarr-links index --write` puts them back first",
            not_restored.join(", ")
        ))
    }

    fn remove_all<'k>(&self, keys: impl Iterator<Item = &'k str>) {
        for key in keys {
            let _ = self.dir.remove_file(key);
        }
    }
}

/// Gives the new file the replaced file's owner and group (where this
/// process may: root, or the owner giving one of its own groups) and then
/// its mode (after the owner: changing the owner clears set-user-ID bits).
fn keep_owner_and_mode(
    file: &cap_std::fs::File,
    meta: &Metadata,
    key: &str,
    notes: &mut Vec<String>,
) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use cap_std::fs::MetadataExt;
        let now = file.metadata()?;
        let (uid, gid) = (meta.uid(), meta.gid());
        if (now.uid(), now.gid()) != (uid, gid) {
            if let Err(e) = std::os::unix::fs::fchown(file, Some(uid), Some(gid)) {
                if e.kind() != ErrorKind::PermissionDenied {
                    return Err(e);
                }
                notes.push(format!(
                    "{key} now belongs to this user, not to its former owner (user {uid}, group {gid}): {e}"
                ));
            }
        }
        rustix::fs::fchmod(file, rustix::fs::Mode::from_raw_mode(meta.mode() & 0o7777))?;
    }
    #[cfg(not(unix))]
    {
        let _ = (key, notes);
        file.set_permissions(meta.permissions())?;
    }
    Ok(())
}

impl WritableStore for LocalStore {
    /// Replaces (or creates) one document as [`WritableStore::replace_all`]
    /// does, without comparing it with an earlier read.
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let change = Replacement {
            key: key.to_string(),
            before: None,
            after: bytes.to_vec(),
        };
        self.commit(std::slice::from_ref(&change), false)
            .map(|_| ())
            .map_err(|e| match e {
                WriteError::Store(e) => e,
                other => io_error(key, other),
            })
    }

    fn lock(&self) -> Result<WriteLock<'_>, WriteError> {
        LocalStore::lock(self)
    }

    /// Under the store's lock (taken here when the caller does not hold
    /// it): all the documents or none, even across a crash (see
    /// [`LocalStore::lock`]).
    fn replace_all(&self, changes: &[Replacement]) -> Result<Vec<String>, WriteError> {
        self.commit(changes, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn store(files: &[(&str, &str)]) -> (tempfile::TempDir, LocalStore) {
        let dir = tempfile::tempdir().unwrap();
        for (key, text) in files {
            let p = dir.path().join(key);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        let store = LocalStore::open(dir.path()).unwrap();
        (dir, store)
    }

    fn names(dir: &std::path::Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }

    fn change(key: &str, before: Option<&str>, after: &str) -> Replacement {
        Replacement {
            key: key.into(),
            before: before.map(|b| b.as_bytes().to_vec()),
            after: after.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_change_replaces_every_document_and_leaves_nothing_behind() {
        let (dir, s) = store(&[
            (".zgroup", "{}"),
            (".zattrs", "old a"),
            (".zmetadata", "old m"),
        ]);
        s.replace_all(&[
            change(".zattrs", Some("old a"), "new a"),
            change(".zmetadata", Some("old m"), "new m"),
        ])
        .unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join(".zattrs")).unwrap(),
            "new a"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join(".zmetadata")).unwrap(),
            "new m"
        );
        assert_eq!(names(dir.path()), [".zattrs", ".zgroup", ".zmetadata"]);
    }

    #[test]
    fn a_document_changed_since_it_was_read_stops_the_change() {
        let (dir, s) = store(&[
            (".zgroup", "{}"),
            (".zattrs", "theirs"),
            (".zmetadata", "m"),
        ]);
        let e = s
            .replace_all(&[
                change(".zmetadata", Some("m"), "new m"),
                change(".zattrs", Some("mine"), "new a"),
            ])
            .unwrap_err();
        assert_eq!(e, WriteError::Changed(".zattrs".into()));
        assert_eq!(
            fs::read_to_string(dir.path().join(".zmetadata")).unwrap(),
            "m"
        );
        assert_eq!(names(dir.path()), [".zattrs", ".zgroup", ".zmetadata"]);
    }

    /// The store of the fault tests holds its old documents, and nothing else.
    fn assert_as_before(dir: &std::path::Path, why: &str) {
        assert_eq!(
            fs::read_to_string(dir.join(".zattrs")).unwrap(),
            "a",
            "{why}"
        );
        assert_eq!(
            fs::read_to_string(dir.join(".zmetadata")).unwrap(),
            "m",
            "{why}"
        );
        assert_eq!(names(dir), [".zattrs", ".zgroup", ".zmetadata"], "{why}");
    }

    #[test]
    fn a_failed_write_flush_or_rename_leaves_the_store_as_it_was() {
        // `rename:2`: the first document was renamed already, and is put back.
        for fault in ["write:1", "write:2", "fsync:2", "rename:1", "rename:2"] {
            let (dir, s) = store(&[(".zgroup", "{}"), (".zattrs", "a"), (".zmetadata", "m")]);
            let changes = [
                change(".zattrs", Some("a"), "new a"),
                change(".zmetadata", Some("m"), "new m"),
            ];
            let e = s
                .commit_with(&changes, true, Faults::parse(fault))
                .unwrap_err();
            let (op, n) = fault.split_once(':').unwrap();
            let message = e.to_string();
            assert!(
                message.contains(&format!("injected failure of {op} number {n}"))
                    && message.contains("nothing was written"),
                "{fault}: {e}"
            );
            assert_as_before(dir.path(), fault);
        }
    }

    #[test]
    fn a_crashed_change_is_rolled_back_by_the_next_writer() {
        // What a writer killed after its first rename leaves: the new
        // `.zattrs`, the old one kept, a temporary `.zmetadata`, the journal.
        let (dir, s) = store(&[
            (".zgroup", "{}"),
            (".zattrs", "new a"),
            ("..zattrs.zarr-links-old.77.0", "a"),
            (".zmetadata", "m"),
            ("..zmetadata.zarr-links-old.77.1", "m"),
            ("..zmetadata.zarr-links-tmp.77.1", "new m"),
            ("..zattrs.zarr-links-999999999.tmp", "from an old version"),
        ]);
        fs::write(
            dir.path().join(JOURNAL),
            r#"{"pid": 77, "files": [{"key": ".zattrs", "kept": "..zattrs.zarr-links-old.77.0"}, {"key": ".zmetadata", "kept": "..zmetadata.zarr-links-old.77.1"}]}"#,
        )
        .unwrap();
        let lock = s.lock().unwrap();
        assert_eq!(lock.notes.len(), 2, "{:?}", lock.notes);
        assert!(
            lock.notes[0].contains("restored .zmetadata, .zattrs"),
            "{:?}",
            lock.notes
        );
        drop(lock);
        assert_as_before(dir.path(), "after the crash");
    }

    #[test]
    fn documents_over_the_limit_are_not_written() {
        let (dir, s) = store(&[("zarr.json", "{}")]);
        let big = "x".repeat(MAX_DOCUMENT_BYTES + 1);
        let e = s
            .replace_all(&[change("zarr.json", Some("{}"), &big)])
            .unwrap_err();
        assert!(e.to_string().contains("over the limit"), "{e}");
        assert_eq!(
            fs::read_to_string(dir.path().join("zarr.json")).unwrap(),
            "{}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_and_special_files_are_never_replaced() {
        let (dir, s) = store(&[("real.json", "{}"), ("zarr.json", "{}")]);
        std::os::unix::fs::symlink("real.json", dir.path().join(".zattrs")).unwrap();
        let e = s.put(".zattrs", b"{}").unwrap_err();
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
        assert_eq!(
            fs::read_to_string(dir.path().join("real.json")).unwrap(),
            "{}"
        );
        assert!(s.get(".zattrs").unwrap().is_some());
    }

    #[cfg(unix)]
    #[test]
    fn the_owner_and_mode_are_kept() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let (dir, s) = store(&[("zarr.json", "{}")]);
        let p = dir.path().join("zarr.json");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        // As root, give the file to another user, as a shared store has.
        let other = rustix::process::getuid().is_root();
        if other {
            std::os::unix::fs::chown(&p, Some(4321), Some(4322)).unwrap();
        }
        let before = fs::metadata(&p).unwrap();
        s.put("zarr.json", b"{\"a\": 1}").unwrap();
        let after = fs::metadata(&p).unwrap();
        assert_ne!(before.ino(), after.ino(), "the file was replaced");
        assert_eq!(after.mode() & 0o7777, 0o640);
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
        if other {
            assert_eq!(after.uid(), 4321);
        }
    }
}
