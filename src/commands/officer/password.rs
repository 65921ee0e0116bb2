//! Reading a new officer's password: one line from standard input (`--password-stdin`), or typed
//! twice on the terminal without echo.
//!
//! Both read unbuffered, byte by byte, into a buffer that is zeroized: the standard library's
//! buffered stdin would keep a copy of the password in a buffer we cannot wipe. Echo is switched
//! off with `stty`, run on `/dev/tty` as a child process (the project forbids the unsafe code a
//! termios call would need), and switched back on even when reading fails.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::process::{Command, Stdio};

use secrecy::SecretString;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Longer than any passphrase a person types; stops a runaway pipe from filling memory.
const MAX_BYTES: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("could not read the password: {0}")]
    Io(#[from] io::Error),
    #[error("no password on standard input")]
    Empty,
    #[error("the password is longer than {MAX_BYTES} bytes")]
    TooLong,
    #[error("the password is not valid UTF-8")]
    NotUtf8,
    #[error("the two passwords differ")]
    Mismatch,
    #[error("there is no terminal to ask for the password on: pipe it in with --password-stdin")]
    NoTerminal,
    #[error("could not switch terminal echo off with stty")]
    Echo,
}

/// One line from standard input, without its line ending.
pub fn from_stdin() -> Result<SecretString, PasswordError> {
    let mut stdin = File::from(io::stdin().as_fd().try_clone_to_owned()?);
    let line = read_line(&mut stdin)?;
    if line.is_empty() {
        return Err(PasswordError::Empty);
    }
    to_secret(&line)
}

/// Asks twice on the terminal with echo off.
pub fn from_terminal() -> Result<SecretString, PasswordError> {
    let mut tty = File::options()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| PasswordError::NoTerminal)?;
    let (first, second) = {
        let _echo = EchoOff::new(&tty)?;
        let first = prompt(
            &mut tty,
            "New officer's password (at least 14 characters): ",
        )?;
        let second = prompt(&mut tty, "Same password again: ")?;
        (first, second)
    };
    if first.len() != second.len() || !bool::from(first.ct_eq(&second)) {
        return Err(PasswordError::Mismatch);
    }
    to_secret(&first)
}

fn prompt(tty: &mut File, question: &str) -> Result<Zeroizing<Vec<u8>>, PasswordError> {
    tty.write_all(question.as_bytes())?;
    let line = read_line(tty);
    // The Enter key was not echoed either.
    tty.write_all(b"\n")?;
    line
}

/// Reads up to a newline (or the end), strips `\n` or `\r\n`.
fn read_line(input: &mut impl Read) -> Result<Zeroizing<Vec<u8>>, PasswordError> {
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_BYTES));
    // Each byte of the password passes through here: wiped on return like the line.
    let mut byte = Zeroizing::new([0u8; 1]);
    loop {
        match input.read(&mut byte[..]) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) if line.len() == MAX_BYTES => return Err(PasswordError::TooLong),
            Ok(_) => line.push(byte[0]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        }
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(line)
}

fn to_secret(bytes: &[u8]) -> Result<SecretString, PasswordError> {
    let text = std::str::from_utf8(bytes).map_err(|_| PasswordError::NotUtf8)?;
    Ok(SecretString::from(text))
}

/// Terminal echo switched off; the saved settings are restored on drop.
struct EchoOff {
    tty: File,
    saved: String,
}

impl EchoOff {
    fn new(tty: &File) -> Result<EchoOff, PasswordError> {
        let saved = Command::new("stty")
            .arg("-g")
            .stdin(tty.try_clone()?)
            .stderr(Stdio::null())
            .output()
            .map_err(|_| PasswordError::Echo)?;
        let saved = String::from_utf8(saved.stdout).map_err(|_| PasswordError::Echo)?;
        let echo_off = EchoOff {
            tty: tty.try_clone()?,
            saved: saved.trim().to_owned(),
        };
        if !echo_off.stty(&["-echo"]) {
            return Err(PasswordError::Echo);
        }
        Ok(echo_off)
    }

    fn stty(&self, args: &[&str]) -> bool {
        let Ok(tty) = self.tty.try_clone() else {
            return false;
        };
        Command::new("stty")
            .args(args)
            .stdin(tty)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        if !self.stty(&[self.saved.as_str()]) && !self.stty(&["echo"]) {
            eprintln!("meldpunt: could not switch terminal echo back on; type `stty echo`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_loses_its_line_ending_and_nothing_else() {
        for (input, want) in [
            (&b"pass word  \n"[..], &b"pass word  "[..]),
            (b"crlf\r\n", b"crlf"),
            (b"no newline", b"no newline"),
            (b"first\nsecond\n", b"first"),
        ] {
            let mut input = input;
            assert_eq!(read_line(&mut input).unwrap().as_slice(), want);
        }
    }

    #[test]
    fn a_runaway_input_is_refused() {
        let long = vec![b'x'; MAX_BYTES + 1];
        assert!(matches!(
            read_line(&mut long.as_slice()),
            Err(PasswordError::TooLong)
        ));
    }
}
