//! What the load sent and what came back acknowledged: the record the final check holds the
//! data folder and the receipts against.

use std::collections::HashSet;

use super::payload::Marker;

#[derive(Default, Debug, Clone)]
pub struct Counts {
    pub tips_sent: u32,
    pub tips_with_files_sent: u32,
    pub tip_files_sent: u32,
    pub followups_sent: u32,
    pub followup_files_sent: u32,
    pub tips_acked: u32,
    pub tip_files_acked: u32,
    pub followups_acked: u32,
    pub followup_files_acked: u32,
    /// Requests whose connection a kill cut (or that found no server listening).
    pub cut: u32,
}

/// A tip whose receipt came back, with what was sent and acknowledged for it since.
#[derive(Clone)]
pub struct AckedTip {
    pub tip: u32,
    pub receipt: String,
    pub files: u32,
    pub followups_sent: u32,
    /// Acknowledged follow-ups: number and how many files each carried.
    pub followups: Vec<(u32, u32)>,
}

#[derive(Default, Clone)]
pub struct Ledger {
    pub counts: Counts,
    pub tips: Vec<AckedTip>,
    /// Every marker that left the client, acknowledged or not.
    pub sent: HashSet<Marker>,
    pub failures: Vec<String>,
}
