//! Following `configuration...expressions.<arg>.references` when a plan computes a value at
//! apply time: through the referring module's resources, `var.*` inputs set by the parent's
//! `module_calls`, and `module.*` outputs of child modules.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::address::{
    Address, IndexKey, Mode, ModuleStep, Reference, module_path, parse_reference,
};
use super::walk::TfResource;
use crate::model::Pointer;

/// How many hops (module inputs and outputs) a reference may take; configurations do not
/// nest deeper, and a cycle stops here.
const MAX_DEPTH: usize = 16;

/// The `configuration` member of a plan, and its root `variables` values.
pub(super) struct Config<'a> {
    root: Option<&'a Map<String, Value>>,
    variables: Option<&'a Map<String, Value>>,
}

/// An argument's expression: where it is written, its references, or its constant.
#[derive(Debug)]
pub(super) struct Expression<'a> {
    pub pointer: Pointer,
    pub references: Vec<String>,
    pub constant: Option<&'a Value>,
}

impl<'a> Config<'a> {
    pub(super) fn new(plan: &'a Value) -> Self {
        Self {
            root: plan
                .get("configuration")
                .and_then(|configuration| configuration.get("root_module"))
                .and_then(Value::as_object),
            variables: plan.get("variables").and_then(Value::as_object),
        }
    }

    /// The configuration of the module reached through `names` (module call names).
    fn module<'n>(
        &self,
        names: impl IntoIterator<Item = &'n str>,
    ) -> Option<(&'a Map<String, Value>, Pointer)> {
        let mut module = self.root?;
        let mut pointer = Pointer::root().key("configuration").key("root_module");
        for name in names {
            module = module
                .get("module_calls")?
                .get(name)?
                .get("module")?
                .as_object()?;
            pointer = pointer.key("module_calls").key(name).key("module");
        }
        Some((module, pointer))
    }

    /// `module_calls.<name>` of the module at `parent`.
    fn call(&self, parent: &[ModuleStep], name: &str) -> Option<(&'a Map<String, Value>, Pointer)> {
        let (module, pointer) = self.module(parent.iter().map(|step| step.name.as_str()))?;
        let call = module.get("module_calls")?.get(name)?.as_object()?;
        Some((call, pointer.key("module_calls").key(name)))
    }

    /// The configuration block of a resource (module-relative, without instance keys).
    fn resource(&self, address: &Address) -> Option<(&'a Map<String, Value>, Pointer)> {
        let (module, pointer) =
            self.module(address.module.iter().map(|step| step.name.as_str()))?;
        let mode = match address.mode {
            Mode::Managed => "managed",
            Mode::Data => "data",
        };
        let items = module.get("resources")?.as_array()?;
        items.iter().enumerate().find_map(|(at, item)| {
            let item = item.as_object()?;
            let matches = item.get("type").and_then(Value::as_str) == Some(address.kind.as_str())
                && item.get("name").and_then(Value::as_str) == Some(address.name.as_str())
                && item
                    .get("mode")
                    .and_then(Value::as_str)
                    .unwrap_or("managed")
                    == mode;
            matches.then(|| (item, pointer.key("resources").index(at)))
        })
    }

    /// The expression of argument `path` of a resource: the first node along the path that
    /// is an expression (a whole map such as `parameters` is one expression).
    pub(super) fn expression(&self, address: &Address, path: &[&str]) -> Option<Expression<'a>> {
        let (resource, pointer) = self.resource(address)?;
        let mut node = resource.get("expressions")?;
        let mut pointer = pointer.key("expressions");
        for token in path {
            if let Some(expression) = as_expression(node, &pointer) {
                return Some(expression);
            }
            node = match node {
                Value::Object(members) => members.get(*token)?,
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
            pointer = pointer.key(token);
        }
        as_expression(node, &pointer)
    }
}

fn as_expression<'a>(node: &'a Value, pointer: &Pointer) -> Option<Expression<'a>> {
    let members = node.as_object()?;
    let references: Vec<String> = members
        .get("references")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let constant = members.get("constant_value");
    (constant.is_some() || members.contains_key("references")).then(|| Expression {
        pointer: pointer.clone(),
        references,
        constant,
    })
}

/// What a reference leads to.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Target<'a> {
    /// A resource instance (by position in the resource list) and the attribute read.
    Resource {
        at: usize,
        attribute: Option<String>,
    },
    /// A value known at plan time (a constant, a root variable, a module input).
    Value(&'a Value),
}

/// Resolves references against the resources of one view of a plan.
pub(super) struct Resolver<'a, 'r> {
    config: &'r Config<'a>,
    resources: &'r [TfResource<'a>],
    by_name: HashMap<(String, Mode, &'r str, &'r str), Vec<usize>>,
}

impl<'a, 'r> Resolver<'a, 'r> {
    pub(super) fn new(config: &'r Config<'a>, resources: &'r [TfResource<'a>]) -> Self {
        let mut by_name: HashMap<_, Vec<usize>> = HashMap::new();
        for (at, resource) in resources.iter().enumerate() {
            let parsed = &resource.parsed;
            by_name
                .entry((
                    module_path(&parsed.module),
                    parsed.mode,
                    parsed.kind.as_str(),
                    parsed.name.as_str(),
                ))
                .or_default()
                .push(at);
        }
        Self {
            config,
            resources,
            by_name,
        }
    }

    pub(super) fn config(&self) -> &Config<'a> {
        self.config
    }

    /// Every distinct target the references of an expression written in `module` lead to;
    /// `index` is the referring instance's own `count`/`for_each` key.
    pub(super) fn targets(
        &self,
        references: &[String],
        module: &[ModuleStep],
        index: Option<&IndexKey>,
    ) -> Vec<Target<'a>> {
        let mut out = Vec::new();
        self.collect(references, module, index, 0, &mut out);
        // `x.y.id` and `x.y` name the same resource: keep the one with the attribute.
        let mut distinct: Vec<Target<'a>> = Vec::new();
        for target in out {
            match &target {
                Target::Resource { at, attribute } => {
                    if let Some(existing) = distinct.iter_mut().find(
                        |existing| matches!(existing, Target::Resource { at: other, .. } if other == at),
                    ) {
                        if attribute.is_some() {
                            *existing = target;
                        }
                        continue;
                    }
                    distinct.push(target);
                }
                Target::Value(_) => {
                    if !distinct.contains(&target) {
                        distinct.push(target);
                    }
                }
            }
        }
        distinct
    }

    fn collect(
        &self,
        references: &[String],
        module: &[ModuleStep],
        index: Option<&IndexKey>,
        depth: usize,
        out: &mut Vec<Target<'a>>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let parsed: Vec<Reference> = references
            .iter()
            .map(|text| parse_reference(text))
            .collect();
        let iterated = parsed.contains(&Reference::Iteration);
        let own_index = if iterated { index } else { None };
        for reference in parsed {
            match reference {
                Reference::Resource {
                    mode,
                    kind,
                    name,
                    index: key,
                    attribute,
                } => {
                    if let Some(at) =
                        self.instance(module, mode, &kind, &name, key.as_ref(), own_index)
                    {
                        out.push(Target::Resource { at, attribute });
                    }
                }
                Reference::Variable(name) => self.variable(&name, module, depth, out),
                Reference::ModuleOutput { call, key, output } => {
                    let Some(output) = output else { continue };
                    let mut child = module.to_vec();
                    child.push(ModuleStep {
                        name: call,
                        key: key.or_else(|| own_index.cloned()),
                    });
                    self.output(&output, &child, depth, out);
                }
                Reference::Iteration | Reference::Opaque => {}
            }
        }
    }

    /// The instance a resource reference names: by its literal key, else the only instance,
    /// else (with `count.index`/`each.key` among the references) the referring instance's key.
    fn instance(
        &self,
        module: &[ModuleStep],
        mode: Mode,
        kind: &str,
        name: &str,
        key: Option<&IndexKey>,
        own_index: Option<&IndexKey>,
    ) -> Option<usize> {
        let candidates = self.by_name.get(&(module_path(module), mode, kind, name))?;
        let with_key = |key: &IndexKey| {
            candidates
                .iter()
                .copied()
                .find(|&at| self.resources[at].parsed.index.as_ref() == Some(key))
        };
        if let Some(key) = key {
            return with_key(key);
        }
        if let [only] = candidates.as_slice() {
            return Some(*only);
        }
        own_index.and_then(with_key)
    }

    /// `var.<name>` in `module`: the root's plan variables, or the parent's module call input,
    /// or the variable's default.
    fn variable(&self, name: &str, module: &[ModuleStep], depth: usize, out: &mut Vec<Target<'a>>) {
        let Some((call_step, parent)) = module.split_last() else {
            if let Some(value) = self
                .config
                .variables
                .and_then(|variables| variables.get(name))
                .and_then(|variable| variable.get("value"))
            {
                out.push(Target::Value(value));
            }
            return;
        };
        let input = self
            .config
            .call(parent, &call_step.name)
            .and_then(|(call, pointer)| {
                let expressions = call.get("expressions")?;
                as_expression(
                    expressions.get(name)?,
                    &pointer.key("expressions").key(name),
                )
            });
        match input {
            Some(Expression {
                constant: Some(value),
                ..
            }) => out.push(Target::Value(value)),
            Some(expression) => self.collect(
                &expression.references,
                parent,
                call_step.key.as_ref(),
                depth + 1,
                out,
            ),
            None => {
                let default = self
                    .config
                    .module(module.iter().map(|step| step.name.as_str()))
                    .and_then(|(config, _)| config.get("variables")?.get(name)?.get("default"));
                if let Some(value) = default.filter(|value| !value.is_null()) {
                    out.push(Target::Value(value));
                }
            }
        }
    }

    /// `module.<call>.<output>`: the output's expression inside the child module.
    fn output(&self, output: &str, child: &[ModuleStep], depth: usize, out: &mut Vec<Target<'a>>) {
        let expression = self
            .config
            .module(child.iter().map(|step| step.name.as_str()))
            .and_then(|(module, pointer)| {
                let expression = module.get("outputs")?.get(output)?.get("expression")?;
                as_expression(
                    expression,
                    &pointer.key("outputs").key(output).key("expression"),
                )
            });
        match expression {
            Some(Expression {
                constant: Some(value),
                ..
            }) => out.push(Target::Value(value)),
            Some(expression) => self.collect(&expression.references, child, None, depth + 1, out),
            None => {}
        }
    }
}
