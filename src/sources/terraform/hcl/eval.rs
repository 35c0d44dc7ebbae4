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

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, ObjectKey, Traversal, TraversalOperator, UnaryOperator,
};
use hcl_edit::template::Element;
use serde_json::Value;

use super::config::{META_ARGUMENTS, Mode, ModuleDef, ResourceDecl, attribute};
use super::functions;
use super::value::{Unknown, Val, json_number};

/// How deep references may nest (a resource's argument read through another's ...).
const MAX_DEPTH: u32 = 48;
/// Evaluation steps of one root module: far above any real configuration.
const MAX_STEPS: u64 = 300_000;
/// The most instances one `count` or `for_each` makes.
pub(crate) const MAX_INSTANCES: usize = 10_000;

/// A `count` index or a `for_each` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    Int(u64),
    Str(String),
}

impl Key {
    /// As an address writes it: `[0]`, `["name"]`.
    pub(crate) fn suffix(&self) -> String {
        match self {
            Self::Int(at) => format!("[{at}]"),
            Self::Str(text) => format!("[{}]", Value::String(text.clone())),
        }
    }

    pub(crate) fn json(&self) -> Value {
        match self {
            Self::Int(at) => Value::from(*at),
            Self::Str(text) => Value::String(text.clone()),
        }
    }

    fn matches(&self, value: &Value) -> bool {
        match (self, value) {
            (Self::Int(at), Value::Number(number)) => number.as_u64() == Some(*at),
            (Self::Int(at), Value::String(text)) => text.parse::<u64>().ok() == Some(*at),
            (Self::Str(key), Value::String(text)) => key == text,
            _ => false,
        }
    }
}

/// The instances a `count` or `for_each` makes.
#[derive(Debug, Clone)]
pub(crate) enum Expansion {
    /// Neither: one instance without a key.
    Single,
    /// The keys, with `count.index` or `each.value` of each.
    Keys(Vec<(Key, Val)>),
    /// The collection is not known: how many instances there are is unknown.
    Unknown,
}

/// Where a module instance comes from: the calling instance, the call's index in its
/// module, and the instance's `count`/`for_each` key with `count.index`/`each.value`.
pub(crate) type Caller = (usize, usize, Option<(Key, Val)>);

/// One instance of a module (the root, or a module call's instance).
#[derive(Debug)]
pub(crate) struct Instance {
    pub def: usize,
    /// The calling instance, the call's index in its module, and this instance's key.
    pub parent: Option<Caller>,
    /// `module.a[0].module.b`, empty for the root.
    pub path: String,
    /// Child instances: (call index, key, instance).
    pub children: Vec<(usize, Option<Key>, usize)>,
    /// Root variables' values (from `.tfvars`, `--var-file`, `TF_VAR_*`), by name.
    pub given: HashMap<String, Val>,
    locals: RefCell<HashMap<String, Val>>,
    busy: RefCell<HashSet<String>>,
    vars: RefCell<HashMap<String, Val>>,
}

impl Instance {
    pub(crate) fn new(def: usize, parent: Option<Caller>, path: String) -> Self {
        Self {
            def,
            parent,
            path,
            children: Vec::new(),
            given: HashMap::new(),
            locals: RefCell::new(HashMap::new()),
            busy: RefCell::new(HashSet::new()),
            vars: RefCell::new(HashMap::new()),
        }
    }

    /// The key of this module instance, as an address prefix writes it.
    pub(crate) fn prefix(&self) -> String {
        if self.path.is_empty() {
            String::new()
        } else {
            format!("{}.", self.path)
        }
    }
}

/// Where an expression is evaluated: a module instance, the `count`/`for_each` instance of
/// the block, and the names a `for` expression binds.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub inst: usize,
    pub iter: Option<(Key, Val)>,
    pub bound: Vec<(String, Val)>,
    pub depth: u32,
}

impl Scope {
    pub(crate) fn new(inst: usize) -> Self {
        Self {
            inst,
            iter: None,
            bound: Vec::new(),
            depth: 0,
        }
    }

    pub(crate) fn with_iter(inst: usize, iter: Option<(Key, Val)>) -> Self {
        Self {
            iter,
            ..Self::new(inst)
        }
    }

    fn deeper(&self) -> Option<Self> {
        (self.depth < MAX_DEPTH).then(|| Self {
            depth: self.depth + 1,
            ..self.clone()
        })
    }
}

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
        let Some(entries) = collection.known().and_then(entries_of) else {
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
            inner.bound.push((
                for_expr.intro.value_var.as_str().to_owned(),
                Val::Known(value),
            ));
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

    fn traversal(&self, scope: &Scope, traversal: &Traversal) -> Val {
        let operators: Vec<&TraversalOperator> =
            traversal.operators.iter().map(|op| op.value()).collect();
        match &traversal.expr {
            Expression::Variable(ident) => self.traverse(scope, ident.as_str(), &operators),
            other => {
                let value = self.eval(scope, other);
                self.apply(scope, value, &operators)
            }
        }
    }

    /// Applies attribute and index steps to a value.
    fn apply(&self, scope: &Scope, mut value: Val, operators: &[&TraversalOperator]) -> Val {
        for (at, operator) in operators.iter().enumerate() {
            value = match operator {
                TraversalOperator::GetAttr(name) => value.member(name.as_str()),
                TraversalOperator::Index(expr) => {
                    let key = self.eval(scope, expr);
                    value.element(&key)
                }
                TraversalOperator::LegacyIndex(index) => {
                    value.element(&Val::Known(Value::from(*index.value())))
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let rest = &operators[at + 1..];
                    return match value {
                        Val::Known(Value::Array(items)) => Val::list(
                            items
                                .into_iter()
                                .map(|item| self.apply(scope, Val::Known(item), rest))
                                .collect(),
                        ),
                        Val::List(items) => Val::list(
                            items
                                .into_iter()
                                .map(|item| self.apply(scope, item, rest))
                                .collect(),
                        ),
                        Val::Known(Value::Null) => Val::Known(Value::Array(Vec::new())),
                        Val::Unknown(_) => value,
                        single => Val::list(vec![self.apply(scope, single, rest)]),
                    };
                }
            };
        }
        value
    }

    /// A reference that starts with the name `root`.
    fn traverse(&self, scope: &Scope, root: &str, operators: &[&TraversalOperator]) -> Val {
        if let Some((_, value)) = scope.bound.iter().rev().find(|(name, _)| name == root) {
            return self.apply(scope, value.clone(), operators);
        }
        let attr = |at: usize| match operators.get(at) {
            Some(TraversalOperator::GetAttr(name)) => Some(name.as_str()),
            _ => None,
        };
        let Some(def) = self.def_of(scope.inst) else {
            return Val::unknown("a module that could not be read");
        };
        match root {
            "var" => match attr(0) {
                Some(name) => {
                    let value = self.variable(scope, name);
                    self.apply(scope, value, &operators[1..])
                }
                None => Val::unknown("`var` without a variable name"),
            },
            "local" => match attr(0) {
                Some(name) => {
                    let value = self.local(scope, name);
                    self.apply(scope, value, &operators[1..])
                }
                None => Val::unknown("`local` without a name"),
            },
            "count" | "each" => {
                let Some((key, value)) = &scope.iter else {
                    return Val::unknown(format!("`{root}` outside a block that sets `{root}`"));
                };
                let picked = match (root, attr(0)) {
                    ("count", Some("index")) => Val::Known(key.json()),
                    ("each", Some("key")) => Val::Known(key.json()),
                    ("each", Some("value")) => value.clone(),
                    _ => {
                        return Val::unknown(format!(
                            "`{root}` without `.index`, `.key` or `.value`"
                        ));
                    }
                };
                self.apply(scope, picked, &operators[1..])
            }
            "path" => {
                let value = match attr(0) {
                    Some("module") => Val::text(def.dir.display().to_string()),
                    Some("root" | "cwd") => Val::text("."),
                    _ => Val::unknown("an unknown `path` attribute"),
                };
                self.apply(scope, value, &operators[1..])
            }
            "terraform" => match attr(0) {
                Some("workspace") => Val::text("default"),
                _ => Val::unknown("a `terraform` attribute iamlint does not know"),
            },
            "data" => match (attr(0), attr(1)) {
                (Some(kind), Some(name)) => {
                    self.resource(scope, def, Mode::Data, kind, name, &operators[2..])
                }
                _ => Val::unknown("`data` without a type and a name"),
            },
            "module" => match attr(0) {
                Some(name) => self.module_output(scope, def, name, &operators[1..]),
                None => Val::unknown("`module` without a name"),
            },
            kind => match attr(0) {
                Some(name) if def.resource(Mode::Managed, kind, name).is_some() => {
                    self.resource(scope, def, Mode::Managed, kind, name, &operators[1..])
                }
                _ => Val::unknown(format!("`{kind}` is not declared in this module")),
            },
        }
    }

    /// `var.<name>`: the module call's argument, or the root's given value, else the
    /// variable's default.
    fn variable(&self, scope: &Scope, name: &str) -> Val {
        let Some(instance) = self.instances.get(scope.inst) else {
            return Val::unknown("a module that could not be read");
        };
        if let Some(value) = instance.vars.borrow().get(name) {
            return value.clone();
        }
        let value = self.variable_value(scope, instance, name);
        instance
            .vars
            .borrow_mut()
            .insert(name.to_owned(), value.clone());
        value
    }

    fn variable_value(&self, scope: &Scope, instance: &Instance, name: &str) -> Val {
        let Some(def) = self.defs.get(instance.def) else {
            return Val::unknown("a module that could not be read");
        };
        let Some(declared) = def.variables.get(name) else {
            return Val::unknown(format!("variable `{name}` is not declared"));
        };
        let default = || {
            attribute(&declared.block.body, "default")
                .map(|expr| self.eval(&Scope::new(scope.inst), expr))
        };
        match &instance.parent {
            None => instance
                .given
                .get(name)
                .cloned()
                .or_else(default)
                .unwrap_or_else(|| {
                    Val::unknown(format!(
                        "variable `{name}` has no default and no value in a `.tfvars` file \
                         (give one with `--var-file`)"
                    ))
                }),
            Some((parent, call, key)) => {
                let Some(call) = self.def_of(*parent).and_then(|def| def.calls.get(*call)) else {
                    return Val::unknown("a module call that could not be read");
                };
                match attribute(&call.block.body, name) {
                    Some(expr) => {
                        let Some(caller) = Scope::with_iter(*parent, key.clone()).deeper() else {
                            return Val::unknown("references nest too deep");
                        };
                        match self.eval(
                            &Scope {
                                depth: scope.depth + 1,
                                ..caller
                            },
                            expr,
                        ) {
                            known @ Val::Known(_) => known,
                            // Relative to this module: the plan's loader follows `var.x`
                            // through the module call.
                            _ => Val::Unknown(Unknown {
                                refs: vec![format!("var.{name}")],
                                reason: None,
                            }),
                        }
                    }
                    None => default().unwrap_or_else(|| {
                        Val::unknown(format!(
                            "variable `{name}` is not set by module call `{}`",
                            call.name
                        ))
                    }),
                }
            }
        }
    }

    fn local(&self, scope: &Scope, name: &str) -> Val {
        let Some(instance) = self.instances.get(scope.inst) else {
            return Val::unknown("a module that could not be read");
        };
        if let Some(value) = instance.locals.borrow().get(name) {
            return value.clone();
        }
        let Some((_, local)) = self.def_of(scope.inst).and_then(|def| def.locals.get(name)) else {
            return Val::unknown(format!("local `{name}` is not declared"));
        };
        if !instance.busy.borrow_mut().insert(name.to_owned()) {
            return Val::unknown(format!("local `{name}` refers to itself"));
        }
        let inner = Scope {
            depth: scope.depth + 1,
            ..Scope::new(scope.inst)
        };
        let value = if inner.depth > MAX_DEPTH {
            Val::unknown("references nest too deep")
        } else {
            self.eval(&inner, &local.value)
        };
        instance.busy.borrow_mut().remove(name);
        instance
            .locals
            .borrow_mut()
            .insert(name.to_owned(), value.clone());
        value
    }

    /// The instances of a resource (or data source) in module instance `inst`.
    pub(crate) fn expansion(&self, inst: usize, body: &hcl_edit::structure::Body) -> Expansion {
        let scope = Scope::new(inst);
        if let Some(count) = attribute(body, "count") {
            let value = self.eval(&scope, count);
            return match value.known().and_then(Value::as_f64) {
                Some(count) if count >= 0.0 && count.fract() == 0.0 => {
                    // Bounded: a huge count is a mistake or an attack, not a configuration.
                    let count = (count as usize).min(MAX_INSTANCES);
                    Expansion::Keys(
                        (0..count as u64)
                            .map(|at| (Key::Int(at), Val::Known(Value::from(at))))
                            .collect(),
                    )
                }
                _ => Expansion::Unknown,
            };
        }
        if let Some(for_each) = attribute(body, "for_each") {
            let value = self.eval(&scope, for_each);
            return match value.known() {
                Some(Value::Object(members)) => Expansion::Keys(
                    members
                        .iter()
                        .take(MAX_INSTANCES)
                        .map(|(key, item)| (Key::Str(key.clone()), Val::Known(item.clone())))
                        .collect(),
                ),
                Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                    let mut keys: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    keys.sort_unstable();
                    keys.dedup();
                    Expansion::Keys(
                        keys.into_iter()
                            .take(MAX_INSTANCES)
                            .map(|key| (Key::Str(key.to_owned()), Val::text(key)))
                            .collect(),
                    )
                }
                _ => Expansion::Unknown,
            };
        }
        Expansion::Single
    }

    /// `<kind>.<name>...` or `data.<kind>.<name>...` read from module instance `scope.inst`.
    fn resource(
        &self,
        scope: &Scope,
        def: &ModuleDef<'f>,
        mode: Mode,
        kind: &str,
        name: &str,
        operators: &[&TraversalOperator],
    ) -> Val {
        let Some(decl) = def.resource(mode, kind, name) else {
            return Val::unknown(format!("`{kind}.{name}` is not declared in this module"));
        };
        let base = decl.local_address();
        let unknown = |refs: Vec<String>| Val::Unknown(Unknown { refs, reason: None });
        let (iter, rest) = match self.expansion(scope.inst, &decl.block.body) {
            Expansion::Single => (None, operators),
            Expansion::Keys(keys) => {
                let wanted = match operators.first() {
                    Some(TraversalOperator::Index(expr)) => self.eval(scope, expr),
                    Some(TraversalOperator::LegacyIndex(index)) => {
                        Val::Known(Value::from(*index.value()))
                    }
                    _ => return unknown(vec![base]),
                };
                let Some(wanted) = wanted.known() else {
                    return unknown(vec![base]);
                };
                match keys.into_iter().find(|(key, _)| key.matches(wanted)) {
                    Some(found) => (Some(found), &operators[1..]),
                    None => {
                        return Val::unknown(format!("`{base}` has no instance {wanted}"));
                    }
                }
            }
            Expansion::Unknown => return unknown(vec![base]),
        };
        let address = match &iter {
            Some((key, _)) => format!("{base}{}", key.suffix()),
            None => base.clone(),
        };
        let refs = |attribute: Option<&str>| {
            let mut refs = Vec::new();
            if let Some(attribute) = attribute {
                refs.push(format!("{address}.{attribute}"));
            }
            refs.push(address.clone());
            if iter.is_some() {
                refs.push(base.clone());
            }
            refs
        };
        let Some(TraversalOperator::GetAttr(attribute_name)) = rest.first() else {
            return unknown(refs(None));
        };
        let attribute_name = attribute_name.as_str();
        let argument = decl
            .block
            .body
            .get_attribute(attribute_name)
            .filter(|_| !META_ARGUMENTS.contains(&attribute_name));
        let Some(argument) = argument else {
            // Computed by the provider (`id`, `crn`, `guid`, `iam_id`) or a nested block.
            return unknown(refs(Some(attribute_name)));
        };
        let Some(inner) = (Scope {
            depth: scope.depth,
            ..Scope::with_iter(scope.inst, iter.clone())
        })
        .deeper() else {
            return Val::unknown("references nest too deep");
        };
        match self.eval(&inner, &argument.value) {
            known @ Val::Known(_) => self.apply(scope, known, &rest[1..]),
            _ => unknown(refs(Some(attribute_name))),
        }
    }

    /// `module.<name>.<output>` read from module instance `scope.inst`.
    fn module_output(
        &self,
        scope: &Scope,
        def: &ModuleDef<'f>,
        name: &str,
        operators: &[&TraversalOperator],
    ) -> Val {
        let Some((call_at, call)) = def
            .calls
            .iter()
            .enumerate()
            .find(|(_, call)| call.name == name)
        else {
            return Val::unknown(format!("module `{name}` is not declared in this module"));
        };
        if !call.is_local() {
            let output = match operators.first() {
                Some(TraversalOperator::GetAttr(output)) => format!(".{}", output.as_str()),
                _ => String::new(),
            };
            return Val::unknown(format!(
                "module source {} is not read: iamlint reads only local modules (./ and ../), \
                 not the registry, git or URLs, so module.{name}{output} is unknown",
                call.source.as_deref().map_or_else(
                    || "(not a literal)".to_owned(),
                    |source| format!("{source:?}")
                )
            ));
        }
        let Some(instance) = self.instances.get(scope.inst) else {
            return Val::unknown("a module that could not be read");
        };
        let children: Vec<&(usize, Option<Key>, usize)> = instance
            .children
            .iter()
            .filter(|(at, _, _)| *at == call_at)
            .collect();
        if children.is_empty() {
            return Val::unknown(format!("module `{name}` could not be read"));
        }
        let keyed = children.iter().any(|(_, key, _)| key.is_some());
        let (child, key, rest) = if keyed {
            let wanted = match operators.first() {
                Some(TraversalOperator::Index(expr)) => self.eval(scope, expr),
                _ => {
                    return Val::Unknown(Unknown {
                        refs: vec![format!("module.{name}")],
                        reason: None,
                    });
                }
            };
            let Some(found) = wanted.known().and_then(|wanted| {
                children
                    .iter()
                    .find(|(_, key, _)| key.as_ref().is_some_and(|key| key.matches(wanted)))
            }) else {
                return Val::unknown_from([&wanted]);
            };
            (found.2, found.1.clone(), &operators[1..])
        } else {
            (children[0].2, None, operators)
        };
        let call_address = match &key {
            Some(key) => format!("module.{name}{}", key.suffix()),
            None => format!("module.{name}"),
        };
        let Some(TraversalOperator::GetAttr(output)) = rest.first() else {
            return Val::Unknown(Unknown {
                refs: vec![call_address],
                reason: None,
            });
        };
        let output = output.as_str();
        let expression = self
            .def_of(child)
            .and_then(|child_def| child_def.outputs.get(output))
            .and_then(|declared| attribute(&declared.block.body, "value"));
        let Some(expression) = expression else {
            return Val::unknown(format!("module `{name}` has no output `{output}`"));
        };
        let Some(inner) = (Scope {
            depth: scope.depth,
            ..Scope::new(child)
        })
        .deeper() else {
            return Val::unknown("references nest too deep");
        };
        match self.eval(&inner, expression) {
            known @ Val::Known(_) => self.apply(scope, known, &rest[1..]),
            _ => Val::Unknown(Unknown {
                refs: vec![format!("{call_address}.{output}"), call_address],
                reason: None,
            }),
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
        let Some(entries) = collection.known().and_then(entries_of) else {
            return vec![Val::unknown_from([&collection])];
        };
        entries
            .into_iter()
            .take(MAX_INSTANCES)
            .map(|(key, value)| {
                let mut inner = scope.clone();
                let mut object = serde_json::Map::new();
                object.insert("key".to_owned(), key);
                object.insert("value".to_owned(), value);
                inner
                    .bound
                    .push((iterator.clone(), Val::Known(Value::Object(object))));
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

/// Whether a value is past the size iamlint evaluates: a template or a function that
/// doubles its input at every step would otherwise take all the memory there is. Counts at
/// most [`MAX_ITEMS`] nodes.
fn too_large(value: &Value) -> bool {
    const MAX_TEXT: usize = 1 << 20;
    const MAX_ITEMS: usize = 100_000;
    let mut budget = MAX_ITEMS;
    let mut text = 0usize;
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        if budget == 0 {
            return true;
        }
        budget -= 1;
        match node {
            Value::String(part) => {
                text += part.len();
                if text > MAX_TEXT {
                    return true;
                }
            }
            Value::Array(items) => stack.extend(items.iter()),
            Value::Object(members) => {
                for (name, item) in members {
                    text += name.len();
                    stack.push(item);
                }
                if text > MAX_TEXT {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

fn number_value(number: &hcl_edit::Number) -> Value {
    if let Some(integer) = number.as_u64() {
        Value::from(integer)
    } else if let Some(integer) = number.as_i64() {
        Value::from(integer)
    } else {
        json_number(number.as_f64().unwrap_or(0.0))
    }
}

fn binary(operator: BinaryOperator, left: &Val, right: &Val) -> Val {
    let (Some(a), Some(b)) = (left.known(), right.known()) else {
        // `false && x` and `true || x` are known whatever `x` is.
        return match (operator, left.known(), right.known()) {
            (BinaryOperator::And, Some(Value::Bool(false)), _)
            | (BinaryOperator::And, _, Some(Value::Bool(false))) => Val::Known(Value::Bool(false)),
            (BinaryOperator::Or, Some(Value::Bool(true)), _)
            | (BinaryOperator::Or, _, Some(Value::Bool(true))) => Val::Known(Value::Bool(true)),
            _ => Val::unknown_from([left, right]),
        };
    };
    let numbers = a.as_f64().zip(b.as_f64());
    let result = match operator {
        BinaryOperator::Eq => Some(Value::Bool(a == b)),
        BinaryOperator::NotEq => Some(Value::Bool(a != b)),
        BinaryOperator::And => a
            .as_bool()
            .zip(b.as_bool())
            .map(|(a, b)| Value::Bool(a && b)),
        BinaryOperator::Or => a
            .as_bool()
            .zip(b.as_bool())
            .map(|(a, b)| Value::Bool(a || b)),
        BinaryOperator::Less => numbers.map(|(a, b)| Value::Bool(a < b)),
        BinaryOperator::LessEq => numbers.map(|(a, b)| Value::Bool(a <= b)),
        BinaryOperator::Greater => numbers.map(|(a, b)| Value::Bool(a > b)),
        BinaryOperator::GreaterEq => numbers.map(|(a, b)| Value::Bool(a >= b)),
        BinaryOperator::Plus => numbers.map(|(a, b)| json_number(a + b)),
        BinaryOperator::Minus => numbers.map(|(a, b)| json_number(a - b)),
        BinaryOperator::Mul => numbers.map(|(a, b)| json_number(a * b)),
        BinaryOperator::Div => numbers
            .filter(|(_, b)| *b != 0.0)
            .map(|(a, b)| json_number(a / b)),
        BinaryOperator::Mod => numbers
            .filter(|(_, b)| *b != 0.0)
            .map(|(a, b)| json_number(a % b)),
    };
    result.map_or_else(
        || {
            Val::unknown(format!(
                "`{}` of values it does not apply to",
                operator.as_str()
            ))
        },
        Val::Known,
    )
}
/// The `(key, value)` entries a `for` expression or `for_each` walks: a list's indexes or an
/// object's keys; `None` for anything else.
fn entries_of(collection: &Value) -> Option<Vec<(Value, Value)>> {
    match collection {
        Value::Array(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(at, item)| (Value::from(at), item.clone()))
                .collect(),
        ),
        Value::Object(members) => Some(
            members
                .iter()
                .map(|(key, item)| (Value::String(key.clone()), item.clone()))
                .collect(),
        ),
        _ => None,
    }
}
