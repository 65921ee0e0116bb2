//! What the crash test sends, and what it expects back after decryption.
//!
//! Every payload (a tip's message, each attachment, each follow-up and its files) starts with a
//! unique marker line, and everything after that line is a pure function of the marker. So the
//! test never has to keep megabytes of sent data in memory: whatever decrypts from the data folder
//! names its own marker, and the exact bytes it must have are generated again from it.

/// SplitMix64: small, fast and good enough to pick sizes and fill bytes; seeded, so a marker
/// always expands to the same bytes.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..high` (`high` exclusive).
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low).max(1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.range(0, 100) < percent
    }
}

/// The three demo desks; a tip goes to one of them by its number.
pub const DESKS: [&str; 3] = ["ap", "om", "hvk"];

/// Which payload a marker stands for. Follow-ups carry their tip's number, so a follow-up found
/// in the wrong report is noticed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Marker {
    Tip { tip: u32 },
    TipFile { tip: u32, file: u32 },
    Followup { tip: u32, followup: u32 },
    FollowupFile { tip: u32, followup: u32, file: u32 },
}

const PREFIX: &str = "crashload";

impl std::fmt::Display for Marker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Marker::Tip { tip } => write!(f, "{PREFIX}-tip-{tip}"),
            Marker::TipFile { tip, file } => write!(f, "{PREFIX}-tip-{tip}-file-{file}"),
            Marker::Followup { tip, followup } => write!(f, "{PREFIX}-tip-{tip}-fu-{followup}"),
            Marker::FollowupFile {
                tip,
                followup,
                file,
            } => write!(f, "{PREFIX}-tip-{tip}-fu-{followup}-file-{file}"),
        }
    }
}

impl Marker {
    /// Reads the marker from the first line of a decrypted payload.
    pub fn parse(plaintext: &[u8]) -> Option<Marker> {
        let line = plaintext.split(|b| *b == b'\n').next()?;
        let text = std::str::from_utf8(line).ok()?.strip_prefix(PREFIX)?;
        let words: Vec<&str> = text.split('-').skip(1).collect();
        let n = |i: usize| words.get(i).and_then(|w| w.parse::<u32>().ok());
        match words.as_slice() {
            ["tip", _] => Some(Marker::Tip { tip: n(1)? }),
            ["tip", _, "file", _] => Some(Marker::TipFile {
                tip: n(1)?,
                file: n(3)?,
            }),
            ["tip", _, "fu", _] => Some(Marker::Followup {
                tip: n(1)?,
                followup: n(3)?,
            }),
            ["tip", _, "fu", _, "file", _] => Some(Marker::FollowupFile {
                tip: n(1)?,
                followup: n(3)?,
                file: n(5)?,
            }),
            _ => None,
        }
    }

    pub fn tip(&self) -> u32 {
        match *self {
            Marker::Tip { tip }
            | Marker::TipFile { tip, .. }
            | Marker::Followup { tip, .. }
            | Marker::FollowupFile { tip, .. } => tip,
        }
    }

    pub fn is_file(&self) -> bool {
        matches!(self, Marker::TipFile { .. } | Marker::FollowupFile { .. })
    }

    /// The file name an attachment is sent under (and must come back with, in the manifest).
    pub fn file_name(&self) -> String {
        format!("{self}.bin")
    }

    fn seed(&self) -> u64 {
        // FNV-1a over the marker text.
        self.to_string()
            .bytes()
            .fold(0xCBF2_9CE4_8422_2325, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
            })
    }

    /// The exact plaintext of this payload: the marker line, then text (a message) or binary
    /// bytes (a file). Half the files are small; the other half are 0.5–2 MiB.
    pub fn bytes(&self) -> Vec<u8> {
        let mut rng = Rng::new(self.seed());
        let mut out = format!("{self}\n").into_bytes();
        if self.is_file() {
            let size = if rng.chance(50) {
                rng.range(0, 64 * 1024)
            } else {
                rng.range(512 * 1024, 2048 * 1024)
            };
            while (out.len() as u64) < size {
                out.extend_from_slice(&rng.next().to_le_bytes());
            }
        } else {
            const WORDS: [&str; 8] = [
                "datalek",
                "archief",
                "schijf",
                "klanten",
                "open",
                "wachtwoord",
                "server",
                "lijst",
            ];
            for _ in 0..rng.range(5, 400) {
                out.extend_from_slice(WORDS[rng.range(0, 8) as usize].as_bytes());
                out.push(b' ');
            }
        }
        out
    }
}

#[test]
fn markers_read_back_from_their_own_bytes() {
    let markers = [
        Marker::Tip { tip: 7 },
        Marker::TipFile { tip: 7, file: 2 },
        Marker::Followup {
            tip: 7,
            followup: 31,
        },
        Marker::FollowupFile {
            tip: 7,
            followup: 31,
            file: 0,
        },
    ];
    for marker in markers {
        let bytes = marker.bytes();
        assert_eq!(Marker::parse(&bytes), Some(marker));
        assert_eq!(bytes, marker.bytes(), "the same marker, the same bytes");
    }
    assert_eq!(Marker::parse(b"crashload-tip-x"), None);
    assert_eq!(Marker::parse(b"{\"format\":1}"), None);
}
