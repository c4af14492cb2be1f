//! What the figures' names mean, in Dutch and English: indicators, breakdowns and the columns of
//! a figures table. The report page, the exports' codebooks and the API use these same labels.

use crate::i18n::Lang;

/// A name with its Dutch and English label and, where it needs one, a definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    pub key: &'static str,
    pub nl: &'static str,
    pub en: &'static str,
    pub definition_nl: &'static str,
    pub definition_en: &'static str,
}

const fn label(key: &'static str, nl: &'static str, en: &'static str) -> Label {
    Label {
        key,
        nl,
        en,
        definition_nl: "",
        definition_en: "",
    }
}

const fn defined(
    key: &'static str,
    (nl, en): (&'static str, &'static str),
    (definition_nl, definition_en): (&'static str, &'static str),
) -> Label {
    Label {
        key,
        nl,
        en,
        definition_nl,
        definition_en,
    }
}

impl Label {
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Nl => self.nl,
            Lang::En => self.en,
        }
    }

    pub fn definition(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Nl => self.definition_nl,
            Lang::En => self.definition_en,
        }
    }
}

/// The share indicators of student data (see [`super::student_indicators`]) and the incident
/// figures.
pub const INDICATORS: &[Label] = &[
    defined(
        "feels_safe",
        ("Voelt zich veilig", "Feels safe"),
        (
            "Aandeel studenten dat ‘voel je je veilig op school’ met 4 of 5 (op 1–5) beantwoordt.",
            "Share of students answering ‘do you feel safe at school’ with 4 or 5 (on 1–5).",
        ),
    ),
    defined(
        "bullied",
        ("Gepest", "Bullied"),
        (
            "Aandeel studenten dat zegt het afgelopen jaar gepest te zijn (ja = 1).",
            "Share of students who say they were bullied in the past year (yes = 1).",
        ),
    ),
    defined(
        "discriminated",
        ("Gediscrimineerd", "Discriminated"),
        (
            "Aandeel studenten dat zegt het afgelopen jaar gediscrimineerd te zijn (ja = 1).",
            "Share of students who say they were discriminated against in the past year (yes = 1).",
        ),
    ),
    defined(
        "sexual_harassment",
        ("Seksueel lastiggevallen", "Sexually harassed"),
        (
            "Aandeel studenten dat zegt het afgelopen jaar seksueel lastiggevallen te zijn (ja = 1).",
            "Share of students who say they were sexually harassed in the past year (yes = 1).",
        ),
    ),
    defined(
        "staff_feels_safe",
        ("Personeel voelt zich veilig", "Staff feel safe"),
        (
            "Aandeel medewerkers dat ‘voel je je veilig op het werk’ met 4 of 5 (op 1–5) beantwoordt.",
            "Share of staff answering ‘do you feel safe at work’ with 4 or 5 (on 1–5).",
        ),
    ),
    defined(
        "staff_unwanted_behaviour",
        ("Personeel ervoer ongewenst gedrag", "Staff experienced unwanted behaviour"),
        (
            "Aandeel medewerkers dat het afgelopen jaar ongewenst gedrag ervoer (ja = 1).",
            "Share of staff who experienced unwanted behaviour in the past year (yes = 1).",
        ),
    ),
    defined(
        "incidents:aggression",
        ("Incidenten: agressie en geweld", "Incidents: aggression and violence"),
        (
            "Geregistreerde incidenten van deze categorie per 1.000 studenten (studenten volgens het register); n is het aantal incidenten. Zo ook de andere categorieën.",
            "Registered incidents of this category per 1,000 students (students as in the register); n is the number of incidents. The same for the other categories.",
        ),
    ),
    label("incidents:cyber", "Incidenten: (cyber)pesten", "Incidents: (cyber)bullying"),
    label("incidents:sexual", "Incidenten: seksuele intimidatie", "Incidents: sexual harassment"),
    label("incidents:discrimination", "Incidenten: discriminatie", "Incidents: discrimination"),
    label("incidents:theft", "Incidenten: diefstal", "Incidents: theft"),
    label("incidents:vandalism", "Incidenten: vernieling", "Incidents: vandalism"),
    label("incidents:weapons", "Incidenten: wapenbezit", "Incidents: weapons"),
    label("incidents:drugs", "Incidenten: drugs", "Incidents: drugs"),
    label("incidents:other", "Incidenten: overig", "Incidents: other"),
    defined(
        "register:students",
        ("Studenten (register)", "Students (register)"),
        (
            "Aantal studenten (BOL voltijd, BOL deeltijd en BBL) volgens het register van dat jaar.",
            "Number of students (BOL full-time, BOL part-time and BBL) in that year's register.",
        ),
    ),
    defined(
        "incidents_total",
        ("Incidenten (totaal)", "Incidents (total)"),
        (
            "Aantal geregistreerde incidenten van de instelling in het jaar.",
            "Number of incidents the institution registered in the year.",
        ),
    ),
    defined(
        "incidents_per_1000",
        ("Incidenten per 1.000", "Incidents per 1,000"),
        (
            "Geregistreerde incidenten per 1.000 respondenten.",
            "Registered incidents per 1,000 respondents.",
        ),
    ),
];

/// Every breakdown of student figures, in the order the report offers them.
pub const BREAKDOWNS: &[Label] = &[
    label("national", "Landelijk", "National"),
    label("type", "Soort instelling", "Type of institution"),
    label("size_band", "Grootte", "Size"),
    label("region", "Regio", "Region"),
    label("brin", "Instelling", "Institution"),
    label("sector", "Sector", "Sector"),
    label("level", "Niveau", "Level"),
    label("path", "Leerweg", "Learning path"),
    label("gender", "Geslacht", "Gender"),
    label("age_band", "Leeftijd", "Age"),
    label("migration", "Migratieachtergrond", "Migration background"),
    label("disability", "Beperking", "Disability"),
    label("job_group", "Functiegroep", "Job group"),
];

/// The columns of a figures table ([`super::figures_csv`]).
pub const FIGURE_COLUMNS: &[Label] = &[
    defined(
        "year",
        ("Jaar", "Year"),
        ("Jaar van de gegevens.", "Year of the data."),
    ),
    defined(
        "breakdown",
        ("Indeling", "Breakdown"),
        (
            "Waarnaar uitgesplitst is; `a×b` is een kruising, `q:<sleutel>` het antwoord van de instelling op die vraag.",
            "What the figures are broken down by; `a×b` is a crossing, `q:<key>` the institution's answer to that question.",
        ),
    ),
    defined(
        "group",
        ("Groep", "Group"),
        (
            "De groep binnen de indeling; leeg = onbekend.",
            "The group within the breakdown; empty = unknown.",
        ),
    ),
    defined(
        "indicator",
        ("Indicator", "Indicator"),
        ("Zie het blad Indicatoren.", "See the sheet Indicators."),
    ),
    defined(
        "n",
        ("n", "n"),
        (
            "Ongewogen aantal respondenten met een antwoord.",
            "Unweighted number of respondents with an answer.",
        ),
    ),
    defined(
        "share",
        ("Waarde", "Value"),
        (
            "Gewogen aandeel (0–1), aantal of aantal per 1.000; leeg als de cel onderdrukt is.",
            "Weighted share (0–1), count or rate per 1,000; empty when the cell is suppressed.",
        ),
    ),
    defined(
        "ci_low",
        ("Ondergrens", "Lower bound"),
        (
            "Ondergrens van het 95%-betrouwbaarheidsinterval (Wilson, rond het gewogen aandeel, met de effectieve n van Kish: (Σw)²/Σw²).",
            "Lower bound of the 95% confidence interval (Wilson, around the weighted share, with Kish's effective n: (Σw)²/Σw²).",
        ),
    ),
    defined(
        "ci_high",
        ("Bovengrens", "Upper bound"),
        (
            "Bovengrens van het 95%-betrouwbaarheidsinterval (Wilson, rond het gewogen aandeel, met de effectieve n van Kish: (Σw)²/Σw²).",
            "Upper bound of the 95% confidence interval (Wilson, around the weighted share, with Kish's effective n: (Σw)²/Σw²).",
        ),
    ),
    defined(
        "suppressed",
        ("Onderdrukt", "Suppressed"),
        (
            "1 als de cel niet getoond wordt: n onder de drempel, of te herleiden uit andere cellen.",
            "1 when the cell is not shown: n below the threshold, or derivable from other cells.",
        ),
    ),
];

/// The label of `key` in `list`, or the key itself.
pub fn of(list: &[Label], key: &str, lang: Lang) -> String {
    list.iter()
        .find(|l| l.key == key)
        .map_or_else(|| key.to_owned(), |l| l.get(lang).to_owned())
}
