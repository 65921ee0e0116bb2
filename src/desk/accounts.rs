//! Officer accounts as the desk area changes them: what an admin does to any desk's officers
//! (add, remove, reset a password or authenticator, revoke a token, read the audit log) and
//! what every officer does to their own account (a new password, a new authenticator, their
//! tokens). Every change is audited under the acting officer's name before it is reported done.
//!
//! Whether the actor is an admin is read from the database at each call, not taken from the
//! session, so a role taken away counts from the next request. To anyone else the admin's work
//! answers "not found", as if it did not exist.

use secrecy::SecretString;

use crate::audit::{Action, AuditLog, Entry};
use crate::config::DeskSettings;
use crate::desk::officers::{OfficerError, OfficerSummary, Officers, TokenSummary};
use crate::desk::work::{Actor, DeskError};
use crate::domain::DeskId;

/// The most audit entries one page of the admin's audit view shows, newest first.
pub const AUDIT_PAGE: usize = 500;

/// An officer's account work, for one request.
pub struct Accounts<'a> {
    pub officers: &'a Officers,
    pub audit: &'a AuditLog,
    pub desks: &'a [DeskSettings],
    pub actor: &'a Actor,
    pub now_unix: u64,
}

/// Which audit entries the admin asked for.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub report: Option<String>,
    pub officer: Option<String>,
}

impl From<OfficerError> for DeskError {
    fn from(e: OfficerError) -> DeskError {
        match e {
            OfficerError::Exists(_) => DeskError::Invalid("admin_err_exists"),
            OfficerError::Unknown(_) => DeskError::NotFound,
            OfficerError::WeakPassword => DeskError::Invalid("account_err_weak"),
            OfficerError::BadName => DeskError::Invalid("admin_err_name"),
            OfficerError::WrongCode => DeskError::Invalid("account_err_code"),
            OfficerError::WrongPassword => DeskError::Invalid("account_err_current"),
            OfficerError::Store(cause) => DeskError::Internal(cause),
        }
    }
}

impl Accounts<'_> {
    /// Refuses anyone who is not an admin now, as "not found".
    fn admin_only(&self) -> Result<(), DeskError> {
        match self.officers.get(&self.actor.name)? {
            Some(officer) if officer.admin => Ok(()),
            _ => Err(DeskError::NotFound),
        }
    }

    fn record(&self, action: Action, detail: &str) -> Result<(), DeskError> {
        self.audit
            .append(self.now_unix, &self.actor.name, action, None, Some(detail))
            .map_err(DeskError::from)?;
        Ok(())
    }

    /// Every officer of every desk, with their tokens (admin).
    pub fn all_officers(&self) -> Result<Vec<OfficerSummary>, DeskError> {
        self.admin_only()?;
        Ok(self.officers.list()?)
    }

    /// Adds an officer to a configured desk with a temporary password, returned once to hand
    /// over (admin).
    pub fn add_officer(
        &self,
        name: &str,
        desk: &str,
        admin: bool,
    ) -> Result<SecretString, DeskError> {
        self.admin_only()?;
        let desk: DeskId = desk
            .parse()
            .map_err(|_| DeskError::Invalid("admin_err_desk"))?;
        if !self.desks.iter().any(|d| d.id == desk) {
            return Err(DeskError::Invalid("admin_err_desk"));
        }
        let temporary = self
            .officers
            .add_with_temporary_password(name, &desk, admin)?;
        let role = if admin { ", admin" } else { "" };
        // The detail `audit verify` looks for: "<name> at desk <desk>".
        self.record(
            Action::OfficerAdded,
            &format!("{name} at desk {desk}{role}"),
        )?;
        Ok(temporary)
    }

    /// Removes an officer of any desk and revokes their tokens (admin). An admin cannot remove
    /// themselves, so there is always one left who can manage the rest. Reports are the desk's,
    /// not the officer's: none is lost.
    pub fn remove_officer(&self, name: &str) -> Result<(), DeskError> {
        self.admin_only()?;
        if name == self.actor.name {
            return Err(DeskError::Invalid("admin_err_self"));
        }
        if !self.officers.remove(name)? {
            return Err(DeskError::NotFound);
        }
        self.record(Action::OfficerRemoved, name)
    }

    /// A temporary password for `name`, returned once to hand over (admin).
    pub fn reset_password(&self, name: &str) -> Result<SecretString, DeskError> {
        self.admin_only()?;
        let temporary = self.officers.reset_password(name)?;
        self.record(Action::PasswordReset, name)?;
        Ok(temporary)
    }

    /// Forgets `name`'s authenticator; they enrol a new one at their next login (admin).
    pub fn reset_totp(&self, name: &str) -> Result<(), DeskError> {
        self.admin_only()?;
        self.officers.reset_totp(name)?;
        self.record(Action::TotpReset, name)
    }

    /// Revokes any officer's token by its id (admin).
    pub fn revoke_token(&self, id: &str) -> Result<(), DeskError> {
        self.admin_only()?;
        if !self.officers.revoke_token(id)? {
            return Err(DeskError::NotFound);
        }
        self.record(Action::TokenRevoked, &format!("token {id}"))
    }

    /// Records that the admin ended `officer`'s session (the sessions themselves are the web
    /// layer's, in memory).
    pub fn session_ended(&self, officer: &str) -> Result<(), DeskError> {
        self.admin_only()?;
        self.record(Action::SessionEnded, officer)
    }

    /// The admin may end sessions: checked before the web layer ends one.
    pub fn may_end_sessions(&self) -> Result<(), DeskError> {
        self.admin_only()
    }

    /// Audit entries, newest first, at most [`AUDIT_PAGE`], matching the filter (admin).
    pub fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<Entry>, DeskError> {
        self.admin_only()?;
        let wanted = |value: &Option<String>, field: Option<&str>| {
            value
                .as_deref()
                .is_none_or(|want| field.is_some_and(|f| f.eq_ignore_ascii_case(want.trim())))
        };
        let mut entries = self.audit.entries().map_err(DeskError::from)?;
        entries.retain(|e| {
            wanted(&filter.report, e.report.as_deref()) && wanted(&filter.officer, Some(&e.officer))
        });
        entries.reverse();
        entries.truncate(AUDIT_PAGE);
        Ok(entries)
    }

    /// The officer's own new password, after the caller checked the current one (or the
    /// officer logged in with a temporary one).
    pub fn set_own_password(&self, new: &SecretString, repeated: &str) -> Result<(), DeskError> {
        if secrecy::ExposeSecret::expose_secret(new) != repeated {
            return Err(DeskError::Invalid("account_err_repeat"));
        }
        self.officers.set_password(&self.actor.name, new)?;
        self.record(Action::PasswordChanged, &self.actor.name)
    }

    /// The officer's own new authenticator, once the code shows their app has the secret.
    pub fn enrol_own(&self, secret_base32: &str, code: &str) -> Result<(), DeskError> {
        self.officers
            .enrol(&self.actor.name, secret_base32, code, self.now_unix)?;
        self.record(Action::TotpEnrolled, &self.actor.name)
    }

    /// The officer's own tokens.
    pub fn own_tokens(&self) -> Result<Vec<TokenSummary>, DeskError> {
        Ok(self.officers.tokens_of(&self.actor.name)?)
    }

    /// A new token of the officer's own, for `days`; shown once.
    pub fn create_own_token(&self, days: u32) -> Result<(String, SecretString), DeskError> {
        let (id, token) = self
            .officers
            .create_token(&self.actor.name, self.now_unix, days)?;
        self.record(
            Action::TokenCreated,
            &format!("token {id} for {}", self.actor.name),
        )?;
        Ok((id, token))
    }

    /// Revokes one of the officer's own tokens; another's answers "not found".
    pub fn revoke_own_token(&self, id: &str) -> Result<(), DeskError> {
        if !self.officers.revoke_own_token(&self.actor.name, id)? {
            return Err(DeskError::NotFound);
        }
        self.record(Action::TokenRevoked, &format!("token {id}"))
    }
}
