//! References: `<resource>.<name>...`, `data.*`, `module.<name>.<output>`, and the
//! attribute and index steps applied to what they name.

use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use serde_json::Value;

use super::super::config::{META_ARGUMENTS, Mode, ModuleDef, attribute};
use super::super::value::{Unknown, Val};
use super::{Expansion, Key, Scope, Tree};

impl<'d, 'f> Tree<'d, 'f> {
    pub(super) fn traversal(&self, scope: &Scope, traversal: &Traversal) -> Val {
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
    pub(super) fn apply(
        &self,
        scope: &Scope,
        mut value: Val,
        operators: &[&TraversalOperator],
    ) -> Val {
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
    pub(super) fn traverse(
        &self,
        scope: &Scope,
        root: &str,
        operators: &[&TraversalOperator],
    ) -> Val {
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
                    if let Some(unknown) = &scope.unknown_iter {
                        return unknown.clone();
                    }
                    return Val::unknown(format!(
                        "`{root}.*` is used outside a block whose `count` or `for_each` sets it"
                    ));
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

    /// `<kind>.<name>...` or `data.<kind>.<name>...` read from module instance `scope.inst`.
    pub(super) fn resource(
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
            Expansion::Unknown(_) => return unknown(vec![base]),
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
        // A partly known argument keeps its known parts: `x.rules[0].locations` can be
        // known while `x.rules[0].target_ids` is computed.
        let value = self
            .eval(&inner, &argument.value)
            .relabel(&refs(Some(attribute_name)));
        self.apply(scope, value, &rest[1..])
    }

    /// `module.<name>.<output>` read from module instance `scope.inst`.
    pub(super) fn module_output(
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
        let value = self
            .eval(&inner, expression)
            .relabel(&[format!("{call_address}.{output}"), call_address]);
        self.apply(scope, value, &rest[1..])
    }
}
