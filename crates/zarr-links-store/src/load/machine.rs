//! The loader's state machine: the stages of loading, the requests each
//! stage makes, and where the answers lead next (one idea; the parsing is
//! in `digest`, the root in `root`).
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html>

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use serde_json::{Map, Value};
use zarr_links_model::path::join_key;
use zarr_links_model::{Finding, Hierarchy, Node, NodeKind, NodePath, Rule, ZarrFormat};

use super::agreement::{Agreement, Compared};
use super::consolidated;
use super::digest::{digest, Ctx};
use super::probe::Read;

use super::{Answer, Coverage, LoadOptions, Poll, Request};
use crate::{par_map, valid_key, DirEntry, OpenError, StoreError};

/// Why a key was asked for.
#[derive(Debug, Clone)]
pub(super) enum Purpose {
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
    /// The listing of a group (or of a directory that is not a node).
    List(NodePath),
    /// A v2 group's own `.zmetadata` (nested consolidated metadata).
    NestedV2(NodePath),
    /// A node's document read again, to compare it with nested
    /// consolidated metadata.
    Recheck(NodePath),
}

impl Purpose {
    /// The request for `file` in this purpose's directory.
    fn request(&self, file: &str) -> Request {
        match self {
            Purpose::List(group) => Request::List(group.key_prefix().to_string()),
            Purpose::NodeV3(p)
            | Purpose::NodeV2Kind(p)
            | Purpose::NodeV2Attributes(p, _)
            | Purpose::NestedV2(p)
            | Purpose::Recheck(p) => Request::Get(join_key(p.key_prefix(), file)),
            Purpose::RootV3
            | Purpose::RootV2Kind
            | Purpose::RootV2Attributes
            | Purpose::RootV2Consolidated => Request::Get(file.to_string()),
        }
    }
}

/// The loading stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    RootV3,
    /// Reading `.zmetadata` first, when consolidated metadata is trusted.
    RootV2Listing,
    RootV2Kind,
    RootV2Attributes,
    /// Listing the groups of one level of the tree.
    List,
    /// Reading the documents of the directories found by the listing.
    Probe,
    /// Reading the `.zattrs` of the v2 nodes found by the probe.
    Attributes,
    /// Reading the documents below groups that carry their own consolidated
    /// metadata again, to compare them with it.
    Recheck,
    Done,
}

/// The root's v2 `.zgroup` and `.zarray`, as they arrive.
#[derive(Debug, Default)]
pub(super) struct V2Kind {
    pub(super) group: Option<Read>,
    pub(super) array: Option<Read>,
}

/// Whether a document was there, once parsed (the parsed JSON itself is
/// dropped on the thread that parsed it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Seen {
    Absent,
    Broken,
    Present,
}

impl Seen {
    pub(super) fn of(read: &Read) -> Seen {
        match read {
            Read::Absent => Seen::Absent,
            Read::Broken => Seen::Broken,
            Read::Object(_) => Seen::Present,
        }
    }
}

/// A v2 directory's `.zgroup` and `.zarray`, as they arrive.
#[derive(Debug, Default)]
pub(super) struct V2Probe {
    pub(super) group: Option<Seen>,
    pub(super) array: Option<Seen>,
    /// Comparisons with consolidated metadata, recorded once the node's
    /// kind is known.
    pub(super) compared: Vec<(String, Compared)>,
}

/// The store loader. See the [module documentation](self).
#[derive(Debug)]
pub struct Loader {
    pub(super) store: String,
    pub(super) options: LoadOptions,
    pub(super) format: Option<ZarrFormat>,
    pub(super) stage: Stage,
    /// The requests of the current stage not handed out yet, as their
    /// purpose and file (the request itself is made when handed out, so that
    /// a level of 100,000 arrays costs little memory while it waits).
    pub(super) queue: VecDeque<(Purpose, &'static str)>,
    /// Handed out and not answered yet, by request.
    pub(super) outstanding: HashMap<Request, Purpose>,
    pub(super) no_metadata: bool,
    pub(super) nodes: Vec<Node>,
    pub(super) unreadable: BTreeSet<NodePath>,
    pub(super) findings: Vec<Finding>,
    /// The v3 root document, while consolidated metadata may need it.
    pub(super) root_document: Option<Map<String, Value>>,
    /// The root's kind (v2: from `.zgroup` and `.zarray`).
    pub(super) root_kind: Option<NodeKind>,
    pub(super) root_v2: V2Kind,
    /// The root's `.zattrs`, until the listing it is compared with is known.
    pub(super) root_zattrs: Option<Read>,
    /// The consolidated listing being compared with the walk.
    pub(super) agreement: Option<Agreement>,
    /// Groups (and nodes of unknown kind) to list next.
    pub(super) level: Vec<NodePath>,
    /// Directories found by the listings, to probe next.
    pub(super) candidates: Vec<NodePath>,
    /// v2 kinds arriving during a probe.
    pub(super) v2_kinds: HashMap<NodePath, V2Probe>,
    /// Without listing: every path probed or about to be.
    pub(super) discovered: HashSet<NodePath>,
    /// Without listing: the first node read in the current round.
    pub(super) round_start: usize,
    /// Consolidated metadata is trusted, not compared with the documents.
    pub(super) trusted: bool,
    /// `.zmetadata` was asked for already.
    pub(super) zmetadata_asked: bool,
    /// v2 nodes whose `.zattrs` is read next.
    pub(super) v2_nodes: Vec<(NodePath, Option<NodeKind>)>,
    /// Directories found by the current listings, with their identity
    /// ([`DirEntry::identity`]), until aliases are decided.
    pub(super) identified: Vec<(NodePath, (u64, u64))>,
    /// Every directory walked so far, by identity: its first path.
    pub(super) walked: HashMap<(u64, u64), NodePath>,
    /// Consolidated metadata of groups below the root, compared with their
    /// subtrees once the walk is over.
    pub(super) nested: Vec<Agreement>,
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
            discovered: HashSet::new(),
            identified: Vec::new(),
            walked: HashMap::new(),
            round_start: 0,
            trusted: false,
            zmetadata_asked: false,
            nested: Vec::new(),
        };
        loader.ask(Purpose::RootV3, "zarr.json");
        loader
    }

    /// Queues a request: `file` in the purpose's directory (or, for a
    /// listing, the group itself).
    pub(super) fn ask(&mut self, purpose: Purpose, file: &'static str) {
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
            nested: self.verifies(),
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
        let coverage = if self.trusted {
            Coverage::Consolidated
        } else if self.options.listing {
            Coverage::Complete
        } else {
            Coverage::Reached
        };
        let mut nodes = std::mem::take(&mut self.nodes);
        if let Some(agreement) = self.agreement.take() {
            // With consolidated metadata, the nodes come from it.
            let listing = if self.trusted {
                agreement.listing
            } else {
                agreement.finish(&mut self.findings)
            };
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
        let nodes = super::parents::check(nodes, &self.unreadable, format, &mut self.findings);
        let mut h = Hierarchy::new(self.store, format, consolidated, nodes);
        h.coverage = coverage;
        h.unreadable = self.unreadable;
        self.findings.sort();
        self.findings.dedup();
        h.findings = self.findings;
        Ok(h)
    }

    /// Moves to the next stage once every answer of the current one is in.
    fn advance(&mut self) {
        match self.stage {
            Stage::RootV3 if self.format.is_none() && !self.verifies() => {
                // No `zarr.json`: Zarr v2. A trusted `.zmetadata` alone
                // answers everything.
                self.stage = Stage::RootV2Listing;
                self.ask(Purpose::RootV2Consolidated, ".zmetadata");
            }
            Stage::RootV2Listing if self.agreement.is_some() => {
                self.format = Some(ZarrFormat::V2);
                self.trusted = true;
                self.stage = Stage::Done;
            }
            Stage::RootV3 | Stage::RootV2Listing if self.format.is_none() => {
                // No `zarr.json`: Zarr v2.
                self.zmetadata_asked |= self.stage == Stage::RootV2Listing;
                self.stage = Stage::RootV2Kind;
                self.ask(Purpose::RootV2Kind, ".zgroup");
                self.ask(Purpose::RootV2Kind, ".zarray");
            }
            Stage::RootV3 | Stage::RootV2Listing => self.walk_root(),
            Stage::RootV2Kind => self.root_v2_kind(),
            Stage::RootV2Attributes => {
                self.compare_root_v2();
                self.walk_root();
            }
            Stage::List => self.start_probe(),
            Stage::Probe if self.format == Some(ZarrFormat::V2) => self.v2_attributes(),
            Stage::Probe | Stage::Attributes if self.options.listing => self.start_listing(),
            Stage::Probe | Stage::Attributes => self.discover(),
            Stage::Recheck => {
                for a in std::mem::take(&mut self.nested) {
                    a.finish(&mut self.findings);
                }
                self.stage = Stage::Done;
            }
            Stage::Done => {}
        }
    }

    /// Whether consolidated metadata is compared with the per-node documents
    /// (which needs listing).
    fn verifies(&self) -> bool {
        self.options.verify_consolidated && self.options.listing
    }

    /// Without listing: probes the paths that the nodes read in the last
    /// round name (link targets and index entries) and their parent groups,
    /// until no new path turns up.
    pub(super) fn discover(&mut self) {
        self.level.clear();
        let mut next = Vec::new();
        for node in &self.nodes[self.round_start..] {
            let Some(view) = node.links.as_deref() else {
                continue;
            };
            let targets = view.links.iter().filter_map(|l| l.target.in_store());
            let entries = view
                .index
                .iter()
                .flatten()
                .flat_map(|c| c.entries.iter().map(|(_, p)| p.as_str()));
            for path in targets.chain(entries) {
                let Ok(mut p) = NodePath::parse(path) else {
                    continue;
                };
                while !p.is_root() {
                    let parent = p.parent();
                    if self.discovered.insert(p.clone()) {
                        next.push(p);
                    }
                    match parent {
                        Some(q) => p = q,
                        None => break,
                    }
                }
            }
        }
        self.round_start = self.nodes.len();
        if next.is_empty() {
            self.stage = Stage::Done;
            return;
        }
        next.sort();
        self.candidates = next;
        self.start_probe();
    }

    pub(super) fn start_listing(&mut self) {
        let level = std::mem::take(&mut self.level);
        if level.is_empty() {
            self.start_recheck();
            return;
        }
        self.stage = Stage::List;
        for group in level {
            self.ask(Purpose::List(group), "");
        }
    }

    fn start_probe(&mut self) {
        self.drop_aliases();
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

    /// Takes out of the candidates every directory already walked at another
    /// path (the same identity, reached through a symbolic link), reporting
    /// each as an alias: a directory is read once, at its first path in
    /// the walk (breadth first, paths sorted), so the walk stays linear.
    fn drop_aliases(&mut self) {
        let mut identified = std::mem::take(&mut self.identified);
        if identified.is_empty() {
            return;
        }
        identified.sort();
        let mut aliases = HashSet::new();
        for (path, identity) in identified {
            match self.walked.get(&identity) {
                Some(first) if *first != path => {
                    self.findings.push(Finding::new(
                        Rule::StoreLayout,
                        &path,
                        path.key_prefix(),
                        "",
                        format!(
                            "{path} is the same directory as {first} (a symbolic link alias); its nodes are read once, as {first}"
                        ),
                        None,
                    ));
                    aliases.insert(path);
                }
                Some(_) => {}
                None => {
                    self.walked.insert(identity, path);
                }
            }
        }
        self.candidates.retain(|p| !aliases.contains(p));
    }

    /// After a v2 probe: decide each directory's kind, then read the
    /// `.zattrs` of the nodes.
    fn v2_attributes(&mut self) {
        let mut kinds: Vec<(NodePath, V2Probe)> = self.v2_kinds.drain().collect();
        kinds.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, k) in kinds {
            let present = |s: Option<Seen>| s.is_some_and(|s| s != Seen::Absent);
            let kind = match (present(k.group), present(k.array)) {
                (false, false) => {
                    // Not a node: listed all the same, for nodes below it
                    // whose parent chain is broken (`links.store.parent`).
                    self.level.push(path);
                    continue;
                }
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

    pub(super) fn listed(&mut self, group: NodePath, result: Result<Vec<DirEntry>, StoreError>) {
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
        let other_format: &[&str] = match self.format {
            Some(ZarrFormat::V2) => &["zarr.json"],
            _ => &[".zgroup", ".zarray", ".zattrs", ".zmetadata"],
        };
        let foreign: Vec<&str> = entries
            .iter()
            .map(|e| e.name.as_str())
            .filter(|n| other_format.contains(n))
            .collect();
        if let Some(first) = foreign.first() {
            self.findings
                .push(mixed_formats(&group, first, &foreign, self.format));
        }
        if self.format == Some(ZarrFormat::V2)
            && !group.is_root()
            && self.verifies()
            && entries.iter().any(|e| e.name == ".zmetadata")
        {
            self.ask(Purpose::NestedV2(group.clone()), ".zmetadata");
        }
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
            } else if entry.is_dir && !segment(&entry.name) {
                // An empty name (an object store's `a//b`) would lead back
                // to this group: never follow one.
                self.findings.push(Finding::new(
                    Rule::StoreLayout,
                    &group,
                    key,
                    "",
                    format!(
                        "the store lists a directory named {:?}, which is not a node name (empty, `.`, `..`, or holding `/`, `\\` or NUL); it was not read",
                        entry.name
                    ),
                    None,
                ));
            } else if entry.is_dir {
                if let Some(p) = NodePath::from_key_prefix(&key) {
                    if let Some(identity) = entry.identity {
                        self.identified.push((p.clone(), identity));
                    }
                    self.candidates.push(p);
                }
            }
        }
    }
}

impl Loader {
    /// After the walk: reads the documents below each group that carries
    /// its own consolidated metadata again and compares them with it.
    fn start_recheck(&mut self) {
        if self.nested.is_empty() {
            self.stage = Stage::Done;
            return;
        }
        self.stage = Stage::Recheck;
        let format = self.format;
        let below = move |p: &NodePath, g: &NodePath| covers(format, g, p);
        let mut paths: BTreeSet<NodePath> = BTreeSet::new();
        let known: Vec<(NodePath, bool)> = self
            .nodes
            .iter()
            .map(|n| (n.path.clone(), true))
            .chain(self.unreadable.iter().map(|p| (p.clone(), false)))
            .collect();
        for a in &mut self.nested {
            let group = a.listing.group.clone();
            for (path, readable) in &known {
                if below(path, &group) {
                    a.node(path, *readable);
                    paths.insert(path.clone());
                }
            }
        }
        let files: &[&'static str] = match self.format {
            Some(ZarrFormat::V2) => &[".zgroup", ".zarray", ".zattrs"],
            _ => &["zarr.json"],
        };
        for path in paths {
            for file in files {
                self.ask(Purpose::Recheck(path.clone()), file);
            }
        }
    }

    /// Compares a document read again with the nested listings that cover it.
    pub(super) fn recheck(&mut self, path: &NodePath, key: &str, read: Read) {
        for a in &mut self.nested {
            if !covers(self.format, &a.listing.group, path) {
                continue;
            }
            match &read {
                Read::Object(doc) => a.document(key, doc),
                Read::Broken => a.broken(key),
                Read::Absent => {}
            }
        }
    }
}

/// Whether the consolidated metadata of `group` lists `path`: in v3 the
/// nodes below the group (its own document holds the listing); in v2 the
/// group's own documents too (`.zgroup`, `.zattrs` with relative keys).
fn covers(format: Option<ZarrFormat>, group: &NodePath, path: &NodePath) -> bool {
    let below = group.is_root() && !path.is_root()
        || path.as_str().starts_with(&format!("{}/", group.as_str()));
    below || (path == group && format == Some(ZarrFormat::V2))
}

/// A directory holding metadata of the other Zarr format.
fn mixed_formats(
    group: &NodePath,
    first: &str,
    foreign: &[&str],
    format: Option<ZarrFormat>,
) -> Finding {
    let names = foreign
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let (this, other) = match format {
        Some(ZarrFormat::V2) => ("Zarr v2 (its root has `.zgroup` or `.zarray`)", "Zarr v3"),
        _ => ("Zarr v3 (its root has `zarr.json`)", "Zarr v2"),
    };
    Finding::new(
        Rule::StoreLayout,
        group,
        join_key(group.key_prefix(), first),
        "",
        format!(
            "{} holds {other} metadata ({names}); the store is {this}, so these documents are not read; expected one Zarr format in the whole store",
            if group.is_root() { "the root".to_string() } else { group.as_str().to_string() }
        ),
        Some(format!("remove the {other} documents, or convert the store")),
    )
}

/// Whether a listed name is one key segment: not empty, `.` or `..`, and
/// without `/`, `\` or NUL.
fn segment(name: &str) -> bool {
    !name.is_empty() && !name.contains('/') && valid_key(name)
}

/// A node with both `.zgroup` and `.zarray`.
pub(super) fn both_group_and_array(path: &NodePath, key: &str) -> Finding {
    Finding::new(
        Rule::StoreLayout,
        path,
        key,
        "",
        "the node has both `.zgroup` and `.zarray`; expected exactly one, a group or an array",
        None,
    )
}
