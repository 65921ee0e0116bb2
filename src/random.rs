//! The one source of randomness for secrets and ids: the operating system's generator.
//!
//! If the OS generator fails (on Linux: `getrandom(2)` failing after boot, which does not happen
//! in practice), no receipt, token or key can be made safely, so `UnwrapErr` stops the process
//! rather than handing out a weak secret.

use rand::Rng;
use rand::rand_core::UnwrapErr;

/// Fills `buf` with bytes from the operating system's random generator.
pub fn fill(buf: &mut [u8]) {
    UnwrapErr(rand::rngs::SysRng).fill_bytes(buf);
}
