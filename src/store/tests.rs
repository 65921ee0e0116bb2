//! Tests of the store: crash leftovers, one transaction per change, real deletion.

use super::*;
use crate::domain::DeskId;

pub(crate) fn record(id: &ReportId, items: Vec<ItemRecord>) -> ReportRecord {
    ReportRecord {
        id: id.clone(),
        desk: "ap".parse::<DeskId>().unwrap(),
        received: Day(20_000),
        status: Status::Received,
        reporter_recipient: "age1reporterrecipientmarker".into(),
        kdf: crate::receipt::ReceiptKdf::CURRENT,
        items,
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
    }
}

pub(crate) fn item() -> ItemRecord {
    ItemRecord {
        id: ItemId::random(),
        kind: ItemKind::Message,
        batch: 0,
        day: Day(20_000),
        size: 10,
    }
}

pub(super) fn lookup(byte: u8) -> LookupKey {
    LookupKey([byte; 32])
}

#[test]
fn files_that_no_record_names_are_removed_at_start_up() {
    let data = tempfile::tempdir().unwrap();
    let kept = ReportId::random();
    let item = item();
    {
        let store = Store::open(data.path()).unwrap();
        store
            .create_report(&record(&kept, vec![item.clone()]), &lookup(1), vec![])
            .unwrap();
        std::fs::write(store.item_path(&kept, &item.id), b"age").unwrap();
        // A crash after placing files but before the commit: a half report, and a stray item.
        let half = ReportId::random();
        std::fs::create_dir(store.files.report_dir(&half)).unwrap();
        std::fs::write(store.item_path(&half, &ItemId::random()), b"age").unwrap();
        std::fs::write(store.item_path(&kept, &ItemId::random()), b"age").unwrap();
        std::fs::write(store.tmp_dir().join("x.part"), b"half").unwrap();
    }
    let store = Store::open(data.path()).unwrap();
    assert_eq!(
        std::fs::read_dir(store.tmp_dir()).unwrap().count(),
        1,
        "opening alone (an admin command beside the service) sweeps nothing"
    );
    store.recover().unwrap();
    let dirs: Vec<_> = std::fs::read_dir(store.files.reports_dir())
        .unwrap()
        .collect();
    assert_eq!(dirs.len(), 1);
    let files: Vec<_> = std::fs::read_dir(store.files.report_dir(&kept))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 1);
    assert!(store.item_path(&kept, &item.id).exists());
    assert_eq!(std::fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
}

#[test]
fn a_record_changed_in_one_process_is_seen_by_another_at_once() {
    let data = tempfile::tempdir().unwrap();
    let service = Store::open(data.path()).unwrap();
    let admin = Store::open(data.path()).unwrap();
    let id = ReportId::random();
    service
        .create_report(&record(&id, vec![item()]), &lookup(2), vec![])
        .unwrap();
    assert_eq!(service.get(&id).unwrap().unwrap().status, Status::Received);
    admin
        .update_record(&id, |r| r.status = Status::Closed)
        .unwrap();
    assert_eq!(service.get(&id).unwrap().unwrap().status, Status::Closed);
    assert_eq!(
        service.find_by_lookup(&lookup(2)).unwrap().unwrap().id,
        id,
        "the lookup key finds the report"
    );
}

#[test]
fn updates_from_many_threads_all_land() {
    let data = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(Store::open(data.path()).unwrap());
    let id = ReportId::random();
    store
        .create_report(&record(&id, vec![]), &lookup(3), vec![])
        .unwrap();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let id = id.clone();
            std::thread::spawn(move || {
                for _ in 0..10 {
                    store.update_record(&id, |r| r.items.push(item())).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(store.get(&id).unwrap().unwrap().items.len(), 80);
}

/// Every byte of every file under the data folder's `db/`.
fn database_bytes(data: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(data.join("db")).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_deleted_report_leaves_no_byte_in_the_database_files() {
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(data.path()).unwrap();
    let id = ReportId::random();
    let other = ReportId::random();
    let items: Vec<ItemRecord> = (0..3).map(|_| item()).collect();
    store
        .create_report(&record(&id, items.clone()), &lookup(4), vec![])
        .unwrap();
    store
        .create_report(&record(&other, vec![item()]), &lookup(5), vec![])
        .unwrap();
    store
        .update_record(&id, |r| r.status = Status::Closed)
        .unwrap();
    let before = database_bytes(data.path());
    assert!(
        contains(&before, id.as_str().as_bytes()),
        "the test can see"
    );

    store.delete_report(&id).unwrap();
    let after = database_bytes(data.path());
    assert!(!contains(&after, id.as_str().as_bytes()), "the report id");
    assert!(!contains(&after, &[4u8; 32]), "the lookup key");
    for item in &items {
        assert!(
            !contains(&after, item.id.to_string().as_bytes()),
            "an item id"
        );
    }
    assert!(
        store.get(&other).unwrap().is_some(),
        "the other report stays"
    );
    assert!(contains(&after, other.as_str().as_bytes()));
}

#[test]
fn removed_items_leave_no_byte_in_the_database_files() {
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(data.path()).unwrap();
    let id = ReportId::random();
    let (kept, gone) = (item(), item());
    store
        .create_report(
            &record(&id, vec![kept.clone(), gone.clone()]),
            &lookup(6),
            vec![],
        )
        .unwrap();
    store
        .remove_items(&id, std::slice::from_ref(&gone.id))
        .unwrap();
    let after = database_bytes(data.path());
    assert!(!contains(&after, gone.id.to_string().as_bytes()));
    assert!(contains(&after, kept.id.to_string().as_bytes()));
}

#[test]
fn a_file_made_whole_is_there_entirely_or_not_at_all_and_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("salt");
    assert!(files::create_whole(&path, b"first").unwrap());
    assert!(
        !files::create_whole(&path, b"second").unwrap(),
        "never replaced"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"first");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file is left");
}

#[test]
fn two_stores_opened_at_once_on_a_new_folder_share_one_salt() {
    let data = tempfile::tempdir().unwrap();
    let salts: Vec<Vec<u8>> = (0..8)
        .map(|_| {
            let path = data.path().to_owned();
            std::thread::spawn(move || Store::open(&path).unwrap().install_salt().unwrap())
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert!(salts.windows(2).all(|w| w[0] == w[1]), "one salt for all");
}

#[test]
fn when_two_handles_write_at_once_one_waits_and_none_fails() {
    let data = tempfile::tempdir().unwrap();
    let id = ReportId::random();
    Store::open(data.path())
        .unwrap()
        .create_report(&record(&id, vec![]), &lookup(7), vec![])
        .unwrap();
    // Two opens: two pools, two sets of connections, as the service and a command have.
    let writers: Vec<_> = (0..2)
        .map(|_| {
            let store = Store::open(data.path()).unwrap();
            let id = id.clone();
            std::thread::spawn(move || {
                for _ in 0..50 {
                    store.update_record(&id, |r| r.items.push(item())).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let store = Store::open(data.path()).unwrap();
    assert_eq!(store.get(&id).unwrap().unwrap().items.len(), 100);
}
