//! One shared copy of the strings that repeat across hundreds of thousands of entities:
//! role CRNs, services and names, attribute names. At scale 100 an account has 254,000
//! policies naming a few dozen roles and attribute names between them; a `String` each
//! was a third of a policy's memory.

use std::cell::RefCell;
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

/// The shared copy of `text`, through a cache of this thread's own: for the values that
/// hundreds of thousands of entities repeat (account ids, states, policy kinds, creators),
/// looked up on every core at once, where the process's table would make the cores wait
/// on its lock. The cache is emptied when it grows past a few thousand texts, so values
/// that do not repeat cost no more than the process's table.
pub fn intern_cached(text: &str) -> Arc<str> {
    const LIMIT: usize = 16_384;
    thread_local! {
        static CACHE: RefCell<FxHashSet<Arc<str>>> = RefCell::new(FxHashSet::default());
    }
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(shared) = cache.get(text) {
            return Arc::clone(shared);
        }
        if cache.len() >= LIMIT {
            cache.clear();
        }
        let shared = intern(text);
        cache.insert(Arc::clone(&shared));
        shared
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_texts_are_the_process_copies() {
        let first = intern_cached("active");
        assert!(Arc::ptr_eq(&first, &intern_cached("active")));
        assert!(Arc::ptr_eq(&first, &intern("active")));
        let elsewhere = std::thread::spawn(|| intern_cached("active"))
            .join()
            .expect("the thread ends");
        assert!(Arc::ptr_eq(&first, &elsewhere));
    }

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
