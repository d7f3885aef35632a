//! Loading a store's metadata into a [`Hierarchy`], without doing any I/O.
//!
//! [`Loader`] is a state machine in the "sans-I/O" style: it says which keys
//! it needs ([`Loader::poll`]), a driver reads them from wherever the store
//! is and hands the answers back ([`Loader::feed`]), and at the end
//! [`Loader::finish`] gives the hierarchy. The same loader therefore serves
//! a local directory ([`load`], in this crate), an object store over HTTP or
//! S3 (an async driver), zarr-python store objects (the Python package) and
//! the browser's `fetch` (the WebAssembly page).
//!
//! The loader
//!
//! 1. reads the root: `zarr.json` (Zarr v3), else `.zgroup`, `.zarray` and
//!    `.zattrs` (Zarr v2), and the consolidated metadata (`.zmetadata`, or
//!    the v3 root's inline `consolidated_metadata`);
//! 2. walks the tree breadth first, listing each group and reading the
//!    metadata documents of the directories below it (arrays are never
//!    listed, so no chunk key is ever read);
//! 3. with consolidated metadata, takes the nodes from it and compares every
//!    per-node document with its copy ([`agreement`]).
//!
//! Each document is read and parsed once; the convention's attributes are
//! read into a [`zarr_links_model::LinksView`] at once, and the parsed JSON
//! is dropped unless the validator will need it. Every unreadable,
//! malformed or misplaced document becomes a finding; only a store without
//! Zarr metadata at its root is an [`OpenError`].
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html>

mod agreement;
mod consolidated;
mod probe;

use std::collections::{BTreeSet, HashMap, VecDeque};

use serde_json::{Map, Value};
use zarr_links_model::document::{read_parts, Wanted};
use zarr_links_model::path::join_key;
use zarr_links_model::{Finding, Hierarchy, Node, NodeKind, NodePath, Origin, Rule, ZarrFormat};

use crate::{par_map, DirEntry, OpenError, Store, StoreError};
use agreement::{Agreement, Compared};
use probe::Read;

/// What the loader needs from the store.
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Request {
    /// The bytes of a key, or "absent".
    Get(String),
    /// The entries directly under a key prefix (`""` for the root).
    List(String),
}

impl Request {
    /// Answers the request from a synchronous store.
    pub fn answer(self, store: &dyn Store) -> Answer {
        match self {
            Request::Get(key) => {
                let result = store.get(&key);
                Answer::Got { key, result }
            }
            Request::List(prefix) => {
                let result = store.list_dir(&prefix);
                Answer::Listed { prefix, result }
            }
        }
    }
}

/// The store's answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The answer to [`Request::Get`]: the bytes, `None` when the key does
    /// not exist, or why it could not be read.
    Got {
        /// The key asked for.
        key: String,
        /// What reading it gave.
        result: Result<Option<Vec<u8>>, StoreError>,
    },
    /// The answer to [`Request::List`].
    Listed {
        /// The prefix asked for.
        prefix: String,
        /// The entries, or why the prefix could not be listed.
        result: Result<Vec<DirEntry>, StoreError>,
    },
}

/// What the loader wants next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll {
    /// Answer these requests (in any order, all of them).
    Requests(Vec<Request>),
    /// Answers to earlier requests are needed before there are more.
    Pending,
    /// Loading is finished: call [`Loader::finish`].
    Done,
}

/// How to load.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Keep every node's attributes in [`Node::attributes`] (for front
    /// ends that show or export them). The validator does not need them.
    pub keep_attributes: bool,
}

/// Why a key was asked for.
#[derive(Debug, Clone)]
enum Purpose {
    /// The root's `zarr.json`.
    RootV3,
    /// The root's `.zgroup` or `.zarray`.
    RootV2Kind,
    /// The root's `.zattrs`.
    RootV2Attributes,
    /// The root's `.zmetadata`.
    RootV2Consolidated,
    /// A v3 node document `<path>/zarr.json`.
    NodeV3(NodePath),
    /// A v2 node's `.zgroup` or `.zarray`.
    NodeV2Kind(NodePath),
    /// A v2 node's `.zattrs`, the node's kind being known (`None`: unknown).
    NodeV2Attributes(NodePath, Option<NodeKind>),
    /// The listing of a group.
    List(NodePath),
}

impl Purpose {
    /// The request for `file` in this purpose's directory.
    fn request(&self, file: &str) -> Request {
        match self {
            Purpose::List(group) => Request::List(group.key_prefix().to_string()),
            Purpose::NodeV3(p) | Purpose::NodeV2Kind(p) | Purpose::NodeV2Attributes(p, _) => {
                Request::Get(join_key(p.key_prefix(), file))
            }
            Purpose::RootV3
            | Purpose::RootV2Kind
            | Purpose::RootV2Attributes
            | Purpose::RootV2Consolidated => Request::Get(file.to_string()),
        }
    }
}

/// The loading stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    RootV3,
    RootV2Kind,
    RootV2Attributes,
    /// Listing the groups of one level of the tree.
    List,
    /// Reading the documents of the directories found by the listing.
    Probe,
    /// Reading the `.zattrs` of the v2 nodes found by the probe.
    Attributes,
    Done,
}

/// The root's v2 `.zgroup` and `.zarray`, as they arrive.
#[derive(Debug, Default)]
struct V2Kind {
    group: Option<Read>,
    array: Option<Read>,
}

/// Whether a document was there, once parsed (the parsed JSON itself is
/// dropped on the thread that parsed it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Absent,
    Broken,
    Present,
}

impl Seen {
    fn of(read: &Read) -> Seen {
        match read {
            Read::Absent => Seen::Absent,
            Read::Broken => Seen::Broken,
            Read::Object(_) => Seen::Present,
        }
    }
}

/// A v2 directory's `.zgroup` and `.zarray`, as they arrive.
#[derive(Debug, Default)]
struct V2Probe {
    group: Option<Seen>,
    array: Option<Seen>,
    /// Comparisons with consolidated metadata, recorded once the node's
    /// kind is known.
    compared: Vec<(String, Compared)>,
}

/// The store loader. See the [module documentation](self).
#[derive(Debug)]
pub struct Loader {
    store: String,
    options: LoadOptions,
    format: Option<ZarrFormat>,
    stage: Stage,
    /// The requests of the current stage not handed out yet, as their
    /// purpose and file (the request itself is made when handed out, so that
    /// a level of 100,000 arrays costs little memory while it waits).
    queue: VecDeque<(Purpose, &'static str)>,
    /// Handed out and not answered yet, by request.
    outstanding: HashMap<Request, Purpose>,
    no_metadata: bool,
    nodes: Vec<Node>,
    unreadable: BTreeSet<NodePath>,
    findings: Vec<Finding>,
    /// The v3 root document, while consolidated metadata may need it.
    root_document: Option<Map<String, Value>>,
    /// The root's kind (v2: from `.zgroup` and `.zarray`).
    root_kind: Option<NodeKind>,
    root_v2: V2Kind,
    /// The root's `.zattrs`, until the listing it is compared with is known.
    root_zattrs: Option<Read>,
    /// The consolidated listing being compared with the walk.
    agreement: Option<Agreement>,
    /// Groups (and nodes of unknown kind) to list next.
    level: Vec<NodePath>,
    /// Directories found by the listings, to probe next.
    candidates: Vec<NodePath>,
    /// v2 kinds arriving during a probe.
    v2_kinds: HashMap<NodePath, V2Probe>,
    /// v2 nodes whose `.zattrs` is read next.
    v2_nodes: Vec<(NodePath, Option<NodeKind>)>,
}

impl Loader {
    /// A loader for the store described by `store` (a path or URL, for messages).
    pub fn new(store: impl Into<String>, options: LoadOptions) -> Loader {
        let mut loader = Loader {
            store: store.into(),
            options,
            format: None,
            stage: Stage::RootV3,
            queue: VecDeque::new(),
            outstanding: HashMap::new(),
            no_metadata: false,
            nodes: Vec::new(),
            unreadable: BTreeSet::new(),
            findings: Vec::new(),
            root_document: None,
            root_kind: None,
            root_v2: V2Kind::default(),
            root_zattrs: None,
            agreement: None,
            level: Vec::new(),
            candidates: Vec::new(),
            v2_kinds: HashMap::new(),
            v2_nodes: Vec::new(),
        };
        loader.ask(Purpose::RootV3, "zarr.json");
        loader
    }

    /// Queues a request: `file` in the purpose's directory (or, for a
    /// listing, the group itself).
    fn ask(&mut self, purpose: Purpose, file: &'static str) {
        self.queue.push_back((purpose, file));
    }

    /// The next requests, at most `max` of them (at least one).
    pub fn poll(&mut self, max: usize) -> Poll {
        loop {
            if !self.queue.is_empty() {
                let n = max.max(1).min(self.queue.len());
                let mut batch = Vec::with_capacity(n);
                for (purpose, file) in self.queue.drain(..n) {
                    let request = purpose.request(file);
                    self.outstanding.insert(request.clone(), purpose);
                    batch.push(request);
                }
                return Poll::Requests(batch);
            }
            if !self.outstanding.is_empty() {
                return Poll::Pending;
            }
            if self.stage == Stage::Done {
                return Poll::Done;
            }
            self.advance();
        }
    }

    /// Hands the loader the answers to requests it made. Documents are
    /// parsed here (on all cores when the `parallel` feature is on).
    pub fn feed(&mut self, answers: Vec<Answer>) {
        let mut work = Vec::with_capacity(answers.len());
        for answer in answers {
            let request = match &answer {
                Answer::Got { key, .. } => Request::Get(key.clone()),
                Answer::Listed { prefix, .. } => Request::List(prefix.clone()),
            };
            // An answer to nothing asked (or asked twice) is ignored.
            if let Some(purpose) = self.outstanding.remove(&request) {
                work.push((purpose, answer));
            }
        }
        let ctx = Ctx {
            format: self.format,
            keep_attributes: self.options.keep_attributes,
            agreement: self.agreement.as_ref(),
        };
        let digests = par_map(work, |(purpose, answer)| digest(&ctx, purpose, answer));
        for d in digests {
            self.integrate(d);
        }
    }

    /// The hierarchy, once [`Loader::poll`] said [`Poll::Done`].
    pub fn finish(mut self) -> Result<Hierarchy, OpenError> {
        if self.no_metadata {
            return Err(OpenError::NoMetadata(self.store));
        }
        let format = self.format.unwrap_or(ZarrFormat::V3);
        let consolidated = self.agreement.is_some();
        let mut nodes = std::mem::take(&mut self.nodes);
        if let Some(agreement) = self.agreement.take() {
            // With consolidated metadata, the nodes come from it.
            let listing = agreement.finish(&mut self.findings);
            let (listed, unreadable) = consolidated::nodes(
                listing,
                format,
                self.root_document.as_ref(),
                self.options.keep_attributes,
                &mut self.findings,
            );
            nodes = listed;
            self.unreadable = unreadable.into_iter().collect();
        }
        let root = NodePath::root();
        if !nodes.iter().any(|n| n.path.is_root()) {
            // The root's document could not be read: keep a placeholder group
            // so that the hierarchy always has its root.
            nodes.push(Node::placeholder(root.clone(), format));
            self.unreadable.insert(root);
        }
        let mut h = Hierarchy::new(self.store, format, consolidated, nodes);
        h.unreadable = self.unreadable;
        self.findings.sort();
        self.findings.dedup();
        h.findings = self.findings;
        Ok(h)
    }

    /// Moves to the next stage once every answer of the current one is in.
    fn advance(&mut self) {
        match self.stage {
            Stage::RootV3 if self.format.is_none() => {
                // No `zarr.json`: Zarr v2.
                self.stage = Stage::RootV2Kind;
                self.ask(Purpose::RootV2Kind, ".zgroup");
                self.ask(Purpose::RootV2Kind, ".zarray");
            }
            Stage::RootV3 => self.walk_root(),
            Stage::RootV2Kind => self.root_v2_kind(),
            Stage::RootV2Attributes => {
                self.compare_root_v2();
                self.walk_root();
            }
            Stage::List => self.start_probe(),
            Stage::Probe if self.format == Some(ZarrFormat::V2) => self.v2_attributes(),
            Stage::Probe | Stage::Attributes => self.start_listing(),
            Stage::Done => {}
        }
    }

    /// Starts the walk at the root, when it is a group or of unknown kind.
    fn walk_root(&mut self) {
        let root = NodePath::root();
        if self.root_kind == Some(NodeKind::Group) || self.unreadable.contains(&root) {
            self.level.push(root);
        }
        self.start_listing();
    }

    fn start_listing(&mut self) {
        let level = std::mem::take(&mut self.level);
        if level.is_empty() {
            self.stage = Stage::Done;
            return;
        }
        self.stage = Stage::List;
        for group in level {
            self.ask(Purpose::List(group), "");
        }
    }

    /// Compares the root's v2 documents with the consolidated listing.
    fn compare_root_v2(&mut self) {
        let root = NodePath::root();
        let group = self.root_v2.group.take();
        let array = self.root_v2.array.take();
        let attributes = self.root_zattrs.take();
        let Some(a) = self.agreement.as_mut() else {
            return;
        };
        a.node(&root, self.root_kind.is_some());
        for (key, read) in [
            (".zgroup", group),
            (".zarray", array),
            (".zattrs", attributes),
        ] {
            match read {
                Some(Read::Object(doc)) => a.document(key, &doc),
                Some(Read::Broken) => a.broken(key),
                _ => {}
            }
        }
    }

    fn root_v2_kind(&mut self) {
        let root = NodePath::root();
        let (group, array) = (
            self.root_v2.group.as_ref().is_some_and(Read::present),
            self.root_v2.array.as_ref().is_some_and(Read::present),
        );
        let kind = match (group, array) {
            (false, false) => {
                self.no_metadata = true;
                self.stage = Stage::Done;
                return;
            }
            (true, false) => Some(NodeKind::Group),
            (false, true) => Some(NodeKind::Array),
            (true, true) => {
                self.findings.push(both_group_and_array(&root, ".zarray"));
                None
            }
        };
        self.format = Some(ZarrFormat::V2);
        self.root_kind = kind;
        if kind.is_none() {
            self.unreadable.insert(root.clone());
        } else {
            self.ask(Purpose::RootV2Attributes, ".zattrs");
        }
        self.ask(Purpose::RootV2Consolidated, ".zmetadata");
        self.stage = Stage::RootV2Attributes;
    }

    fn start_probe(&mut self) {
        let candidates = std::mem::take(&mut self.candidates);
        self.nodes.reserve(candidates.len());
        self.queue.reserve(candidates.len() * 2);
        self.stage = Stage::Probe;
        for path in candidates {
            match self.format {
                Some(ZarrFormat::V2) => {
                    self.ask(Purpose::NodeV2Kind(path.clone()), ".zgroup");
                    self.ask(Purpose::NodeV2Kind(path), ".zarray");
                }
                _ => self.ask(Purpose::NodeV3(path), "zarr.json"),
            }
        }
    }

    /// After a v2 probe: decide each directory's kind, then read the
    /// `.zattrs` of the nodes.
    fn v2_attributes(&mut self) {
        let mut kinds: Vec<(NodePath, V2Probe)> = self.v2_kinds.drain().collect();
        kinds.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, k) in kinds {
            let present = |s: Option<Seen>| s.is_some_and(|s| s != Seen::Absent);
            let kind = match (present(k.group), present(k.array)) {
                (false, false) => continue,
                (true, false) => Some(NodeKind::Group),
                (false, true) => Some(NodeKind::Array),
                (true, true) => {
                    let f = both_group_and_array(&path, &join_key(path.key_prefix(), ".zarray"));
                    self.findings.push(f);
                    None
                }
            };
            if let Some(a) = self.agreement.as_mut() {
                a.node(&path, kind.is_some());
                for (file, seen) in [(".zgroup", k.group), (".zarray", k.array)] {
                    if seen == Some(Seen::Broken) {
                        a.broken(&join_key(path.key_prefix(), file));
                    }
                }
                for (key, compared) in k.compared {
                    a.record(&key, compared);
                }
            }
            if kind != Some(NodeKind::Array) {
                self.level.push(path.clone());
            }
            if kind.is_none() {
                self.unreadable.insert(path.clone());
            }
            self.v2_nodes.push((path, kind));
        }
        self.stage = Stage::Attributes;
        for (path, kind) in std::mem::take(&mut self.v2_nodes) {
            self.ask(Purpose::NodeV2Attributes(path, kind), ".zattrs");
        }
    }

    fn integrate(&mut self, d: Digest) {
        self.findings.extend(d.findings);
        match d.outcome {
            Outcome::RootV3(read) => self.root_v3(read),
            Outcome::RootV2Kind(key, read) => {
                if key == ".zgroup" {
                    self.root_v2.group = Some(read);
                } else {
                    self.root_v2.array = Some(read);
                }
            }
            Outcome::RootV2Attributes(read) => {
                let root = NodePath::root();
                let kind = self.root_kind.expect("asked for a root of known kind");
                let attrs = match &read {
                    Read::Object(m) => Some(m),
                    _ => None,
                };
                self.nodes.push(probe::node(
                    root,
                    kind,
                    ZarrFormat::V2,
                    Origin::Own,
                    attrs,
                    || Value::Object(attrs.cloned().unwrap_or_default()),
                    self.options.keep_attributes,
                ));
                self.root_zattrs = Some(read);
            }
            Outcome::RootV2Consolidated(read) => {
                if let Read::Object(doc) = read {
                    let mut findings = Vec::new();
                    if let Some(listing) = consolidated::v2(&doc, &mut findings) {
                        self.agreement = Some(Agreement::new(listing, ZarrFormat::V2));
                    }
                    self.findings.extend(findings);
                }
            }
            Outcome::Listed(group, result) => self.listed(group, result),
            Outcome::NodeV3 {
                key,
                seen,
                compared,
                built,
            } => {
                let path = match &built {
                    Built::Node(n) => n.path.clone(),
                    Built::Unknown(p) | Built::NotANode(p) => p.clone(),
                };
                if let Some(a) = self.agreement.as_mut() {
                    if seen != Seen::Absent {
                        a.node(&path, !matches!(built, Built::Unknown(_)));
                    }
                    if seen == Seen::Broken {
                        a.broken(&key);
                    }
                    if let Some(c) = compared {
                        a.record(&key, c);
                    }
                }
                match built {
                    Built::Node(node) => {
                        if node.kind == NodeKind::Group {
                            self.level.push(node.path.clone());
                        }
                        self.nodes.push(node);
                    }
                    Built::Unknown(p) => {
                        self.level.push(p.clone());
                        self.unreadable.insert(p);
                    }
                    Built::NotANode(_) => {}
                }
            }
            Outcome::NodeV2Kind {
                path,
                key,
                seen,
                compared,
            } => {
                let k = self.v2_kinds.entry(path).or_default();
                if key.ends_with(".zgroup") {
                    k.group = Some(seen);
                } else {
                    k.array = Some(seen);
                }
                if let Some(c) = compared {
                    k.compared.push((key, c));
                }
            }
            Outcome::NodeV2Attributes {
                key,
                seen,
                compared,
                node,
            } => {
                if let Some(a) = self.agreement.as_mut() {
                    if seen == Seen::Broken {
                        a.broken(&key);
                    }
                    if let Some(c) = compared {
                        a.record(&key, c);
                    }
                }
                if let Some(node) = node {
                    self.nodes.push(node);
                }
            }
        }
    }

    fn root_v3(&mut self, read: Read) {
        let root = NodePath::root();
        match read {
            Read::Absent => {}
            Read::Broken => {
                self.format = Some(ZarrFormat::V3);
                self.unreadable.insert(root);
            }
            Read::Object(doc) => {
                self.format = Some(ZarrFormat::V3);
                let mut findings = Vec::new();
                let kind = probe::v3_kind(&root, &doc, "zarr.json", "", &mut findings);
                self.root_kind = kind;
                match kind {
                    Some(kind) => {
                        let attrs = probe::attributes(
                            &root,
                            doc.get("attributes"),
                            "zarr.json",
                            "/attributes",
                            &mut findings,
                        );
                        self.nodes.push(probe::node(
                            root.clone(),
                            kind,
                            ZarrFormat::V3,
                            Origin::Own,
                            attrs,
                            || Value::Object(doc.clone()),
                            self.options.keep_attributes,
                        ));
                    }
                    None => {
                        self.unreadable.insert(root.clone());
                    }
                }
                self.findings.extend(findings);
                let mut findings = Vec::new();
                if let Some(listing) = consolidated::v3(&doc, &mut findings) {
                    let mut a = Agreement::new(listing, ZarrFormat::V3);
                    a.node(&root, kind.is_some());
                    a.document("zarr.json", &doc);
                    self.agreement = Some(a);
                }
                self.findings.extend(findings);
                self.root_document = Some(doc);
            }
        }
    }

    fn listed(&mut self, group: NodePath, result: Result<Vec<DirEntry>, StoreError>) {
        let entries = match result {
            Err(e) => {
                self.findings.push(Finding::new(
                    e.rule(),
                    &group,
                    e.key().to_string(),
                    "",
                    e.detail(),
                    None,
                ));
                return;
            }
            Ok(entries) => entries,
        };
        for entry in entries {
            if matches!(
                entry.name.as_str(),
                "zarr.json" | ".zgroup" | ".zarray" | ".zattrs" | ".zmetadata"
            ) {
                // Read (and reported) by the probes, not as a child.
                continue;
            }
            let key = join_key(group.key_prefix(), &entry.name);
            if let Some(problem) = entry.problem {
                let node = NodePath::from_key_prefix(&key).unwrap_or_else(|| group.clone());
                self.findings.push(Finding::new(
                    Rule::StoreLayout,
                    &node,
                    key,
                    "",
                    problem,
                    None,
                ));
            } else if entry.is_dir {
                if let Some(p) = NodePath::from_key_prefix(&key) {
                    self.candidates.push(p);
                }
            }
        }
    }
}

/// A node with both `.zgroup` and `.zarray`.
fn both_group_and_array(path: &NodePath, key: &str) -> Finding {
    Finding::new(
        Rule::StoreLayout,
        path,
        key,
        "",
        "the node has both `.zgroup` and `.zarray`; expected exactly one, a group or an array",
        None,
    )
}

/// What the parallel step needs to know.
struct Ctx<'a> {
    format: Option<ZarrFormat>,
    keep_attributes: bool,
    /// The consolidated listing that per-node documents are compared with.
    agreement: Option<&'a Agreement>,
}

impl Ctx<'_> {
    fn compare(&self, key: &str, read: &Read) -> Option<Compared> {
        match (self.agreement, read) {
            (Some(a), Read::Object(doc)) => Some(a.compare(key, doc)),
            _ => None,
        }
    }
}

/// A node document, interpreted.
#[derive(Debug)]
enum Built {
    Node(Node),
    /// A node whose kind could not be read.
    Unknown(NodePath),
    /// Not a node: no document.
    NotANode(NodePath),
}

#[derive(Debug)]
enum Outcome {
    RootV3(Read),
    RootV2Kind(String, Read),
    RootV2Attributes(Read),
    RootV2Consolidated(Read),
    Listed(NodePath, Result<Vec<DirEntry>, StoreError>),
    NodeV3 {
        key: String,
        seen: Seen,
        compared: Option<Compared>,
        built: Built,
    },
    NodeV2Kind {
        path: NodePath,
        key: String,
        seen: Seen,
        compared: Option<Compared>,
    },
    NodeV2Attributes {
        key: String,
        seen: Seen,
        compared: Option<Compared>,
        node: Option<Node>,
    },
}

#[derive(Debug)]
struct Digest {
    outcome: Outcome,
    findings: Vec<Finding>,
}

/// Parses one answer and interprets it for its purpose. Pure: runs on any
/// thread.
fn digest(ctx: &Ctx, purpose: Purpose, answer: Answer) -> Digest {
    let mut findings = Vec::new();
    let root = NodePath::root();
    let (key, result) = match answer {
        Answer::Listed { result, .. } => {
            let Purpose::List(group) = purpose else {
                unreachable!("a listing is asked for with Purpose::List")
            };
            return Digest {
                outcome: Outcome::Listed(group, result),
                findings,
            };
        }
        Answer::Got { key, result } => (key, result),
    };
    let outcome = match purpose {
        Purpose::RootV3 => Outcome::RootV3(probe::read(&root, &key, result, &mut findings)),
        Purpose::RootV2Kind => {
            let read = probe::read(&root, &key, result, &mut findings);
            Outcome::RootV2Kind(key, read)
        }
        Purpose::RootV2Attributes => {
            Outcome::RootV2Attributes(probe::read(&root, &key, result, &mut findings))
        }
        Purpose::RootV2Consolidated => {
            Outcome::RootV2Consolidated(probe::read(&root, &key, result, &mut findings))
        }
        Purpose::NodeV3(path) => {
            // The fast path: only the members the convention reads, unless
            // the whole document is compared with consolidated metadata.
            if let (Ok(Some(bytes)), None) = (&result, ctx.agreement) {
                if let Some(parts) = read_parts(bytes, Wanted::NodeV3, ctx.keep_attributes) {
                    let built = match probe::kind_of(
                        &path,
                        parts.node_type.as_ref(),
                        parts.zarr_format.as_ref(),
                        &key,
                        "",
                        &mut findings,
                    ) {
                        None => Built::Unknown(path),
                        Some(kind) => Built::Node(probe::node(
                            path,
                            kind,
                            ZarrFormat::V3,
                            Origin::Own,
                            parts.attributes.as_ref(),
                            || probe::whole(bytes),
                            ctx.keep_attributes,
                        )),
                    };
                    return Digest {
                        outcome: Outcome::NodeV3 {
                            key,
                            seen: Seen::Present,
                            compared: None,
                            built,
                        },
                        findings,
                    };
                }
            }
            let read = probe::read(&path, &key, result, &mut findings);
            let compared = ctx.compare(&key, &read);
            let built = match &read {
                Read::Absent => Built::NotANode(path),
                Read::Broken => Built::Unknown(path),
                Read::Object(doc) => match probe::v3_kind(&path, doc, &key, "", &mut findings) {
                    None => Built::Unknown(path),
                    Some(kind) => {
                        let attrs = probe::attributes(
                            &path,
                            doc.get("attributes"),
                            &key,
                            "/attributes",
                            &mut findings,
                        );
                        Built::Node(probe::node(
                            path,
                            kind,
                            ZarrFormat::V3,
                            Origin::Own,
                            attrs,
                            || Value::Object(doc.clone()),
                            ctx.keep_attributes,
                        ))
                    }
                },
            };
            Outcome::NodeV3 {
                seen: Seen::of(&read),
                key,
                compared,
                built,
            }
        }
        Purpose::NodeV2Kind(path) => {
            if let (Ok(Some(bytes)), None) = (&result, ctx.agreement) {
                if read_parts(bytes, Wanted::Nothing, false).is_some() {
                    return Digest {
                        outcome: Outcome::NodeV2Kind {
                            compared: None,
                            seen: Seen::Present,
                            path,
                            key,
                        },
                        findings,
                    };
                }
            }
            let read = probe::read(&path, &key, result, &mut findings);
            Outcome::NodeV2Kind {
                compared: ctx.compare(&key, &read),
                seen: Seen::of(&read),
                path,
                key,
            }
        }
        Purpose::NodeV2Attributes(path, kind) => {
            let format = ctx.format.unwrap_or(ZarrFormat::V2);
            if let (Ok(Some(bytes)), None) = (&result, ctx.agreement) {
                if let Some(parts) = read_parts(bytes, Wanted::AttributesV2, ctx.keep_attributes) {
                    let node = kind.map(|kind| {
                        probe::node(
                            path,
                            kind,
                            format,
                            Origin::Own,
                            parts.attributes.as_ref(),
                            || probe::whole(bytes),
                            ctx.keep_attributes,
                        )
                    });
                    return Digest {
                        outcome: Outcome::NodeV2Attributes {
                            compared: None,
                            seen: Seen::Present,
                            key,
                            node,
                        },
                        findings,
                    };
                }
            }
            let read = probe::read(&path, &key, result, &mut findings);
            let node = kind.map(|kind| {
                let attrs = match &read {
                    Read::Object(m) => Some(m),
                    _ => None,
                };
                probe::node(
                    path,
                    kind,
                    format,
                    Origin::Own,
                    attrs,
                    || Value::Object(attrs.cloned().unwrap_or_default()),
                    ctx.keep_attributes,
                )
            });
            Outcome::NodeV2Attributes {
                compared: ctx.compare(&key, &read),
                seen: Seen::of(&read),
                key,
                node,
            }
        }
        Purpose::List(_) => unreachable!("a Get is never asked for with Purpose::List"),
    };
    Digest { outcome, findings }
}

/// Reads a store's metadata through a synchronous [`Store`], answering the
/// loader's requests in batches (in parallel when the `parallel` feature is
/// on).
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
pub fn load(store: &dyn Store) -> Result<Hierarchy, OpenError> {
    load_with(store, LoadOptions::default())
}

/// [`load`], with options.
pub fn load_with(store: &dyn Store, options: LoadOptions) -> Result<Hierarchy, OpenError> {
    /// Requests answered at a time: enough to keep every core busy, few
    /// enough that the documents in flight take little memory.
    const BATCH: usize = 2048;
    let mut loader = Loader::new(store.describe(), options);
    loop {
        match loader.poll(BATCH) {
            Poll::Requests(batch) => {
                let answers = par_map(batch, |r| r.answer(store));
                loader.feed(answers);
            }
            Poll::Pending => unreachable!("every request of a batch is answered before polling"),
            Poll::Done => return loader.finish(),
        }
    }
}
