//! Why an answer was refused, in Dutch and English.

use serde::{Deserialize, Serialize};

use crate::domain::questionnaire::Text;

/// Why a value cannot be stored for an item at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnswerError {
    UnknownKey,
    NotAnOption,
    NotANumber,
    NotAWholeNumber,
    NotADate,
    NotATime,
    NotADateTime,
    Negative,
    TooLong,
    /// The item does not apply given the other answers (its condition does not hold).
    NotApplicable,
    /// The item is a calculation: its value is worked out, never given.
    Calculated,
    /// The item is shown but not answered (read-only): its value is its default.
    ReadOnly,
}

impl AnswerError {
    pub fn message(&self) -> Text {
        let t = Text::new;
        match self {
            AnswerError::UnknownKey => t(
                "Deze vraag bestaat niet in deze vragenlijst.",
                "This question does not exist in this questionnaire.",
            ),
            AnswerError::NotAnOption => t(
                "Kies een van de gegeven antwoorden.",
                "Choose one of the given answers.",
            ),
            AnswerError::NotANumber => t("Vul een getal in.", "Enter a number."),
            AnswerError::NotAWholeNumber => t("Vul een geheel getal in.", "Enter a whole number."),
            AnswerError::NotADate => t(
                "Vul een datum in als jjjj-mm-dd.",
                "Enter a date as yyyy-mm-dd.",
            ),
            AnswerError::NotATime => t("Vul een tijd in als uu:mm.", "Enter a time as hh:mm."),
            AnswerError::NotADateTime => t(
                "Vul een datum en tijd in als jjjj-mm-dd uu:mm.",
                "Enter a date and time as yyyy-mm-dd hh:mm.",
            ),
            AnswerError::Negative => t(
                "Vul een aantal van 0 of meer in.",
                "Enter a count of 0 or more.",
            ),
            AnswerError::NotApplicable => t(
                "Deze vraag is niet van toepassing bij uw andere antwoorden.",
                "This question does not apply given your other answers.",
            ),
            AnswerError::Calculated => t(
                "Deze waarde wordt berekend uit de andere antwoorden en kan niet worden ingevuld.",
                "This value is calculated from the other answers and cannot be filled in.",
            ),
            AnswerError::ReadOnly => t(
                "Deze vraag is alleen ter informatie en kan niet worden gewijzigd.",
                "This question is for information only and cannot be changed.",
            ),
            AnswerError::TooLong => t(
                "Het antwoord is te lang (maximaal 10.000 tekens).",
                "The answer is too long (at most 10,000 characters).",
            ),
        }
    }
}
