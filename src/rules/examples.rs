//! The example inputs named in `rules/<id>.yaml`, compiled into the binary by `build.rs` so
//! that `iamlint explain` works from an installed binary. The registry test proves that each
//! compiled text is the file in the repository and that it behaves as labelled.

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// The compiled-in text of an example file, by the path its rule YAML names.
pub fn text(path: &str) -> Option<&'static str> {
    EXAMPLE_FILES
        .binary_search_by(|(candidate, _)| (*candidate).cmp(path))
        .ok()
        .and_then(|at| EXAMPLE_FILES.get(at))
        .map(|(_, text)| *text)
}

/// Every compiled-in example path, sorted.
pub fn paths() -> impl Iterator<Item = &'static str> {
    EXAMPLE_FILES.iter().map(|(path, _)| *path)
}
