//! One shared copy of the strings that repeat across hundreds of thousands of entities:
//! role CRNs, services and names, attribute names. At scale 100 an account has 254,000
//! policies naming a few dozen roles and attribute names between them; a `String` each
//! was a third of a policy's memory.

use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::FxHashSet;

/// The process's table: loaders on every core share it (a lock per lookup is cheap next
/// to the deserialization around it).
static TABLE: OnceLock<Mutex<FxHashSet<Arc<str>>>> = OnceLock::new();

/// The shared copy of `text`.
pub fn intern(text: &str) -> Arc<str> {
    let table = TABLE.get_or_init(Default::default);
    // A panic elsewhere while the lock was held leaves the table as it was: still valid.
    let mut table = table
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(shared) = table.get(text) {
        return Arc::clone(shared);
    }
    let shared: Arc<str> = Arc::from(text);
    table.insert(Arc::clone(&shared));
    shared
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_copy() {
        let first = intern("crn:v1:bluemix:public:iam::::role:Administrator");
        let second = intern(&String::from(
            "crn:v1:bluemix:public:iam::::role:Administrator",
        ));
        assert!(Arc::ptr_eq(&first, &second));
        assert!(!Arc::ptr_eq(
            &first,
            &intern("crn:v1:bluemix:public:iam::::role:Viewer")
        ));
    }
}
