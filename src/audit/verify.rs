//! Walking the chain: every stored entry must sit under its own sequence number, follow the entry
//! before it, and carry the hash of its own content; the last one must be the one the head
//! recorded. The first entry that fails is named, because everything after it is suspect too.

use super::entry::{Entry, GENESIS};
use super::{AuditError, Head};

/// Checks the stored `(seq, entry)` rows, in order, against the stored head record; returns the
/// number of entries.
pub(super) fn chain(
    entries: impl Iterator<Item = Result<(i64, String), AuditError>>,
    head: Option<&str>,
) -> Result<u64, AuditError> {
    let mut last = Head {
        seq: 0,
        hash: GENESIS.to_owned(),
    };
    for item in entries {
        let (key, value) = item?;
        last = link(&last, key, value.as_bytes())?;
    }
    end(&last, head.map(str::as_bytes))?;
    Ok(last.seq)
}

/// Checks the entry stored under `key` as the successor of `prev`; returns its own link.
fn link(prev: &Head, key: i64, value: &[u8]) -> Result<Head, AuditError> {
    let expected = prev.seq + 1;
    let seq =
        u64::try_from(key).map_err(|_| broken(expected, "is stored under a malformed key"))?;
    if seq != expected {
        return Err(broken(
            expected,
            format!("is missing (the next stored entry is {seq})"),
        ));
    }
    let entry = parse(seq, value)?;
    if entry.seq != seq {
        return Err(broken(
            seq,
            format!("holds entry {} (entries were moved or swapped)", entry.seq),
        ));
    }
    if entry.prev != prev.hash {
        return Err(broken(
            seq,
            format!("does not follow entry {} (prev hash differs)", prev.seq),
        ));
    }
    if entry.expected_hash() != entry.hash {
        return Err(broken(
            seq,
            "was changed (its hash does not match its content)",
        ));
    }
    Ok(Head {
        seq,
        hash: entry.hash,
    })
}

/// Parses a stored value. The parser's message is left out on purpose: it can quote stored text,
/// and stored text is not to be trusted on an operator's terminal.
pub(super) fn parse(seq: u64, value: &[u8]) -> Result<Entry, AuditError> {
    serde_json::from_slice(value).map_err(|e| {
        broken(
            seq,
            format!("is not a valid entry (bad JSON at column {})", e.column()),
        )
    })
}

/// The stored chain must end where the head says: this is what catches a removed tail.
fn end(last: &Head, head: Option<&[u8]>) -> Result<(), AuditError> {
    let head = match head.map(Head::decode) {
        None if last.seq == 0 => return Ok(()),
        None => {
            return Err(broken(
                last.seq,
                "is the last entry, but the head record is missing, so the end cannot be confirmed",
            ));
        }
        Some(None) => {
            return Err(broken(
                last.seq,
                "is the last entry, but the head record is damaged, so the end cannot be confirmed",
            ));
        }
        Some(Some(head)) => head,
    };
    if head.seq > last.seq {
        Err(broken(
            last.seq + 1,
            format!(
                "is missing (the log ends at entry {} but {} were written)",
                last.seq, head.seq
            ),
        ))
    } else if head.seq < last.seq {
        Err(broken(
            head.seq + 1,
            "was added without passing through the log (the head does not know it)",
        ))
    } else if head.hash != last.hash {
        Err(broken(
            last.seq,
            "is not the entry the head recorded (its hash differs)",
        ))
    } else {
        Ok(())
    }
}

pub(super) fn broken(seq: u64, reason: impl Into<String>) -> AuditError {
    AuditError::Broken {
        seq,
        reason: reason.into(),
    }
}
