//! Checks on the shape of the desk's use cases themselves.

/// The use cases know nothing of HTTP, so the pages, the API and the command line can all call
/// them: no file here may name actix or the web layer (this file, which must name them to look
/// for them, excepted).
#[test]
fn desk_work_knows_nothing_of_the_web() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/desk/work");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for needle in ["actix", "crate::web", "super::super::web"] {
            assert!(
                !source.contains(needle),
                "{} names {needle}",
                path.display()
            );
        }
        read += 1;
    }
    assert!(read >= 6, "only {read} files read in {}", dir.display());
}
