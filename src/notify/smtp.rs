//! The connection to the operator's mail relay: lettre's blocking SMTP transport over rustls,
//! with implicit TLS (port 465) or STARTTLS that must succeed (587) — never a plain connection.
//! The relay's certificate is checked against the system's roots, or only against the CA in
//! `smtp_ca_file` when one is given. The EHLO name stays lettre's default (`[127.0.0.1]`), so
//! the server's host name goes nowhere.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use secrecy::ExposeSecret;

use super::NotifyError;
use crate::config::{NotifySettings, SmtpTls};

/// How long one step of talking to the relay may take before the attempt is given up.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A configured relay and sender. Cheap to keep: it opens a connection per mail.
pub struct Mailer {
    transport: SmtpTransport,
    pub(super) from: Mailbox,
}

impl Mailer {
    /// The relay of `[notify]`; refuses a CA file that cannot be read or holds no certificate.
    pub fn new(settings: &NotifySettings) -> Result<Mailer, NotifyError> {
        let from = settings
            .from
            .parse::<Mailbox>()
            .map_err(|e| NotifyError::Settings(format!("from: {e}")))?;
        let mut tls = TlsParameters::builder(settings.smtp_host.clone());
        if let Some(path) = &settings.smtp_ca_file {
            let pem = std::fs::read(path).map_err(|e| {
                NotifyError::Settings(format!("smtp_ca_file {}: {e}", path.display()))
            })?;
            let ca = Certificate::from_pem(&pem).map_err(|e| {
                NotifyError::Settings(format!("smtp_ca_file {}: {e}", path.display()))
            })?;
            tls = tls
                .certificate_store(CertificateStore::None)
                .add_root_certificate(ca);
        }
        let tls = tls
            .build_rustls()
            .map_err(|e| NotifyError::Settings(format!("TLS: {e}")))?;
        let tls = match settings.smtp_tls {
            SmtpTls::Tls => Tls::Wrapper(tls),
            SmtpTls::Starttls => Tls::Required(tls),
        };
        let mut builder = SmtpTransport::builder_dangerous(settings.smtp_host.clone())
            .port(settings.port())
            .tls(tls)
            .timeout(Some(TIMEOUT));
        if let (Some(user), Some(password)) = (&settings.smtp_user, &settings.smtp_password) {
            // lettre keeps the password in a plain String for the life of the transport.
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Hands one mail to the relay; Ok once the relay has accepted it.
    pub fn send(&self, message: &Message) -> Result<(), NotifyError> {
        self.transport
            .send(message)
            .map(|_| ())
            .map_err(|e| NotifyError::Send(e.to_string()))
    }
}
