//! placeholder
pub struct ExternalCheck;
pub enum Reach {}
pub fn check_external() {}
