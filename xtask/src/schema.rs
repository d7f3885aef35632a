//! `cargo xtask schema`: write the generated JSON Schemas to `schema/`.

use std::path::Path;

use zarr_links_model::schema::schema_files;

/// Writes every schema file, or with `check` only reports the ones that differ.
pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let dir = root.join("schema");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut stale = Vec::new();
    for (name, text) in schema_files() {
        let path = dir.join(name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            continue;
        }
        if check {
            stale.push(name);
        } else {
            std::fs::write(&path, &text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("wrote schema/{name}");
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "schema/{} differ from the Rust types; run `cargo xtask schema` and commit the result",
            stale.join(", schema/")
        ))
    }
}
