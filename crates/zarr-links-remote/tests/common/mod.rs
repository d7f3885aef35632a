//! Helpers shared by the remote-store tests.

pub mod moto;
pub mod server;
