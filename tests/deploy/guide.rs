//! The operator guide (deploy/README.md) and the README: every `meldpunt` command line in their
//! shell blocks names a real subcommand, and only flags that subcommand's help lists.

use crate::common::binary::meldpunt;
use crate::support::{repo_file, run};

/// Every command line in ```sh blocks, with continuation lines joined and comments removed.
fn shell_lines(markdown: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_block = false;
    let mut pending = String::new();
    for line in markdown.lines() {
        let trimmed = line.trim();
        if let Some(language) = trimmed.strip_prefix("```") {
            in_block = !in_block && ["sh", "bash", "console"].contains(&language);
            continue;
        }
        if !in_block {
            continue;
        }
        let code = match trimmed.find(" #") {
            Some(i) => &trimmed[..i],
            None if trimmed.starts_with('#') => "",
            None => trimmed,
        };
        match code.strip_suffix('\\') {
            Some(part) => pending.push_str(part),
            None => {
                pending.push_str(code);
                if !pending.trim().is_empty() {
                    lines.push(pending.trim().to_owned());
                }
                pending.clear();
            }
        }
    }
    lines
}

/// The `meldpunt` invocations in a shell line: for each, the words after the program.
fn meldpunt_invocations(line: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let separated = line
        .replace("&&", ";")
        .replace("||", ";")
        .replace('|', ";")
        .replace("$(", ";");
    for segment in separated.split(';') {
        let mut words = segment.split_whitespace().peekable();
        // Skip `VAR=value`, and `sudo` with its options (`-u USER`).
        while let Some(word) = words.peek() {
            if word.contains('=') && !word.starts_with('-') {
                words.next();
            } else if *word == "sudo" {
                words.next();
                while words.peek().is_some_and(|w| w.starts_with('-')) {
                    if words.next() == Some("-u") {
                        words.next();
                    }
                }
            } else {
                break;
            }
        }
        if words
            .next()
            .is_some_and(|w| w == "meldpunt" || w.ends_with("/meldpunt"))
        {
            found.push(words.map(str::to_owned).collect());
        }
    }
    found
}

fn help(path: &[&str]) -> Option<String> {
    let output = run(meldpunt().args(path).arg("--help"));
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The help text lists `--flag` as an option (followed by a space, `<`, or the line's end).
fn help_lists(help: &str, flag: &str) -> bool {
    help.lines()
        .any(|l| l.trim_start().split([',', ' ']).any(|w| w == flag))
}

#[test]
fn the_operator_guide_uses_only_real_subcommands_and_flags() {
    let mut checked = 0;
    for (file, at_least) in [("deploy/README.md", 8), ("README.md", 8)] {
        let mut in_file = 0;
        for line in shell_lines(&repo_file(file)) {
            for words in meldpunt_invocations(&line) {
                // The subcommand path: words until the first flag, as deep as help lists commands.
                let mut path: Vec<&str> = Vec::new();
                let mut text_of_help = help(&[]).unwrap();
                for word in words.iter().take_while(|w| !w.starts_with('-')) {
                    if !text_of_help.contains("\nCommands:") {
                        break;
                    }
                    path.push(word);
                    text_of_help = help(&path).unwrap_or_else(|| {
                        panic!(
                            "{file}: `meldpunt {}` does not exist: {line}",
                            path.join(" ")
                        )
                    });
                }
                for flag in words.iter().filter(|w| w.starts_with("--")) {
                    let flag = flag.split('=').next().unwrap();
                    assert!(
                        help_lists(&text_of_help, flag),
                        "{file}: `meldpunt {}` has no {flag}: {line}",
                        path.join(" ")
                    );
                }
                in_file += 1;
            }
        }
        assert!(
            in_file >= at_least,
            "{file}: only {in_file} meldpunt commands found"
        );
        checked += in_file;
    }
    eprintln!("{checked} meldpunt command lines checked");
}

#[test]
fn the_command_finder_sees_through_sudo_pipes_and_continuations() {
    let guide = "```sh\nprintf x \\\n  | sudo -u meldpunt meldpunt officer add --data /d --name n # c\n\
                 systemctl stop meldpunt && /usr/local/bin/meldpunt audit verify --data /d\n```\n";
    let lines = shell_lines(guide);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        meldpunt_invocations(&lines[0]),
        [["officer", "add", "--data", "/d", "--name", "n"]]
    );
    assert_eq!(
        meldpunt_invocations(&lines[1]),
        [["audit", "verify", "--data", "/d"]]
    );
    assert!(!help_lists(&help(&["officer", "add"]).unwrap(), "--nope"));
    assert!(help_lists(
        &help(&["officer", "add"]).unwrap(),
        "--password-stdin"
    ));
}
