//! One check of a store, driven from outside: the loader asks for keys, the
//! driver (JavaScript's `fetch` or `File` reads) answers them, and at the end
//! the hierarchy is validated.
//!
//! A picked folder is known file by file before anything is read, so its
//! listings, absent keys, directories and oversized files are answered here
//! from the list of its files ([`Files`]), as a local directory answers
//! them; only the bytes of existing files are asked of the driver. A URL
//! cannot be listed: every key is asked of the driver.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html>

use std::collections::BTreeMap;

use zarr_links_model::Hierarchy;
use zarr_links_store::load::{Answer, LoadOptions, Loader, Poll, Request};
use zarr_links_store::{join_key, valid_key, DirEntry, StoreError, MAX_DOCUMENT_BYTES};

/// The files of a picked folder: keys relative to the store root, with
/// their sizes in bytes.
#[derive(Debug, Default, Clone)]
pub struct Files {
    files: BTreeMap<String, u64>,
    /// Every directory that holds a file (`""` is the root), with the
    /// entries directly under it: name, and whether it is a directory. A
    /// listing costs what it lists, however many chunk files lie deeper.
    children: BTreeMap<String, BTreeMap<String, bool>>,
}

impl Files {
    /// Records a file. Returns an error for a key that is empty or has an
    /// empty segment (a folder listing never gives one).
    pub fn add(&mut self, key: &str, size: u64) -> Result<(), String> {
        if key.is_empty() || key.split('/').any(str::is_empty) {
            return Err(format!("{key:?} is not a file path inside the folder"));
        }
        self.files.insert(key.to_string(), size);
        let segments = key.split('/').count();
        let mut parent = String::new();
        for (i, name) in key.split('/').enumerate() {
            let is_dir = self
                .children
                .entry(parent.clone())
                .or_default()
                .entry(name.to_string())
                .or_insert(false);
            *is_dir |= i + 1 < segments;
            parent = join_key(&parent, name);
        }
        Ok(())
    }

    /// How many files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file was added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The entries directly under `prefix`, sorted as a local directory's.
    pub(crate) fn list(&self, prefix: &str) -> Result<Vec<DirEntry>, StoreError> {
        if !valid_key(prefix) {
            return Err(StoreError::InvalidKey(prefix.to_string()));
        }
        if self.files.contains_key(prefix) {
            return Err(StoreError::NotADirectory(prefix.to_string()));
        }
        let mut out: Vec<DirEntry> = self
            .children
            .get(prefix)
            .into_iter()
            .flatten()
            .map(|(name, &is_dir)| DirEntry {
                name: name.clone(),
                is_dir,
                problem: None,
                identity: None,
            })
            .collect();
        out.sort();
        Ok(out)
    }

    /// The answer to a read that needs no bytes (an absent key, a
    /// directory, a file too large), or `None` when the file must be read.
    fn answer_without_reading(&self, key: &str) -> Option<Result<Option<Vec<u8>>, StoreError>> {
        if key.is_empty() || !valid_key(key) {
            return Some(Err(StoreError::InvalidKey(key.to_string())));
        }
        if self.children.contains_key(key) {
            return Some(Err(StoreError::IsADirectory(key.to_string())));
        }
        let mut end = 0;
        while let Some(i) = key[end..].find('/') {
            end += i;
            if self.files.contains_key(&key[..end]) {
                return Some(Err(StoreError::NotADirectory(key.to_string())));
            }
            end += 1;
        }
        match self.files.get(key) {
            None => Some(Ok(None)),
            Some(&size) if size > MAX_DOCUMENT_BYTES as u64 => Some(Err(StoreError::TooLarge {
                key: key.to_string(),
                size,
            })),
            Some(_) => None,
        }
    }
}

/// What the driver does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Read these keys and answer each with [`Session::got`] or
    /// [`Session::failed`].
    Read(Vec<String>),
    /// Answers are outstanding: answer them, then ask again.
    Wait,
    /// Loading is over: the report (or why the store could not be opened)
    /// is ready.
    Done,
}

/// One check of one store. See the [module documentation](self).
#[derive(Debug)]
pub struct Session {
    loader: Option<Loader>,
    files: Option<Files>,
    outcome: Option<Result<Hierarchy, String>>,
    reads: usize,
}

impl Session {
    /// A store given by URL: it cannot be listed. Consolidated metadata is
    /// read first and trusted; without it the nodes reached from the root
    /// are checked ([`zarr_links_model::Coverage::Reached`]).
    pub fn url(store: &str) -> Session {
        Session::new(
            store,
            LoadOptions {
                keep_attributes: false,
                listing: false,
                verify_consolidated: false,
            },
            None,
        )
    }

    /// A picked folder whose files are given with [`Session::add_file`]
    /// before the first [`Session::next`]. It is listed and checked as the
    /// command line checks a local directory.
    pub fn folder(store: &str) -> Session {
        Session::new(store, LoadOptions::default(), Some(Files::default()))
    }

    fn new(store: &str, options: LoadOptions, files: Option<Files>) -> Session {
        Session {
            loader: Some(Loader::new(store, options)),
            files,
            outcome: None,
            reads: 0,
        }
    }

    /// Records one file of a picked folder (its key relative to the store
    /// root, and its size in bytes).
    pub fn add_file(&mut self, key: &str, size: u64) -> Result<(), String> {
        match &mut self.files {
            Some(files) => files.add(key, size),
            None => Err("a store given by URL has no file list".to_string()),
        }
    }

    /// How many files the folder has.
    pub fn file_count(&self) -> usize {
        self.files.as_ref().map_or(0, Files::len)
    }

    /// How many keys were handed to the driver to read.
    pub fn reads(&self) -> usize {
        self.reads
    }

    /// The next keys to read, at most `max` of them. Listings, and reads a
    /// folder's file list answers, are answered here without the driver.
    pub fn next(&mut self, max: usize) -> Step {
        let Some(loader) = self.loader.as_mut() else {
            return Step::Done;
        };
        loop {
            match loader.poll(max.max(1)) {
                Poll::Requests(batch) => {
                    let mut here = Vec::new();
                    let mut read = Vec::new();
                    for request in batch {
                        match (request, &self.files) {
                            (Request::List(prefix), Some(files)) => here.push(Answer::Listed {
                                result: files.list(&prefix),
                                prefix,
                            }),
                            (Request::List(prefix), None) => here.push(Answer::Listed {
                                result: Err(StoreError::Io {
                                    key: prefix.clone(),
                                    message: "a store given by URL cannot be listed".to_string(),
                                }),
                                prefix,
                            }),
                            (Request::Get(key), Some(files)) => {
                                match files.answer_without_reading(&key) {
                                    Some(result) => here.push(Answer::Got { key, result }),
                                    None => read.push(key),
                                }
                            }
                            (Request::Get(key), None) => read.push(key),
                        }
                    }
                    if !here.is_empty() {
                        loader.feed(here);
                    }
                    if !read.is_empty() {
                        self.reads += read.len();
                        return Step::Read(read);
                    }
                }
                Poll::Pending => return Step::Wait,
                Poll::Done => {
                    let loader = self.loader.take().expect("checked above");
                    self.outcome = Some(loader.finish().map_err(|e| e.to_string()));
                    return Step::Done;
                }
            }
        }
    }

    /// Answers a read: the bytes, or `None` when the key does not exist.
    pub fn got(&mut self, key: &str, bytes: Option<Vec<u8>>) {
        let result = match bytes {
            Some(b) if b.len() > MAX_DOCUMENT_BYTES => Err(StoreError::TooLarge {
                key: key.to_string(),
                size: b.len() as u64,
            }),
            other => Ok(other),
        };
        self.feed(key, result);
    }

    /// Answers a read that failed, with why.
    pub fn failed(&mut self, key: &str, message: &str) {
        self.feed(
            key,
            Err(StoreError::Io {
                key: key.to_string(),
                message: message.to_string(),
            }),
        );
    }

    fn feed(&mut self, key: &str, result: Result<Option<Vec<u8>>, StoreError>) {
        if let Some(loader) = self.loader.as_mut() {
            loader.feed(vec![Answer::Got {
                key: key.to_string(),
                result,
            }]);
        }
    }

    /// The loaded hierarchy once [`Step::Done`], or why the store could not
    /// be opened (no Zarr metadata at its root, ...).
    pub fn hierarchy(&self) -> Result<&Hierarchy, String> {
        match &self.outcome {
            Some(Ok(h)) => Ok(h),
            Some(Err(e)) => Err(e.clone()),
            None => Err("the store is still being read".to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> Session {
        let mut s = Session::folder("store");
        for (k, v) in files {
            s.add_file(k, v.len() as u64).unwrap();
        }
        s
    }

    /// Drives a session from an in-memory map, as the page does.
    fn drive(s: &mut Session, files: &[(&str, &str)]) -> usize {
        let mut reads = 0;
        loop {
            match s.next(3) {
                Step::Read(keys) => {
                    for k in keys {
                        reads += 1;
                        let bytes = files
                            .iter()
                            .find(|(f, _)| *f == k)
                            .map(|(_, v)| v.as_bytes().to_vec());
                        s.got(&k, bytes);
                    }
                }
                Step::Wait => panic!("every read was answered"),
                Step::Done => return reads,
            }
        }
    }

    const STORE: &[(&str, &str)] = &[
        (
            "zarr.json",
            r#"{"zarr_format":3,"node_type":"group","attributes":{}}"#,
        ),
        (
            "a/zarr.json",
            r#"{"zarr_format":3,"node_type":"array","attributes":{}}"#,
        ),
        ("a/c/0", "chunk"),
        ("g/zarr.json", r#"{"zarr_format":3,"node_type":"group"}"#),
    ];

    #[test]
    fn a_folder_is_listed_from_its_file_list() {
        let mut s = folder(STORE);
        let reads = drive(&mut s, STORE);
        let h = s.hierarchy().unwrap();
        let paths: Vec<&str> = h.nodes().iter().map(|n| n.path.as_str()).collect();
        assert_eq!(paths, ["/", "/a", "/g"]);
        // Only the three metadata documents were read by the driver; the
        // chunk never was.
        assert_eq!(reads, 3);
        assert_eq!(s.reads(), 3);
    }

    #[test]
    fn listing_matches_a_local_directory() {
        let mut files = Files::default();
        for (k, v) in STORE {
            files.add(k, v.len() as u64).unwrap();
        }
        let names = |p: &str| -> Vec<(String, bool)> {
            files
                .list(p)
                .unwrap()
                .into_iter()
                .map(|e| (e.name, e.is_dir))
                .collect()
        };
        assert_eq!(
            names(""),
            [
                ("a".to_string(), true),
                ("g".to_string(), true),
                ("zarr.json".to_string(), false)
            ]
        );
        assert_eq!(
            names("a"),
            [("c".to_string(), true), ("zarr.json".to_string(), false)]
        );
        assert!(names("missing").is_empty());
        assert_eq!(
            files.list("zarr.json"),
            Err(StoreError::NotADirectory("zarr.json".into()))
        );
        assert_eq!(
            files.answer_without_reading("a"),
            Some(Err(StoreError::IsADirectory("a".into())))
        );
        assert_eq!(
            files.answer_without_reading("zarr.json/x"),
            Some(Err(StoreError::NotADirectory("zarr.json/x".into())))
        );
        assert_eq!(files.answer_without_reading("b/zarr.json"), Some(Ok(None)));
        assert_eq!(files.answer_without_reading("a/zarr.json"), None);
    }

    #[test]
    fn oversized_files_are_not_read() {
        let mut s = Session::folder("store");
        s.add_file("zarr.json", MAX_DOCUMENT_BYTES as u64 + 1)
            .unwrap();
        assert_eq!(s.next(8), Step::Done);
        assert!(s.hierarchy().unwrap().findings[0]
            .message
            .contains("16 MiB"));
    }

    #[test]
    fn a_folder_without_metadata_is_an_error() {
        let files = [("readme.txt", "hello")];
        let mut s = folder(&files);
        drive(&mut s, &files);
        let e = s.hierarchy().unwrap_err();
        assert!(e.contains("no Zarr metadata at the root"), "{e}");
    }

    #[test]
    fn a_url_asks_the_driver_for_every_key_and_is_reached() {
        let mut s = Session::url("http://example.test/store/");
        let first = s.next(8);
        assert_eq!(first, Step::Read(vec!["zarr.json".to_string()]));
        assert_eq!(s.next(8), Step::Wait);
        s.got("zarr.json", Some(STORE[0].1.as_bytes().to_vec()));
        loop {
            match s.next(8) {
                Step::Read(keys) => keys.iter().for_each(|k| s.got(k, None)),
                Step::Wait => unreachable!(),
                Step::Done => break,
            }
        }
        let h = s.hierarchy().unwrap();
        assert_eq!(h.coverage, zarr_links_model::Coverage::Reached);
        assert_eq!(h.nodes().len(), 1);
    }

    #[test]
    fn a_failed_read_is_a_finding() {
        let mut s = Session::url("http://example.test/store/");
        let Step::Read(keys) = s.next(8) else {
            panic!()
        };
        s.failed(&keys[0], "HTTP 500 Internal Server Error");
        while let Step::Read(keys) = s.next(8) {
            keys.iter().for_each(|k| s.got(k, None));
        }
        let h = s.hierarchy();
        // The root's zarr.json could not be read: the root is kept as a
        // placeholder and the failure is reported.
        let h = h.unwrap();
        assert!(h
            .findings
            .iter()
            .any(|f| f.message.contains("HTTP 500") && f.file.as_deref() == Some("zarr.json")));
    }
}
