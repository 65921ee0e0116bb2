//! Tests of adding items: the checks and rules that run inside the transaction.

use std::sync::Arc;

use super::*;
use crate::receipt::LookupKey;
use crate::seal::{recipients_of, seal_bytes};
use crate::store::ItemKind;
use crate::store::Status;

const TODAY: Day = Day(20_010);

fn desk(id: &str) -> DeskId {
    id.parse().unwrap()
}

fn store_with_report(data: &std::path::Path) -> (Store, ReportId) {
    let store = Store::open(data).unwrap();
    let id = ReportId::random();
    let record = ReportRecord {
        id: id.clone(),
        desk: desk("ap"),
        received: Day(20_000),
        status: Status::Received,
        reporter_recipient: "age1reporter".into(),
        kdf: crate::receipt::ReceiptKdf::CURRENT,
        items: Vec::new(),
        history: Vec::new(),
        extension: None,
        forwarded_from: None,
        downloaded: Default::default(),
        first_received: None,
        previous: None,
        swap: None,
        removed: Vec::new(),
        unreadable: Vec::new(),
        handling: Default::default(),
    };
    store
        .create_report(&record, &LookupKey([7; 32]), vec![])
        .unwrap();
    (store, id)
}

/// A follow-up as the reporter's side makes it: a sealed manifest and message, numbered 0 (the
/// store numbers them).
fn followup(store: &Store) -> (Vec<ItemRecord>, Vec<Sealed>) {
    let key: crate::seal::DeskRecipient = age::x25519::Identity::generate().to_public().into();
    let files: Vec<Sealed> = [ItemKind::Manifest, ItemKind::Message]
        .iter()
        .map(|_| {
            seal_bytes(
                &store.tmp_dir(),
                &recipients_of(std::slice::from_ref(&key)),
                b"x",
            )
            .unwrap()
        })
        .collect();
    let items = files
        .iter()
        .zip([ItemKind::Manifest, ItemKind::Message])
        .map(|(f, kind)| ItemRecord {
            id: f.id.clone(),
            kind,
            batch: 0,
            day: TODAY,
            size: f.ciphertext_len,
        })
        .collect();
    (items, files)
}

fn files_of(store: &Store, id: &ReportId) -> usize {
    std::fs::read_dir(store.files.report_dir(id))
        .map(|d| d.count())
        .unwrap_or(0)
}

// issue 9, defect 3b: a follow-up sealed to desk A whose report moved to desk B while it uploaded
// must not be filed.
#[test]
fn a_follow_up_sealed_for_a_desk_the_report_has_left_is_refused_and_leaves_no_file() {
    let data = tempfile::tempdir().unwrap();
    let (store, id) = store_with_report(data.path());
    let (items, files) = followup(&store);
    // The transfer lands while the follow-up is uploading.
    store.update_record(&id, |r| r.desk = desk("om")).unwrap();
    let refused = store.add_followup(&id, &desk("ap"), items, files, TODAY);
    assert!(matches!(refused, Err(StoreError::Moved)), "{refused:?}");
    assert!(
        store.get(&id).unwrap().unwrap().items.is_empty(),
        "nothing added"
    );
    assert_eq!(files_of(&store, &id), 0, "no file left in the report");
    assert_eq!(std::fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
    // Sealed for the desk it is at now, it is filed.
    let (items, files) = followup(&store);
    assert_eq!(
        store
            .add_followup(&id, &desk("om"), items, files, TODAY)
            .unwrap(),
        0
    );
    assert_eq!(files_of(&store, &id), 2);
}

// issue 9, defect 5: follow-ups stored at the same moment shared one batch number.
#[test]
fn follow_ups_stored_at_once_each_get_their_own_submission_number() {
    let data = tempfile::tempdir().unwrap();
    let (store, id) = store_with_report(data.path());
    let store = Arc::new(store);
    let sealed: Vec<_> = (0..8).map(|_| followup(&store)).collect();
    let threads: Vec<_> = sealed
        .into_iter()
        .map(|(items, files)| {
            let (store, id) = (store.clone(), id.clone());
            std::thread::spawn(move || {
                store
                    .add_followup(&id, &desk("ap"), items, files, TODAY)
                    .unwrap()
            })
        })
        .collect();
    let mut batches: Vec<u32> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    batches.sort_unstable();
    assert_eq!(batches, (0..8).collect::<Vec<_>>());
    let record = store.get(&id).unwrap().unwrap();
    for batch in 0..8 {
        let kinds: Vec<_> = record
            .items
            .iter()
            .filter(|i| i.batch == batch)
            .map(|i| i.kind)
            .collect();
        assert_eq!(kinds, [ItemKind::Manifest, ItemKind::Message], "{batch}");
    }
}

fn reply(store: &Store) -> (Vec<ItemRecord>, Vec<Sealed>) {
    let (mut items, mut files) = followup(store);
    items.truncate(1);
    files.truncate(1);
    items[0].kind = ItemKind::Reply;
    items[0].batch = 99;
    (items, files)
}

// issue 9, defect 8: a reply did not count as the acknowledgement; a follow-up left a closed
// report closed, to be purged unread.
#[test]
fn the_first_reply_acknowledges_and_a_follow_up_reopens_a_closed_report() {
    let data = tempfile::tempdir().unwrap();
    let (store, id) = store_with_report(data.path());
    let (items, files) = followup(&store);
    store
        .add_followup(&id, &desk("ap"), items, files, TODAY)
        .unwrap();
    for _ in 0..2 {
        let (items, files) = reply(&store);
        store.add_items(&id, items, files, TODAY).unwrap();
    }
    let record = store.get(&id).unwrap().unwrap();
    assert_eq!(record.status, Status::Acknowledged);
    assert_eq!(record.history.len(), 1, "one acknowledgement");
    assert!(
        record.replies().all(|r| r.batch == 0),
        "a reply answers the latest submission"
    );

    store
        .update_record(&id, |r| r.status = Status::Closed)
        .unwrap();
    let (items, files) = reply(&store);
    store.add_items(&id, items, files, TODAY).unwrap();
    assert_eq!(
        store.get(&id).unwrap().unwrap().status,
        Status::Closed,
        "a reply reopens nothing"
    );
    let (items, files) = followup(&store);
    assert_eq!(
        store
            .add_followup(&id, &desk("ap"), items, files, TODAY)
            .unwrap(),
        1
    );
    let record = store.get(&id).unwrap().unwrap();
    assert_eq!(record.status, Status::InProgress);
    assert_eq!(record.closed_on(), None);
    let last = record.history.last().unwrap();
    assert_eq!((last.status, last.day), (Status::InProgress, TODAY));
}
