#!/usr/bin/env python3
"""Generate the four use-case stores of the conformance suite.

    python3 conformance/tools/generate_use_cases.py          # (re)write them
    python3 conformance/tools/generate_use_cases.py --check  # fail if the committed files differ

Writes, under conformance/valid/use-cases/:

- sentinel2-l2a-v3/  a Sentinel-2 L2A product (Zarr v3, one zarr.json per node)
- sentinel2-l2a-v2/  the same product in Zarr v2, with consolidated `.zmetadata`
- climate-model-v3/  climate model output (Zarr v3)
- climate-model-v2/  the same in Zarr v2

Metadata only: no chunk files. Deterministic: no clocks, no randomness.
Standard library only.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zarrgen import (  # noqa: E402
    LINKS_CMO,
    LINKS_CMO_FULL,
    PROJ_CMO,
    Array,
    Group,
    link,
    uses,
    write_case,
    write_store,
)

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(HERE)
OUT = os.path.join(CONFORMANCE, "valid", "use-cases")

CELL_MEASURES = "https://zarr-links.github.io/zarr-links/interoperability.html#cell-measures"
L1C_STORE = "s3://eopf-samples/S2B_MSIL1C_20250113T103309_N0511_R108_T32TLQ_20250113T122458.zarr"

# ---------------------------------------------------------------------------
# Sentinel-2 L2A
# ---------------------------------------------------------------------------

RES = {"r10m": (10980, 1830, 10), "r20m": (5490, 915, 20), "r60m": (1830, 305, 60)}
# Bands as the L2A product carries them per resolution (no b10: the cirrus band
# is not part of L2A). Native bands are measured at that resolution; the rest
# are resampled from the next finer one.
NATIVE = {
    "r10m": ["b02", "b03", "b04", "b08"],
    "r20m": ["b05", "b06", "b07", "b8a", "b11", "b12"],
    "r60m": ["b01", "b09"],
}
BANDS = {
    "r10m": ["b02", "b03", "b04", "b08"],
    "r20m": ["b02", "b03", "b04", "b05", "b06", "b07", "b8a", "b11", "b12"],
    "r60m": ["b01", "b02", "b03", "b04", "b05", "b06", "b07", "b09", "b8a", "b11", "b12"],
}
WAVELENGTH = {
    "b01": 442.7, "b02": 492.7, "b03": 559.8, "b04": 664.6, "b05": 704.1, "b06": 740.5,
    "b07": 782.8, "b08": 832.8, "b8a": 864.7, "b09": 945.1, "b11": 1613.7, "b12": 2202.4,
}
EPSG = "EPSG:32632"


def coords(tree: dict, group: str, res: str) -> None:
    n = RES[res][0]
    for axis in ("x", "y"):
        tree[f"{group}/{axis}"] = Array(
            [n], "int64", [axis], fill_value=0,
            attrs={"standard_name": f"projection_{axis}_coordinate",
                   "long_name": f"{axis} coordinate of cell centre", "units": "m"},
        )


def res_group(attrs: dict | None = None) -> Group:
    a = uses(PROJ_CMO)
    a["proj:code"] = EPSG
    if attrs:
        a.update(attrs)
    return Group(a)


def grid(res: str, dtype: str, fill, attrs: dict, dims=("y", "x")) -> Array:
    n, c, _ = RES[res]
    return Array([n, n], dtype, list(dims), chunks=[c, c], fill_value=fill, attrs=attrs)


def linked(links: list[dict], extra: dict | None = None, proj: bool = False) -> dict:
    cmos = [LINKS_CMO] + ([PROJ_CMO] if proj else [])
    a = uses(*cmos)
    if proj:
        a["proj:code"] = EPSG
    if extra:
        a.update(extra)
    a["links:relationships"] = links
    return a


def sentinel2() -> dict:
    t: dict = {}
    bands_index: list[str] = []
    resampled_index: list[str] = []
    quality_index: list[str] = []
    derived_index: list[str] = []

    t["/measurements"] = Group({"description": "Measured surface reflectance"})
    t["/measurements/reflectance"] = Group({})
    for res in RES:
        g = f"/measurements/reflectance/{res}"
        t[g] = res_group({"resolution_m": RES[res][2]})
        coords(t, g, res)
        for b in BANDS[res]:
            base = {
                "long_name": f"BOA reflectance from MSI acquisition, band {b.upper()}",
                "standard_name": "surface_bidirectional_reflectance",
                "units": "1",
                "scale_factor": 0.0001,
                "add_offset": -0.1,
                "wavelength_nm": WAVELENGTH[b],
            }
            path = f"{g}/{b}"
            if b in NATIVE[res]:
                links = [link(f"{L1C_STORE}#/measurements/reflectance/{res}/{b}", "derived_from",
                              description=f"Atmospherically corrected from the Level-1C TOA reflectance of {b.upper()}")]
                bands_index.append(path)
            else:
                finer = "r10m" if res == "r20m" else "r20m"
                links = [link(f"/measurements/reflectance/{finer}/{b}", "derived_from",
                              description=f"{b.upper()} resampled to {RES[res][2]} m"),
                         link(f"/measurements/reflectance/{finer}/{b}", "same_as",
                              description=f"The same reflectance as {b.upper()} at {RES[finer][2]} m, on a coarser grid")]
                resampled_index.append(path)
            t[path] = grid(res, "uint16", 0, linked(links, base, proj=True))

    # quality ------------------------------------------------------------
    t["/quality"] = Group({"description": "Quality information"})
    for kind, label in (("mask", "Defective and saturated pixel mask"), ("detector_footprint", "Detector footprint")):
        t[f"/quality/{kind}"] = Group({})
        for res in RES:
            g = f"/quality/{kind}/{res}"
            t[g] = res_group()
            coords(t, g, res)
            for b in NATIVE[res]:
                path = f"{g}/{b}"
                target = f"/measurements/reflectance/{res}/{b}"
                extra = {"long_name": f"{label} for band {b.upper()}"}
                if kind == "mask":
                    extra.update({"flag_masks": [1, 2, 4], "flag_meanings": "no_data defective saturated"})
                else:
                    extra.update({"flag_values": list(range(1, 13)), "flag_meanings": " ".join(f"detector_{i}" for i in range(1, 13))})
                t[path] = grid(res, "uint8", 0, linked([link(target, "quality_for", description=f"{label} for {b.upper()}")], extra, proj=True))
                quality_index.append(path)

    t["/quality/atmosphere"] = Group({})
    for res in RES:
        g = f"/quality/atmosphere/{res}"
        t[g] = res_group()
        coords(t, g, res)
        for var, ln in (("aot", "Aerosol optical thickness at 550 nm"), ("wvp", "Water vapour column")):
            extra = {"long_name": ln, "scale_factor": 0.001, "units": "1" if var == "aot" else "cm"}
            if res == "r20m":
                if var == "aot":
                    links = [link("/conditions/meteorology/cams/aod550", "derived_from",
                                  description="CAMS aerosol forecast used as first guess")]
                else:
                    links = [link("/measurements/reflectance/r20m/b8a", "derived_from"),
                             link("/measurements/reflectance/r60m/b09", "derived_from",
                                  description="Water vapour from the B09/B8A absorption ratio")]
            else:
                links = [link(f"/quality/atmosphere/r20m/{var}", "derived_from",
                              description=f"Resampled to {RES[res][2]} m")]
            t[f"{g}/{var}"] = grid(res, "uint16", 0, linked(links, extra, proj=True))

    t["/quality/probability"] = Group({})
    t["/quality/probability/r20m"] = res_group()
    coords(t, "/quality/probability/r20m", "r20m")
    for var, ln in (("cld", "Cloud probability"), ("snw", "Snow probability")):
        path = f"/quality/probability/r20m/{var}"
        t[path] = grid("r20m", "uint8", 0, linked(
            [link("/measurements/reflectance/r20m", "quality_for",
                  description=f"{ln} for every band of the 20 m grid")],
            {"long_name": ln, "units": "percent"}, proj=True))
        quality_index.append(path)

    # classification -----------------------------------------------------
    t["/classification"] = Group({})
    scl_meanings = ("no_data saturated_or_defective dark_area_pixels cloud_shadows vegetation "
                    "not_vegetated water unclassified cloud_medium_probability cloud_high_probability "
                    "thin_cirrus snow")
    for res in ("r20m", "r60m"):
        g = f"/classification/{res}"
        t[g] = res_group()
        coords(t, g, res)
        extra = {"long_name": "Scene classification", "flag_values": list(range(12)), "flag_meanings": scl_meanings}
        if res == "r20m":
            links = [link(f"/measurements/reflectance/r10m/{b}", "quality_for") for b in NATIVE["r10m"]]
            links += [link(f"/measurements/reflectance/r20m/{b}", "quality_for") for b in NATIVE["r20m"]]
            links[0]["description"] = "Scene classification applies to every 10 m and 20 m band"
        else:
            links = [link("/classification/r20m/scl", "derived_from", description="Resampled to 60 m")]
        t[f"{g}/scl"] = grid(res, "uint8", 0, linked(links, extra, proj=True))
    quality_index.append("/classification/r20m/scl")

    # quicklook ----------------------------------------------------------
    t["/quicklook"] = Group({})
    for res in RES:
        g = f"/quicklook/{res}"
        t[g] = res_group()
        coords(t, g, res)
        t[f"{g}/band"] = Array([3], "uint8", ["band"], fill_value=0, attrs={"long_name": "RGB channel", "flag_meanings": "red green blue"})
        n, c, _ = RES[res]
        links = [link(f"/measurements/reflectance/{res}/{b}", "derived_from") for b in ("b04", "b03", "b02")]
        links[0]["description"] = "True-colour image: red from B04, green from B03, blue from B02"
        t[f"{g}/tci"] = Array([3, n, n], "uint8", ["band", "y", "x"], chunks=[3, c, c], fill_value=0,
                              attrs=linked(links, {"long_name": "True colour image"}, proj=True))
        derived_index.append(f"{g}/tci")

    # indices ------------------------------------------------------------
    t["/indices"] = res_group({"description": "Spectral indices on the 10 m grid"})
    coords(t, "/indices", "r10m")
    t["/indices/ndvi"] = grid("r10m", "float32", "NaN", linked(
        [link("/measurements/reflectance/r10m/b04", "derived_from", description="Red"),
         link("/measurements/reflectance/r10m/b08", "derived_from", description="Near infrared")],
        {"long_name": "Normalized difference vegetation index", "units": "1",
         "comment": "(B08 - B04) / (B08 + B04)"}, proj=True))
    derived_index.insert(0, "/indices/ndvi")

    # conditions ---------------------------------------------------------
    t["/conditions"] = Group({})
    t["/conditions/geometry"] = res_group({"description": "Sun and viewing angles on a 5 km grid"})
    geo = "/conditions/geometry"
    t[f"{geo}/angle"] = Array([2], "int64", ["angle"], attrs={"flag_meanings": "zenith azimuth"})
    t[f"{geo}/band"] = Array([13], "int64", ["band"])
    t[f"{geo}/detector"] = Array([12], "int64", ["detector"])
    t[f"{geo}/x"] = Array([23], "int64", ["x"], attrs={"standard_name": "projection_x_coordinate", "units": "m"})
    t[f"{geo}/y"] = Array([23], "int64", ["y"], attrs={"standard_name": "projection_y_coordinate", "units": "m"})
    t[f"{geo}/sun_angles"] = Array([2, 23, 23], "float64", ["angle", "y", "x"], fill_value="NaN",
                                   attrs={"long_name": "Solar zenith and azimuth angles", "units": "degree"})
    t[f"{geo}/viewing_incidence_angles"] = Array(
        [13, 12, 2, 23, 23], "float64", ["band", "detector", "angle", "y", "x"],
        chunks=[1, 12, 2, 23, 23], fill_value="NaN",
        attrs={"long_name": "Viewing zenith and azimuth angles per band and detector", "units": "degree"})
    t[f"{geo}/mean_sun_angles"] = Array([2], "float64", ["angle"], fill_value="NaN", attrs=linked(
        [link(f"{geo}/sun_angles", "derived_from", description="Mean over the tile")],
        {"units": "degree"}))
    t[f"{geo}/mean_viewing_incidence_angles"] = Array([13, 2], "float64", ["band", "angle"], fill_value="NaN", attrs=linked(
        [link(f"{geo}/viewing_incidence_angles", "derived_from", description="Mean over the tile and detectors")],
        {"units": "degree"}))
    t["/conditions/meteorology"] = Group({})
    for src, vars_ in (
        ("cams", ["aod469", "aod550", "aod670", "aod865", "aod1240", "bcaod550", "duaod550"]),
        ("ecmwf", ["msl", "r", "tco3", "tcwv", "u10", "v10"]),
    ):
        g = f"/conditions/meteorology/{src}"
        t[g] = Group({"description": f"{src.upper()} forecast fields on a 9 x 9 grid"})
        t[f"{g}/latitude"] = Array([9], "float64", ["latitude"], fill_value="NaN",
                                   attrs={"standard_name": "latitude", "units": "degrees_north"})
        t[f"{g}/longitude"] = Array([9], "float64", ["longitude"], fill_value="NaN",
                                    attrs={"standard_name": "longitude", "units": "degrees_east"})
        for v in vars_:
            attrs = {"long_name": v}
            if v in ("u10", "v10"):
                attrs = linked([link(f"{g}/wind10", "part_of",
                                     description=f"The {v[0]} component of the 10 m wind")], attrs)
            t[f"{g}/{v}"] = Array([9, 9], "float32", ["latitude", "longitude"], fill_value="NaN",
                                  attrs=attrs)
        if src == "ecmwf":
            # A vector stored as two arrays: the group states what its parts
            # are, and each part says what it belongs to.
            t[f"{g}/wind10"] = Group(linked(
                [link(f"{g}/u10", "contains"), link(f"{g}/v10", "contains")],
                {"long_name": "10 m wind vector", "description": "Its eastward (u10) and northward (v10) components"}))

    # root ---------------------------------------------------------------
    root = uses(LINKS_CMO_FULL)
    root.update({
        "title": "Sentinel-2B MSI Level-2A, tile 32TLQ, 2025-01-13",
        "product_type": "S2MSI2A",
        "platform": "sentinel-2b",
        "links:index": {
            "bands": bands_index,
            "resampled": resampled_index,
            "quality": quality_index,
            "classification": ["/classification/r20m/scl", "/classification/r60m/scl"],
            "derived": derived_index,
            "atmosphere": [f"/quality/atmosphere/{r}/{v}" for r in RES for v in ("aot", "wvp")],
            "geometry": [f"{geo}/sun_angles", f"{geo}/viewing_incidence_angles"],
        },
        "links:relationships": [
            link("https://sentiwiki.copernicus.eu/web/s2-products", "describedby",
                 title="Sentinel-2 product specification", media_type="text/html"),
            link("https://sentinels.copernicus.eu/documents/247904/690755/Sentinel_Data_Legal_Notice", "license",
                 title="Legal notice on the use of Copernicus Sentinel data", media_type="application/pdf"),
            link(L1C_STORE, "derived_from", title="The Level-1C product this product was processed from"),
        ],
    })
    t["/"] = Group(root)
    return t


# ---------------------------------------------------------------------------
# climate model output
# ---------------------------------------------------------------------------

def climate() -> dict:
    t: dict = {}
    ny, nx = 180, 360
    cm_link = link("/cell_area", CELL_MEASURES, description="CF cell_measures: area")

    def time_axis(n: int, units: str) -> Array:
        return Array([n], "int64", ["time"], fill_value=0,
                     attrs={"standard_name": "time", "units": units, "calendar": "proleptic_gregorian",
                            "axis": "T", "bounds": "time_bnds"})

    def time_bnds(n: int) -> Array:
        return Array([n, 2], "int64", ["time", "bnds"], fill_value=0, attrs={})

    t["/lat"] = Array([ny], "float64", ["lat"], fill_value="NaN",
                      attrs={"standard_name": "latitude", "units": "degrees_north", "axis": "Y", "bounds": "lat_bnds"})
    t["/lon"] = Array([nx], "float64", ["lon"], fill_value="NaN",
                      attrs={"standard_name": "longitude", "units": "degrees_east", "axis": "X", "bounds": "lon_bnds"})
    t["/lat_bnds"] = Array([ny, 2], "float64", ["lat", "bnds"], fill_value="NaN")
    t["/lon_bnds"] = Array([nx, 2], "float64", ["lon", "bnds"], fill_value="NaN")
    t["/height"] = Array([], "float64", [], fill_value="NaN",
                         attrs={"standard_name": "height", "units": "m", "positive": "up", "axis": "Z"})
    t["/time"] = time_axis(12, "days since 2014-01-01")
    t["/time_bnds"] = time_bnds(12)
    t["/cell_area"] = Array([ny, nx], "float32", ["lat", "lon"], fill_value="NaN",
                            attrs={"standard_name": "cell_area", "long_name": "Grid-cell area", "units": "m2"})
    t["/temperature"] = Array([12, ny, nx], "float32", ["time", "lat", "lon"], chunks=[1, ny, nx], fill_value="NaN",
                              attrs=linked([cm_link], {
                                  "standard_name": "air_temperature",
                                  "long_name": "Near-surface air temperature, monthly mean",
                                  "units": "K",
                                  "cell_methods": "area: mean time: mean",
                                  "cell_measures": "area: cell_area",
                                  "coordinates": "height",
                                  "ancillary_variables": "temperature_uncertainty",
                              }))
    t["/temperature_uncertainty"] = Array([12, ny, nx], "float32", ["time", "lat", "lon"], chunks=[1, ny, nx],
                                          fill_value="NaN", attrs=linked(
        [link("/temperature", "quality_for", description="One standard error of the ensemble mean")],
        {"standard_name": "air_temperature standard_error", "long_name": "Standard error of near-surface air temperature",
         "units": "K", "cell_measures": "area: cell_area", "coordinates": "height"}))

    t["/precipitation"] = Group({"description": "Precipitation at two time steps"})
    t["/precipitation/daily"] = Group({"frequency": "day"})
    t["/precipitation/daily/time"] = time_axis(365, "days since 2014-01-01")
    t["/precipitation/daily/time_bnds"] = time_bnds(365)
    t["/precipitation/daily/pr"] = Array([365, ny, nx], "float32", ["time", "lat", "lon"], chunks=[30, ny, nx],
                                         fill_value="NaN", attrs=linked([cm_link], {
        "standard_name": "precipitation_flux", "long_name": "Precipitation", "units": "kg m-2 s-1",
        "cell_methods": "area: mean time: mean", "cell_measures": "area: cell_area"}))
    t["/precipitation/monthly"] = Group({"frequency": "mon"})
    t["/precipitation/monthly/time"] = time_axis(12, "days since 2014-01-01")
    t["/precipitation/monthly/time_bnds"] = time_bnds(12)
    t["/precipitation/monthly/pr"] = Array([12, ny, nx], "float32", ["time", "lat", "lon"], chunks=[1, ny, nx],
                                           fill_value="NaN", attrs=linked(
        [link("/precipitation/daily/pr", "derived_from", description="Monthly mean of the daily precipitation"),
         cm_link], {
            "standard_name": "precipitation_flux", "long_name": "Precipitation", "units": "kg m-2 s-1",
            "cell_methods": "area: mean time: mean", "cell_measures": "area: cell_area"}))

    root = uses(LINKS_CMO_FULL)
    root.update({
        "Conventions": "CF-1.11",
        "title": "Example climate model output, historical run, 2014",
        "institution": "Example Climate Centre",
        "source": "EXAMPLE-ESM 1.0, 1 degree atmosphere",
        "experiment_id": "historical",
        "links:index": {
            "variables": ["/temperature", "/precipitation/daily/pr", "/precipitation/monthly/pr"],
            "quality": ["/temperature_uncertainty"],
            "derived": ["/precipitation/monthly/pr"],
            "cell_measures": ["/cell_area"],
            "coordinates": ["/lat", "/lon", "/time", "/height"],
        },
        "links:relationships": [
            link("https://cfconventions.org/Data/cf-conventions/cf-conventions-1.11/cf-conventions.html",
                 "describedby", title="CF Conventions 1.11", media_type="text/html"),
            link("https://creativecommons.org/licenses/by/4.0/", "license", title="CC BY 4.0", media_type="text/html"),
            link("https://data.example.org/thredds/dodsC/example-esm/historical/pr_day_2014.nc", "enclosure",
                 title="OPeNDAP access to the daily precipitation file", media_type="application/octet-stream",
                 protocol="OPeNDAP:DAP2"),
        ],
    })
    t["/"] = Group(root)
    return t


CASES = [
    ("sentinel2-l2a-v3", sentinel2, 3, True,
     "Sentinel-2 L2A product: 10/20/60 m bands, masks, detector footprints, scene classification, "
     "AOT/WVP, true-colour quicklooks, NDVI, angles, a wind vector (Zarr v3, inline consolidated metadata)"),
    ("sentinel2-l2a-v2", sentinel2, 2, True,
     "Sentinel-2 L2A product: 10/20/60 m bands, masks, detector footprints, scene classification, "
     "AOT/WVP, true-colour quicklooks, NDVI, angles, a wind vector (Zarr v2, consolidated .zmetadata)"),
    ("climate-model-v3", climate, 3, False,
     "Climate model output: temperature with its uncertainty, daily and monthly precipitation, "
     "cell areas, CF attributes mirroring the links (Zarr v3)"),
    ("climate-model-v2", climate, 2, False,
     "Climate model output: temperature with its uncertainty, daily and monthly precipitation, "
     "cell areas, CF attributes mirroring the links (Zarr v2)"),
]

RULES = {
    "sentinel2": [
        "links.declaration.required", "links.declaration.cmo", "links.relationships.array",
        "links.link.target", "links.link.type", "links.link.fields", "links.target.form",
        "links.target.resolves", "links.kind.quality-for", "links.kind.same-as", "links.kind.part-of",
        "links.kind.contains", "links.inverse.agree", "links.cycle.derived-from", "links.cycle.part-of",
        "links.index.object", "links.index.path", "links.index.on-group", "links.index.resolves",
        "links.target.uri", "links.store.consolidated",
    ],
    "climate": [
        "links.declaration.required", "links.declaration.cmo", "links.relationships.array",
        "links.link.target", "links.link.type", "links.link.fields", "links.target.form",
        "links.target.resolves", "links.kind.quality-for", "links.index.object", "links.index.path",
        "links.index.resolves", "links.target.uri",
    ],
}


def generate(out_root: str) -> None:
    for name, build, fmt, consolidated, desc in CASES:
        case_dir = os.path.join(out_root, name)
        write_store(os.path.join(case_dir, "store"), build(), fmt, consolidated)
        key = "sentinel2" if name.startswith("sentinel2") else "climate"
        write_case(case_dir, desc, fmt, True, RULES[key], "hierarchy")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = ap.parse_args()
    if not args.check:
        generate(OUT)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp)
        bad = []
        for name, *_ in CASES:
            bad += _diff(os.path.join(tmp, name), os.path.join(OUT, name), name)
        if bad:
            print("use-case stores differ from the generator output:", file=sys.stderr)
            for b in bad:
                print("  " + b, file=sys.stderr)
            print("run: python3 conformance/tools/generate_use_cases.py", file=sys.stderr)
            return 1
    print("use-case stores match the generator")
    return 0


def _diff(a: str, b: str, rel: str) -> list[str]:
    """The differences between the generated tree `a` and the committed `b`.

    Symbolic links are compared as links (their targets), never followed:
    the symlink cases include a loop and a fan-out that a walk following
    them would never finish.
    """
    if os.path.islink(b) or not os.path.isdir(b):
        return [f"{rel}: missing"]
    left, right = set(os.listdir(a)), set(os.listdir(b))
    out = [f"{rel}/{n}: only in generator output" for n in sorted(left - right)]
    out += [f"{rel}/{n}: not generated" for n in sorted(right - left)]
    for n in sorted(left & right):
        pa, pb, r = os.path.join(a, n), os.path.join(b, n), f"{rel}/{n}"
        if os.path.islink(pa) or os.path.islink(pb):
            same = os.path.islink(pa) and os.path.islink(pb) and os.readlink(pa) == os.readlink(pb)
            if not same:
                out.append(f"{r}: differs (symbolic link)")
        elif os.path.isdir(pa) and os.path.isdir(pb):
            out += _diff(pa, pb, r)
        elif not (os.path.isfile(pa) and os.path.isfile(pb) and filecmp.cmp(pa, pb, shallow=False)):
            out.append(f"{r}: differs")
    return out


if __name__ == "__main__":
    sys.exit(main())
