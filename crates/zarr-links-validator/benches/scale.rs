//! Placeholder; the scale benchmark lands next.
fn main() {}
