#!/usr/bin/env python3
"""Generate the small, focused conformance cases.

    python3 conformance/tools/generate_cases.py          # (re)write them
    python3 conformance/tools/generate_cases.py --check  # fail if the committed files differ

Each case is written from the definitions below into
`conformance/{valid,invalid}/<topic>/<case>/` (a `case.json` and a metadata-only
`store/`). Only the case folders defined here are touched: folders that other
people add by hand are left alone. The four big use-case stores come from
generate_use_cases.py.

Conventions: a case name without suffix is Zarr v3; `_v2` marks the Zarr v2
twin of a case. Invalid cases are named after the defect they contain.
Standard library only; deterministic.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zarrgen import (  # noqa: E402
    LINKS_CMO,
    LINKS_CMO_FULL,
    LINKS_UUID,
    PROJ_CMO,
    PROJ_UUID,
    Array,
    Group,
    dumps,
    link,
    uses,
    v2_docs,
    v3_doc,
    write_case,
    write_store,
)
from generate_use_cases import _diff  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(HERE)

CELL_MEASURES = "https://zarr-links.github.io/zarr-links/interoperability.html#cell-measures"

# ---------------------------------------------------------------------------
# building blocks
# ---------------------------------------------------------------------------


def band(attrs: dict | None = None, n: int = 10980, chunk: int = 1830, dtype: str = "uint16") -> Array:
    """A 2-D band-like array on a y/x grid."""
    return Array([n, n], dtype, ["y", "x"], chunks=[chunk, chunk], fill_value=0, attrs=attrs or {})


def mask(attrs: dict | None = None, n: int = 10980, chunk: int = 1830) -> Array:
    return band(attrs, n, chunk, "uint8")


def L(*links: dict, index: dict | None = None, cmo: dict | None = None, **extra) -> dict:
    """Attributes of a node that uses the convention."""
    a = uses(cmo or LINKS_CMO)
    a.update(extra)
    if index is not None:
        a["links:index"] = index
    if links:
        a["links:relationships"] = list(links)
    return a


def indexed_root(**categories: list[str]) -> Group:
    return Group(L(index=categories))


def simple_tree(mask_links: list[dict], root: Group | None = None, **more) -> dict:
    """A root, /bands/{b04,b08} and /quality/cloud_mask carrying `mask_links`."""
    t = {
        "/": root or indexed_root(bands=["/bands/b04", "/bands/b08"], quality=["/quality/cloud_mask"]),
        "/bands": Group(),
        "/bands/b04": band({"long_name": "Red"}),
        "/bands/b08": band({"long_name": "Near infrared"}),
        "/quality": Group(),
        "/quality/cloud_mask": mask(L(*mask_links) if mask_links else {}),
    }
    t.update(more)
    return t


# ---------------------------------------------------------------------------
# the registry of cases
# ---------------------------------------------------------------------------

CASES: dict[str, dict] = {}


def case(path: str, description: str, rules: list[str], level: str, tree: dict, fmt: int = 3,
         consolidated: bool = False, post=None) -> None:
    assert path not in CASES, path
    CASES[path] = dict(description=description, rules=rules, level=level, tree=tree, fmt=fmt,
                       consolidated=consolidated, post=post)


def twin(path: str, description: str, rules: list[str], level: str, tree_fn, level_v2: str | None = None,
         post=None, post_v2=None) -> None:
    """A v3 case at `path` and its v2 twin at `path_v2`."""
    case(path, description + " (Zarr v3)", rules, level, tree_fn(), 3, post=post)
    case(path + "_v2", description + " (Zarr v2)", rules, level_v2 or level, tree_fn(), 2, post=post_v2)


def write_file(rel: str, data: bytes):
    """A post-processing step that writes raw bytes at `rel` inside the store."""
    def step(store: str) -> None:
        full = os.path.join(store, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
    return step


def steps(*fns):
    def step(store: str) -> None:
        for fn in fns:
            fn(store)
    return step


# ----- declaration ----------------------------------------------------------

case("valid/declaration/minimal_cmo",
     "The smallest complete declaration: a Convention Metadata Object with only the uuid",
     ["links.declaration.required", "links.declaration.cmo"], "schema",
     simple_tree([], root=Group(uses({"uuid": LINKS_UUID}) | {"links:index": {"quality": ["/quality/cloud_mask"]}}),
                 **{"/quality/cloud_mask": mask(L(link("/bands/b04", "quality_for"), cmo={"uuid": LINKS_UUID}))}))

case("valid/declaration/full_cmo",
     "A declaration with every recommended field: uuid, name, schema_url, spec_url and description",
     ["links.declaration.required", "links.declaration.cmo"], "schema",
     simple_tree([], root=Group(L(index={"quality": ["/quality/cloud_mask"]}, cmo=LINKS_CMO_FULL)),
                 **{"/quality/cloud_mask": mask(L(link("/bands/b04", "quality_for"), cmo=LINKS_CMO_FULL))}))

case("valid/declaration/with_other_conventions",
     "The links declaration beside the proj convention's, on the same node",
     ["links.declaration.required", "links.declaration.cmo"], "schema",
     simple_tree([], **{"/quality/cloud_mask": mask(
         {"zarr_conventions": [PROJ_CMO, LINKS_CMO], "proj:code": "EPSG:32632",
          "links:relationships": [link("/bands/b04", "quality_for")]})}))

case("valid/declaration/foreign_legacy_string",
     "Another convention's legacy uuid string on a node that does not use links: is not this convention's business",
     ["links.declaration.object-form"], "schema",
     simple_tree([link("/bands/b04", "quality_for")],
                 **{"/bands/b04": band({"zarr_conventions": [PROJ_UUID], "proj:code": "EPSG:32632"})}))

case("valid/declaration/foreign_entries_beside_ours",
     "Beside the convention's CMO, another convention's legacy string and a CMO with an extra member: theirs to check, not this convention's",
     ["links.declaration.object-form", "links.declaration.cmo"], "schema",
     simple_tree([], **{"/quality/cloud_mask": mask(
         {"zarr_conventions": [PROJ_UUID, {"uuid": "f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f", "version": "2"}, LINKS_CMO],
          "links:relationships": [link("/bands/b04", "quality_for")]})}))

case("valid/declaration/unexpected_cmo_name",
     "The CMO's name is 'links' instead of 'links:': a warning, still valid",
     ["links.declaration.name"], "hierarchy",
     simple_tree([link("/bands/b04", "quality_for")],
                 root=Group(L(index={"quality": ["/quality/cloud_mask"]}, cmo={"uuid": LINKS_UUID, "name": "links"}))))

case("valid/declaration/misspelt_relationships",
     "links:relationship (singular) is an unknown attribute: a warning with a did-you-mean; its links are not read",
     ["links.attributes.unknown"], "hierarchy",
     simple_tree([link("/bands/b04", "quality_for")], **{"/bands/b08": band(
         L(**{"links:relationship": [link("/bands/b04", "same_as")]}))}))

case("valid/declaration/unknown_links_attribute",
     "An attribute links:version that the convention does not define: a warning, still valid",
     ["links.attributes.unknown"], "hierarchy",
     simple_tree([link("/bands/b04", "quality_for")], **{"/quality/cloud_mask": mask(
         L(link("/bands/b04", "quality_for"), **{"links:version": "2"}))}))

twin("invalid/declaration/legacy_string_list",
     "zarr_conventions uses the proposal's legacy list of uuid strings",
     ["links.declaration.object-form"], "schema",
     lambda: simple_tree([], **{"/quality/cloud_mask": mask(
         {"zarr_conventions": [PROJ_UUID, LINKS_UUID], "links:relationships": [link("/bands/b04", "quality_for")]})}))

case("invalid/declaration/legacy_string_without_links",
     "The convention's uuid as a legacy string, on a node without links: attributes",
     ["links.declaration.object-form"], "schema",
     simple_tree([link("/bands/b04", "quality_for")],
                 **{"/bands/b04": band({"zarr_conventions": [LINKS_UUID]})}))

twin("invalid/declaration/missing_declaration",
     "A node carries links:relationships but no zarr_conventions at all",
     ["links.declaration.required"], "schema",
     lambda: simple_tree([], **{"/quality/cloud_mask": mask({"links:relationships": [link("/bands/b04", "quality_for")]})}))

case("invalid/declaration/declared_only_on_root",
     "The root declares the convention but the node carrying the links does not; declarations are per node",
     ["links.declaration.required"], "schema",
     simple_tree([], **{"/quality/cloud_mask": mask(
         {"zarr_conventions": [PROJ_CMO], "links:relationships": [link("/bands/b04", "quality_for")]})}))

case("invalid/declaration/url_only_cmo",
     "The CMO names the convention by schema_url and name only; the uuid is required",
     ["links.declaration.required"], "schema",
     simple_tree([], **{"/quality/cloud_mask": mask(L(
         link("/bands/b04", "quality_for"),
         cmo={"schema_url": LINKS_CMO_FULL["schema_url"], "name": "links:"}))}))

case("invalid/declaration/uuid_other_case",
     "The CMO carries the convention's uuid in upper case; uuids are compared exactly",
     ["links.declaration.required"], "schema",
     simple_tree([], **{"/quality/cloud_mask": mask(L(
         link("/bands/b04", "quality_for"), cmo={"uuid": LINKS_UUID.upper(), "name": "links:"}))}))

case("invalid/declaration/cmo_extra_field_without_links",
     "A node that only declares the convention, with a CMO member the framework does not define; declaring is using",
     ["links.declaration.cmo"], "schema",
     simple_tree([link("/bands/b04", "quality_for")],
                 **{"/bands/b04": band({"zarr_conventions": [{"uuid": LINKS_UUID, "version": "1.0"}]})}))

case("invalid/declaration/cmo_extra_field",
     "The convention's CMO carries a member the framework does not define (version)",
     ["links.declaration.cmo"], "schema",
     simple_tree([], **{"/quality/cloud_mask": mask(L(
         link("/bands/b04", "quality_for"), cmo={"uuid": LINKS_UUID, "name": "links:", "version": "1.0"}))}))

case("invalid/declaration/cmo_name_not_string",
     "The convention's CMO has a name that is a number",
     ["links.declaration.cmo"], "schema",
     simple_tree([], **{"/quality/cloud_mask": mask(L(
         link("/bands/b04", "quality_for"), cmo={"uuid": LINKS_UUID, "name": 1}))}))

# ----- relationships --------------------------------------------------------


def core_types_tree() -> dict:
    return {
        "/": indexed_root(bands=["/bands/b04", "/bands/b08"], quality=["/quality/cloud_mask"],
                          derived=["/indices/ndvi"]),
        "/bands": Group(L(link("/bands/b04", "contains"), link("/bands/b08", "contains"))),
        "/bands/b04": band(L(link("/bands", "part_of"))),
        "/bands/b08": band(L(link("/bands", "part_of"))),
        "/bands_cog": Group(L(link("/bands", "same_as", description="The same bands, rechunked for cloud access"))),
        "/bands_cog/b04": Array([10980, 10980], "uint16", ["y", "x"], chunks=[512, 512]),
        "/bands_cog/b08": Array([10980, 10980], "uint16", ["y", "x"], chunks=[512, 512]),
        "/quality": Group(),
        "/quality/cloud_mask": mask(L(link("/bands/b04", "quality_for"), link("/bands/b08", "quality_for"))),
        "/indices": Group(),
        "/indices/ndvi": band(L(link("/bands/b04", "derived_from"), link("/bands/b08", "derived_from"),
                                description="(B08 - B04) / (B08 + B04)"), dtype="float32"),
    }


twin("valid/relationships/core_types",
     "All five core relationship types: derived_from, quality_for, same_as, part_of, contains",
     ["links.relationships.array", "links.link.target", "links.link.type", "links.target.form",
      "links.target.resolves", "links.kind.quality-for", "links.kind.same-as", "links.kind.part-of",
      "links.kind.contains", "links.inverse.agree"], "hierarchy", core_types_tree)

case("valid/relationships/external_links",
     "Links leaving the store: documentation, another Zarr store, and DCP-8 style browse image, OPeNDAP and WCS links",
     ["links.target.form", "links.target.uri", "links.link.type", "links.link.fields"], "schema",
     {
         "/": Group(L(
             link("https://sentiwiki.copernicus.eu/web/s2-products", "describedby",
                  title="Sentinel-2 product documentation", media_type="text/html"),
             link("https://example.org/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=TCI&FORMAT=image/jpeg"
                  "&CRS=EPSG:32632&BBOX=300000,4890240,409800,5000040&WIDTH=512&HEIGHT=512", "icon",
                  title="Browse image", media_type="image/jpeg",
                  protocol="http://www.opengis.net/def/serviceType/ogc/wms/1.3",
                  role="http://esipfed.org/ns/discovery/1.1/browse#"),
             link("https://example.org/opendap/S2B_MSIL2A_20250113.nc", "enclosure",
                  title="OPeNDAP access", media_type="application/octet-stream",
                  protocol="http://xml.opendap.org/ns/DAP2",
                  role="http://esipfed.org/ns/discovery/1.1/data#"),
             link("https://example.org/wcs?SERVICE=WCS&REQUEST=GetCapabilities", "related",
                  title="WCS service for this product",
                  protocol="http://www.opengis.net/spec/WCS/2.0/conf/core",
                  role="http://esipfed.org/ns/discovery/1.1/service#"),
             index={"bands": ["/bands/b04"]})),
         "/bands": Group(),
         "/bands/b04": band(L(
             link("s3://eopf-samples/S2B_MSIL1C_20250113T103309_N0511_R108_T32TLQ_20250113T122458.zarr"
                  "#/measurements/reflectance/r10m/b04", "derived_from",
                  description="Atmospherically corrected from the Level-1C band"))),
     })

case("valid/relationships/iana_types",
     "Relation types registered with IANA, in their exact lowercase spelling",
     ["links.link.type"], "schema",
     simple_tree([link("/bands/b04", "quality_for")], root=Group(L(
         link("https://creativecommons.org/licenses/by/4.0/", "license"),
         link("https://doi.org/10.5281/zenodo.0000000", "cite-as"),
         link("https://example.org/catalog/s2", "collection"),
         link("https://example.org/products/previous.zarr", "predecessor-version"),
         index={"bands": ["/bands/b04", "/bands/b08"]}))))

case("valid/relationships/extension_type",
     "An extension relation type written as an absolute URI (CF cell_measures)",
     ["links.link.type"], "schema",
     {
         "/": indexed_root(variables=["/pr"], cell_measures=["/cell_area"]),
         "/pr": Array([365, 180, 360], "float32", ["time", "lat", "lon"], chunks=[30, 180, 360], fill_value="NaN",
                      attrs=L(link("/cell_area", CELL_MEASURES, description="CF cell_measures: area"),
                              standard_name="precipitation_flux", cell_measures="area: cell_area")),
         "/cell_area": Array([180, 360], "float32", ["lat", "lon"], fill_value="NaN",
                             attrs={"standard_name": "cell_area", "units": "m2"}),
     })


def group_composition_tree() -> dict:
    return {
        "/": indexed_root(groups=["/product", "/product/reflectance", "/product/masks"]),
        "/product": Group(L(link("/product/reflectance", "contains"), link("/product/masks", "contains"))),
        "/product/reflectance": Group(L(link("/product", "part_of"))),
        "/product/masks": Group(L(link("/product", "part_of"))),
        "/product/reflectance/b04": band(),
        "/product/masks/b04": mask(L(link("/product/reflectance/b04", "quality_for"))),
    }


twin("valid/relationships/group_composition",
     "Groups declare contains and part_of in both directions, and the two directions agree",
     ["links.kind.contains", "links.kind.part-of", "links.inverse.agree"], "hierarchy", group_composition_tree)


def same_as_tree() -> dict:
    return {
        "/": indexed_root(bands=["/r10m/b04", "/cog/b04"]),
        "/r10m": Group(),
        "/r10m/b04": band(L(link("/cog/b04", "same_as", description="The same band, rechunked"))),
        "/cog": Group(),
        "/cog/b04": Array([10980, 10980], "uint16", ["y", "x"], chunks=[512, 512],
                          attrs=L(link("/r10m/b04", "same_as"))),
        "/r20m": Group(L(link("/r20m_copy", "same_as"))),
        "/r20m_copy": Group(L(link("/r20m", "same_as"))),
    }


twin("valid/relationships/same_as_both_directions",
     "same_as declared on both arrays and on both groups of a pair",
     ["links.kind.same-as", "links.inverse.agree"], "hierarchy", same_as_tree)

case("valid/relationships/different_families_same_pair",
     "A 20 m band is derived_from and same_as the 10 m band: links of different families never conflict",
     ["links.inverse.agree"], "hierarchy",
     {
         "/": indexed_root(bands=["/r10m/b04", "/r20m/b04"]),
         "/r10m": Group(),
         "/r10m/b04": band(L(link("/r20m/b04", "same_as"))),
         "/r20m": Group(),
         "/r20m/b04": band(L(link("/r10m/b04", "derived_from"), link("/r10m/b04", "same_as")), n=5490, chunk=915),
     })

case("valid/relationships/quality_for_group",
     "A cloud probability array is quality_for a whole group of bands",
     ["links.kind.quality-for"], "hierarchy",
     simple_tree([link("/bands", "quality_for", description="Cloud mask for every band")]))

case("valid/relationships/unprefixed_unknown_field",
     "A link carries a member the spec does not define and that has no prefix (weight): a warning, still valid",
     ["links.link.unknown-field"], "hierarchy",
     simple_tree([link("/bands/b04", "quality_for") | {"weight": 0.5}]))

case("valid/relationships/prefixed_extension_field",
     "A link carries a prefixed member (ext:confidence): kept and ignored, no finding",
     ["links.link.unknown-field"], "hierarchy",
     simple_tree([link("/bands/b04", "quality_for") | {"ext:confidence": 0.9}]))

case("valid/relationships/duplicate_link",
     "The same (target, type) pair stated twice on one node: a warning, still valid",
     ["links.link.duplicate"], "hierarchy",
     simple_tree([link("/bands/b04", "quality_for"), link("/bands/b04", "quality_for", description="again")]))

twin("invalid/relationships/relationships_not_array",
     "links:relationships is a single link object instead of an array",
     ["links.relationships.array"], "schema",
     lambda: simple_tree([], **{"/quality/cloud_mask": mask(
         uses(LINKS_CMO) | {"links:relationships": link("/bands/b04", "quality_for")})}))

case("invalid/relationships/link_not_object",
     "links:relationships lists bare target strings instead of link objects",
     ["links.relationships.array"], "schema",
     simple_tree([], **{"/quality/cloud_mask": mask(uses(LINKS_CMO) | {"links:relationships": ["/bands/b04"]})}))

case("invalid/relationships/missing_target",
     "A link object without target",
     ["links.link.target"], "schema",
     simple_tree([{"type": "quality_for"}]))

case("invalid/relationships/empty_target",
     "A link object whose target is the empty string",
     ["links.link.target"], "schema",
     simple_tree([link("", "quality_for")]))

case("invalid/relationships/target_not_string",
     "A link object whose target is an array of paths",
     ["links.link.target"], "schema",
     simple_tree([{"target": ["/bands/b04", "/bands/b08"], "type": "quality_for"}]))

twin("invalid/relationships/unknown_type",
     "A link type that is neither core, IANA-registered nor a URI (quality-for, a misspelling)",
     ["links.link.type"], "schema",
     lambda: simple_tree([link("/bands/b04", "quality-for")]))

case("invalid/relationships/missing_type",
     "A link object without type",
     ["links.link.type"], "schema",
     simple_tree([{"target": "/bands/b04"}]))

case("valid/relationships/iana_type_other_case",
     "DCP-8 spells describedBy; registered types are compared ignoring case, with a warning to write describedby",
     ["links.link.type", "links.link.type-case"], "hierarchy",
     simple_tree([link("/bands/b04", "quality_for")], root=Group(L(
         link("https://example.org/doc.html", "describedBy"),
         index={"bands": ["/bands/b04", "/bands/b08"]}))))

case("invalid/relationships/core_type_with_colon",
     "quality:for, a core type mistyped with a colon; extension types need an authority (scheme://host)",
     ["links.link.type"], "schema",
     simple_tree([link("/bands/b04", "quality:for")]))

case("invalid/relationships/extension_type_without_authority",
     "An extension type that is a URI without an authority (urn:example:calibrated-with)",
     ["links.link.type"], "schema",
     simple_tree([link("/bands/b04", "urn:example:calibrated-with")]))

case("invalid/relationships/media_type_bad_parameter",
     "A media_type whose parameter is not name=value (text/html; !!!)",
     ["links.link.fields"], "schema",
     simple_tree([link("/bands/b04", "quality_for")], root=Group(L(
         link("https://example.org/doc.html", "describedby", media_type="text/html; !!!"),
         index={"bands": ["/bands/b04", "/bands/b08"]}))))

case("invalid/relationships/bad_media_type",
     "A media_type that is not type/subtype (pdf)",
     ["links.link.fields"], "schema",
     simple_tree([link("/bands/b04", "quality_for")], root=Group(L(
         link("https://example.org/product-spec.pdf", "describedby", media_type="pdf"),
         index={"bands": ["/bands/b04", "/bands/b08"]}))))

case("invalid/relationships/description_not_string",
     "A link whose description is a number",
     ["links.link.fields"], "schema",
     simple_tree([{"target": "/bands/b04", "type": "quality_for", "description": 4}]))

case("invalid/relationships/empty_protocol",
     "A link whose protocol is the empty string",
     ["links.link.fields"], "schema",
     simple_tree([link("/bands/b04", "quality_for")], root=Group(L(
         link("https://example.org/wms", "icon", protocol=""),
         index={"bands": ["/bands/b04", "/bands/b08"]}))))

# ----- targets --------------------------------------------------------------

twin("invalid/targets/relative_path",
     "A target written as a path relative to the declaring node (b04) instead of an absolute path",
     ["links.target.form"], "schema",
     lambda: {
         "/": indexed_root(bands=["/bands/b04"], quality=["/bands/b04_mask"]),
         "/bands": Group(),
         "/bands/b04": band(),
         "/bands/b04_mask": mask(L(link("b04", "quality_for"))),
     })

case("invalid/targets/dot_relative_path",
     "A target written as ./b04, relative to the parent group",
     ["links.target.form"], "schema",
     {
         "/": indexed_root(bands=["/bands/b04"], quality=["/bands/b04_mask"]),
         "/bands": Group(),
         "/bands/b04": band(),
         "/bands/b04_mask": mask(L(link("./b04", "quality_for"))),
     })

case("invalid/targets/trailing_slash",
     "An in-store path with a trailing slash (/bands/b04/)",
     ["links.target.normalized"], "schema",
     simple_tree([link("/bands/b04/", "quality_for")]))

case("invalid/targets/empty_segment",
     "An in-store path with an empty segment (/bands//b04)",
     ["links.target.normalized"], "schema",
     simple_tree([link("/bands//b04", "quality_for")]))

case("invalid/targets/dot_segment",
     "An in-store path with a . segment (/bands/./b04)",
     ["links.target.normalized"], "schema",
     simple_tree([link("/bands/./b04", "quality_for")]))

case("invalid/targets/dotdot_inside_root",
     "An in-store path with a .. segment that stays inside the root (/quality/../bands/b04)",
     ["links.target.normalized"], "schema",
     simple_tree([link("/quality/../bands/b04", "quality_for")]))

twin("invalid/targets/escapes_root",
     "An in-store path whose .. leads outside the store root",
     ["links.target.escape"], "schema",
     lambda: simple_tree([link("/../l1c.zarr/bands/b04", "quality_for")]))

twin("invalid/targets/target_not_found",
     "A cloud mask names a band that does not exist",
     ["links.target.resolves"], "hierarchy",
     lambda: simple_tree([link("/bands/b03", "quality_for")]))

case("invalid/targets/target_case_mismatch",
     "Node names are compared exactly: /bands/B04 does not name /bands/b04",
     ["links.target.resolves"], "hierarchy",
     simple_tree([link("/bands/B04", "quality_for")]))

case("invalid/targets/target_unicode_not_normalized",
     "Names are compared code point by code point: a decomposed (NFD) target does not name the composed (NFC) node",
     ["links.target.resolves"], "hierarchy",
     {
         "/": indexed_root(temperature=["/température"]),
         "/température": Array([12, 180, 360], "float32", ["time", "lat", "lon"], fill_value="NaN"),
         "/incertitude": Array([12, 180, 360], "float32", ["time", "lat", "lon"], fill_value="NaN",
                               attrs=L(link("/tempe\u0301rature", "quality_for"))),
     })

twin("invalid/targets/self_link",
     "A band declares itself as its own source",
     ["links.target.self"], "hierarchy",
     lambda: simple_tree([link("/bands/b04", "quality_for")],
                         **{"/bands/b04": band(L(link("/bands/b04", "derived_from")))}))

case("invalid/targets/resolved_from_root",
     "A mask in /quality names /b04: the band is /quality/b04, but targets resolve from the root, never from the declaring group",
     ["links.target.resolves"], "hierarchy",
     {
         "/": indexed_root(bands=["/quality/b04"], quality=["/quality/b04_mask"]),
         "/quality": Group(),
         "/quality/b04": band(),
         "/quality/b04_mask": mask(L(link("/b04", "quality_for"))),
     })

case("invalid/targets/uri_with_space",
     "An external target containing a space, which RFC 3986 does not allow",
     ["links.target.uri"], "schema",
     simple_tree([link("/bands/b04", "quality_for")], root=Group(L(
         link("https://example.org/product spec.html", "describedby"),
         index={"bands": ["/bands/b04", "/bands/b08"]}))))

case("invalid/targets/uri_bad_percent",
     "An external target with % not followed by two hex digits",
     ["links.target.uri"], "schema",
     simple_tree([link("/bands/b04", "quality_for")], root=Group(L(
         link("https://example.org/100%_cloud_free.html", "describedby"),
         index={"bands": ["/bands/b04", "/bands/b08"]}))))

case("invalid/targets/uri_trailing_newline",
     "An external target ending in a line feed; Python's re would let $ match before it, the schemas do not",
     ["links.target.uri"], "schema",
     simple_tree([link("/bands/b04", "quality_for")], root=Group(L(
         link("https://example.org/product.html\n", "describedby"),
         index={"bands": ["/bands/b04", "/bands/b08"]}))))

case("invalid/targets/fragment_not_normalized",
     "A band derived from a node of another store whose fragment, a node path, has an empty segment",
     ["links.target.fragment"], "hierarchy",
     simple_tree([link("/bands/b04", "quality_for")], root=Group(L(
         link("s3://bucket/S2B_MSIL1C.zarr#/measurements//b04", "derived_from"),
         index={"bands": ["/bands/b04", "/bands/b08"]}))))

case("invalid/targets/fragment_not_utf8",
     "A node of another store whose percent-encoded fragment does not decode to UTF-8 (%FF)",
     ["links.target.fragment"], "hierarchy",
     simple_tree([link("/bands/b04", "quality_for")], root=Group(L(
         link("https://data.example.org/l1c.zarr#/bands/b%FF4", "derived_from"),
         index={"bands": ["/bands/b04", "/bands/b08"]}))))

case("valid/targets/external_fragments",
     "Targets with fragments: a node of another store whose name is percent-encoded (#/bands/B%2004 names /bands/B 04), "
     "a node whose name holds a % (%25), and a document fragment that is not a node path",
     ["links.target.fragment", "links.target.uri"], "hierarchy",
     simple_tree([link("/bands/b04", "quality_for")], root=Group(L(
         link("https://data.example.org/l1c.zarr#/bands/B%2004", "derived_from"),
         link("s3://bucket/stats.zarr#/cloud%25", "related"),
         link("https://example.org/atbd.html#cloud-mask", "describedby"),
         index={"bands": ["/bands/b04", "/bands/b08"]}))))

case("valid/targets/root_target",
     "A link whose target is the root group /",
     ["links.target.form", "links.target.normalized", "links.kind.part-of"], "hierarchy",
     {
         "/": indexed_root(bands=["/b04"]),
         "/b04": band(L(link("/", "part_of"))),
     })

# ----- node kinds -----------------------------------------------------------

case("invalid/kinds/quality_for_on_group",
     "A group declares quality_for; quality_for is declared on arrays",
     ["links.kind.quality-for"], "hierarchy",
     simple_tree([], **{"/quality": Group(L(link("/bands/b04", "quality_for")))}))

case("invalid/kinds/same_as_array_to_group",
     "same_as joins an array and a group",
     ["links.kind.same-as"], "hierarchy",
     simple_tree([], **{"/bands/b04": band(L(link("/quality", "same_as")))}))

case("invalid/kinds/part_of_array_target",
     "part_of targets an array; its target must be a group",
     ["links.kind.part-of"], "hierarchy",
     simple_tree([link("/bands/b04", "part_of")]))

twin("invalid/kinds/contains_on_array",
     "An array declares contains; contains is declared on groups",
     ["links.kind.contains"], "hierarchy",
     lambda: simple_tree([], **{"/bands/b04": band(L(link("/quality/cloud_mask", "contains")))}))

# ----- consistency ----------------------------------------------------------

case("invalid/consistency/contains_disagrees",
     "Two groups each declare that they contain the other",
     ["links.inverse.agree", "links.cycle.part-of"], "hierarchy",
     {
         "/": indexed_root(groups=["/reflectance", "/masks"]),
         "/reflectance": Group(L(link("/masks", "contains"))),
         "/masks": Group(L(link("/reflectance", "contains"))),
     })

twin("invalid/consistency/derived_from_cycle",
     "NDVI is derived from B04, B04 from B08, and B08 from NDVI",
     ["links.cycle.derived-from"], "hierarchy",
     lambda: {
         "/": indexed_root(bands=["/bands/b04", "/bands/b08"], derived=["/indices/ndvi"]),
         "/bands": Group(),
         "/bands/b04": band(L(link("/bands/b08", "derived_from"))),
         "/bands/b08": band(L(link("/indices/ndvi", "derived_from"))),
         "/indices": Group(),
         "/indices/ndvi": band(L(link("/bands/b04", "derived_from")), dtype="float32"),
     })

case("invalid/consistency/part_of_cycle",
     "Three groups, each part_of the next, in a ring",
     ["links.cycle.part-of"], "hierarchy",
     {
         "/": indexed_root(groups=["/a", "/b", "/c"]),
         "/a": Group(L(link("/b", "part_of"))),
         "/b": Group(L(link("/c", "part_of"))),
         "/c": Group(L(link("/a", "part_of"))),
     })

case("invalid/consistency/part_of_contains_cycle",
     "/a part_of /b, /b part_of /c, and /a contains /c (so /c is part of /a): a ring of composition links",
     ["links.cycle.part-of"], "hierarchy",
     {
         "/": indexed_root(groups=["/a", "/b", "/c"]),
         "/a": Group(L(link("/b", "part_of"), link("/c", "contains"))),
         "/b": Group(L(link("/c", "part_of"))),
         "/c": Group(),
     })

# ----- discovery ------------------------------------------------------------

case("valid/discovery/root_index",
     "A links:index on the root group with bands, quality and derived categories",
     ["links.index.object", "links.index.path", "links.index.on-group", "links.index.resolves", "links.index.root"],
     "hierarchy",
     {
         "/": indexed_root(bands=["/bands/b04", "/bands/b08"], quality=["/quality/cloud_mask"],
                           derived=["/indices/ndvi"]),
         "/bands": Group(),
         "/bands/b04": band(),
         "/bands/b08": band(),
         "/quality": Group(),
         "/quality/cloud_mask": mask(L(link("/bands/b04", "quality_for"), link("/bands/b08", "quality_for"))),
         "/indices": Group(),
         "/indices/ndvi": band(L(link("/bands/b04", "derived_from"), link("/bands/b08", "derived_from")),
                               dtype="float32"),
     })

twin("valid/discovery/nested_index",
     "A root index names the resolution groups; each group's own index names its bands",
     ["links.index.object", "links.index.path", "links.index.on-group", "links.index.resolves"], "hierarchy",
     lambda: {
         "/": indexed_root(resolutions=["/r10m", "/r20m"]),
         "/r10m": Group(L(index={"bands": ["/r10m/b04", "/r10m/b08"]})),
         "/r10m/b04": band(),
         "/r10m/b08": band(),
         "/r20m": Group(L(index={"bands": ["/r20m/b05"]})),
         "/r20m/b05": band(n=5490, chunk=915),
     })

case("valid/discovery/no_root_index",
     "A store uses the convention but its root has no links:index: a warning, still valid",
     ["links.index.root"], "hierarchy",
     simple_tree([link("/bands/b04", "quality_for")], root=Group()))

case("valid/discovery/empty_index",
     "An empty links:index and an empty category are allowed",
     ["links.index.object"], "schema",
     simple_tree([link("/bands/b04", "quality_for")], root=indexed_root(bands=[])))

case("invalid/discovery/index_not_object",
     "links:index is a list of paths instead of an object of categories",
     ["links.index.object"], "schema",
     simple_tree([link("/bands/b04", "quality_for")],
                 root=Group(uses(LINKS_CMO) | {"links:index": ["/bands/b04", "/bands/b08"]})))

case("invalid/discovery/index_duplicate_entry",
     "A category lists the same path twice",
     ["links.index.object"], "schema",
     simple_tree([link("/bands/b04", "quality_for")], root=indexed_root(bands=["/bands/b04", "/bands/b04"])))

case("invalid/discovery/index_empty_category",
     "A category name that is the empty string",
     ["links.index.object"], "schema",
     simple_tree([link("/bands/b04", "quality_for")], root=Group(L(index={"": ["/bands/b04"]}))))

case("invalid/discovery/index_category_not_array",
     "A category whose value is a single path string instead of an array",
     ["links.index.object"], "schema",
     simple_tree([link("/bands/b04", "quality_for")], root=Group(L(index={"bands": "/bands/b04"}))))

twin("invalid/discovery/index_relative_path",
     "An index entry written as a relative path (bands/b04)",
     ["links.index.path"], "schema",
     lambda: simple_tree([link("/bands/b04", "quality_for")], root=indexed_root(bands=["bands/b04"])))

case("invalid/discovery/index_escapes_root",
     "An index entry whose .. leads outside the store root",
     ["links.index.path"], "schema",
     simple_tree([link("/bands/b04", "quality_for")], root=indexed_root(bands=["/../other.zarr/b04"])))

case("invalid/discovery/index_on_array",
     "links:index on an array; indexes sit on groups",
     ["links.index.on-group"], "schema",
     simple_tree([], **{"/quality/cloud_mask": mask(L(link("/bands/b04", "quality_for"),
                                                     index={"bands": ["/bands/b04"]}))}))

case("invalid/discovery/index_on_array_v2",
     "links:index in an array's .zattrs: in Zarr v2 the attributes alone do not say the node is an array, "
     "so only a validator that reads the store sees it (Zarr v2)",
     ["links.index.on-group"], "hierarchy",
     simple_tree([], **{"/quality/cloud_mask": mask(L(link("/bands/b04", "quality_for"),
                                                     index={"bands": ["/bands/b04"]}))}), fmt=2)

twin("invalid/discovery/index_entry_not_found",
     "The root index lists a band that does not exist",
     ["links.index.resolves"], "hierarchy",
     lambda: simple_tree([link("/bands/b04", "quality_for")],
                         root=indexed_root(bands=["/bands/b02", "/bands/b04"])))

# ----- paths ----------------------------------------------------------------


def unicode_tree() -> dict:
    return {
        "/": indexed_root(variables=["/température", "/降水量/日"], quality=["/température_incertitude"]),
        "/température": Array([12, 180, 360], "float32", ["time", "lat", "lon"], fill_value="NaN",
                              attrs={"units": "K"}),
        "/température_incertitude": Array([12, 180, 360], "float32", ["time", "lat", "lon"], fill_value="NaN",
                                          attrs=L(link("/température", "quality_for"))),
        "/降水量": Group(),
        "/降水量/日": Array([365, 180, 360], "float32", ["time", "lat", "lon"], fill_value="NaN"),
        "/降水量/月": Array([12, 180, 360], "float32", ["time", "lat", "lon"], fill_value="NaN",
                        attrs=L(link("/降水量/日", "derived_from", description="Monthly mean of the daily values"))),
        "/Ωmega 🛰": Group(L(link("/降水量", "same_as"))),
    }


twin("valid/paths/unicode_names",
     "Non-ASCII node names (accented Latin, CJK, Greek, emoji, a space) in targets and the index",
     ["links.target.form", "links.target.resolves", "links.index.path", "links.index.resolves"], "hierarchy",
     unicode_tree)

case("valid/paths/dot_prefixed_names",
     "Names that start with dots but are not . or .. (.hidden, ..data) are ordinary names",
     ["links.target.normalized", "links.target.resolves"], "hierarchy",
     {
         "/": indexed_root(bands=["/.hidden/b04"], quality=["/..data"]),
         "/.hidden": Group(),
         "/.hidden/b04": band(),
         "/..data": mask(L(link("/.hidden/b04", "quality_for"))),
     })

# ----- stores ---------------------------------------------------------------


case("valid/stores/consolidated_v3",
     "Inline consolidated_metadata in the root zarr.json, agreeing with every node's zarr.json (Zarr v3)",
     ["links.store.consolidated"], "hierarchy", core_types_tree(), fmt=3, consolidated=True)

case("valid/stores/consolidated_v2",
     "A .zmetadata file agreeing with every .zgroup, .zarray and .zattrs (Zarr v2)",
     ["links.store.consolidated"], "hierarchy", core_types_tree(), fmt=2, consolidated=True)


def _replace_node(rel: str, doc: dict):
    return write_file(rel, dumps(doc).encode("utf-8"))


case("invalid/stores/consolidated_disagrees_v3",
     "The inline consolidated metadata says the cloud mask is quality_for /bands/b04; its zarr.json says /bands/b08",
     ["links.store.consolidated"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]), fmt=3,
     consolidated=True,
     post=_replace_node("quality/cloud_mask/zarr.json", {
         "zarr_format": 3, "node_type": "array", "shape": [10980, 10980], "data_type": "uint8",
         "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [1830, 1830]}},
         "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
         "fill_value": 0, "codecs": [{"name": "bytes"}, {"name": "zstd", "configuration": {"level": 3, "checksum": False}}],
         "attributes": L(link("/bands/b08", "quality_for")), "dimension_names": ["y", "x"]}))

case("invalid/stores/consolidated_disagrees_v2",
     "The .zmetadata lists the cloud mask's .zattrs with quality_for /bands/b04; the .zattrs file says /bands/b08",
     ["links.store.consolidated"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]), fmt=2,
     consolidated=True,
     post=_replace_node("quality/cloud_mask/.zattrs", {"_ARRAY_DIMENSIONS": ["y", "x"]} | L(link("/bands/b08", "quality_for"))))

case("invalid/stores/invalid_json",
     "A node's zarr.json is not valid JSON (a trailing comma)",
     ["links.store.metadata"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]),
     post=write_file("bands/b08/zarr.json", b'{"zarr_format": 3, "node_type": "group", "attributes": {},}\n'))

case("invalid/stores/byte_order_mark",
     "A .zattrs file starts with a UTF-8 byte order mark",
     ["links.store.metadata"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]), fmt=2,
     post=write_file("quality/cloud_mask/.zattrs", b"\xef\xbb\xbf" + dumps(
         {"_ARRAY_DIMENSIONS": ["y", "x"]} | L(link("/bands/b04", "quality_for"))).encode("utf-8")))

case("invalid/stores/invalid_utf8",
     "A .zattrs file holds a byte sequence that is not UTF-8 (Latin-1 é)",
     ["links.store.metadata"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]), fmt=2,
     post=write_file("bands/b04/.zattrs", b'{"_ARRAY_DIMENSIONS": ["y", "x"], "long_name": "Rouge \xe9tendu"}\n'))

case("invalid/stores/document_not_object",
     "A node's zarr.json is a JSON array, not an object",
     ["links.store.metadata"], "schema", simple_tree([link("/bands/b04", "quality_for")]),
     post=write_file("bands/b08/zarr.json", b'["zarr_format", 3]\n'))

case("invalid/stores/group_and_array",
     "One directory holds both .zgroup and .zarray: the node is neither one group nor one array (Zarr v2)",
     ["links.store.layout"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]), fmt=2,
     post=write_file("bands/b08/.zgroup", b'{\n  "zarr_format": 2\n}\n'))


def _edit_json(rel: str, fn):
    """A post-processing step that edits the JSON document at `rel`."""
    def step(store: str) -> None:
        full = os.path.join(store, rel)
        with open(full, encoding="utf-8") as f:
            doc = json.load(f)
        fn(doc)
        with open(full, "w", encoding="utf-8") as f:
            f.write(dumps(doc))
    return step


def _rename_key(d: dict, old: str, new: str) -> None:
    items = [(new if k == old else k, v) for k, v in d.items()]
    d.clear()
    d.update(items)


twin("invalid/stores/orphan_node",
     "The array /extra/mask sits in a directory /extra that holds no Zarr metadata: its parent is not a group",
     ["links.store.parent"], "hierarchy",
     lambda: simple_tree([link("/bands/b04", "quality_for")],
                         **{"/extra/mask": mask(L(link("/bands/b08", "quality_for")))}))

case("invalid/stores/node_below_array_consolidated",
     "The inline consolidated metadata lists /bands/b04/mask, below the array /bands/b04: the keys below an array are its chunks, not nodes",
     ["links.store.parent", "links.store.consolidated"], "hierarchy",
     simple_tree([link("/bands/b04", "quality_for")], **{"/bands/b04/mask": mask()}), fmt=3, consolidated=True)

case("invalid/targets/target_below_array",
     "A link names /bands/b04/mask, a zarr.json inside the array /bands/b04: the keys below an array are its chunks, not nodes",
     ["links.target.resolves"], "hierarchy",
     simple_tree([link("/bands/b04/mask", "quality_for")], **{"/bands/b04/mask": mask()}))

case("invalid/stores/mixed_formats",
     "The root holds both zarr.json (Zarr v3) and .zgroup (Zarr v2)",
     ["links.store.layout"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]),
     post=write_file(".zgroup", b'{\n  "zarr_format": 2\n}\n'))

case("invalid/stores/duplicate_member",
     "The cloud mask's zarr.json gives links:relationships twice; parsers disagree on which one counts",
     ["links.store.metadata"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]),
     post=write_file("quality/cloud_mask/zarr.json", dumps(v3_doc(mask(L(link("/bands/b04", "quality_for"))))).replace(
         '"links:relationships": [',
         '"links:relationships": [{"target": "/bands/b08", "type": "quality_for"}],\n    "links:relationships": [', 1
     ).encode("utf-8")))

case("invalid/stores/consolidated_kind",
     "The inline consolidated metadata has kind \"external\"; Zarr v3 defines only \"inline\"",
     ["links.store.consolidated"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]), fmt=3,
     consolidated=True,
     post=_edit_json("zarr.json", lambda d: d["consolidated_metadata"].__setitem__("kind", "external")))

case("invalid/stores/consolidated_format_v2",
     "The .zmetadata says zarr_consolidated_format 2; the only version there is is 1",
     ["links.store.consolidated"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]), fmt=2,
     consolidated=True,
     post=_edit_json(".zmetadata", lambda d: d.__setitem__("zarr_consolidated_format", 2)))

case("invalid/stores/consolidated_key_leading_slash",
     "The inline consolidated metadata keys a node as /bands/b04, with a leading slash; keys are relative",
     ["links.store.consolidated"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]), fmt=3,
     consolidated=True,
     post=_edit_json("zarr.json", lambda d: _rename_key(d["consolidated_metadata"]["metadata"], "bands/b04", "/bands/b04")))

_STALE_MASK = mask(L(link("/bands/b08", "quality_for")))

case("invalid/stores/nested_consolidated_stale",
     "The group /quality carries its own consolidated metadata, written before the mask's link changed from /bands/b08 to /bands/b04",
     ["links.store.consolidated"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]), fmt=3,
     post=_edit_json("quality/zarr.json", lambda d: d.__setitem__("consolidated_metadata", {
         "kind": "inline", "must_understand": False, "metadata": {"cloud_mask": v3_doc(_STALE_MASK)}})))

case("invalid/stores/nested_consolidated_stale_v2",
     "The group /quality has its own .zmetadata, written before the mask's link changed from /bands/b08 to /bands/b04",
     ["links.store.consolidated"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]), fmt=2,
     post=write_file("quality/.zmetadata", dumps({
         "metadata": {
             ".zgroup": {"zarr_format": 2},
             "cloud_mask/.zarray": v2_docs(_STALE_MASK)[".zarray"],
             "cloud_mask/.zattrs": v2_docs(_STALE_MASK)[".zattrs"],
         },
         "zarr_consolidated_format": 1,
     }).encode("utf-8")))

case("valid/stores/consolidated_shape_differs",
     "The consolidated copy of an array differs only in its shape and a null dimension_names, as after an append that was not re-consolidated: nodes, kinds and attributes agree",
     ["links.store.consolidated"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]), fmt=3,
     consolidated=True,
     post=_edit_json("zarr.json", lambda d: d["consolidated_metadata"]["metadata"]["bands/b04"].update(
         {"shape": [21960, 10980], "dimension_names": None})))

case("valid/stores/consolidated_shape_differs_v2",
     "The .zmetadata copy of an array's .zarray differs only in its shape, as after an append that was not re-consolidated: nodes, kinds and attributes agree",
     ["links.store.consolidated"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]), fmt=2,
     consolidated=True,
     post=_edit_json(".zmetadata", lambda d: d["metadata"]["bands/b04/.zarray"].__setitem__("shape", [21960, 10980])))


case("invalid/stores/nesting_too_deep",
     "An attribute nests arrays 200 levels deep, 128 or more levels, beyond the 127 the reference validator reads",
     ["links.store.metadata"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]),
     post=write_file("bands/b08/zarr.json", (
         '{"zarr_format": 3, "node_type": "group", "attributes": {"deep": ' + "[" * 200 + "]" * 200 + "}}\n"
     ).encode("utf-8")))


def _symlink(rel: str, to: str):
    def step(store: str) -> None:
        full = os.path.join(store, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        os.symlink(to, full)
    return step


def _outside(store: str) -> None:
    """A Zarr group beside the store, which the symlink reaches."""
    out = os.path.join(os.path.dirname(store), "outside")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "b02"))
    with open(os.path.join(out, "zarr.json"), "w", encoding="utf-8") as f:
        # Reading this would give findings of its own: a validator must not.
        f.write(dumps({"zarr_format": 3, "node_type": "group", "attributes": {"links:relationships": 5}}))
    with open(os.path.join(out, "b02", "zarr.json"), "w", encoding="utf-8") as f:
        f.write(dumps({"zarr_format": 3, "node_type": "group", "attributes": {}}))


case("invalid/stores/symlink_outside_root",
     "A directory inside the store is a symbolic link to a Zarr group outside the store root",
     ["links.store.layout"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]),
     post=steps(_outside, _symlink("bands/b02", "../../outside")))

case("invalid/stores/symlink_loop",
     "A directory inside the store is a symbolic link to one of its ancestors",
     ["links.store.layout"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]),
     post=_symlink("bands/again", ".."))

case("invalid/stores/symlink_alias",
     "Two sibling groups each hold two symbolic links to the other: each directory is reached again through "
     "the links (a walk that followed them would grow exponentially), so those paths are aliases",
     ["links.store.layout"], "hierarchy", simple_tree([link("/bands/b04", "quality_for")]),
     post=steps(_symlink("bands/to_quality_1", "../quality"), _symlink("bands/to_quality_2", "../quality"),
                _symlink("quality/to_bands_1", "../bands"), _symlink("quality/to_bands_2", "../bands")))

# ----- no convention --------------------------------------------------------

twin("valid/no-convention/plain_store",
     "A store that does not use the convention at all",
     [], "schema",
     lambda: {
         "/": Group({"title": "A store without links"}),
         "/bands": Group(),
         "/bands/b04": band({"long_name": "Red"}),
         "/quality": Group(),
         "/quality/cloud_mask": mask({"long_name": "Cloud mask", "ancillary_variables": "b04"}),
     })

case("valid/no-convention/other_convention_only",
     "A store that uses the proj convention and no links: attributes",
     [], "schema",
     {
         "/": Group(uses(PROJ_CMO) | {"proj:code": "EPSG:32632"}),
         "/b04": band(uses(PROJ_CMO) | {"proj:code": "EPSG:32632"}),
     })


# ---------------------------------------------------------------------------


def generate(out_root: str) -> None:
    for path, c in CASES.items():
        case_dir = os.path.join(out_root, path)
        if os.path.exists(case_dir):
            shutil.rmtree(case_dir)
        valid = path.startswith("valid/")
        write_store(os.path.join(case_dir, "store"), c["tree"], c["fmt"], c["consolidated"])
        if c["post"]:
            c["post"](os.path.join(case_dir, "store"))
        write_case(case_dir, c["description"], c["fmt"], valid, c["rules"], c["level"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = ap.parse_args()
    if not args.check:
        generate(CONFORMANCE)
        print(f"wrote {len(CASES)} cases")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp)
        bad = []
        for path in CASES:
            bad += _diff(os.path.join(tmp, path), os.path.join(CONFORMANCE, path), path)
        if bad:
            print("cases differ from the generator output:", file=sys.stderr)
            for b in bad:
                print("  " + b, file=sys.stderr)
            print("run: python3 conformance/tools/generate_cases.py", file=sys.stderr)
            return 1
    print(f"{len(CASES)} cases match the generator")
    return 0


if __name__ == "__main__":
    sys.exit(main())
