//! Where the parts of the plan a configuration is turned into were written: each pointer
//! into the plan (`/planned_values/root_module/resources/3/values/roles`) goes back to the
//! `.tf` file and the pointer of the block or argument it came from
//! (`/resource/ibm_iam_service_policy/ci/roles`), so that findings name the line of the
//! configuration, not the plan iamlint built.

use std::collections::HashMap;

use crate::model::{DocId, Origin, Pointer};

/// Plan pointer prefixes and the place in the configuration each one stands for.
#[derive(Debug, Default)]
pub struct Routes {
    routes: HashMap<Pointer, (DocId, Pointer)>,
}

impl Routes {
    pub(crate) fn add(&mut self, plan: Pointer, document: DocId, config: Pointer) {
        self.routes.entry(plan).or_insert((document, config));
    }

    /// The configuration place of a plan pointer: the longest routed prefix, with the rest
    /// of the pointer appended.
    pub fn origin(&self, pointer: &Pointer) -> Option<Origin> {
        let mut rest: Vec<String> = Vec::new();
        let mut current = Some(pointer.clone());
        while let Some(prefix) = current {
            if let Some((document, config)) = self.routes.get(&prefix) {
                let pointer = rest
                    .iter()
                    .rev()
                    .fold(config.clone(), |pointer, token| pointer.key(token));
                return Some(Origin::new(*document, pointer));
            }
            let parent = prefix.parent();
            if let Some(token) = prefix.tokens().last() {
                rest.push(token.into_owned());
            }
            current = parent;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_prefix_wins_and_the_rest_is_kept() {
        let mut routes = Routes::default();
        let item = Pointer::parse("/planned_values/root_module/resources/0").unwrap();
        let block = Pointer::parse("/resource/ibm_x/y").unwrap();
        routes.add(item.clone(), DocId(2), block.clone());
        routes.add(item.key("values"), DocId(2), block.clone());
        let origin = routes
            .origin(&item.key("values").key("roles").index(1))
            .unwrap();
        assert_eq!(origin.document, DocId(2));
        assert_eq!(origin.pointer.as_str(), "/resource/ibm_x/y/roles/1");
        assert!(
            routes
                .origin(&Pointer::parse("/configuration").unwrap())
                .is_none()
        );
    }
}
