#!/usr/bin/env python3
"""Reads back an Atom feed written by `zarr-links export --format atom` and
checks it against the store it came from, with the standard library only.

    python3 .ci/export/check_atom.py STORE FEED.xml BASE_URL

- The feed is well-formed XML (ElementTree refuses anything else, including
  unbound prefixes and characters XML 1.0 cannot carry).
- It is an Atom feed (RFC 4287): exactly one id, title and updated on the
  feed and on every entry, an author, RFC 3339 times, and every entry has an
  alternate link (entries have no content).
- The store's links are read here from the store's own metadata files
  (zarr.json, or .zattrs for Zarr v2), independently of the exporter. Every
  link appears exactly once, in the entry of its node, with DCP-8's
  attributes: rel (a registered type bare and lowercase, a core type as its
  IRI, an extension type as it is), href, type, title, xlink:role and
  xlink:arcrole (in the XLink namespace).
- There is one entry per node that declares links, and nothing else.

Exit status 0 when every check holds; 1 with the failures listed.
"""

import json
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
XLINK = "http://www.w3.org/1999/xlink"
NS = {"a": ATOM}
CORE = {"derived_from", "quality_for", "same_as", "part_of", "contains"}
CORE_IRI = "https://zarr-links.github.io/zarr-links/relationships.html#"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", re.I)


def store_links(store):
    """{node path: [link object, ...]} from the store's metadata files."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(store):
        dirnames.sort()
        rel = os.path.relpath(dirpath, store).replace(os.sep, "/")
        node = "/" if rel == "." else "/" + rel
        attrs = None
        if "zarr.json" in filenames:
            with open(os.path.join(dirpath, "zarr.json"), encoding="utf-8") as f:
                attrs = json.load(f).get("attributes", {})
        elif ".zattrs" in filenames:
            with open(os.path.join(dirpath, ".zattrs"), encoding="utf-8") as f:
                attrs = json.load(f)
        links = (attrs or {}).get("links:relationships")
        if isinstance(links, list) and links:
            out[node] = links
    return out


def quote_path(path):
    return "/".join(urllib.parse.quote(seg, safe="-._~!$&'()*+,;=:@") for seg in path.split("/"))


def node_url(base, path):
    return base if path == "/" else base.rstrip("/") + quote_path(path)


def expected_rel(t):
    if t in CORE:
        return CORE_IRI + t
    if "://" in t:
        return t
    return t.lower()


def main(store, feed_file, base):
    failures = []

    def check(ok, message):
        if not ok:
            failures.append(message)

    root = ET.parse(feed_file).getroot()
    check(root.tag == f"{{{ATOM}}}feed", f"the root element is {root.tag}, not an Atom feed")
    for name in ("id", "title", "updated"):
        check(len(root.findall(f"a:{name}", NS)) == 1, f"the feed needs exactly one {name}")
    check(RFC3339.match(root.findtext("a:updated", "", NS)) is not None, "feed updated is not RFC 3339")
    check(root.find("a:author/a:name", NS) is not None, "the feed has no author")

    entries = {}
    for entry in root.findall("a:entry", NS):
        for name in ("id", "title", "updated"):
            check(len(entry.findall(f"a:{name}", NS)) == 1, f"an entry needs exactly one {name}")
        title = entry.findtext("a:title", "", NS)
        check(title not in entries, f"two entries for {title}")
        check(RFC3339.match(entry.findtext("a:updated", "", NS)) is not None, f"{title}: updated")
        links = entry.findall("a:link", NS)
        check(any(l.get("rel", "alternate") == "alternate" for l in links), f"{title}: no alternate link")
        entries[title] = links

    declared = store_links(store)
    check(set(entries) == set(declared),
          f"entries {sorted(set(entries) ^ set(declared))} do not match the nodes with links")
    total = 0
    for node, links in declared.items():
        written = entries.get(node, [])
        own = node_url(base, node)
        # The entry's own alternate link to the node is the exporter's, not a store link.
        written = [l for l in written
                   if not (l.get("rel") == "alternate" and l.get("href") == own and l.get("title") is None)]
        used = [False] * len(written)
        seen = set()
        for link in links:
            key = (link["target"], link["type"])
            if key in seen:
                continue  # a duplicate link is exported once
            seen.add(key)
            total += 1
            target = link["target"]
            want = {
                "rel": expected_rel(link["type"]),
                "href": node_url(base, target) if target.startswith("/") else target,
                "type": link.get("media_type"),
                "title": link.get("title", link.get("description")),
                f"{{{XLINK}}}role": link.get("role"),
                f"{{{XLINK}}}arcrole": link.get("protocol"),
            }
            matches = [i for i, l in enumerate(written)
                       if not used[i] and all(l.get(k) == v for k, v in want.items())]
            check(len(matches) == 1,
                  f"{node}: link {link['type']} {target} appears {len(matches)} times with "
                  f"the DCP-8 attributes {want}")
            if matches:
                used[matches[0]] = True
        check(all(used), f"{node}: the entry has links the store does not declare")
    if failures:
        print(f"{feed_file}: {len(failures)} failure(s)")
        for f in failures:
            print("  " + f)
        return 1
    print(f"{feed_file}: {len(entries)} entries, {total} links, each once with its DCP-8 attributes")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
