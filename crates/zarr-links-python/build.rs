//! Linker arguments for an extension module built by plain cargo on macOS
//! (`-undefined dynamic_lookup`); nothing elsewhere.

fn main() {
    pyo3_build_config::add_extension_module_link_args();
}
