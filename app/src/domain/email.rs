//! E-mail addresses, normalised to lower case.

use serde::{Deserialize, Serialize};
use validator::ValidateEmail;

/// A syntactically valid e-mail address in lower case. Only [`Email::parse`] makes one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// Trims, lower-cases and checks the syntax. The domain must have a dot: mail is sent to
    /// these addresses, and `naam@instelling` is a typo, not a mailbox.
    pub fn parse(input: &str) -> Option<Email> {
        let candidate = input.trim().to_lowercase();
        let dotted = candidate.rsplit_once('@').is_some_and(|(_, domain)| {
            domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        });
        (candidate.len() <= 254 && dotted && candidate.validate_email()).then_some(Email(candidate))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address with most of the local part hidden, for logs.
    pub fn masked(&self) -> String {
        match self.0.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        let email = Email::parse("  Anna.de.Vries@ROC-Voorbeeld.nl ").expect("valid");
        assert_eq!(email.as_str(), "anna.de.vries@roc-voorbeeld.nl");
        assert_eq!(email.masked(), "a***@roc-voorbeeld.nl");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "anna",
            "anna@",
            "@roc.nl",
            "anna de vries@roc.nl",
            "anna@roc",
            "anna@roc.",
        ] {
            assert!(Email::parse(bad).is_none(), "{bad} should be refused");
        }
    }
}
