//! Random bytes and randomly damaged bundles: `open` may refuse anything, but it never panics,
//! never writes outside `--out` and never leaves a link or its scratch folder behind.

use proptest::prelude::*;
use proptest::sample::Index;

use crate::helpers::{Desk, MIB};
use crate::layout::good_tip;
use crate::work::Work;

/// Names a hostile server might put in a header.
const NAMES: [&[u8]; 10] = [
    b"../evil.age",
    b"/tmp/evil.age",
    b"..",
    b".",
    b"",
    b"manifest.json",
    b"a/b.age",
    b"..\\evil.age",
    b"0123456789abcdef.age",
    b"MANIFEST.JSON",
];

/// Entry types, including the ones that describe the next entry.
const TYPES: [u8; 13] = [
    b'0', b'1', b'2', b'3', b'4', b'5', b'6', b'7', b'L', b'K', b'x', b'g', b'S',
];

#[derive(Debug, Clone)]
enum Mutation {
    Flip(Index, u8),
    Rename(Index, usize),
    Retype(Index, u8),
    Cut(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip(at, byte)),
        (any::<Index>(), 0..NAMES.len()).prop_map(|(at, name)| Mutation::Rename(at, name)),
        (any::<Index>(), prop::sample::select(TYPES.to_vec()))
            .prop_map(|(at, kind)| Mutation::Retype(at, kind)),
        any::<Index>().prop_map(Mutation::Cut),
    ]
}

/// Where each header starts, following the sizes the headers give.
fn header_offsets(tar: &[u8]) -> Vec<usize> {
    let mut offsets = Vec::new();
    let mut at = 0;
    while at + 512 <= tar.len() && tar[at..at + 512].iter().any(|b| *b != 0) {
        offsets.push(at);
        let header = tar::Header::from_byte_slice(&tar[at..at + 512]);
        // An earlier mutation may have damaged a size; the headers before it still count.
        let Some(next) = header
            .entry_size()
            .ok()
            .and_then(|size| usize::try_from(size).ok())
            .and_then(|size| size.checked_next_multiple_of(512))
            .and_then(|size| size.checked_add(at + 512))
        else {
            break;
        };
        at = next;
    }
    offsets
}

/// Changes one header through `change` and fixes its checksum, so the change gets past the
/// parser's first check and reaches the code under test.
fn rewrite(tar: &mut [u8], at: usize, change: impl FnOnce(&mut tar::Header)) {
    let mut header = tar::Header::new_old();
    header.as_mut_bytes().copy_from_slice(&tar[at..at + 512]);
    change(&mut header);
    header.set_cksum();
    tar[at..at + 512].copy_from_slice(header.as_bytes());
}

fn apply(tar: &mut Vec<u8>, mutation: &Mutation) {
    let offsets = header_offsets(tar);
    match mutation {
        Mutation::Flip(at, byte) if !tar.is_empty() => {
            let i = at.index(tar.len());
            tar[i] = *byte;
        }
        Mutation::Rename(at, name) if !offsets.is_empty() => {
            let name = NAMES[*name];
            rewrite(tar, offsets[at.index(offsets.len())], |header| {
                let old = header.as_old_mut();
                old.name = [0; 100];
                old.name[..name.len()].copy_from_slice(name);
            });
        }
        Mutation::Retype(at, kind) if !offsets.is_empty() => {
            rewrite(tar, offsets[at.index(offsets.len())], |header| {
                header.set_entry_type(tar::EntryType::new(*kind));
            });
        }
        Mutation::Cut(at) if !tar.is_empty() => tar.truncate(at.index(tar.len())),
        _ => {}
    }
}

/// Opens `bundle` into a fresh folder; the checks are in `Work::open` and `Work::files`.
fn open_anything(desk: &Desk, bundle: &[u8]) {
    let work = Work::new(bundle);
    let _ = work.open(desk, MIB);
    if work.out().exists() {
        work.files();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_never_escape_out_nor_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..4096)
    ) {
        open_anything(&Desk::new(), &bytes);
    }

    #[test]
    fn mutated_bundles_never_escape_out_nor_leave_a_link(
        mutations in prop::collection::vec(mutation(), 1..6)
    ) {
        let desk = Desk::new();
        let mut bundle = good_tip(&desk).bundle();
        for mutation in &mutations {
            apply(&mut bundle, mutation);
        }
        open_anything(&desk, &bundle);
    }
}
