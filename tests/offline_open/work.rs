//! Opening a bundle in a scratch folder, and checking afterwards that nothing was written next
//! to `--out` and that no link or special file exists under it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use meldpunt::offline::OfflineError;
use meldpunt::offline::open::{OpenReport, open_bundle};

use crate::common::binary::{meldpunt, run};
use crate::helpers::Desk;

/// A scratch folder holding `bundle.tar`; `out` is where `open` writes.
pub struct Work {
    pub dir: tempfile::TempDir,
}

impl Work {
    pub fn new(bundle: &[u8]) -> Work {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("bundle.tar"), bundle).unwrap();
        Work { dir }
    }

    pub fn bundle(&self) -> PathBuf {
        self.dir.path().join("bundle.tar")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    pub fn open(&self, desk: &Desk, budget: u64) -> Result<OpenReport, OfflineError> {
        let result = open_bundle(&self.bundle(), &desk.loaded(), &self.out(), budget);
        self.assert_contained();
        result
    }

    pub fn run(&self, desk: &Desk) -> Output {
        let output = self.run_unchecked(desk);
        self.assert_contained();
        output
    }

    /// Runs the binary without checking the folder afterwards (for cases that plant things).
    pub fn run_unchecked(&self, desk: &Desk) -> Output {
        run(
            meldpunt()
                .arg("open")
                .arg(self.bundle())
                .arg("--identity")
                .arg(&desk.key_file)
                .arg("--out")
                .arg(self.out()),
            None,
        )
    }

    /// Nothing but the bundle and `out` next to each other, no link and no scratch folder in
    /// `out`, and none of the classic escape targets written.
    pub fn assert_contained(&self) {
        let mut names: Vec<String> = fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert!(
            names == ["bundle.tar"] || names == ["bundle.tar", "out"],
            "written outside --out: {names:?}"
        );
        for escaped in ["/etc/evil.age", "/etc/evil", "/tmp/evil.age", "/evil.age"] {
            assert!(!Path::new(escaped).exists(), "{escaped} was written");
        }
        if self.out().exists() {
            assert!(
                !walk(&self.out())
                    .iter()
                    .any(|p| p.starts_with(".meldpunt-tmp"))
            );
        }
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.out().join(rel)).unwrap()
    }

    /// Every path under `out`, relative, sorted.
    pub fn files(&self) -> Vec<String> {
        walk(&self.out())
    }
}

/// Every path under `root`, relative and sorted; fails on a symbolic link or special file.
pub fn walk(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            assert!(
                !meta.file_type().is_symlink(),
                "a link was created: {path:?}"
            );
            assert!(meta.is_file() || meta.is_dir(), "a special file: {path:?}");
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if meta.is_dir() {
                stack.push(path);
            }
            found.push(rel);
        }
    }
    found.sort();
    found
}

/// The refusal whose name or reason contains `needle`, for a clear failure message.
pub fn refused_with<'a>(report: &'a OpenReport, needle: &str) -> &'a (String, String) {
    report
        .refused
        .iter()
        .find(|(what, why)| what.contains(needle) || why.contains(needle))
        .unwrap_or_else(|| panic!("nothing refused with {needle:?}: {:#?}", report.refused))
}
