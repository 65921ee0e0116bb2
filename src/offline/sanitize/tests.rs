#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;

use super::*;

#[test]
fn folders_in_a_name_are_dropped_down_to_the_last_component() {
    assert_eq!(safe_name("../../etc/passwd"), "passwd");
    assert_eq!(safe_name(r"C:\Users\x\report.pdf"), "report.pdf");
    assert_eq!(safe_name("/etc/shadow"), "shadow");
    assert_eq!(safe_name("a/b\\c.txt"), "c.txt");
}

#[test]
fn dots_empty_and_folder_only_names_become_attachment() {
    for raw in [
        "",
        ".",
        "..",
        "...",
        "../",
        "a/..",
        "dir/",
        " . ",
        "\u{202E}..",
        "\0",
    ] {
        assert_eq!(safe_name(raw), FALLBACK, "{raw:?}");
    }
}

#[test]
fn hidden_files_lose_their_leading_dots_and_trailing_dots_and_spaces_go() {
    assert_eq!(safe_name(".bashrc"), "bashrc");
    assert_eq!(safe_name("..hidden.txt"), "hidden.txt");
    assert_eq!(safe_name("  note.txt. . "), "note.txt");
}

#[test]
fn control_and_bidi_characters_are_removed() {
    assert_eq!(safe_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
    assert_eq!(safe_name("a\nb\rc\td\0e\u{7f}f\u{85}.txt"), "abcdef.txt");
    assert_eq!(
        safe_name("\u{FEFF}zero\u{200B}width\u{2066}.doc"),
        "zerowidth.doc"
    );
}

#[test]
fn windows_device_names_get_an_underscore_in_front() {
    assert_eq!(safe_name("CON"), "_CON");
    assert_eq!(safe_name("con.txt"), "_con.txt");
    assert_eq!(safe_name("Lpt9.tar.gz"), "_Lpt9.tar.gz");
    assert_eq!(safe_name("nul "), "_nul");
    assert_eq!(safe_name("COM1"), "_COM1");
    assert_eq!(safe_name("COM10"), "COM10");
    assert_eq!(safe_name("console.txt"), "console.txt");
}

#[test]
fn characters_windows_refuses_are_replaced() {
    assert_eq!(safe_name("what?<now>:\"x\"|*.txt"), "what__now___x___.txt");
}

#[test]
fn long_names_are_cut_on_a_character_boundary_keeping_the_extension() {
    let long = format!("{}.pdf", "é".repeat(200));
    let safe = safe_name(&long);
    assert!(safe.len() <= MAX_NAME);
    assert!(safe.ends_with(".pdf"));
    assert!(safe.starts_with("éé"));

    let no_ext = "x".repeat(10_000);
    assert_eq!(safe_name(&no_ext), "x".repeat(MAX_NAME));

    let silly_ext = format!("a.{}", "b".repeat(300));
    assert_eq!(safe_name(&silly_ext).len(), MAX_NAME);
}

#[test]
fn ordinary_names_are_kept_as_they_are() {
    for name in [
        "report.pdf",
        "Verslag 2024 (definitief).docx",
        "ärzte-brief.txt",
    ] {
        assert_eq!(safe_name(name), name);
    }
}

#[test]
fn duplicate_names_are_numbered_before_the_extension_ignoring_case() {
    let mut book = NameBook::default();
    book.reserve("message.txt");
    assert_eq!(book.claim("name.txt"), "name.txt");
    assert_eq!(book.claim("name.txt"), "name (2).txt");
    assert_eq!(book.claim("NAME.txt"), "NAME (3).txt");
    assert_eq!(book.claim("Message.txt"), "Message (2).txt");
    assert_eq!(book.claim("noext"), "noext");
    assert_eq!(book.claim("noext"), "noext (2)");
}

#[test]
fn a_numbered_long_name_still_fits() {
    let mut book = NameBook::default();
    let long = safe_name(&format!("{}.pdf", "y".repeat(300)));
    book.claim(&long);
    let second = book.claim(&long);
    assert!(second.len() <= MAX_NAME, "{}", second.len());
    assert!(second.ends_with(" (2).pdf"));
}

fn assert_safe(out: &str) {
    assert!(!out.is_empty());
    assert!(out.len() <= MAX_NAME, "{} bytes", out.len());
    assert!(!out.contains(['/', '\\', '\0']), "{out:?}");
    assert!(!out.chars().any(is_invisible), "{out:?}");
    assert!(out != "." && out != "..");
    assert!(!out.starts_with('.'), "{out:?}");
    assert!(!is_reserved(out), "{out:?}");
}

proptest! {
    #[test]
    fn any_string_becomes_a_safe_single_component(raw in any::<String>()) {
        assert_safe(&safe_name(&raw));
    }

    #[test]
    fn hostile_looking_strings_become_safe_single_components(
        raw in "[./\\\\ \\x00-\\x1f\u{202E}\u{200B}\u{FEFF}a-zA-Z0-9é]{0,400}"
    ) {
        let safe = safe_name(&raw);
        assert_safe(&safe);
        let mut book = NameBook::default();
        book.claim(&safe);
        assert_safe(&book.claim(&safe));
    }
}
