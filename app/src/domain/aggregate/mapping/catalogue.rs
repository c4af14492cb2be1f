//! The variables each source provides.

use super::{var, Kind, Variable};

/// The canonical variables of student survey micro-data (JOB-monitor style), in the layout of
/// `../shared/bench/gen.py`'s `students.csv`.
pub const STUDENT_VARIABLES: [Variable; 14] = [
    var("year", Kind::Year, true),
    var("brin", Kind::Institution, true),
    var(
        "sector",
        Kind::Category(&[
            "economie",
            "techniek",
            "zorg_welzijn",
            "groen",
            "ict_creatief",
            "horeca_toerisme",
        ]),
        true,
    ),
    var("level", Kind::Integer { min: 1, max: 4 }, true),
    var("path", Kind::Category(&["BOL", "BBL"]), true),
    var("gender", Kind::Category(&["man", "vrouw", "anders"]), true),
    var(
        "age_band",
        Kind::Category(&["<18", "18-20", "21-26", ">26"]),
        true,
    ),
    var(
        "migration",
        Kind::Category(&["none", "western", "non_western"]),
        true,
    ),
    var("disability", Kind::Category(&["ja", "nee"]), false),
    var("feels_safe", Kind::Integer { min: 1, max: 5 }, true),
    var("bullied", Kind::Integer { min: 0, max: 1 }, true),
    var("discriminated", Kind::Integer { min: 0, max: 1 }, true),
    var("sexual_harassment", Kind::Integer { min: 0, max: 1 }, true),
    var("weight", Kind::Weight, false),
];

/// Job groups of staff.
pub const JOB_GROUPS: [&str; 3] = ["onderwijzend", "onderwijsondersteunend", "management"];

/// The canonical variables of staff survey micro-data.
pub const STAFF_VARIABLES: [Variable; 8] = [
    var("year", Kind::Year, true),
    var("brin", Kind::Institution, true),
    var("job_group", Kind::Category(&JOB_GROUPS), true),
    var("gender", Kind::Category(&["man", "vrouw", "anders"]), true),
    var(
        "age_band",
        Kind::Category(&["<30", "30-44", "45-59", "60+"]),
        true,
    ),
    var("feels_safe", Kind::Integer { min: 1, max: 5 }, true),
    var("unwanted_behaviour", Kind::Integer { min: 0, max: 1 }, true),
    var("weight", Kind::Weight, false),
];

/// Incident categories; a registration's own categories are recoded to these in the mapping.
pub const INCIDENT_CATEGORIES: [&str; 9] = [
    "aggression",
    "cyber",
    "sexual",
    "discrimination",
    "theft",
    "vandalism",
    "weapons",
    "drugs",
    "other",
];

/// The canonical variables of incident registrations: counts per institution, year and
/// category (a file of single incidents has count 1 on every line).
pub const INCIDENT_VARIABLES: [Variable; 4] = [
    var("year", Kind::Year, true),
    var("brin", Kind::Institution, true),
    var("category", Kind::Category(&INCIDENT_CATEGORIES), true),
    var(
        "count",
        Kind::Integer {
            min: 0,
            max: 1_000_000,
        },
        true,
    ),
];

/// The canonical variables of the institution register's yearly counts (DUO open data): students
/// per learning path. DUO masks counts under 5 as `<5`: recode that in the mapping (`<5 = 2`).
pub const REGISTER_VARIABLES: [Variable; 5] = [
    var("year", Kind::Year, true),
    var("brin", Kind::Institution, true),
    var(
        "bol_vt",
        Kind::Integer {
            min: 0,
            max: 1_000_000,
        },
        true,
    ),
    var(
        "bol_dt",
        Kind::Integer {
            min: 0,
            max: 1_000_000,
        },
        true,
    ),
    var(
        "bbl",
        Kind::Integer {
            min: 0,
            max: 1_000_000,
        },
        true,
    ),
];
