//! Command line.
pub fn run_from_env() -> i32 {
    0
}
