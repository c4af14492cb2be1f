//! What other tools' expressions ask that the platform's logic cannot do (`regex()`,
//! `pulldata()`, a note's value): a calculation that needs it is skipped, a constraint that calls
//! a function the logic lacks is left out, each with a warning. A rule that refers to a skipped
//! calculation is then refused by the check, as any unknown reference is.

use crate::domain::expr::{self, CheckErrorKind, ValueType};
use crate::domain::questionnaire::{scope_for, Definition, ItemKind};
use crate::i18n::Lang;

/// A warning in Dutch and English.
type Said = (String, String);

/// Takes out what the logic cannot evaluate; per item key, the column and the warning.
pub(super) fn beyond_the_logic(def: &mut Definition) -> Vec<(String, &'static str, Said)> {
    let mut out = Vec::new();
    while let Some((key, why)) = first_calculation_beyond(def) {
        for section in &mut def.sections {
            section.items.retain(|i| i.key != key);
        }
        let said = (
            format!("Berekening ‘{key}’ overgeslagen: de logica van het platform kan haar niet uitrekenen ({}). Een regel die ernaar verwijst wordt gemeld.", why.0),
            format!("Calculation ‘{key}’ skipped: the platform's logic cannot evaluate it ({}). A rule that refers to it is reported.", why.1),
        );
        out.push((key, "calculation", said));
    }
    let unknown: Vec<(String, Said)> = def
        .items()
        .filter_map(|(_, item)| {
            let constraint = item.constraint.as_ref()?;
            let mut scope = scope_for(def, &item.key, Some(item.kind.value_type()));
            scope.own_type = Some(item.kind.value_type());
            let node = expr::parse(&constraint.expression).ok()?;
            let errors = expr::check(&node, &scope).err()?;
            let function = errors.iter().find_map(|e| match &e.kind {
                CheckErrorKind::UnknownFunction(f) => Some(f.clone()),
                _ => None,
            })?;
            Some((item.key.clone(), function))
        })
        .map(|(key, function)| {
            let said = (
                format!("De controle op ‘{key}’ gebruikt {function}(), die het platform niet kent: de controle is weggelaten."),
                format!("The constraint on ‘{key}’ uses {function}(), which the platform does not know: the constraint is left out."),
            );
            (key, said)
        })
        .collect();
    for (key, said) in unknown {
        for section in &mut def.sections {
            for item in section.items.iter_mut().filter(|i| i.key == key) {
                item.constraint = None;
            }
        }
        out.push((key, "constraint", said));
    }
    out
}

/// The first calculation whose expression does not parse or check, with why.
fn first_calculation_beyond(def: &Definition) -> Option<(String, Said)> {
    def.items().find_map(|(_, item)| {
        let ItemKind::Calculated { expression } = &item.kind else {
            return None;
        };
        let both = |m: &dyn Fn(Lang) -> String| (m(Lang::Nl), m(Lang::En));
        let checked = match expr::parse(expression) {
            Err(e) => Err(both(&|l| e.message(l))),
            Ok(node) => expr::check(&node, &scope_for(def, &item.key, None))
                .map(|_: ValueType| ())
                .map_err(|errors| {
                    both(&|l| errors.first().map(|e| e.message(l)).unwrap_or_default())
                }),
        };
        checked.err().map(|why| (item.key.clone(), why))
    })
}
