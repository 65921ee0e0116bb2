//! Opening a bundle (being written).
