//! Safe file names (being written).
