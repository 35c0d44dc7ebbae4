//! Turns an evaluated configuration into the `terraform show -json` plan `terraform plan`
//! would print for it against an empty state (every resource created), so that the plan
//! loader maps it into the model exactly as it maps a real plan: the same entities, the
//! same links followed through `configuration`, the same secrets. Every part of the plan
//! is routed back to the block or argument of the `.tf` file it came from (`Routes`).
//!
//! Over 400 lines: the plan's parts (`planned_values`, `configuration`, `resource_changes`)
//! are written in one walk over the module tree, each routed back as it is written.

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::Body;
use serde_json::{Map, Value, json};

use super::config::{META_ARGUMENTS, META_BLOCKS, Mode, ModuleDef, ResourceDecl, attribute};
use super::eval::{Expansion, Key, Scope, Tree};
use super::refs::references;
use super::vars::ValueOrigins;
use crate::model::{DocId, Pointer};
use crate::sources::exports::route::Routes;
use crate::sources::span::hcl::block_pointer;

const PROVIDER: &str = "registry.terraform.io/ibm-cloud/ibm";

/// The plan of a root module's tree, and where each part of it was written.
pub(crate) struct Synthesized {
    pub plan: Value,
    pub routes: Routes,
}

pub(crate) fn synthesize(tree: &Tree<'_, '_>, origins: &ValueOrigins) -> Synthesized {
    let mut routes = Routes::default();
    let mut changes = Vec::new();
    let root_pointer = Pointer::root().key("planned_values").key("root_module");
    let mut root_module = planned_module(tree, 0, &root_pointer, &mut routes, &mut changes);
    if let Value::Object(members) = &mut root_module {
        members.remove("address");
    }
    let mut plan = Map::new();
    plan.insert("format_version".to_owned(), json!("1.2"));
    plan.insert(
        "variables".to_owned(),
        variables(tree, origins, &mut routes),
    );
    let mut planned = Map::new();
    planned.insert("outputs".to_owned(), outputs(tree, &mut routes));
    planned.insert("root_module".to_owned(), root_module);
    plan.insert("planned_values".to_owned(), Value::Object(planned));
    plan.insert("resource_changes".to_owned(), Value::Array(changes));
    let configuration_pointer = Pointer::root().key("configuration");
    let mut configuration = Map::new();
    configuration.insert(
        "provider_config".to_owned(),
        providers(
            tree,
            &configuration_pointer.key("provider_config"),
            &mut routes,
        ),
    );
    configuration.insert(
        "root_module".to_owned(),
        config_module(
            tree,
            0,
            &configuration_pointer.key("root_module"),
            &mut routes,
        ),
    );
    plan.insert("configuration".to_owned(), Value::Object(configuration));
    Synthesized {
        plan: Value::Object(plan),
        routes,
    }
}

/// The place of a resource block: `/resource/<type>/<name>` or `/data/<type>/<name>`.
fn decl_pointer(decl: &ResourceDecl<'_>) -> Pointer {
    block_pointer(decl.block)
}

/// Whether argument `name` of a resource is a secret passed in from elsewhere (a variable,
/// another resource): a plan would print its value, but the `.tf` file does not hold it,
/// so it is left out of the plan's values. The value is reported where it is written (a
/// `.tfvars` file, a variable's default), a literal secret where it is.
fn passed_secret(def: &ModuleDef<'_>, decl: &ResourceDecl<'_>, name: &str) -> bool {
    let secret = crate::sources::secrets::is_secret_name(name)
        || super::super::secrets::provider::sensitive_depth(&decl.kind, &[name]).is_some();
    secret
        && attribute(&decl.block.body, name).is_some_and(|expr| !references(def, expr).is_empty())
}

/// How many `local.a = local.b` steps [`local_literal`] follows: more is a configuration
/// nobody writes, and a cycle must end.
const LOCAL_HOPS: usize = 16;

/// Where the value of `expr` is written when it reads a local (`local.pw`, `local.m.pw`,
/// through locals naming locals) whose value has no references: the local's own argument
/// (`/locals/pw`, `/locals/m/pw`) in its file. A plan cannot follow a local, so without
/// this a literal secret kept in `locals` would be reported where it is used, not where
/// the literal is written. `None` for anything else.
fn local_literal(def: &ModuleDef<'_>, expr: &Expression) -> Option<(DocId, Pointer)> {
    if !references(def, expr).is_empty() {
        return None;
    }
    let mut expr = expr;
    let mut found = None;
    for _ in 0..LOCAL_HOPS {
        let Expression::Traversal(traversal) = expr else {
            break;
        };
        let Expression::Variable(root) = &traversal.expr else {
            break;
        };
        if root.as_str() != "local" {
            break;
        }
        let mut names = traversal
            .operators
            .iter()
            .map(|operator| match operator.value() {
                TraversalOperator::GetAttr(name) => Some(name.as_str().to_owned()),
                _ => None,
            });
        let Some(Some(name)) = names.next() else {
            break;
        };
        let Some(keys) = names.collect::<Option<Vec<String>>>() else {
            break;
        };
        let Some((file, local)) = def.locals.get(&name) else {
            break;
        };
        let pointer = keys
            .iter()
            .fold(Pointer::root().key("locals").key(&name), |pointer, key| {
                pointer.key(key)
            });
        found = Some((file.id, pointer));
        // A member of a local is not followed into another local's value: the local's
        // member is as near the literal as a pointer can say cheaply.
        if !keys.is_empty() {
            break;
        }
        expr = &local.value;
    }
    found
}

/// Routes each secret argument of `body` whose value is a literal kept in a local to
/// that literal (see [`local_literal`]), under each plan pointer in `at` that holds the
/// body's arguments (with `suffix` after the argument's name: `constant_value` in
/// `configuration`). `secret` says which arguments hold secrets.
fn route_local_secrets(
    def: &ModuleDef<'_>,
    body: &Body,
    at: &[Pointer],
    suffix: Option<&str>,
    secret: &dyn Fn(&str) -> bool,
    routes: &mut Routes,
) {
    for argument in body.attributes() {
        let name = argument.key.as_str();
        if !secret(name) {
            continue;
        }
        let Some((document, place)) = local_literal(def, &argument.value) else {
            continue;
        };
        for pointer in at {
            let pointer = pointer.key(name);
            let pointer = suffix.map_or_else(|| pointer.clone(), |suffix| pointer.key(suffix));
            routes.add(pointer, document, place.clone());
        }
    }
}

/// Whether argument `name` of a resource of type `kind` holds a secret: named like one, or
/// held secret by the IBM provider.
fn secret_argument(kind: &str, name: &str) -> bool {
    crate::sources::secrets::is_secret_name(name)
        || super::super::secrets::provider::sensitive_depth(kind, &[name]).is_some()
}

/// The instances of a resource: (key, scope).
fn instances(tree: &Tree<'_, '_>, inst: usize, body: &Body) -> Vec<(Option<Key>, Scope)> {
    match tree.expansion(inst, body) {
        Expansion::Single => vec![(None, Scope::new(inst))],
        // One instance stands for the ones the collection would make.
        Expansion::Unknown(unknown) => vec![(
            None,
            Scope {
                unknown_iter: Some(unknown),
                ..Scope::new(inst)
            },
        )],
        Expansion::Keys(keys) => keys
            .into_iter()
            .map(|(key, value)| {
                (
                    Some(key.clone()),
                    Scope::with_iter(inst, Some((key, value))),
                )
            })
            .collect(),
    }
}

fn planned_module(
    tree: &Tree<'_, '_>,
    inst: usize,
    pointer: &Pointer,
    routes: &mut Routes,
    changes: &mut Vec<Value>,
) -> Value {
    let Some(instance) = tree.instances.get(inst) else {
        return json!({});
    };
    let prefix = instance.prefix();
    let mut resources = Vec::new();
    for decl in tree.resources(inst) {
        for (key, scope) in instances(tree, inst, &decl.block.body) {
            let suffix = key.as_ref().map(Key::suffix).unwrap_or_default();
            let address = format!("{prefix}{}{suffix}", decl.local_address());
            let evaluated = tree.body_value(&scope, &decl.block.body);
            let mut values = evaluated.planned().unwrap_or_else(|| json!({}));
            if let (Some(def), Value::Object(members)) = (tree.def_of(inst), &mut values) {
                members.retain(|name, _| !passed_secret(def, decl, name));
            }
            let item_pointer = pointer.key("resources").index(resources.len());
            let place = decl_pointer(decl);
            if let Some(def) = tree.def_of(inst) {
                let change_pointer = Pointer::root().key("resource_changes").index(changes.len());
                let at = [
                    item_pointer.key("values"),
                    change_pointer.key("change").key("after"),
                ];
                let secret = |name: &str| secret_argument(&decl.kind, name);
                route_local_secrets(def, &decl.block.body, &at, None, &secret, routes);
            }
            routes.add(item_pointer.clone(), decl.file.id, place.clone());
            routes.add(item_pointer.key("values"), decl.file.id, place.clone());
            let mut item = Map::new();
            item.insert("address".to_owned(), json!(address));
            item.insert("mode".to_owned(), json!(decl.mode.as_str()));
            item.insert("type".to_owned(), json!(decl.kind));
            item.insert("name".to_owned(), json!(decl.name));
            if let Some(key) = &key {
                item.insert("index".to_owned(), key.json());
            }
            item.insert("provider_name".to_owned(), json!(PROVIDER));
            item.insert("values".to_owned(), values.clone());
            item.insert("sensitive_values".to_owned(), json!({}));
            resources.push(Value::Object(item));
            if decl.mode == Mode::Managed {
                let change_pointer = Pointer::root().key("resource_changes").index(changes.len());
                routes.add(change_pointer.clone(), decl.file.id, place.clone());
                routes.add(
                    change_pointer.key("change").key("after"),
                    decl.file.id,
                    place.clone(),
                );
                let mut change = Map::new();
                change.insert("address".to_owned(), json!(address));
                if !instance.path.is_empty() {
                    change.insert("module_address".to_owned(), json!(instance.path));
                }
                change.insert("mode".to_owned(), json!("managed"));
                change.insert("type".to_owned(), json!(decl.kind));
                change.insert("name".to_owned(), json!(decl.name));
                if let Some(key) = &key {
                    change.insert("index".to_owned(), key.json());
                }
                change.insert("provider_name".to_owned(), json!(PROVIDER));
                change.insert(
                    "change".to_owned(),
                    json!({
                        "actions": ["create"],
                        "before": null,
                        "after": values,
                        "after_unknown": evaluated.after_unknown().unwrap_or_else(|| json!({})),
                        "before_sensitive": false,
                        "after_sensitive": {},
                    }),
                );
                changes.push(Value::Object(change));
            }
        }
    }
    let mut module = Map::new();
    if !instance.path.is_empty() {
        module.insert("address".to_owned(), json!(instance.path));
    }
    module.insert("resources".to_owned(), Value::Array(resources));
    let children: Vec<usize> = instance
        .children
        .iter()
        .map(|(_, _, child)| *child)
        .collect();
    if !children.is_empty() {
        let mut out = Vec::new();
        for child in children {
            let child_pointer = pointer.key("child_modules").index(out.len());
            out.push(planned_module(tree, child, &child_pointer, routes, changes));
        }
        module.insert("child_modules".to_owned(), Value::Array(out));
    }
    Value::Object(module)
}

/// An argument's expression as a plan's configuration writes it: its references, or its
/// value when it has none. A value iamlint cannot know without a reference to explain it
/// lists the reason in their place.
fn expression(tree: &Tree<'_, '_>, def: &ModuleDef<'_>, scope: &Scope, expr: &Expression) -> Value {
    let refs = references(def, expr);
    let value = tree.eval(scope, expr);
    if refs.is_empty() {
        if let Some(known) = value.known() {
            return json!({ "constant_value": known });
        }
        return json!({ "references": value.references() });
    }
    let mut refs = refs;
    if value.known().is_none() {
        // What the value itself comes from: through `each.value.inst` or a local, the
        // resource attribute it was evaluated from (`ibm_resource_instance.cos.id`), which
        // the plan's reader can follow where `each.value` says nothing; and the reason, when
        // no reference explains it.
        let mut reason = None;
        for reference in value.references() {
            if reference.contains(' ') {
                reason.get_or_insert(reference);
            } else if !refs.contains(&reference) {
                refs.push(reference);
            }
        }
        refs.extend(reason);
    }
    json!({ "references": refs })
}

/// The expressions of a block body: arguments, and nested blocks as lists.
fn expressions(tree: &Tree<'_, '_>, def: &ModuleDef<'_>, scope: &Scope, body: &Body) -> Value {
    let mut out = Map::new();
    for argument in body.attributes() {
        let name = argument.key.as_str();
        if META_ARGUMENTS.contains(&name) || name == "alias" {
            continue;
        }
        out.insert(
            name.to_owned(),
            expression(tree, def, scope, &argument.value),
        );
    }
    for block in body.blocks() {
        let name = block.ident.as_str();
        if META_BLOCKS.contains(&name) || name == "dynamic" {
            continue;
        }
        let nested = expressions(tree, def, scope, &block.body);
        match out.get_mut(name) {
            Some(Value::Array(items)) => items.push(nested),
            _ => {
                out.insert(name.to_owned(), Value::Array(vec![nested]));
            }
        }
    }
    Value::Object(out)
}

/// The configuration of the module of instance `inst` (one per module, whatever its count).
fn config_module(
    tree: &Tree<'_, '_>,
    inst: usize,
    pointer: &Pointer,
    routes: &mut Routes,
) -> Value {
    let Some(def) = tree.def_of(inst) else {
        return json!({});
    };
    let Some(instance) = tree.instances.get(inst) else {
        return json!({});
    };
    let mut module = Map::new();
    let mut resources = Vec::new();
    for decl in &def.resources {
        let item_pointer = pointer.key("resources").index(resources.len());
        let place = decl_pointer(decl);
        let secret = |name: &str| secret_argument(&decl.kind, name);
        route_local_secrets(
            def,
            &decl.block.body,
            &[item_pointer.key("expressions")],
            Some("constant_value"),
            &secret,
            routes,
        );
        routes.add(item_pointer.clone(), decl.file.id, place.clone());
        routes.add(item_pointer.key("expressions"), decl.file.id, place.clone());
        let scope = instances(tree, inst, &decl.block.body)
            .into_iter()
            .next()
            .map_or_else(|| Scope::new(inst), |(_, scope)| scope);
        let mut item = Map::new();
        item.insert("address".to_owned(), json!(decl.local_address()));
        item.insert("mode".to_owned(), json!(decl.mode.as_str()));
        item.insert("type".to_owned(), json!(decl.kind));
        item.insert("name".to_owned(), json!(decl.name));
        item.insert("provider_config_key".to_owned(), json!("ibm"));
        item.insert(
            "expressions".to_owned(),
            expressions(tree, def, &scope, &decl.block.body),
        );
        for meta in ["count", "for_each"] {
            if let Some(expr) = attribute(&decl.block.body, meta) {
                item.insert(
                    format!("{meta}_expression"),
                    expression(tree, def, &Scope::new(inst), expr),
                );
            }
        }
        resources.push(Value::Object(item));
    }
    module.insert("resources".to_owned(), Value::Array(resources));
    let mut calls = Map::new();
    for (call_at, call) in def.calls.iter().enumerate() {
        let call_pointer = pointer.key("module_calls").key(&call.name);
        let place = Pointer::root().key("module").key(&call.name);
        routes.add(call_pointer.clone(), call.file.id, place.clone());
        routes.add(call_pointer.key("expressions"), call.file.id, place);
        let scope = Scope::new(inst);
        let mut entry = Map::new();
        entry.insert("source".to_owned(), json!(call.source));
        entry.insert(
            "expressions".to_owned(),
            expressions(tree, def, &scope, &call.block.body),
        );
        let child = instance
            .children
            .iter()
            .find(|(at, _, _)| *at == call_at)
            .map(|(_, _, child)| *child);
        // A module's argument holds a secret when named like one or when the variable it
        // sets is declared sensitive.
        let called = child.and_then(|child| tree.def_of(child));
        let secret = |name: &str| {
            crate::sources::secrets::is_secret_name(name)
                || called
                    .and_then(|called| called.variables.get(name))
                    .and_then(|declared| attribute(&declared.block.body, "sensitive"))
                    .is_some_and(|flag| matches!(flag, Expression::Bool(flag) if *flag.value()))
        };
        route_local_secrets(
            def,
            &call.block.body,
            &[call_pointer.key("expressions")],
            Some("constant_value"),
            &secret,
            routes,
        );
        if let Some(child) = child {
            entry.insert(
                "module".to_owned(),
                config_module(tree, child, &call_pointer.key("module"), routes),
            );
        }
        calls.insert(call.name.clone(), Value::Object(entry));
    }
    if !calls.is_empty() {
        module.insert("module_calls".to_owned(), Value::Object(calls));
    }
    let mut variables = Map::new();
    for (name, declared) in &def.variables {
        let place = Pointer::root().key("variable").key(name);
        routes.add(pointer.key("variables").key(name), declared.file.id, place);
        let mut entry = Map::new();
        if let Some(default) = attribute(&declared.block.body, "default")
            && let Some(value) = tree.eval(&Scope::new(inst), default).known()
        {
            entry.insert("default".to_owned(), value.clone());
        }
        if let Some(Expression::Bool(flag)) = attribute(&declared.block.body, "sensitive") {
            entry.insert("sensitive".to_owned(), json!(*flag.value()));
        }
        variables.insert(name.clone(), Value::Object(entry));
    }
    if !variables.is_empty() {
        module.insert("variables".to_owned(), Value::Object(variables));
    }
    let mut outputs = Map::new();
    for (name, declared) in &def.outputs {
        let place = Pointer::root().key("output").key(name);
        routes.add(
            pointer.key("outputs").key(name).key("expression"),
            declared.file.id,
            place.key("value"),
        );
        routes.add(pointer.key("outputs").key(name), declared.file.id, place);
        let mut entry = Map::new();
        if let Some(value) = attribute(&declared.block.body, "value") {
            entry.insert(
                "expression".to_owned(),
                expression(tree, def, &Scope::new(inst), value),
            );
        }
        if let Some(Expression::Bool(flag)) = attribute(&declared.block.body, "sensitive") {
            entry.insert("sensitive".to_owned(), json!(*flag.value()));
        }
        outputs.insert(name.clone(), Value::Object(entry));
    }
    if !outputs.is_empty() {
        module.insert("outputs".to_owned(), Value::Object(outputs));
    }
    Value::Object(module)
}

/// The root module's `provider` blocks.
fn providers(tree: &Tree<'_, '_>, pointer: &Pointer, routes: &mut Routes) -> Value {
    let Some(def) = tree.def_of(0) else {
        return json!({});
    };
    let mut out = Map::new();
    for (key, declared) in &def.providers {
        let place = block_pointer(declared.block);
        routes.add(pointer.key(key), declared.file.id, place.clone());
        routes.add(pointer.key(key).key("expressions"), declared.file.id, place);
        let name = key.split('.').next().unwrap_or(key);
        out.entry(key.clone()).or_insert_with(|| {
            json!({
                "name": name,
                "full_name": if name == "ibm" { PROVIDER.to_owned() } else { name.to_owned() },
                "expressions": expressions(tree, def, &Scope::new(0), &declared.block.body),
            })
        });
    }
    Value::Object(out)
}

/// The root variables' known values (`variables` of a plan).
fn variables(tree: &Tree<'_, '_>, origins: &ValueOrigins, routes: &mut Routes) -> Value {
    let Some(def) = tree.def_of(0) else {
        return json!({});
    };
    let mut out = Map::new();
    for (name, declared) in &def.variables {
        let place = Pointer::root().key("variable").key(name);
        let pointer = Pointer::root().key("variables").key(name);
        routes.add(pointer.clone(), declared.file.id, place.clone());
        match origins.get(name) {
            Some((document, written)) => {
                routes.add(pointer.key("value"), *document, written.clone())
            }
            None => routes.add(pointer.key("value"), declared.file.id, place.key("default")),
        }
        let value = tree.eval(&Scope::new(0), &variable_reference(name));
        if let Some(value) = value.known() {
            out.insert(name.clone(), json!({ "value": value }));
        }
    }
    Value::Object(out)
}

/// `var.<name>` as an expression, to read a root variable's value.
fn variable_reference(name: &str) -> Expression {
    hcl_edit::parser::parse_expr(&format!("var.{name}")).unwrap_or_else(|_| Expression::null())
}

/// The root module's outputs whose value is known.
fn outputs(tree: &Tree<'_, '_>, routes: &mut Routes) -> Value {
    let Some(def) = tree.def_of(0) else {
        return json!({});
    };
    let mut out = Map::new();
    for (name, declared) in &def.outputs {
        let Some(expr) = attribute(&declared.block.body, "value") else {
            continue;
        };
        let Some(value) = tree.eval(&Scope::new(0), expr).known().cloned() else {
            continue;
        };
        let place = Pointer::root().key("output").key(name).key("value");
        let pointer = Pointer::root()
            .key("planned_values")
            .key("outputs")
            .key(name);
        routes.add(pointer.key("value"), declared.file.id, place.clone());
        routes.add(pointer, declared.file.id, place);
        let sensitive = matches!(
            attribute(&declared.block.body, "sensitive"),
            Some(Expression::Bool(flag)) if *flag.value()
        );
        out.insert(
            name.clone(),
            json!({ "sensitive": sensitive, "value": value }),
        );
    }
    Value::Object(out)
}
