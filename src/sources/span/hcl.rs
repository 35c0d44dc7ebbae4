//! The span index of a `.tf` or `.tfvars` text: pointer -> byte ranges, from hcl-edit's
//! spans, in the pointer scheme of Terraform's JSON configuration syntax
//! (`/resource/<type>/<name>/<argument>`, nested blocks as lists:
//! `/resource/<type>/<name>/resources/0/service`), so that a `.tf` file and its `.tf.json`
//! twin are pointed into alike. A `.tfvars` file's values are `/<name>`.
//!
//! A block is labelled by its header (`resource "ibm_resource_key" "reader"`), an argument
//! whose value is a list or an object by its name, a scalar by its value.

// The spots go into `SpanIndex`, whose map is an FxHashMap.
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body};
use hcl_edit::{Decorated, Ident, Span};

use super::Spot;
use crate::model::Pointer;

/// Every spot of a parsed text (empty when it does not parse).
pub(crate) fn index(text: &str) -> HashMap<Pointer, Spot> {
    let mut spots = HashMap::default();
    if let Ok(body) = hcl_edit::parser::parse_body(text) {
        top_level(&body, &mut spots);
    }
    spots
}

/// The pointer of a top-level block: its kind, then its labels (`locals` and `terraform`
/// have none).
pub(crate) fn block_pointer(block: &Block) -> Pointer {
    block.labels.iter().fold(
        Pointer::root().key(block.ident.as_str()),
        |pointer, label| pointer.key(label.as_str()),
    )
}

fn top_level(body: &Body, spots: &mut HashMap<Pointer, Spot>) {
    let mut nested: HashMap<String, usize> = HashMap::default();
    for structure in body.iter() {
        if let Some(attribute) = structure.as_attribute() {
            // A `.tfvars` file: its arguments are the variables.
            attribute_spots(
                &Pointer::root().key(attribute.key.as_str()),
                &attribute.key,
                &attribute.value,
                spots,
            );
        } else if let Some(block) = structure.as_block() {
            let pointer = if block.ident.as_str() == "locals" {
                // Several `locals` blocks are one namespace.
                let at = nested.entry("locals".to_owned()).or_default();
                *at += 1;
                Pointer::root().key("locals")
            } else {
                block_pointer(block)
            };
            block_spots(&pointer, block, spots);
        }
    }
}

/// The spot of a block (its header is its key) and of everything in its body.
fn block_spots(pointer: &Pointer, block: &Block, spots: &mut HashMap<Pointer, Spot>) {
    if let Some(whole) = block.span() {
        let header_end = block
            .labels
            .last()
            .and_then(Span::span)
            .or_else(|| block.ident.span())
            .map_or(whole.start, |range| range.end);
        spots.entry(pointer.clone()).or_insert(Spot {
            key: Some(whole.start..header_end.max(whole.start)),
            value: whole,
            composite: true,
        });
    }
    body_spots(pointer, &block.body, spots);
}

fn body_spots(pointer: &Pointer, body: &Body, spots: &mut HashMap<Pointer, Spot>) {
    let mut counts: HashMap<&str, usize> = HashMap::default();
    for structure in body.iter() {
        if let Some(attribute) = structure.as_attribute() {
            attribute_spots(
                &pointer.key(attribute.key.as_str()),
                &attribute.key,
                &attribute.value,
                spots,
            );
        } else if let Some(block) = structure.as_block() {
            let name = block.ident.as_str();
            let at = counts.entry(name).or_default();
            let inner = pointer.key(name).index(*at);
            *at += 1;
            block_spots(&inner, block, spots);
        }
    }
}

fn attribute_spots(
    pointer: &Pointer,
    key: &Decorated<Ident>,
    value: &Expression,
    spots: &mut HashMap<Pointer, Spot>,
) {
    let Some(range) = value.span() else {
        return;
    };
    spots.insert(
        pointer.clone(),
        Spot {
            key: key.span(),
            value: range,
            composite: is_composite(value),
        },
    );
    expression_spots(pointer, value, spots);
}

fn is_composite(value: &Expression) -> bool {
    matches!(
        value,
        Expression::Array(_) | Expression::Object(_) | Expression::ForExpr(_)
    )
}

/// The members of object and list literals.
fn expression_spots(pointer: &Pointer, value: &Expression, spots: &mut HashMap<Pointer, Spot>) {
    match value {
        Expression::Array(items) => {
            for (at, item) in items.iter().enumerate() {
                if let Some(range) = item.span() {
                    let inner = pointer.index(at);
                    spots.insert(
                        inner.clone(),
                        Spot {
                            key: None,
                            value: range,
                            composite: is_composite(item),
                        },
                    );
                    expression_spots(&inner, item, spots);
                }
            }
        }
        Expression::Object(object) => {
            for (key, item) in object.iter() {
                let (name, key_range) = match key {
                    ObjectKey::Ident(ident) => (ident.as_str().to_owned(), ident.span()),
                    ObjectKey::Expression(Expression::String(text)) => {
                        (text.as_str().to_owned(), text.span())
                    }
                    ObjectKey::Expression(_) => continue,
                };
                let expr = item.expr();
                let Some(range) = expr.span() else {
                    continue;
                };
                let inner = pointer.key(&name);
                spots.insert(
                    inner.clone(),
                    Spot {
                        key: key_range.map(|range: Range<usize>| range),
                        value: range,
                        composite: is_composite(expr),
                    },
                );
                expression_spots(&inner, expr, spots);
            }
        }
        Expression::Parenthesis(inner) => expression_spots(pointer, inner.inner(), spots),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_labelled_by_their_header_and_arguments_by_their_name() {
        let text = "resource \"ibm_iam_service_policy\" \"p\" {\n  roles = [\"Viewer\"]\n  \
                    resources {\n    service = \"kms\"\n  }\n}\n";
        let spots = index(text);
        let block = &spots[&Pointer::parse("/resource/ibm_iam_service_policy/p").unwrap()];
        assert_eq!(
            &text[block.key.clone().unwrap()],
            "resource \"ibm_iam_service_policy\" \"p\""
        );
        let roles = &spots[&Pointer::parse("/resource/ibm_iam_service_policy/p/roles").unwrap()];
        assert_eq!(&text[roles.key.clone().unwrap()], "roles");
        assert!(roles.composite);
        let service = &spots
            [&Pointer::parse("/resource/ibm_iam_service_policy/p/resources/0/service").unwrap()];
        assert_eq!(&text[service.value.clone()], "\"kms\"");
    }
}
