//! The references an expression makes, written as a plan's `configuration` lists them
//! (`ibm_iam_service_id.ci.iam_id`, `ibm_iam_service_id.ci`, `var.x`, `each.key`), with
//! `local.*` replaced by the references of the local's own expression, since a plan's
//! loader cannot follow a local.

use std::collections::HashSet;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::Element;

use super::config::ModuleDef;

/// The references of `expr` in module `def`, first occurrence first.
pub(crate) fn references(def: &ModuleDef<'_>, expr: &Expression) -> Vec<String> {
    let mut out = Vec::new();
    let mut visiting = HashSet::new();
    collect(def, expr, &[], &mut visiting, &mut out);
    out
}

fn push(out: &mut Vec<String>, reference: String) {
    if !out.contains(&reference) {
        out.push(reference);
    }
}

fn collect(
    def: &ModuleDef<'_>,
    expr: &Expression,
    bound: &[String],
    visiting: &mut HashSet<String>,
    out: &mut Vec<String>,
) {
    match expr {
        Expression::Array(items) => {
            for item in items.iter() {
                collect(def, item, bound, visiting, out);
            }
        }
        Expression::Object(object) => {
            for (key, value) in object.iter() {
                if let ObjectKey::Expression(key) = key
                    && !matches!(key, Expression::Variable(_))
                {
                    collect(def, key, bound, visiting, out);
                }
                collect(def, value.expr(), bound, visiting, out);
            }
        }
        Expression::StringTemplate(template) => {
            for element in template.iter() {
                element_refs(def, element, bound, visiting, out);
            }
        }
        Expression::HeredocTemplate(heredoc) => {
            for element in heredoc.template.iter() {
                element_refs(def, element, bound, visiting, out);
            }
        }
        Expression::Parenthesis(inner) => collect(def, inner.inner(), bound, visiting, out),
        Expression::Variable(ident) => {
            traversal(def, ident.as_str(), &[], bound, visiting, out);
        }
        Expression::Traversal(traversal_expr) => {
            let operators: Vec<&TraversalOperator> = traversal_expr
                .operators
                .iter()
                .map(|op| op.value())
                .collect();
            match &traversal_expr.expr {
                Expression::Variable(ident) => {
                    traversal(def, ident.as_str(), &operators, bound, visiting, out);
                }
                other => collect(def, other, bound, visiting, out),
            }
            for operator in operators {
                if let TraversalOperator::Index(index) = operator {
                    collect(def, index, bound, visiting, out);
                }
            }
        }
        Expression::Conditional(conditional) => {
            collect(def, &conditional.cond_expr, bound, visiting, out);
            collect(def, &conditional.true_expr, bound, visiting, out);
            collect(def, &conditional.false_expr, bound, visiting, out);
        }
        Expression::FuncCall(call) => {
            for arg in call.args.iter() {
                collect(def, arg, bound, visiting, out);
            }
        }
        Expression::UnaryOp(op) => collect(def, &op.expr, bound, visiting, out),
        Expression::BinaryOp(op) => {
            collect(def, &op.lhs_expr, bound, visiting, out);
            collect(def, &op.rhs_expr, bound, visiting, out);
        }
        Expression::ForExpr(for_expr) => {
            collect(def, &for_expr.intro.collection_expr, bound, visiting, out);
            let mut inner = bound.to_vec();
            inner.push(for_expr.intro.value_var.as_str().to_owned());
            if let Some(key) = &for_expr.intro.key_var {
                inner.push(key.as_str().to_owned());
            }
            if let Some(key) = &for_expr.key_expr {
                collect(def, key, &inner, visiting, out);
            }
            collect(def, &for_expr.value_expr, &inner, visiting, out);
            if let Some(condition) = &for_expr.cond {
                collect(def, &condition.expr, &inner, visiting, out);
            }
        }
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_) => {}
    }
}

fn element_refs(
    def: &ModuleDef<'_>,
    element: &Element,
    bound: &[String],
    visiting: &mut HashSet<String>,
    out: &mut Vec<String>,
) {
    if let Element::Interpolation(interpolation) = element {
        collect(def, &interpolation.expr, bound, visiting, out);
    }
}

/// A literal index as an address writes it (`[0]`, `["a"]`), or `None` for a computed one.
fn literal_index(operator: Option<&&TraversalOperator>) -> Option<Option<String>> {
    match operator {
        Some(TraversalOperator::Index(Expression::Number(number))) => {
            Some(Some(format!("[{}]", number.value())))
        }
        Some(TraversalOperator::Index(Expression::String(text))) => Some(Some(format!(
            "[{}]",
            serde_json::Value::String(text.as_str().to_owned())
        ))),
        Some(TraversalOperator::LegacyIndex(index)) => Some(Some(format!("[{}]", index.value()))),
        Some(TraversalOperator::Index(_)) => Some(None),
        _ => None,
    }
}

fn traversal(
    def: &ModuleDef<'_>,
    root: &str,
    operators: &[&TraversalOperator],
    bound: &[String],
    visiting: &mut HashSet<String>,
    out: &mut Vec<String>,
) {
    if bound.iter().any(|name| name == root) {
        return;
    }
    let attr = |at: usize| match operators.get(at) {
        Some(TraversalOperator::GetAttr(name)) => Some(name.as_str().to_owned()),
        _ => None,
    };
    match root {
        "var" | "count" | "each" => {
            if let Some(name) = attr(0) {
                push(out, format!("{root}.{name}"));
            }
        }
        "local" => {
            let Some(name) = attr(0) else { return };
            let Some((_, local)) = def.locals.get(&name) else {
                push(out, format!("local.{name}"));
                return;
            };
            // Each local once: its references are in `out` after the first visit (this also
            // ends cycles, and chains of locals that refer to the previous one twice).
            if visiting.insert(name) {
                collect(def, &local.value, &[], visiting, out);
            }
        }
        "path" | "terraform" | "self" => {}
        "module" => {
            let Some(name) = attr(0) else { return };
            let base = format!("module.{name}");
            match literal_index(operators.get(1)) {
                Some(Some(index)) => {
                    if let Some(output) = attr(2) {
                        push(out, format!("{base}{index}.{output}"));
                    }
                    push(out, format!("{base}{index}"));
                }
                Some(None) => {}
                None => {
                    if let Some(output) = attr(1) {
                        push(out, format!("{base}.{output}"));
                    }
                }
            }
            push(out, base);
        }
        "data" => {
            if let (Some(kind), Some(name)) = (attr(0), attr(1)) {
                resource(&format!("data.{kind}.{name}"), &operators[2..], out);
            }
        }
        kind => {
            if let Some(name) = attr(0) {
                resource(&format!("{kind}.{name}"), &operators[1..], out);
            }
        }
    }
}

fn resource(base: &str, rest: &[&TraversalOperator], out: &mut Vec<String>) {
    let attr = |at: usize| match rest.get(at) {
        Some(TraversalOperator::GetAttr(name)) => Some(name.as_str().to_owned()),
        _ => None,
    };
    match literal_index(rest.first()) {
        Some(Some(index)) => {
            if let Some(attribute) = attr(1) {
                push(out, format!("{base}{index}.{attribute}"));
            }
            push(out, format!("{base}{index}"));
        }
        Some(None) => {}
        None => {
            if let Some(attribute) = attr(0) {
                push(out, format!("{base}.{attribute}"));
            }
        }
    }
    push(out, base.to_owned());
}
