//! The three roles of the platform.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// What a user may do. Coordinators are additionally bound to one or more institutions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Researcher,
    Coordinator,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Researcher, Role::Coordinator];
    /// Who runs the platform: rounds, users, mail, the register.
    pub const ADMINS: &'static [Role] = &[Role::Admin];
    /// Who works with questionnaires, figures and the research data: researchers and
    /// administrators.
    pub const RESEARCH: &'static [Role] = &[Role::Admin, Role::Researcher];

    /// The stored and submitted form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Researcher => "researcher",
            Role::Coordinator => "coordinator",
        }
    }

    /// Parses the stored form; anything else is refused.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The name shown to users.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Admin => lang.pick("Beheerder", "Administrator"),
            Role::Researcher => lang.pick("Onderzoeker", "Researcher"),
            Role::Coordinator => lang.pick("Veiligheidscoördinator", "Safety coordinator"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_stored_form() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
