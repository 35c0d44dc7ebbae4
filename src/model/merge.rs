//! Merging the copies of one entity that several inputs hold (the API list and the CLI
//! array, a list and a single object): the fullest copy is kept, and every field it lacks
//! is taken from the other copies, so that no field any copy holds is lost, whatever the
//! order of the files.
//!
//! A copy declared by a plan or state (moved first by `prefer_declared`) describes the
//! account after apply: it wins whole, as before, and takes nothing from exports.

use rustc_hash::FxHashMap;
use std::hash::Hash;

use super::access_group::AccessGroup;
use super::declaration::Declaration;
use super::identity::{ApiKey, ServiceId};
use super::resource::{Credentials, KeyParts, ResourceInstance, ResourceKey};

/// An entity whose copies can be merged.
pub(super) trait Mergeable: Sized {
    /// How much the copy holds: the fullest copy of a group is the base of the merge.
    fn richness(&self) -> usize;
    /// Takes from `other` every field this copy lacks.
    fn fill_from(&mut self, other: Self);
    fn declaration(&self) -> Option<&Declaration>;
}

/// For each item, the index of the first item with its key. The keys borrow from the
/// items, so nothing is copied to tell duplicates apart.
pub(super) fn leaders<'a, T, K: Hash + Eq>(items: &'a [T], key: impl Fn(&'a T) -> K) -> Vec<usize> {
    let mut first: FxHashMap<K, usize> =
        FxHashMap::with_capacity_and_hasher(items.len(), Default::default());
    items
        .iter()
        .enumerate()
        .map(|(at, item)| *first.entry(key(item)).or_insert(at))
        .collect()
}

/// Replaces every group of copies (by [`leaders`]) with one merged copy, at the place of
/// the group's first copy; the order of the groups is kept.
pub(super) fn merge_duplicates<T: Mergeable>(items: &mut Vec<T>, leaders: &[usize]) {
    if leaders.iter().enumerate().all(|(at, leader)| at == *leader) {
        return;
    }
    let mut groups: Vec<Vec<T>> = Vec::new();
    let mut group_of: Vec<usize> = vec![usize::MAX; items.len()];
    for (at, item) in std::mem::take(items).into_iter().enumerate() {
        let leader = leaders.get(at).copied().unwrap_or(at);
        if leader == at {
            group_of[at] = groups.len();
            groups.push(vec![item]);
        } else if let Some(group) = group_of
            .get(leader)
            .and_then(|&group| groups.get_mut(group))
        {
            group.push(item);
        }
    }
    items.extend(groups.into_iter().filter_map(merge_group));
}

fn merge_group<T: Mergeable>(mut copies: Vec<T>) -> Option<T> {
    if copies.first()?.declaration().is_some() {
        return copies.into_iter().next();
    }
    // The fullest copy; among equals, the first loaded.
    let mut base_at = 0;
    for (at, copy) in copies.iter().enumerate() {
        if copy.richness() > copies[base_at].richness() {
            base_at = at;
        }
    }
    let mut base = copies.remove(base_at);
    for other in copies {
        base.fill_from(other);
    }
    Some(base)
}

fn count(present: &[bool]) -> usize {
    present.iter().filter(|present| **present).count()
}

/// Fills each `Option` field of `$base` that is `None` from `$other`.
macro_rules! fill_options {
    ($base:ident, $other:ident, $($field:ident),+) => {
        $(if $base.$field.is_none() {
            $base.$field = $other.$field;
        })+
    };
}

impl Mergeable for ApiKey {
    fn richness(&self) -> usize {
        count(&[
            self.name.is_some(),
            self.description.is_some(),
            self.iam_id.is_some(),
            self.crn.is_some(),
            self.created_at.is_some(),
            self.expires_at.is_some(),
            self.action_when_leaked.is_some(),
            self.locked.is_some(),
            self.disabled.is_some(),
        ])
    }

    fn fill_from(&mut self, other: Self) {
        fill_options!(
            self,
            other,
            name,
            description,
            iam_id,
            crn,
            created_at,
            expires_at,
            action_when_leaked,
            locked,
            disabled,
            account
        );
    }

    fn declaration(&self) -> Option<&Declaration> {
        self.declaration.as_deref()
    }
}

impl Mergeable for ServiceId {
    fn richness(&self) -> usize {
        count(&[
            self.crn.is_some(),
            self.name.is_some(),
            self.description.is_some(),
            self.locked.is_some(),
            self.created_at.is_some(),
            !self.unique_instance_crns.is_empty(),
        ])
    }

    fn fill_from(&mut self, other: Self) {
        fill_options!(
            self,
            other,
            crn,
            name,
            description,
            locked,
            created_at,
            account
        );
        if self.unique_instance_crns.is_empty() {
            self.unique_instance_crns = other.unique_instance_crns;
        }
    }

    fn declaration(&self) -> Option<&Declaration> {
        self.declaration.as_deref()
    }
}

impl Mergeable for ResourceInstance {
    fn richness(&self) -> usize {
        count(&[
            self.name.is_some(),
            self.account_id.is_some(),
            self.resource_group_id.is_some(),
            self.state.is_some(),
        ])
    }

    fn fill_from(&mut self, other: Self) {
        fill_options!(
            self,
            other,
            name,
            account_id,
            resource_group_id,
            state,
            account
        );
    }

    fn declaration(&self) -> Option<&Declaration> {
        self.declaration.as_deref()
    }
}

/// How much a key's `credentials` show: visible beats redacted beats absent.
fn credentials_rank(credentials: &Credentials) -> usize {
    match credentials {
        Credentials::Absent => 0,
        Credentials::Unresolved(_) => 1,
        Credentials::Redacted => 2,
        Credentials::Visible(_) => 3,
    }
}

impl Mergeable for ResourceKey {
    fn richness(&self) -> usize {
        // The credentials hold the service ID link: they outweigh every other field.
        credentials_rank(&self.credentials) * 16
            + count(&[
                self.guid.is_some(),
                self.name.is_some(),
                self.source_crn.is_some(),
                self.state.is_some(),
                self.created_at.is_some(),
                self.created_by.is_some(),
            ])
    }

    fn fill_from(&mut self, other: Self) {
        // The other copy's places are below its own origin: taken as places.
        let (mut credentials, mut serviceid, mut source) = (
            self.credentials_origin(),
            self.serviceid_origin(),
            self.source_origin(),
        );
        let other_source = other.source_origin();
        if credentials_rank(&other.credentials) > credentials_rank(&self.credentials) {
            credentials = other.credentials_origin();
            serviceid = other.serviceid_origin();
            self.credentials = other.credentials;
            // What they leave to the other copy's name and GUID is written out again.
            if let Credentials::Visible(visible) = &mut self.credentials {
                visible.spell_out(other.name.as_deref(), other.guid.as_deref());
            }
        }
        if self.source_crn.is_none() {
            source = other_source;
            self.source_crn = other.source_crn;
            self.source_fields = other.source_fields;
        }
        self.parts = KeyParts::placed(credentials, serviceid, source);
        fill_options!(
            self, other, guid, name, state, created_at, created_by, account
        );
    }

    fn declaration(&self) -> Option<&Declaration> {
        self.declaration.as_deref()
    }
}

impl Mergeable for AccessGroup {
    fn richness(&self) -> usize {
        count(&[self.name.is_some(), self.description.is_some()])
    }

    fn fill_from(&mut self, other: Self) {
        fill_options!(self, other, name, description, account);
    }

    fn declaration(&self) -> Option<&Declaration> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocId, Origin, Pointer};

    fn key(document: u32, name: Option<&str>, expires_at: Option<&str>) -> ApiKey {
        ApiKey {
            id: "ApiKey-1".to_owned(),
            name: name.map(Into::into),
            description: None,
            iam_id: Some("iam-ServiceId-1".into()).filter(|_| document == 0),
            crn: None,
            created_at: Some("2023-01-01T00:00+0000".into()).filter(|_| document == 0),
            expires_at: expires_at.map(Into::into),
            action_when_leaked: None,
            locked: None,
            disabled: None,
            account: None,
            origin: Origin::new(DocId(document), Pointer::root()),
            declaration: None,
        }
    }

    fn merged(mut keys: Vec<ApiKey>) -> ApiKey {
        let first = leaders(&keys, |key| key.id.clone());
        merge_duplicates(&mut keys, &first);
        assert_eq!(keys.len(), 1);
        keys.remove(0)
    }

    #[test]
    fn the_fullest_copy_is_the_base_and_gaps_are_filled_in_any_order() {
        let full = || key(0, Some("deploy"), None);
        let thin = || key(1, None, Some("2099-01-01T00:00+0000"));
        for keys in [vec![full(), thin()], vec![thin(), full()]] {
            let key = merged(keys);
            assert_eq!(key.origin.document, DocId(0));
            assert_eq!(key.name.as_deref(), Some("deploy"));
            assert_eq!(key.iam_id.as_deref(), Some("iam-ServiceId-1"));
            assert_eq!(key.expires_at.as_deref(), Some("2099-01-01T00:00+0000"));
        }
    }

    /// A copy of one key (the same CRN) with this name, GUID and credentials.
    fn resource_key(name: &str, guid: Option<&str>, credentials: Credentials) -> ResourceKey {
        ResourceKey {
            crn: "crn:v1:bluemix:public:cos:global:a/1:i:resource-key:k".to_owned(),
            guid: guid.map(Into::into),
            name: Some(name.into()),
            source_crn: None,
            state: None,
            created_at: None,
            created_by: None,
            credentials,
            account: None,
            origin: Origin::new(DocId(0), Pointer::root()),
            parts: KeyParts::default(),
            declaration: None,
            source_unresolved: None,
            role_unresolved: None,
            source_fields: Default::default(),
        }
    }

    #[test]
    fn credentials_taken_from_another_copy_keep_their_own_name_and_description() {
        use crate::model::VisibleCredentials;
        let mut visible = VisibleCredentials {
            iam_apikey_name: Some("renamed".into()),
            iam_apikey_description: Some("Auto-generated for key g".into()),
            ..VisibleCredentials::default()
        };
        visible.keep_name_of("renamed");
        visible.keep_description_of("g");
        assert!(visible.name_is_key_name && visible.description_names_key);
        // A copy that wins on other grounds (a declared one) takes the credentials of the
        // other copy, whose name and GUID they leave out.
        let mut kept = resource_key("old", None, Credentials::Redacted);
        kept.fill_from(resource_key(
            "renamed",
            Some("g"),
            Credentials::Visible(visible.clone()),
        ));
        assert_eq!(kept.name.as_deref(), Some("old"));
        assert_eq!(kept.apikey_name(), Some("renamed"));
        assert_eq!(
            kept.apikey_description().as_deref(),
            Some("Auto-generated for key g")
        );
        assert!(kept.apikey_description_is("Auto-generated for key g"));
        let mut flagged = resource_key("renamed", Some("g"), Credentials::Visible(visible));
        assert!(flagged.apikey_description_is("Auto-generated for key g"));
        assert!(!flagged.apikey_description_is("Auto-generated for key h"));
        flagged.guid = None;
        assert!(!flagged.apikey_description_is("Auto-generated for key g"));
    }

    #[test]
    fn visible_credentials_win_over_redacted_ones() {
        use crate::model::VisibleCredentials;
        let resource_key = |credentials| resource_key("k", None, credentials);
        let visible = Credentials::Visible(VisibleCredentials::default());
        for keys in [
            vec![
                resource_key(Credentials::Redacted),
                resource_key(visible.clone()),
            ],
            vec![
                resource_key(visible.clone()),
                resource_key(Credentials::Redacted),
            ],
        ] {
            let mut keys = keys;
            let first = leaders(&keys, |key| key.crn.clone());
            merge_duplicates(&mut keys, &first);
            assert_eq!(keys.len(), 1);
            assert_eq!(keys[0].credentials, visible);
        }
    }

    #[test]
    fn distinct_entities_keep_their_order() {
        let mut keys = vec![key(0, Some("a"), None), key(1, Some("b"), None)];
        keys[1].id = "ApiKey-2".to_owned();
        keys.push(key(2, None, Some("x")));
        let first = leaders(&keys, |key| key.id.clone());
        merge_duplicates(&mut keys, &first);
        let ids: Vec<&str> = keys.iter().map(|key| key.id.as_str()).collect();
        assert_eq!(ids, ["ApiKey-1", "ApiKey-2"]);
    }
}
