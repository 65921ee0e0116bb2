//! Tests of re-sealing in place: the check inside the transaction (issue 9, defect 3a), the
//! kept ciphertexts surviving the start-up sweep, a take-back, and a move a crash interrupted.

use super::*;
use crate::seal::TempPath;
use crate::store::tests::{item, lookup, record};

/// A report with `n` items whose files hold `old-<i>`.
fn report_with(store: &Store, n: usize) -> (ReportId, Vec<ItemRecord>) {
    let id = ReportId::random();
    let items: Vec<ItemRecord> = (0..n).map(|_| item()).collect();
    store
        .create_report(&record(&id, items.clone()), &lookup(9), vec![])
        .unwrap();
    for (i, item) in items.iter().enumerate() {
        std::fs::write(store.item_path(&id, &item.id), format!("old-{i}")).unwrap();
    }
    (id, items)
}

/// New ciphertexts for `items`, waiting in `tmp/`, holding `new-<i>`.
fn fresh(store: &Store, items: &[ItemRecord]) -> Vec<Sealed> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let path = store.tmp_dir().join(format!("{}.part", ItemId::random()));
            std::fs::write(&path, format!("new-{i}")).unwrap();
            Sealed {
                id: item.id.clone(),
                temp: TempPath::guard(path),
                plaintext_len: 0,
                ciphertext_len: 5,
            }
        })
        .collect()
}

fn plan(store: &Store, items: &[ItemRecord], keep: bool) -> Reseal {
    Reseal {
        from: "ap".parse().unwrap(),
        items: items.iter().map(|i| i.id.clone()).collect(),
        fresh: fresh(store, items),
        keep_until: keep.then_some(Day(20_014)),
    }
}

fn to_om(r: &mut ReportRecord) {
    r.desk = "om".parse().unwrap();
}

fn content(store: &Store, id: &ReportId, item: &ItemRecord) -> String {
    std::fs::read_to_string(store.item_path(id, &item.id)).unwrap()
}

fn entries(path: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// issue 9, defect 3a: a follow-up stored while a transfer lands must not be filed under the new
// desk sealed for the old one; the transfer sees the change inside its transaction and refuses.
#[test]
fn a_transfer_whose_report_gained_an_item_after_the_package_was_read_is_refused_and_nothing_changes()
 {
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(data.path()).unwrap();
    let (id, items) = report_with(&store, 2);
    let package = plan(&store, &items, true);
    // The reporter's follow-up lands between reading the package and storing it.
    let followup = item();
    store
        .add_items(&id, vec![followup.clone()], vec![], Day(20_000))
        .unwrap();
    let before = entries(&store.files.report_dir(&id));
    let refused = store.reseal(&id, Day(20_001), package, to_om);
    assert!(matches!(refused, Err(StoreError::Changed)), "{refused:?}");
    let record = store.get(&id).unwrap().unwrap();
    assert_eq!(record.desk.as_str(), "ap");
    assert_eq!(record.items.len(), 3);
    assert!(record.previous.is_none() && record.swap.is_none());
    assert_eq!(content(&store, &id, &items[0]), "old-0");
    assert_eq!(
        entries(&store.files.report_dir(&id)),
        before,
        "no staging left"
    );
    assert_eq!(std::fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
}

#[test]
fn a_transfer_to_a_report_that_moved_meanwhile_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(data.path()).unwrap();
    let (id, items) = report_with(&store, 1);
    let first = plan(&store, &items, true);
    let second = plan(&store, &items, true);
    store.reseal(&id, Day(20_001), first, to_om).unwrap();
    let refused = store.reseal(&id, Day(20_001), second, to_om);
    assert!(matches!(refused, Err(StoreError::Changed)));
}

#[test]
fn kept_ciphertexts_survive_the_start_up_sweep_and_a_take_back_restores_them() {
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(data.path()).unwrap();
    let (id, items) = report_with(&store, 2);
    let package = plan(&store, &items, true);
    store.reseal(&id, Day(20_001), package, to_om).unwrap();
    assert_eq!(content(&store, &id, &items[1]), "new-1");
    store.recover().unwrap();
    let previous = store.files.report_dir(&id).join(PREVIOUS_DIR);
    assert_eq!(entries(&previous).len(), 2, "the sweep keeps them");
    store.take_back(&id, &"ap".parse().unwrap()).unwrap();
    let record = store.get(&id).unwrap().unwrap();
    assert_eq!(record.desk.as_str(), "ap");
    assert!(record.previous.is_none() && record.swap.is_none());
    assert_eq!(content(&store, &id, &items[0]), "old-0");
    assert!(!previous.exists());
    assert!(
        matches!(
            store.take_back(&id, &"ap".parse().unwrap()),
            Err(StoreError::Changed)
        ),
        "only once"
    );
}

#[test]
fn a_move_interrupted_after_the_commit_is_finished_at_start_up() {
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(data.path()).unwrap();
    let (id, items) = report_with(&store, 2);
    // The state a crash right after the commit leaves: staged files, `swap` named, nothing moved.
    let staging = "incoming-0123456789abcdef";
    store
        .files
        .place_in(&id, staging, Day(20_001), fresh(&store, &items))
        .unwrap();
    store
        .update_record(&id, |r| {
            r.previous = Some(PreviousSeal {
                desk: r.desk.clone(),
                items: r.items.clone(),
                keep_until: Day(20_014),
                received: r.received,
                status: r.status,
                extension: None,
                forwarded_from: None,
                first_received: None,
            });
            r.swap = Some(staging.into());
            to_om(r);
        })
        .unwrap();
    // And one more stray staging folder of a transfer that never committed.
    store
        .files
        .place_in(
            &id,
            "incoming-fedcba9876543210",
            Day(20_001),
            fresh(&store, &items),
        )
        .unwrap();
    store.recover().unwrap();
    assert_eq!(content(&store, &id, &items[0]), "new-0");
    let previous = store.files.report_dir(&id).join(PREVIOUS_DIR);
    assert_eq!(
        std::fs::read_to_string(previous.join(format!("{}.age", items[0].id))).unwrap(),
        "old-0"
    );
    assert_eq!(
        entries(&store.files.report_dir(&id)).len(),
        3,
        "two items and previous/"
    );
    assert!(store.get(&id).unwrap().unwrap().swap.is_none());
    assert!(store.drop_previous(&id).unwrap());
    assert!(!previous.exists());
}

#[test]
fn a_rotation_replaces_the_old_ciphertexts_at_once() {
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(data.path()).unwrap();
    let (id, items) = report_with(&store, 2);
    let package = plan(&store, &items, false);
    store.reseal(&id, Day(20_001), package, |_| {}).unwrap();
    assert_eq!(content(&store, &id, &items[0]), "new-0");
    assert_eq!(
        entries(&store.files.report_dir(&id)).len(),
        2,
        "nothing kept"
    );
}
