//! The order in which the excerpt formats (human, SARIF) draw their findings. The first
//! window of a one-line export works out its layout: one pass over the whole file (290 MB at
//! scale 100, 6 % of a human run), which every other window of it waits for. Drawn in the
//! findings' order, the cores soon all wait for it; drawn here, the findings of the
//! documents that are ready come first while the layouts are worked out on a thread of
//! their own, and the outputs are joined in the findings' order as before.

use rustc_hash::FxHashSet;

use crate::model::DocId;
use crate::rules::Finding;
use crate::sources::document::{Document, Documents};

/// Where each finding is drawn.
pub(super) struct Plan<'a> {
    /// Indexes of the findings: first those of documents that are ready, then the others,
    /// each in the findings' order.
    pub(super) order: Vec<usize>,
    /// The documents whose layout is still to be worked out, the largest first (the
    /// policy export of a large account is the one everything else waits for).
    pending: Vec<&'a Document>,
}

impl<'a> Plan<'a> {
    pub(super) fn new<'f>(
        documents: &'a Documents,
        findings: impl ExactSizeIterator<Item = &'f Finding>,
    ) -> Self {
        let mut pending: Vec<&Document> = Vec::new();
        let mut known: FxHashSet<DocId> = FxHashSet::default();
        let mut waiting = Vec::new();
        let mut order = Vec::with_capacity(findings.len());
        for (at, finding) in findings.enumerate() {
            let mut waits = false;
            let places = std::iter::once(&finding.primary.origin)
                .chain(finding.related.iter().map(|related| &related.label.origin));
            for origin in places {
                let Some(document) = documents.get(origin.document) else {
                    continue;
                };
                if document.layout_pending() {
                    waits = true;
                    if known.insert(origin.document) {
                        pending.push(document);
                    }
                }
            }
            if waits {
                waiting.push(at);
            } else {
                order.push(at);
            }
        }
        order.extend(waiting);
        pending.sort_by_key(|document| std::cmp::Reverse(document.file_len()));
        Self { order, pending }
    }

    /// Runs `draw` while the pending layouts are worked out on a thread of their own (not
    /// one of rayon's: a rayon thread waiting for a layout could not steal the work that
    /// makes it).
    pub(super) fn draw<R: Send>(&self, draw: impl FnOnce() -> R + Send) -> R {
        std::thread::scope(|scope| {
            if !self.pending.is_empty() {
                scope.spawn(|| {
                    for document in &self.pending {
                        document.prepare_layout();
                    }
                });
            }
            draw()
        })
    }

    /// `drawn` (one output per finding, in [`Plan::order`]) back in the findings' order.
    pub(super) fn in_findings_order<T>(&self, drawn: Vec<T>) -> Vec<T> {
        let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None)
            .take(self.order.len())
            .collect();
        for (&at, item) in self.order.iter().zip(drawn) {
            if let Some(slot) = slots.get_mut(at) {
                *slot = Some(item);
            }
        }
        slots.into_iter().flatten().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Plan;

    #[test]
    fn outputs_drawn_in_the_plans_order_come_back_in_the_findings_order() {
        let plan = Plan {
            order: vec![1, 3, 0, 2],
            pending: Vec::new(),
        };
        let drawn = vec!["b", "d", "a", "c"];
        assert_eq!(plan.in_findings_order(drawn), ["a", "b", "c", "d"]);
        assert_eq!(plan.draw(|| 7), 7);
    }
}
