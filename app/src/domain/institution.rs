//! Institution codes, types, size bands and regions.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// An `instellingscode` (formerly BRIN): two digits and two capital letters, such as `25PX`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InstitutionCode(String);

impl InstitutionCode {
    /// Accepts surrounding spaces and lower case; refuses location codes (`25PX00`) and anything
    /// else that is not two digits followed by two letters.
    pub fn parse(input: &str) -> Option<InstitutionCode> {
        let code = input.trim().to_uppercase();
        let bytes = code.as_bytes();
        let valid = bytes.len() == 4
            && bytes[..2].iter().all(u8::is_ascii_digit)
            && bytes[2..].iter().all(u8::is_ascii_uppercase);
        valid.then_some(InstitutionCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for InstitutionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The three kinds of mbo institution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InstitutionKind {
    Roc,
    Aoc,
    Vakinstelling,
}

impl InstitutionKind {
    pub const ALL: [InstitutionKind; 3] = [Self::Roc, Self::Aoc, Self::Vakinstelling];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Roc => "roc",
            Self::Aoc => "aoc",
            Self::Vakinstelling => "vakinstelling",
        }
    }

    /// Accepts the stored form and the usual spellings in files (`ROC`, `AOC`, `Vakinstelling`,
    /// `vak`).
    pub fn parse(input: &str) -> Option<InstitutionKind> {
        match input.trim().to_lowercase().as_str() {
            "roc" => Some(Self::Roc),
            "aoc" => Some(Self::Aoc),
            "vakinstelling" | "vak" | "vi" => Some(Self::Vakinstelling),
            _ => None,
        }
    }

    /// The type a register import assumes when the file has no type column and the institution is
    /// new: ROC or AOC when the name says so, otherwise vakinstelling. Admins can correct it.
    pub fn guess_from_name(name: &str) -> InstitutionKind {
        let lower = name.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if words.contains(&"roc") || lower.contains("regionaal opleidingen") {
            Self::Roc
        } else if words.contains(&"aoc") || lower.contains("agrarisch opleidings") {
            Self::Aoc
        } else {
            Self::Vakinstelling
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Roc => "ROC",
            Self::Aoc => "AOC",
            Self::Vakinstelling => lang.pick("Vakinstelling", "Specialist institution"),
        }
    }
}

/// Size band by the number of students (BOL full-time, BOL part-time and BBL together).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SizeBand {
    /// Fewer than 2,500 students.
    Small,
    /// 2,500 to 9,999 students.
    Medium,
    /// 10,000 students or more.
    Large,
}

impl SizeBand {
    pub fn from_students(total: i64) -> SizeBand {
        match total {
            t if t < 2_500 => SizeBand::Small,
            t if t < 10_000 => SizeBand::Medium,
            _ => SizeBand::Large,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SizeBand::Small => lang.pick("Klein (< 2.500)", "Small (< 2,500)"),
            SizeBand::Medium => lang.pick("Middelgroot (2.500–9.999)", "Medium (2,500–9,999)"),
            SizeBand::Large => lang.pick("Groot (≥ 10.000)", "Large (≥ 10,000)"),
        }
    }
}

/// The monitor's regional breakdown: West-Nederland (CBS landsdeel) against the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Region {
    West,
    Rest,
}

impl Region {
    pub fn from_province(province: &str) -> Region {
        const WEST: [&str; 4] = ["noord-holland", "zuid-holland", "utrecht", "zeeland"];
        let p = province.trim().to_lowercase().replace(' ', "-");
        if WEST.contains(&p.as_str()) {
            Region::West
        } else {
            Region::Rest
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Region::West => "West-Nederland",
            Region::Rest => lang.pick("Overig Nederland", "Rest of the Netherlands"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_two_digits_and_two_letters() {
        assert_eq!(
            InstitutionCode::parse(" 25px ").map(|c| c.to_string()),
            Some("25PX".into())
        );
        for bad in ["25PX00", "P25X", "2PX", "25P1", ""] {
            assert!(InstitutionCode::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn kind_is_guessed_from_the_name_and_parsed_from_files() {
        assert_eq!(
            InstitutionKind::guess_from_name("ROC Midden Nederland"),
            InstitutionKind::Roc
        );
        assert_eq!(
            InstitutionKind::guess_from_name("Aoc Terra"),
            InstitutionKind::Aoc
        );
        assert_eq!(
            InstitutionKind::guess_from_name("Grafisch Lyceum Rotterdam"),
            InstitutionKind::Vakinstelling
        );
        assert_eq!(
            InstitutionKind::guess_from_name("Procentrum"),
            InstitutionKind::Vakinstelling
        );
        assert_eq!(
            InstitutionKind::parse(" Vakinstelling"),
            Some(InstitutionKind::Vakinstelling)
        );
        assert_eq!(InstitutionKind::parse("hbo"), None);
    }

    #[test]
    fn size_band_boundaries() {
        assert_eq!(SizeBand::from_students(2_499), SizeBand::Small);
        assert_eq!(SizeBand::from_students(2_500), SizeBand::Medium);
        assert_eq!(SizeBand::from_students(9_999), SizeBand::Medium);
        assert_eq!(SizeBand::from_students(10_000), SizeBand::Large);
    }

    #[test]
    fn west_is_the_four_western_provinces() {
        assert_eq!(Region::from_province("Zuid Holland"), Region::West);
        assert_eq!(Region::from_province("UTRECHT"), Region::West);
        assert_eq!(Region::from_province("Gelderland"), Region::Rest);
    }
}
