//! Reading a password or passphrase, the one way every command does it: typed on the terminal with
//! echo off, or one line of standard input when it is piped (`--password-stdin`, scripts).
//!
//! Both go through `rpassword`, which switches echo off (and back on) itself. Standard input is
//! handed to it unbuffered and capped, so no copy stays in the standard library's stdin buffer and
//! a runaway pipe cannot fill memory; what comes back goes straight into a `SecretString`.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::os::fd::AsFd;

use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Longer than any passphrase a person types.
const MAX_BYTES: u64 = 4096;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("could not read the password: {0}")]
    Io(#[from] io::Error),
    #[error("no password on standard input")]
    Empty,
    #[error("the password is longer than {MAX_BYTES} bytes")]
    TooLong,
    #[error("the two passwords differ")]
    Mismatch,
}

/// One line of `input`, without its line ending.
pub fn from_reader(input: impl Read + 'static) -> Result<SecretString, PasswordError> {
    let config = rpassword::ConfigBuilder::new()
        .input_reader(input.take(MAX_BYTES + 1))
        .output_discard()
        .build();
    let line = Zeroizing::new(rpassword::read_password_with_config(config)?);
    let line = line.strip_suffix('\r').unwrap_or(&line);
    if line.len() as u64 > MAX_BYTES {
        return Err(PasswordError::TooLong);
    }
    if line.is_empty() {
        return Err(PasswordError::Empty);
    }
    Ok(SecretString::from(line.to_owned()))
}

/// One line of standard input, read unbuffered.
pub fn from_stdin() -> Result<SecretString, PasswordError> {
    from_reader(File::from(io::stdin().as_fd().try_clone_to_owned()?))
}

/// Asks once on the terminal, echo off.
pub fn prompt(question: &str) -> Result<SecretString, PasswordError> {
    let typed = Zeroizing::new(rpassword::prompt_password(question)?);
    Ok(SecretString::from(typed.as_str().to_owned()))
}

/// A new password, asked twice on the terminal; the two must match.
pub fn new_on_terminal(question: &str) -> Result<SecretString, PasswordError> {
    let first = prompt(question)?;
    let second = prompt("Same again: ")?;
    let (a, b) = (first.expose_secret(), second.expose_secret());
    if a.len() != b.len() || !bool::from(a.as_bytes().ct_eq(b.as_bytes())) {
        return Err(PasswordError::Mismatch);
    }
    Ok(first)
}

/// From the terminal when there is one, else the first line of standard input.
pub fn prompt_or_stdin(question: &str) -> Result<SecretString, PasswordError> {
    if io::stdin().is_terminal() {
        prompt(question)
    } else {
        from_stdin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &'static [u8]) -> Result<String, PasswordError> {
        from_reader(input).map(|s| s.expose_secret().to_owned())
    }

    #[test]
    fn a_line_loses_its_line_ending_and_nothing_else() {
        assert_eq!(read(b"pass word  \n").unwrap(), "pass word  ");
        assert_eq!(read(b"crlf\r\n").unwrap(), "crlf");
        assert_eq!(read(b"no newline").unwrap(), "no newline");
        assert_eq!(read(b"first\nsecond\n").unwrap(), "first");
        assert_eq!(
            read("één wachtwoord\n".as_bytes()).unwrap(),
            "één wachtwoord"
        );
    }

    #[test]
    fn an_empty_or_runaway_input_is_refused() {
        assert!(matches!(read(b"\n"), Err(PasswordError::Empty)));
        let long: &'static [u8] = vec![b'x'; 10_000].leak();
        assert!(matches!(read(long), Err(PasswordError::TooLong)));
    }
}
