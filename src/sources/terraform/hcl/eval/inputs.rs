//! The module's inputs: `var.*` (the module call's argument, the root's given value, or
//! the default) and `local.*`, each evaluated once per module instance.

use super::super::config::attribute;
use super::super::value::Val;
use super::{Instance, MAX_DEPTH, Scope, Tree};

impl<'d, 'f> Tree<'d, 'f> {
    /// `var.<name>`: the module call's argument, or the root's given value, else the
    /// variable's default.
    pub(super) fn variable(&self, scope: &Scope, name: &str) -> Val {
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

    pub(super) fn variable_value(&self, scope: &Scope, instance: &Instance, name: &str) -> Val {
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
                        let caller = Scope {
                            unknown_iter: instance.unknown_iter.clone(),
                            ..Scope::with_iter(*parent, key.clone())
                        };
                        let Some(caller) = caller.deeper() else {
                            return Val::unknown("references nest too deep");
                        };
                        let value = self.eval(
                            &Scope {
                                depth: scope.depth + 1,
                                ..caller
                            },
                            expr,
                        );
                        // Relative to this module: the plan's loader follows `var.x`
                        // through the module call. The known parts of a partly known
                        // value stay known (a list of keys, one holding an apply-time
                        // service ID).
                        value.relabel(&[format!("var.{name}")])
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

    pub(super) fn local(&self, scope: &Scope, name: &str) -> Val {
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
}
