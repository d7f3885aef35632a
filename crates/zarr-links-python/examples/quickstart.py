import zarr
import zarr_links

root = zarr.open_group("S2_L2A.zarr", mode="r+")
b04 = "/measurements/reflectance/r10m/b04"

# "this node <type> <target>", stated once, on the node the link starts from
zarr_links.add_link(root["quality/mask/r10m/b04"], b04, "quality_for")
zarr_links.add_link(root["indices/ndvi"], b04, "derived_from")
zarr_links.add_link(root["indices/ndvi"], "/measurements/reflectance/r10m/b08", "derived_from")
zarr_links.write_index(root)  # the root group's links:index

report = zarr_links.validate(root)
print(report)  # each finding with its rule ID, then "valid: 0 errors, 0 warnings in 19 nodes"
assert report.valid
