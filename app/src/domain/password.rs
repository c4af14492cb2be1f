//! Rules for new passwords.

/// Why a proposed password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    Mismatch,
}

/// A password that meets the rules; only [`NewPassword::parse`] makes one.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    /// Checks length and that the repetition matches.
    pub fn parse(password: &str, repeat: &str) -> Result<NewPassword, PasswordProblem> {
        let chars = password.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(PasswordProblem::TooShort);
        }
        if chars > Self::MAX_CHARS {
            return Err(PasswordProblem::TooLong);
        }
        if password != repeat {
            return Err(PasswordProblem::Mismatch);
        }
        Ok(NewPassword(password.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_long_and_mismatched_passwords_are_refused() {
        assert_eq!(
            NewPassword::parse("kort", "kort").err(),
            Some(PasswordProblem::TooShort)
        );
        let long = "x".repeat(129);
        assert_eq!(
            NewPassword::parse(&long, &long).err(),
            Some(PasswordProblem::TooLong)
        );
        assert_eq!(
            NewPassword::parse("lang-genoeg-wachtwoord", "lang-genoeg-wachtwoorD").err(),
            Some(PasswordProblem::Mismatch)
        );
        assert!(NewPassword::parse("lang-genoeg-wachtwoord", "lang-genoeg-wachtwoord").is_ok());
    }
}
