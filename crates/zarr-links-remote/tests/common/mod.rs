//! Helpers shared by the remote-store tests.

pub mod server;
