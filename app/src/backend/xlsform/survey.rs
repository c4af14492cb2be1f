//! The survey sheet's groups and questions as sections. Questions outside any group form a
//! section of their own (one per run of them); a group inside a group becomes a section whose
//! title shows the path, and every enclosing group's `relevant` holds for it too.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::kinds::{self, item, privacy_of, row_kind, Row};
use super::sheet::{note, Sheet};
use super::{filter, valid_key, Lists};
use crate::domain::import::ImportProblem;
use crate::domain::questionnaire::{Item, ItemKind, Required, Section, Text};
use crate::domain::response::default_fits;

/// An open `begin group`.
struct Group {
    key: String,
    title: Text,
    /// The group's hint: the intro of its first section.
    intro: Option<Text>,
    relevant: Option<String>,
    line: usize,
}

/// What reading the survey sheet gives: the sections, the line of each key (for problems found
/// later), and what was refused or only warned about.
pub(super) struct Read {
    pub sections: Vec<Section>,
    pub rows_of: HashMap<String, usize>,
    pub problems: Vec<ImportProblem>,
    pub warnings: Vec<ImportProblem>,
}

/// The state of reading the survey sheet row by row.
struct Reader<'a> {
    survey: &'a Sheet,
    title: &'a Text,
    read: Read,
    /// The names of the form (sections' keys must differ from them), and the keys given.
    names: HashSet<String>,
    /// The question keys used so far, each with its section.
    taken: HashMap<String, String>,
    /// Names that had to change to be keys, which references follow.
    renamed: Vec<(String, String)>,
    groups: Vec<Group>,
    /// The section that takes the next question, while no group opens or closes.
    current: Option<usize>,
}

/// Builds the sections; `title` names the section of top-level questions.
pub(super) fn read_survey(survey: &Sheet, lists: &Lists, title: &Text) -> Read {
    let names = survey
        .rows
        .iter()
        .filter(|(_, row)| !survey.get(row, "type").to_lowercase().contains("group"))
        .map(|(_, row)| survey.get(row, "name").to_owned())
        .collect();
    let mut reader = Reader {
        survey,
        title,
        read: Read {
            sections: Vec::new(),
            rows_of: HashMap::new(),
            problems: Vec::new(),
            warnings: Vec::new(),
        },
        names,
        taken: HashMap::new(),
        renamed: Vec::new(),
        groups: Vec::new(),
        current: None,
    };
    for (line, row) in &survey.rows {
        reader.row(*line, row, lists);
    }
    reader.finish()
}

impl Reader<'_> {
    fn at(&self, line: usize, column: &str, nl: String, en: String) -> ImportProblem {
        note(&self.survey.name, line, column, nl, en)
    }

    /// One row of the survey sheet.
    fn row(&mut self, line: usize, row: &[String], lists: &Lists) {
        let survey = self.survey;
        let t = survey.get(row, "type");
        let name = survey.get(row, "name").to_owned();
        let spelled = t.to_lowercase().replace('_', " ");
        let repeats = ["begin repeat", "end repeat", "begin loop", "end loop"];
        match spelled.as_str() {
            "" => {}
            _ if repeats.iter().any(|r| spelled.starts_with(r)) => {
                let refusal = self.at(
                    line,
                    "type",
                    "Herhalingen (repeat, loop) worden niet ondersteund: een instelling beantwoordt elke vraag één keer. Maak van de herhaalde vragen gewone vragen of een matrix.".into(),
                    "Repeats (repeat, loop) are not supported: an institution answers each question once. Make the repeated questions ordinary questions or a matrix.".into(),
                );
                self.read.problems.push(refusal);
            }
            "begin group" => {
                self.groups.push(Group {
                    key: name,
                    title: survey.text(row, "label"),
                    intro: Some(survey.text(row, "hint")).filter(|t| !t.is_blank()),
                    relevant: Some(kinds::condition(survey.get(row, "relevant")))
                        .filter(|r| !r.is_empty()),
                    line,
                });
                self.current = None;
            }
            "end group" => {
                if self.groups.pop().is_none() {
                    let problem = self.at(
                        line,
                        "type",
                        "‘end group’ zonder ‘begin group’.".into(),
                        "‘end group’ without ‘begin group’.".into(),
                    );
                    self.read.problems.push(problem);
                }
                self.current = None;
            }
            _ => match row_kind(t, row, survey, lists) {
                Row::Skipped(nl, en) => {
                    let warning = self.at(line, "type", nl, en);
                    self.read.warnings.push(warning);
                }
                Row::Refused(nl, en) => {
                    let problem = self.at(line, "type", nl, en);
                    self.read.problems.push(problem);
                }
                Row::Question(kind) => self.question(line, row, name, kind, lists),
            },
        }
    }

    /// A question row: into the open section (made when the first question needs it).
    fn question(
        &mut self,
        line: usize,
        row: &[String],
        name: String,
        kind: ItemKind,
        lists: &Lists,
    ) {
        let survey = self.survey;
        let (kind, choice_conditions) = self.filtered(line, row, kind, lists);
        let (_, unknown) = kinds::appearance(survey.get(row, "appearance"));
        if !unknown.is_empty() {
            let words = unknown.join(" ");
            let warning = self.at(
                line,
                "appearance",
                format!("Weergave ‘{words}’ kent het platform niet: de vraag wordt op de gewone manier getoond."),
                format!("Appearance ‘{words}’ is not known to the platform: the question is shown the ordinary way."),
            );
            self.read.warnings.push(warning);
        }
        let mut problems = Vec::new();
        let privacy = privacy_of(survey.get(row, "privacy"), &mut |column, nl, en| {
            problems.push(note(&survey.name, line, column, nl, en))
        });
        self.read.problems.extend(problems);
        let index = match self.current {
            Some(index) => index,
            None => {
                let mut new = section(&self.groups, self.title, &mut self.names);
                // The intro goes with the group's first section only.
                new.intro = self.groups.last_mut().and_then(|g| g.intro.take());
                let begun = self.groups.last().map_or(line, |g| g.line);
                self.read.rows_of.insert(new.key.clone(), begun);
                self.read.sections.push(new);
                self.current = Some(self.read.sections.len() - 1);
                self.read.sections.len() - 1
            }
        };
        let key = self.key_of(line, &name, index);
        let mut question = item(key.clone(), kind, privacy, row, survey);
        question.choice_conditions = choice_conditions;
        if matches!(question.kind, ItemKind::Calculated { .. }) {
            question.default = None;
        }
        if !default_fits(&question) {
            let written = question.default.take().unwrap_or_default();
            let warning = self.at(
                line,
                "default",
                format!("Default ‘{written}’ past niet bij de vraag (een vaste waarde van het type van de vraag): weggelaten."),
                format!("Default ‘{written}’ does not fit the question (a fixed value of the question's type): left out."),
            );
            self.read.warnings.push(warning);
        }
        let items = &mut self.read.sections[index].items;
        items.push(question);
        if kinds::has_other(survey.get(row, "type")) {
            items.push(other_text(&key, &mut self.names));
        }
        self.read.rows_of.insert(key, line);
    }

    /// A choice question's options under its `choice_filter`: each option's condition, an option
    /// listed more than once kept once. A name the filter uses that is not a column of the
    /// choices sheet is a problem.
    fn filtered(
        &mut self,
        line: usize,
        row: &[String],
        kind: ItemKind,
        lists: &Lists,
    ) -> (ItemKind, BTreeMap<String, String>) {
        let survey = self.survey;
        let written = &filter::plain_quotes(survey.get(row, "choice_filter"));
        let list = kinds::spelling(survey.get(row, "type"))
            .1
            .first()
            .map(|l| l.to_string());
        let (ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options }) = &kind
        else {
            return (kind, BTreeMap::new());
        };
        let Some(columns) = list.and_then(|l| lists.columns.get(&l)) else {
            return (kind, BTreeMap::new());
        };
        let exported = |cells: &HashMap<String, String>| {
            cells
                .get(super::OFFERED_WHEN)
                .filter(|c| !c.is_empty())
                .cloned()
        };
        if written.is_empty() && !columns.iter().any(|cells| exported(cells).is_some()) {
            return (kind, BTreeMap::new());
        }
        let mut offered = Vec::with_capacity(options.len());
        for (i, option) in options.iter().enumerate() {
            // `other` (or_other) has no row on the choices sheet: always offered.
            let condition = match columns.get(i) {
                Some(cells) if written.is_empty() => exported(cells),
                Some(cells) => match filter::for_choice(written, &option.code, cells) {
                    Ok(condition) => Some(condition),
                    Err(name) => {
                        let problem = self.at(
                            line,
                            "choice_filter",
                            format!("choice_filter noemt ‘{name}’, maar dat is geen kolom van het werkblad choices."),
                            format!("choice_filter names ‘{name}’, which is not a column of the choices sheet."),
                        );
                        self.read.problems.push(problem);
                        return (kind, BTreeMap::new());
                    }
                },
                None => None,
            };
            offered.push((option.clone(), condition));
        }
        let (options, conditions) = filter::merged(offered);
        let kind = match kind {
            ItemKind::MultipleChoice { .. } => ItemKind::MultipleChoice { options },
            _ => ItemKind::SingleChoice { options },
        };
        (kind, conditions)
    }

    /// The key of question `name` in section `index`, with a warning when it had to change.
    fn key_of(&mut self, line: usize, name: &str, index: usize) -> String {
        if name.is_empty() {
            // No name: the check reports it at this row.
            return String::new();
        }
        let taken_before = self.taken.contains_key(&valid_key(name, "q_"));
        let key = item_key(name, &self.read.sections[index].key, &mut self.taken);
        if key != name {
            let warning = self.at(
                line,
                "name",
                format!("Naam ‘{name}’ is ‘{key}’ geworden (een sleutel bestaat uit letters, cijfers en _ en komt één keer voor)."),
                format!("Name ‘{name}’ became ‘{key}’ (a key consists of letters, digits and _ and occurs once)."),
            );
            self.read.warnings.push(warning);
            // References follow a name made valid, not a repeated one (they cannot tell which).
            if !taken_before {
                self.renamed.push((name.to_owned(), key.clone()));
            }
        }
        key
    }

    /// The sections with references following renamed keys; a group left open is a problem.
    fn finish(mut self) -> Read {
        let names = &self.names;
        each_expression(&mut self.read.sections, |e| {
            *e = filter::plain_quotes(e);
            if e.contains('/') {
                *e = filter::references(e, names);
            }
        });
        follow_renames(&mut self.read.sections, &self.renamed);
        for group in &self.groups {
            let problem = self.at(
                group.line,
                "type",
                "Groep wordt niet gesloten met ‘end group’.".into(),
                "Group is not closed with ‘end group’.".into(),
            );
            self.read.problems.push(problem);
        }
        self.read
    }
}

/// A new section for the questions inside `groups` (the innermost last), or for top-level
/// questions when there is none: its key unique among every name of the form.
fn section(groups: &[Group], title: &Text, names: &mut HashSet<String>) -> Section {
    let base = groups
        .last()
        .map_or_else(|| "algemeen".to_owned(), |g| g.key.clone());
    let key = unique(&base, names);
    let titles: Vec<&Text> = groups
        .iter()
        .map(|g| &g.title)
        .filter(|t| !t.is_blank())
        .collect();
    let title = if groups.is_empty() {
        if title.is_blank() {
            Text::new("Algemeen", "General")
        } else {
            title.clone()
        }
    } else {
        let join = |pick: fn(&Text) -> &str| {
            titles
                .iter()
                .map(|t| pick(t))
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" › ")
        };
        let (nl, en) = (join(|t| &t.nl), join(|t| &t.en));
        match (nl.is_empty() && en.is_empty(), title.is_blank()) {
            // Groups without a label (a layout such as field-list) take the form's title.
            (true, false) => title.clone(),
            (true, true) => Text::new(&key, ""),
            (false, _) => Text::new(&nl, &en),
        }
    };
    let conditions: Vec<&str> = groups
        .iter()
        .filter_map(|g| g.relevant.as_deref())
        .collect();
    let relevant = match conditions.as_slice() {
        [] => None,
        [one] => Some((*one).to_owned()),
        many => Some(
            many.iter()
                .map(|c| format!("({c})"))
                .collect::<Vec<_>>()
                .join(" and "),
        ),
    };
    Section {
        key,
        title,
        intro: None,
        relevant,
        items: Vec::new(),
    }
}

/// `base`, or `base_2`, `base_3`, … when the form uses it already; the result is taken.
fn unique(base: &str, names: &mut HashSet<String>) -> String {
    let key = free(base, |k| names.contains(k));
    names.insert(key.clone());
    key
}

/// `base`, or the first of `base_2`, `base_3`, … that is not `used`.
fn free(base: &str, used: impl Fn(&str) -> bool) -> String {
    let mut key = base.to_owned();
    let mut n = 1;
    while used(&key) {
        n += 1;
        key = format!("{base}_{n}");
    }
    key
}

/// The text question XLSForm's `or_other` adds: what the other answer is, asked only then.
fn other_text(key: &str, names: &mut HashSet<String>) -> Item {
    Item {
        relevant: Some(format!("selected(${{{key}}}, 'other')")),
        ..Item::new(
            &unique(&format!("{key}_other"), names),
            ItemKind::ShortText,
            Text::new("Anders, namelijk", "Other, namely"),
        )
    }
}

/// A question's key: its name made valid (letters, digits and `_`, not starting with a digit) and,
/// when a question in another section has it already (XLSForm allows that in another group),
/// prefixed with its section's key. `taken` holds each key used so far with its section; a name
/// repeated within one section stays, for the check to report.
fn item_key(name: &str, section: &str, taken: &mut HashMap<String, String>) -> String {
    let mut key = valid_key(name, "q_");
    if taken.get(&key).is_some_and(|other| other != section) {
        key = free(&format!("{section}_{key}"), |k| taken.contains_key(k));
    }
    taken.insert(key.clone(), section.to_owned());
    key
}

/// Applies `rewrite` to every rule: sections' and items' conditions, conditional requirements,
/// constraints, calculations and options' conditions.
fn each_expression(sections: &mut [Section], mut rewrite: impl FnMut(&mut String)) {
    for section in sections {
        section.relevant.iter_mut().for_each(&mut rewrite);
        for item in &mut section.items {
            item.relevant.iter_mut().for_each(&mut rewrite);
            if let Required::When(condition) = &mut item.required {
                rewrite(condition);
            }
            if let Some(constraint) = &mut item.constraint {
                rewrite(&mut constraint.expression);
            }
            if let ItemKind::Calculated { expression } = &mut item.kind {
                rewrite(expression);
            }
            item.choice_conditions.values_mut().for_each(&mut rewrite);
        }
    }
}

/// Rewrites the references `${old}` of the renamed names in every rule.
fn follow_renames(sections: &mut [Section], renamed: &[(String, String)]) {
    if renamed.is_empty() {
        return;
    }
    each_expression(sections, |expression| {
        for (old, new) in renamed {
            *expression = expression.replace(&format!("${{{old}}}"), &format!("${{{new}}}"));
        }
    });
}
