//! The digest mail itself: a fixed subject, and a body in Dutch then English that is padded to
//! [`BODY_BYTES`] exactly, in both modes. SecureDrop's daily digest sends the same text every
//! day, but its "there were submissions" variant still differs from the "nothing" one; here the
//! plain mail is byte for byte the same every day, and the counts mail writes its numbers at a
//! fixed width and is padded to the same length, so the size of a digest on the wire (and the
//! size of its TLS records) says neither whether anything came in nor which mode a desk chose.
//!
//! The headers carry nothing either: the subject is constant, the Message-ID is random (no
//! time, no host, no counter), and the body is 7-bit ASCII so no relay re-encodes it to another
//! length. What varies is the recipient, and the Date header, whose format has a fixed width.

use lettre::Message;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};

use super::NotifyError;
use crate::desk::digest::DigestCounts;

/// The same subject every day, whatever the day held.
pub const SUBJECT: &str = "meldpunt: dagelijks bericht / daily message";

/// Every digest body is exactly this long (CRLF line ends included).
pub const BODY_BYTES: usize = 2048;

/// The widest number a digest shows; more is shown as this (it keeps the width fixed).
const MAX_COUNT: u32 = 99_999;

const PLAIN: &str = "\
Beste collega,

Dit is het dagelijkse bericht van meldpunt. Het zegt elke dag
hetzelfde, of er nu meldingen zijn of niet: log in op het meldpunt
om uw desk te zien.

Dear colleague,

This is meldpunt's daily message. It says the same every day,
whether there are reports or not: log in to meldpunt to see your
desk.
";

const COUNTS_NL: &str = "\
Beste collega,

Het dagelijkse overzicht van uw desk bij meldpunt (alleen aantallen):

";

const COUNTS_MIDDLE: &str = "
Log in op het meldpunt om uw desk te zien.

Dear colleague,

Your desk's daily digest from meldpunt (counts only):

";

const COUNTS_END: &str = "
Log in to meldpunt to see your desk.
";

/// The plain digest's body: the same every day.
pub fn plain_body() -> Result<String, NotifyError> {
    pad(PLAIN)
}

/// The counts digest's body, with every number at the same width.
pub fn counts_body(counts: &DigestCounts) -> Result<String, NotifyError> {
    let rows = |labels: [&str; 5]| {
        let values = [
            counts.new,
            counts.acknowledge_due,
            counts.acknowledge_overdue,
            counts.feedback_due,
            counts.feedback_overdue,
        ];
        labels
            .iter()
            .zip(values)
            .map(|(label, n)| format!("  {label:<40}{:>6}\n", n.min(MAX_COUNT)))
            .collect::<String>()
    };
    let text = [
        COUNTS_NL,
        &rows([
            "nieuw sinds uw laatste download",
            "ontvangstbevestiging binnen 2 dagen",
            "ontvangstbevestiging te laat",
            "terugkoppeling binnen 2 dagen",
            "terugkoppeling te laat",
        ]),
        COUNTS_MIDDLE,
        &rows([
            "new since your last download",
            "acknowledgement due within 2 days",
            "acknowledgement overdue",
            "feedback due within 2 days",
            "feedback overdue",
        ]),
        COUNTS_END,
    ]
    .concat();
    pad(&text)
}

/// CRLF line ends, then blank lines (and, for an odd remainder, one space on the last text
/// line) up to [`BODY_BYTES`].
fn pad(text: &str) -> Result<String, NotifyError> {
    let mut body = text.replace('\n', "\r\n");
    let Some(missing) = BODY_BYTES.checked_sub(body.len()) else {
        return Err(NotifyError::Compose(
            "the digest text is longer than its padding".into(),
        ));
    };
    if missing % 2 == 1 {
        body.truncate(body.len() - 2);
        body.push_str(" \r\n");
    }
    body.push_str(&"\r\n".repeat(missing / 2));
    Ok(body)
}

/// The mail to `to` with `body`, from `from`, with a random Message-ID.
pub fn message(from: &Mailbox, to: lettre::Address, body: String) -> Result<Message, NotifyError> {
    let body = Body::new_with_encoding(body, ContentTransferEncoding::SevenBit)
        .map_err(|_| NotifyError::Compose("the digest text is not 7-bit ASCII".into()))?;
    Message::builder()
        .from(from.clone())
        .to(Mailbox::new(None, to))
        .subject(SUBJECT)
        .message_id(Some(message_id(from)))
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| NotifyError::Compose(e.to_string()))
}

/// `<32 random hex digits@the sender's domain>`: unique, and telling nothing.
fn message_id(from: &Mailbox) -> String {
    let mut bytes = [0u8; 16];
    crate::random::fill(&mut bytes);
    format!("<{}@{}>", hex::encode(bytes), from.email.domain())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bodies_are_padded_to_one_length_whatever_the_counts() {
        let plain = plain_body().unwrap();
        assert_eq!(plain.len(), BODY_BYTES);
        assert!(plain.lines().all(|l| l.len() <= 72), "{plain}");
        for n in [0, 7, 12_345, u32::MAX] {
            let counts = DigestCounts {
                new: n,
                acknowledge_due: n / 2,
                acknowledge_overdue: 1,
                feedback_due: n,
                feedback_overdue: 0,
            };
            let body = counts_body(&counts).unwrap();
            assert_eq!(body.len(), BODY_BYTES, "{n}");
            assert!(body.is_ascii());
            // Shorter than lettre's limit for 7-bit lines (76 with the CR).
            assert!(body.lines().all(|l| l.len() <= 72), "{body}");
        }
    }

    #[test]
    fn the_message_has_a_fixed_subject_and_a_random_id() {
        let from: Mailbox = "meldpunt <m@meldpunt.example>".parse().unwrap();
        let to: lettre::Address = "a@b.example".parse().unwrap();
        let one = message(&from, to.clone(), plain_body().unwrap()).unwrap();
        let two = message(&from, to, plain_body().unwrap()).unwrap();
        let (one, two) = (one.formatted(), two.formatted());
        assert_eq!(one.len(), two.len());
        assert_ne!(one, two, "the Message-ID differs");
        let text = String::from_utf8(one).unwrap();
        assert!(text.contains(&format!("Subject: {SUBJECT}\r\n")), "{text}");
        assert!(
            text.contains("Content-Transfer-Encoding: 7bit\r\n"),
            "{text}"
        );
    }
}
