//! The command line's help, usage and error cases, as `trycmd` files in `tests/cmd/` (one
//! Markdown file per command, readable as its documentation). Each file runs in a scratch copy of
//! its `NAME.in/` folder, and `ls -A` shows what a refused command left behind: nothing.
//!
//! After a deliberate change of a help text, `TRYCMD=overwrite cargo test --test cli_cases`
//! rewrites the expected output; read the diff before committing it.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin(
            "meldpunt",
            std::path::Path::new(env!("CARGO_BIN_EXE_meldpunt")),
        )
        .register_bin("ls", std::path::Path::new("/bin/ls"))
        // Messages and `ls` sorting as in the C locale, and no log lines from the service.
        .env("LC_ALL", "C")
        .env("MELDPUNT_LOG", "off")
        // A command that should have been refused but runs on (`serve`) is killed and fails.
        .timeout(std::time::Duration::from_secs(60))
        .case("tests/cmd/*.md");
}
