//! Demo mode: with no configuration file, the service runs with three throwaway desks whose age
//! identities are written to `DATA/demo-keys/<desk>.key` (mode 0600), so anyone can try the whole
//! path — including decrypting — on their own machine. Every page says DEMO and the log warns.

use std::io;
use std::path::Path;

use age::secrecy::ExposeSecret;

use crate::config::{DeskSettings, Settings};
use crate::domain::DeskId;

struct DemoDesk {
    id: &'static str,
    name_nl: &'static str,
    name_en: &'static str,
    description_nl: &'static str,
    description_en: &'static str,
}

const DESKS: [DemoDesk; 3] = [
    DemoDesk {
        id: "ap",
        name_nl: "Autoriteit Persoonsgegevens",
        name_en: "Dutch Data Protection Authority",
        description_nl: "Datalekken, schendingen van de AVG, een datalek dat niet is gemeld.",
        description_en: "Personal-data breaches, GDPR violations, a breach that was not notified.",
    },
    DemoDesk {
        id: "om",
        name_nl: "Openbaar Ministerie",
        name_en: "Public Prosecution Service",
        description_nl: "Strafbare feiten: diefstal van gegevens, computervredebreuk, schending van het medisch beroepsgeheim.",
        description_en: "Criminal offences: data theft, computer intrusion, breach of medical secrecy.",
    },
    DemoDesk {
        id: "hvk",
        name_nl: "Huis voor Klokkenluiders",
        name_en: "Whistleblowers Authority",
        description_nl: "Advies, en onderzoek naar misstanden op het werk die het publiek belang raken.",
        description_en: "Advice, and investigation of work-related wrongdoing of public interest.",
    },
];

/// Fills in the demo desks, creating their identities on first start.
pub fn prepare(settings: &mut Settings) -> io::Result<()> {
    let dir = settings.data.join("demo-keys");
    crate::private::create_dir_all(&dir)?;
    settings.desks = DESKS
        .iter()
        .map(|desk| {
            let identity = load_or_create(&dir.join(format!("{}.key", desk.id)))?;
            let id: DeskId = desk.id.parse().map_err(io::Error::other)?;
            Ok(DeskSettings {
                id,
                name_nl: desk.name_nl.into(),
                name_en: desk.name_en.into(),
                description_nl: desk.description_nl.into(),
                description_en: desk.description_en.into(),
                recipients: vec![identity.to_public().into()],
                acknowledge_days: 7,
                feedback_days: 90,
                retention_days: 365,
                digest: Default::default(),
                canned_replies: Default::default(),
            })
        })
        .collect::<io::Result<_>>()?;
    Ok(())
}

fn load_or_create(path: &Path) -> io::Result<age::x25519::Identity> {
    let read = crate::store::times::read_unnoticed(path).map(zeroize::Zeroizing::new);
    match read {
        Ok(bytes) => String::from_utf8_lossy(&bytes)
            .lines()
            .find(|l| l.starts_with("AGE-SECRET-KEY-"))
            .and_then(|l| l.trim().parse().ok())
            .ok_or_else(|| io::Error::other(format!("{} is not an age identity", path.display()))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let identity = age::x25519::Identity::generate();
            let text = zeroize::Zeroizing::new(format!(
                "# DEMO identity — throwaway, never use for real reports\n\
                 # public key: {}\n{}\n",
                identity.to_public(),
                identity.to_string().expose_secret()
            ));
            // Whole or not at all: a kill half-way must not leave a key file that stops every
            // later start. If another process wrote one first, that one counts.
            if crate::store::files::create_whole(path, text.as_bytes())? {
                Ok(identity)
            } else {
                load_or_create(path)
            }
        }
        Err(e) => Err(e),
    }
}
