//! The module tree of a root module: every local module call (`source = "./modules/x"`)
//! becomes a child instance per `count` index or `for_each` key. A call whose directory is
//! missing, or that would call a module already on its path (a cycle), or nests deeper than
//! [`MAX_NESTING`] is a located error and has no instance; a module from the registry, git
//! or a URL is not fetched, and what is read from it is unknown.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::config::ModuleDef;
use super::eval::{Expansion, Instance, Key, Tree};
use super::value::Val;
use crate::model::{DocId, Pointer};

/// How deep module calls may nest.
const MAX_NESTING: usize = 16;

/// A problem with a place in a configuration file.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub document: DocId,
    pub pointer: Pointer,
    pub message: String,
}

/// The directory a local module source names, as the key of `dirs`.
pub(crate) fn module_dir(from: &Path, source: &str) -> PathBuf {
    let joined = from.join(source);
    std::fs::canonicalize(&joined).unwrap_or(joined)
}

/// Builds the instance tree of the module `root` (an index into `defs`), whose root
/// variables have the values `given`.
pub(crate) fn build<'d, 'f>(
    defs: &'d [ModuleDef<'f>],
    dirs: &HashMap<PathBuf, usize>,
    root: usize,
    given: HashMap<String, Val>,
    errors: &mut Vec<Located>,
) -> Tree<'d, 'f> {
    let mut tree = Tree::new(defs);
    let mut top = Instance::new(root, None, String::new());
    top.given = given;
    tree.instances.push(top);
    let mut next = 0;
    while next < tree.instances.len() {
        let inst = next;
        next += 1;
        let Some(def) = tree.def_of(inst) else {
            continue;
        };
        for (call_at, call) in def.calls.iter().enumerate() {
            if !call.is_local() {
                continue;
            }
            let source = call.source.clone().unwrap_or_default();
            let place = call.block.body.get_attribute("source").map_or_else(
                || Pointer::root().key("module").key(&call.name),
                |_| Pointer::root().key("module").key(&call.name).key("source"),
            );
            let error = |message: String| Located {
                document: call.file.id,
                pointer: place.clone(),
                message,
            };
            let Some(&child_def) = dirs.get(&module_dir(&def.dir, &source)) else {
                errors.push(error(format!(
                    "module `{}`: directory {source:?} not found or holds no .tf file: \
                     expected a local module directory",
                    call.name
                )));
                continue;
            };
            let mut ancestors = Vec::new();
            let mut walk = Some(inst);
            while let Some(at) = walk {
                ancestors.push(tree.instances[at].def);
                walk = tree.instances[at]
                    .parent
                    .as_ref()
                    .map(|(parent, _, _)| *parent);
            }
            if ancestors.contains(&child_def) {
                errors.push(error(format!(
                    "module `{}`: {source:?} calls a module that is already calling it (a \
                     module cycle); expected a tree of modules",
                    call.name
                )));
                continue;
            }
            if ancestors.len() > MAX_NESTING {
                errors.push(error(format!(
                    "module `{}`: modules nest more than {MAX_NESTING} deep",
                    call.name
                )));
                continue;
            }
            let (keys, unknown_iter): (Vec<Option<(Key, Val)>>, _) =
                match tree.expansion(inst, &call.block.body) {
                    Expansion::Keys(keys) => (keys.into_iter().map(Some).collect(), None),
                    Expansion::Single => (vec![None], None),
                    Expansion::Unknown(unknown) => (vec![None], Some(unknown)),
                };
            for key in keys {
                let step = match &key {
                    Some((key, _)) => format!("module.{}{}", call.name, key.suffix()),
                    None => format!("module.{}", call.name),
                };
                let path = if tree.instances[inst].path.is_empty() {
                    step
                } else {
                    format!("{}.{step}", tree.instances[inst].path)
                };
                let key_only = key.as_ref().map(|(key, _)| key.clone());
                let child = tree.instances.len();
                let mut instance = Instance::new(child_def, Some((inst, call_at, key)), path);
                instance.unknown_iter.clone_from(&unknown_iter);
                tree.instances.push(instance);
                tree.instances[inst]
                    .children
                    .push((call_at, key_only, child));
            }
        }
    }
    tree
}
