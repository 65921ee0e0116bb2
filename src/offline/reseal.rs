//! Sealing replies and re-sealing for a transfer (being written).
