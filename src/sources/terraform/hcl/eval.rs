//! Evaluates HCL expressions the way `terraform plan` would before apply: literals,
//! templates, `var.*` (from the module call or the root's values), `local.*`, `count.index`,
//! `each.*`, references to resources, data sources and module outputs, `for` expressions,
//! operators and a few functions (`functions.rs`). A resource's computed attributes (`id`,
//! `crn`, `guid`, `iam_id` ...) are unknown, with the references a plan lists for them;
//! anything iamlint cannot know (a module it does not read, a function it does not evaluate)
//! is unknown with the reason.
//!
//! Evaluation is bounded: locals are evaluated once per module instance (a cycle is
//! unknown), references nest at most [`MAX_DEPTH`] deep, and a run takes at most
//! [`MAX_STEPS`] steps, so no configuration makes it hang.

use std::cell::Cell;

use hcl_edit::expr::{Expression, ForExpr, ObjectKey, UnaryOperator};
use hcl_edit::template::Element;
use serde_json::Value;

use super::config::{META_ARGUMENTS, ModuleDef, ResourceDecl, attribute};
use super::functions;
use super::value::{Val, json_number};

mod inputs;
mod instance;
mod operators;
mod reference;

pub(crate) use instance::{Expansion, Instance, Key, Scope};
use operators::{binary, number_value, too_large};

/// How deep references may nest (a resource's argument read through another's ...).
const MAX_DEPTH: u32 = 48;
/// Evaluation steps of one root module: far above any real configuration.
const MAX_STEPS: u64 = 300_000;
/// The most instances one `count` or `for_each` makes.
pub(crate) const MAX_INSTANCES: usize = 10_000;

/// The module tree of one root module, and its evaluation.
pub(crate) struct Tree<'d, 'f> {
    pub defs: &'d [ModuleDef<'f>],
    pub instances: Vec<Instance>,
    steps: Cell<u64>,
}

impl<'d, 'f> Tree<'d, 'f> {
    pub(crate) fn new(defs: &'d [ModuleDef<'f>]) -> Self {
        Self {
            defs,
            instances: Vec::new(),
            steps: Cell::new(0),
        }
    }

    pub(crate) fn def_of(&self, inst: usize) -> Option<&'d ModuleDef<'f>> {
        self.defs.get(self.instances.get(inst)?.def)
    }

    /// Evaluates `expr` in `scope`.
    pub(crate) fn eval(&self, scope: &Scope, expr: &Expression) -> Val {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > MAX_STEPS {
            return Val::unknown("the configuration takes too many evaluation steps");
        }
        let value = self.eval_expression(scope, expr);
        match &value {
            Val::Known(known) if too_large(known) => Val::unknown(
                "a value larger than iamlint evaluates (a string of 1 MiB, 100,000 items)",
            ),
            _ => value,
        }
    }

    fn eval_expression(&self, scope: &Scope, expr: &Expression) -> Val {
        match expr {
            Expression::Null(_) => Val::null(),
            Expression::Bool(flag) => Val::Known(Value::Bool(*flag.value())),
            Expression::Number(number) => Val::Known(number_value(number.value())),
            Expression::String(text) => Val::text(text.as_str()),
            Expression::Array(items) => {
                Val::list(items.iter().map(|item| self.eval(scope, item)).collect())
            }
            Expression::Object(object) => {
                let mut members = Vec::new();
                for (key, item) in object.iter() {
                    let name = match key {
                        ObjectKey::Ident(ident) => Val::text(ident.as_str()),
                        ObjectKey::Expression(Expression::Variable(ident)) => {
                            Val::text(ident.as_str())
                        }
                        ObjectKey::Expression(expr) => self.eval(scope, expr),
                    };
                    let value = self.eval(scope, item.expr());
                    match name.as_text() {
                        Some(name) => members.push((name, value)),
                        None => return Val::unknown_from([&name, &value]),
                    }
                }
                Val::map(members)
            }
            Expression::StringTemplate(template) => self.template(scope, template.iter()),
            Expression::HeredocTemplate(heredoc) => self.template(scope, heredoc.template.iter()),
            Expression::Parenthesis(inner) => self.eval(scope, inner.inner()),
            Expression::Variable(ident) => self.traverse(scope, ident.as_str(), &[]),
            Expression::Traversal(traversal) => self.traversal(scope, traversal),
            Expression::Conditional(conditional) => {
                let condition = self.eval(scope, &conditional.cond_expr);
                match condition.known() {
                    Some(Value::Bool(true)) => self.eval(scope, &conditional.true_expr),
                    Some(Value::Bool(false)) => self.eval(scope, &conditional.false_expr),
                    _ => {
                        let yes = self.eval(scope, &conditional.true_expr);
                        let no = self.eval(scope, &conditional.false_expr);
                        if yes == no && yes.known().is_some() {
                            yes
                        } else {
                            Val::unknown_from([&condition, &yes, &no])
                        }
                    }
                }
            }
            Expression::FuncCall(call) => {
                let args: Vec<Val> = call.args.iter().map(|arg| self.eval(scope, arg)).collect();
                if !call.name.namespace.is_empty() {
                    return Val::unknown(format!(
                        "provider function `{}` is not evaluated by iamlint",
                        call.name.name.as_str()
                    ));
                }
                functions::call(call.name.name.as_str(), args)
            }
            Expression::UnaryOp(op) => {
                let value = self.eval(scope, &op.expr);
                match (op.operator.value(), value.known()) {
                    (UnaryOperator::Not, Some(Value::Bool(flag))) => Val::Known(Value::Bool(!flag)),
                    (UnaryOperator::Neg, Some(Value::Number(number))) => {
                        number.as_f64().map_or_else(
                            || Val::unknown("a number out of range"),
                            |n| Val::Known(json_number(-n)),
                        )
                    }
                    _ => Val::unknown_from([&value]),
                }
            }
            Expression::BinaryOp(op) => {
                let left = self.eval(scope, &op.lhs_expr);
                let right = self.eval(scope, &op.rhs_expr);
                binary(*op.operator.value(), &left, &right)
            }
            Expression::ForExpr(for_expr) => self.for_expr(scope, for_expr),
        }
    }

    fn template<'t>(&self, scope: &Scope, elements: impl Iterator<Item = &'t Element>) -> Val {
        let elements: Vec<&Element> = elements.collect();
        // A template that is one interpolation is that value, not its text (`"${var.x}"`).
        if let [Element::Interpolation(only)] = elements.as_slice() {
            return self.eval(scope, &only.expr);
        }
        let mut text = String::new();
        let mut unknown = Vec::new();
        for element in elements {
            match element {
                Element::Literal(literal) => text.push_str(literal.value()),
                Element::Interpolation(interpolation) => {
                    let value = self.eval(scope, &interpolation.expr);
                    match value.as_text() {
                        Some(part) => text.push_str(&part),
                        None if matches!(value.known(), Some(Value::Null)) => {}
                        None => unknown.push(value),
                    }
                }
                Element::Directive(_) => {
                    unknown.push(Val::unknown(
                        "a template directive (`%{if}`, `%{for}`) is not evaluated by iamlint",
                    ));
                }
            }
        }
        if unknown.is_empty() {
            Val::text(text)
        } else {
            Val::unknown_from(unknown.iter())
        }
    }

    fn for_expr(&self, scope: &Scope, for_expr: &ForExpr) -> Val {
        let collection = self.eval(scope, &for_expr.intro.collection_expr);
        let Some(entries) = collection.entries() else {
            return Val::unknown_from([&collection]);
        };
        let mut list = Vec::new();
        let mut object: Vec<(String, Val)> = Vec::new();
        for (key, value) in entries {
            let mut inner = scope.clone();
            if let Some(name) = &for_expr.intro.key_var {
                inner
                    .bound
                    .push((name.as_str().to_owned(), Val::Known(key)));
            }
            inner
                .bound
                .push((for_expr.intro.value_var.as_str().to_owned(), value));
            if let Some(condition) = &for_expr.cond {
                match self.eval(&inner, &condition.expr).known() {
                    Some(Value::Bool(true)) => {}
                    Some(Value::Bool(false)) => continue,
                    _ => {
                        return Val::unknown_from([
                            &collection,
                            &self.eval(&inner, &condition.expr),
                        ]);
                    }
                }
            }
            let item = self.eval(&inner, &for_expr.value_expr);
            match &for_expr.key_expr {
                Some(key_expr) => {
                    let key = self.eval(&inner, key_expr);
                    let Some(name) = key.as_text() else {
                        return Val::unknown_from([&key]);
                    };
                    if for_expr.grouping {
                        match object.iter_mut().find(|(existing, _)| *existing == name) {
                            Some((_, Val::List(items))) => items.push(item),
                            Some((_, Val::Known(Value::Array(items)))) => {
                                let mut grouped: Vec<Val> =
                                    items.drain(..).map(Val::Known).collect();
                                grouped.push(item);
                                let group = Val::list(grouped);
                                if let Some(slot) =
                                    object.iter_mut().find(|(existing, _)| *existing == name)
                                {
                                    slot.1 = group;
                                }
                            }
                            _ => object.push((name, Val::list(vec![item]))),
                        }
                    } else {
                        object.retain(|(existing, _)| *existing != name);
                        object.push((name, item));
                    }
                }
                None => list.push(item),
            }
        }
        if for_expr.key_expr.is_some() {
            Val::map(object)
        } else {
            Val::list(list)
        }
    }

    /// The arguments and nested blocks of a resource instance, as its plan `values`.
    pub(crate) fn body_value(&self, scope: &Scope, body: &hcl_edit::structure::Body) -> Val {
        let mut members: Vec<(String, Val)> = Vec::new();
        for argument in body.attributes() {
            let name = argument.key.as_str();
            if META_ARGUMENTS.contains(&name) {
                continue;
            }
            members.push((name.to_owned(), self.eval(scope, &argument.value)));
        }
        let mut blocks: Vec<(String, Vec<Val>)> = Vec::new();
        let mut push = |name: &str, value: Val| match blocks.iter_mut().find(|(n, _)| n == name) {
            Some((_, items)) => items.push(value),
            None => blocks.push((name.to_owned(), vec![value])),
        };
        for block in body.blocks() {
            let name = block.ident.as_str();
            if super::config::META_BLOCKS.contains(&name) {
                continue;
            }
            if name == "dynamic" {
                let Some(label) = block.labels.first().map(|label| label.as_str().to_owned())
                else {
                    continue;
                };
                for value in self.dynamic(scope, block, &label) {
                    push(&label, value);
                }
                continue;
            }
            push(name, self.body_value(scope, &block.body));
        }
        for (name, items) in blocks {
            members.push((name, Val::list(items)));
        }
        Val::map(members)
    }

    /// The blocks a `dynamic "<label>"` block makes.
    fn dynamic(&self, scope: &Scope, block: &hcl_edit::structure::Block, label: &str) -> Vec<Val> {
        let Some(content) = block.body.get_blocks("content").next() else {
            return Vec::new();
        };
        let iterator = match attribute(&block.body, "iterator") {
            Some(Expression::Variable(name)) => name.as_str().to_owned(),
            _ => label.to_owned(),
        };
        let collection = attribute(&block.body, "for_each")
            .map_or_else(Val::null, |expr| self.eval(scope, expr));
        let Some(entries) = collection.entries() else {
            return vec![Val::unknown_from([&collection])];
        };
        entries
            .into_iter()
            .take(MAX_INSTANCES)
            .map(|(key, value)| {
                let mut inner = scope.clone();
                let object = Val::map(vec![
                    ("key".to_owned(), Val::Known(key)),
                    ("value".to_owned(), value),
                ]);
                inner.bound.push((iterator.clone(), object));
                self.body_value(&inner, &content.body)
            })
            .collect()
    }

    /// The resource declarations of module instance `inst`.
    pub(crate) fn resources(&self, inst: usize) -> &'d [ResourceDecl<'f>] {
        self.def_of(inst)
            .map_or(&[], |def| def.resources.as_slice())
    }
}
