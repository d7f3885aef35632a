//! An in-memory store read from bytes, and the framed format of those bytes.
//!
//! ```text
//! input   = options driving entry (0xFF entry)*
//! entry   = key 0x00 value      a file: `get(key)` answers `value`
//!         | key                 a fault: `get(key)` fails, and the key is
//!                               listed with a problem (a symbolic link
//!                               leaving the store, a loop, ...)
//!         | key "/"             `list_dir(key)` fails
//! ```
//!
//! `options` and `driving` are one byte each ([`Options`]). Keys are read as
//! UTF-8 (invalid bytes become U+FFFD). Inside a key or a value, 0xFE 0x01
//! stands for 0xFF and 0xFE 0x02 for 0xFE, so that every document, UTF-16
//! ones included, can be written; any other byte stands for itself.

use std::collections::{BTreeMap, BTreeSet};

use zarr_links_store::{valid_key, DirEntry, LoadOptions, Store, StoreError};

/// Separates the entries.
const SEPARATOR: u8 = 0xFF;
/// Starts an escape.
const ESCAPE: u8 = 0xFE;

/// The first two bytes of an input: how to load, and how the `load` target
/// drives the sans-I/O loader.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Bit 0: the store cannot be listed. Bit 1: trust consolidated metadata
    /// (do not verify it). Bit 2: keep every node's attributes.
    pub load: u8,
    /// Bits 0-3: how many requests to take per poll (0: all). Bit 4: answer
    /// them in reverse order. Bit 5: feed each answer on its own.
    pub driving: u8,
}

impl Options {
    /// The loader's options.
    pub fn load_options(self) -> LoadOptions {
        LoadOptions {
            listing: self.load & 1 == 0,
            verify_consolidated: self.load & 2 == 0,
            keep_attributes: self.load & 4 != 0,
        }
    }

    /// Requests taken per poll.
    pub fn batch(self) -> usize {
        match self.driving & 0x0F {
            0 => usize::MAX,
            n => n as usize,
        }
    }

    /// Whether answers are fed in reverse order.
    pub fn reverse(self) -> bool {
        self.driving & 0x10 != 0
    }

    /// Whether each answer is fed on its own.
    pub fn one_by_one(self) -> bool {
        self.driving & 0x20 != 0
    }
}

/// A store held in memory. It behaves as a listing object store would:
/// directories are key prefixes, invalid keys are refused as
/// [`StoreError::InvalidKey`] (like the local store), a key that only names
/// a directory is [`StoreError::IsADirectory`].
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    /// Files: key to bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Keys whose reading fails.
    pub faults: BTreeSet<String>,
    /// Key prefixes whose listing fails.
    pub unlistable: BTreeSet<String>,
}

/// The error a faulty key gives: chosen by the key's length, so that every
/// kind of store error is reached.
fn fault(key: &str) -> StoreError {
    let key = key.to_string();
    match key.len() % 5 {
        0 => StoreError::Outside {
            resolved: "/elsewhere".to_string(),
            key,
        },
        1 => StoreError::Loop(key),
        2 => StoreError::TooLarge { key, size: 1 << 30 },
        3 => StoreError::NotADirectory(key),
        _ => StoreError::Io {
            key,
            message: "input/output error".to_string(),
        },
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if key.is_empty() || !valid_key(key) {
            return Err(StoreError::InvalidKey(key.to_string()));
        }
        if self.faults.contains(key) {
            return Err(fault(key));
        }
        if let Some(bytes) = self.files.get(key) {
            return Ok(Some(bytes.clone()));
        }
        let dir = format!("{key}/");
        let is_dir = self
            .files
            .range(dir.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&dir));
        if is_dir {
            return Err(StoreError::IsADirectory(key.to_string()));
        }
        Ok(None)
    }

    fn list_dir(&self, prefix: &str) -> Result<Vec<DirEntry>, StoreError> {
        if !valid_key(prefix) {
            return Err(StoreError::InvalidKey(prefix.to_string()));
        }
        if self.unlistable.contains(prefix) {
            return Err(StoreError::Io {
                key: prefix.to_string(),
                message: "permission denied".to_string(),
            });
        }
        let start = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        // name -> (is_dir, problem)
        let mut entries: BTreeMap<&str, (bool, Option<String>)> = BTreeMap::new();
        let keys = self
            .files
            .keys()
            .map(|k| (k, false))
            .chain(self.faults.iter().map(|k| (k, true)))
            .chain(self.unlistable.iter().map(|k| (k, false)));
        for (key, faulty) in keys {
            let Some(rest) = key.strip_prefix(&start) else {
                continue;
            };
            let (name, is_dir, problem) = match rest.split_once('/') {
                Some((dir, _)) => (dir, true, None),
                None if self.unlistable.contains(key.as_str()) => (rest, true, None),
                None if faulty => (rest, false, Some(fault(key).detail())),
                None => (rest, false, None),
            };
            let entry = entries.entry(name).or_insert((is_dir, None));
            entry.0 |= is_dir;
            if problem.is_some() {
                entry.1 = problem;
            }
        }
        Ok(entries
            .into_iter()
            .map(|(name, (is_dir, problem))| DirEntry {
                name: name.to_string(),
                is_dir,
                problem,
                identity: None,
            })
            .collect())
    }

    fn describe(&self) -> String {
        "memory".to_string()
    }
}

fn unescape(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (ESCAPE, Some(1)) => {
                out.push(SEPARATOR);
                i += 2;
            }
            (ESCAPE, Some(2)) => {
                out.push(ESCAPE);
                i += 2;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn escape(bytes: &[u8], out: &mut Vec<u8>) {
    for &b in bytes {
        match b {
            SEPARATOR => out.extend_from_slice(&[ESCAPE, 1]),
            ESCAPE => out.extend_from_slice(&[ESCAPE, 2]),
            b => out.push(b),
        }
    }
}

/// Reads an input: its options and its store. `None` when it is shorter
/// than the two option bytes.
pub fn decode(data: &[u8]) -> Option<(Options, MemoryStore)> {
    let (&[load, driving], rest) = data.split_first_chunk::<2>()?;
    let mut store = MemoryStore::default();
    if !rest.is_empty() {
        for entry in rest.split(|b| *b == SEPARATOR) {
            match entry.iter().position(|b| *b == 0) {
                Some(nul) => {
                    let key = String::from_utf8_lossy(&unescape(&entry[..nul])).into_owned();
                    store.files.insert(key, unescape(&entry[nul + 1..]));
                }
                None => {
                    let key = String::from_utf8_lossy(&unescape(entry)).into_owned();
                    match key.strip_suffix('/') {
                        Some(dir) => store.unlistable.insert(dir.to_string()),
                        None => store.faults.insert(key),
                    };
                }
            }
        }
    }
    Some((Options { load, driving }, store))
}

/// Writes an input that [`decode`] reads back as `options` and `store`.
/// Keys must not contain a NUL character.
pub fn encode(options: Options, store: &MemoryStore) -> Vec<u8> {
    let mut out = vec![options.load, options.driving];
    let mut first = true;
    let mut sep = |out: &mut Vec<u8>| {
        if !std::mem::take(&mut first) {
            out.push(SEPARATOR);
        }
    };
    for (key, value) in &store.files {
        sep(&mut out);
        escape(key.as_bytes(), &mut out);
        out.push(0);
        escape(value, &mut out);
    }
    for key in &store.faults {
        sep(&mut out);
        escape(key.as_bytes(), &mut out);
    }
    for key in &store.unlistable {
        sep(&mut out);
        escape(key.as_bytes(), &mut out);
        out.push(b'/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_then_decode_gives_the_store_back() {
        let mut s = MemoryStore::default();
        s.files
            .insert("zarr.json".into(), b"{\xFF\xFE\x00}".to_vec());
        s.files.insert("a/b/.zattrs".into(), b"{}".to_vec());
        s.faults.insert("a/link".into());
        s.unlistable.insert("a/b".into());
        let options = Options {
            load: 5,
            driving: 0x13,
        };
        let (o, back) = decode(&encode(options, &s)).unwrap();
        assert_eq!(o, options);
        assert_eq!(back.files, s.files);
        assert_eq!(back.faults, s.faults);
        assert_eq!(back.unlistable, s.unlistable);
        let names: Vec<(String, bool, bool)> = back
            .list_dir("a")
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.is_dir, e.problem.is_some()))
            .collect();
        assert_eq!(
            names,
            [("b".into(), true, false), ("link".into(), false, true)]
        );
        assert!(back.list_dir("a/b").is_err());
        assert!(back.get("a/link").is_err());
        assert!(matches!(back.get("a"), Err(StoreError::IsADirectory(_))));
        assert!(matches!(back.get("a/../x"), Err(StoreError::InvalidKey(_))));
    }
}
