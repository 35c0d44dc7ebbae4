//! Which account each entity belongs to, and what was exported of each account.
//!
//! An input may hold several accounts (an enterprise's exports side by side). Every entity
//! belongs to the account its own data names (`account_id`, the `a/<account>` scope of its
//! CRN, a policy's `accountId` resource attribute), else to its document's account (the
//! `snapshot.json` of its directory, else the one account the document's or its
//! directory's entities name), else, when the run names exactly one account, to that one.
//! Whatever is left belongs to no known account (`None`): a Terraform plan run beside the
//! exports of two accounts, say, is judged on its own.
//!
//! Rules judge each account on its own (see `Inventory::partition`), so a run over several
//! accounts gives exactly the findings of one run per account.
//!
//! About 500 lines before its tests: resolving accounts is one six-step pass over every entity
//! kind, and splitting a run by account must agree with it step for step, so they stay together.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{Collections, Inventory, InventoryBuilder};
use crate::model::IdentityCrn;
use crate::model::crn::Crn;
use crate::model::origin::DocId;

/// What the loader knows about one document besides its entities.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct DocumentFacts {
    /// The collections the document held (even empty ones).
    pub collections: Collections,
    /// Documents with the same group (the same directory) share a snapshot's account.
    pub group: Option<u32>,
}

/// The accounts of a run: each with the collections its exports held.
#[derive(Debug, Clone, Default)]
pub struct Accounts {
    /// `None`: entities no input ties to an account, in a run that names several.
    collections: BTreeMap<Option<Arc<str>>, Collections>,
    /// The account of each document that has one.
    documents: FxHashMap<DocId, Arc<str>>,
}

impl Accounts {
    /// How many known accounts the run holds.
    pub fn known(&self) -> usize {
        self.collections
            .keys()
            .filter(|account| account.is_some())
            .count()
    }

    /// Whether the run must be judged account by account: more than one account (the
    /// entities of no known account count as one more).
    pub fn several(&self) -> bool {
        self.collections.len() > 1
    }

    /// The accounts, sorted (`None` first).
    pub fn ids(&self) -> impl Iterator<Item = Option<&str>> {
        self.collections.keys().map(Option::as_deref)
    }

    /// The collections the exports of `account` held.
    pub fn collections_of(&self, account: Option<&str>) -> Collections {
        self.collections
            .get(&account.map(Arc::from))
            .copied()
            .unwrap_or_default()
    }

    /// The account of a document, when it has one.
    pub fn of_document(&self, document: DocId) -> Option<&str> {
        self.documents.get(&document).map(|account| &**account)
    }
}

/// The account scope of a CRN.
fn crn_account(crn: Option<&str>) -> Option<Arc<str>> {
    present(&Crn::parse(crn?)?.account)
}

/// An account id as written, when it is one. IBM account ids are 32 hex digits; any run of
/// ASCII letters, digits, `-` and `_` is taken, so that no control character reaches an
/// output and a placeholder (`<ACCOUNT_ID>`, which a Terraform plan writes for a value known
/// only after apply) names no account.
fn present<S: AsRef<str>>(account: &Option<S>) -> Option<Arc<str>> {
    account
        .as_ref()
        .map(AsRef::as_ref)
        .filter(|account| is_account(Some(account)))
        .map(crate::model::intern_cached)
}

/// Whether `account` is an account id as [`present`] takes one.
fn is_account(account: Option<&str>) -> bool {
    account.is_some_and(|account| {
        !account.is_empty()
            && account
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
    })
}

/// Gives the activity reports without an account, and their records, the one account that
/// the identities they list belong to (see step 4b of [`resolve`]).
fn report_accounts(inventory: &mut Inventory) {
    use crate::model::AuthnSubject;
    let people = &inventory.people;
    if people
        .activity_reports
        .iter()
        .all(|report| report.account.is_some())
    {
        return;
    }
    type Owners<'a> = FxHashMap<(AuthnSubject, &'a str), Option<&'a Arc<str>>>;
    fn note<'a>(
        owner: &mut Owners<'a>,
        subject: AuthnSubject,
        id: &'a str,
        account: &'a Option<Arc<str>>,
    ) {
        let Some(account) = account else { return };
        // An identity seen in two accounts (a user of both) tells nothing.
        owner
            .entry((subject, id))
            .and_modify(|held| {
                if *held != Some(account) {
                    *held = None;
                }
            })
            .or_insert(Some(account));
    }
    let mut owner: Owners<'_> = FxHashMap::default();
    for api_key in &inventory.api_keys {
        note(
            &mut owner,
            AuthnSubject::ApiKey,
            &api_key.id,
            &api_key.account,
        );
    }
    for service_id in &inventory.service_ids {
        note(
            &mut owner,
            AuthnSubject::ServiceId,
            &service_id.id,
            &service_id.account,
        );
    }
    for user in &people.users {
        note(&mut owner, AuthnSubject::User, &user.iam_id, &user.account);
    }
    let mut named: FxHashMap<DocId, BTreeSet<Arc<str>>> = FxHashMap::default();
    for record in &people.authns {
        if record.account.is_some() {
            continue;
        }
        if let Some(Some(account)) = owner.get(&(record.subject, record.id.as_str())) {
            named
                .entry(record.origin.document)
                .or_default()
                .insert((*account).clone());
        }
    }
    let only: FxHashMap<DocId, Arc<str>> = named
        .into_iter()
        .filter_map(|(document, accounts)| {
            (accounts.len() == 1)
                .then(|| accounts.into_iter().next())
                .flatten()
                .map(|account| (document, account))
        })
        .collect();
    let people = &mut inventory.people;
    for report in &mut people.activity_reports {
        if report.account.is_none() {
            report.account = only.get(&report.origin.document).cloned();
        }
    }
    for record in &mut people.authns {
        if record.account.is_none() {
            record.account = only.get(&record.origin.document).cloned();
        }
    }
}

/// Keeps `account` when it is one, else takes what `fallback` finds.
fn settle(account: &mut Option<Arc<str>>, fallback: impl FnOnce() -> Option<Arc<str>>) {
    if !is_account(account.as_deref()) {
        *account = fallback();
    }
}

/// Gives every entity of `inventory` its account and works out what each account's
/// exports held. Runs before duplicates are dropped, so every copy of an entity speaks for
/// its document.
pub(super) fn resolve(inventory: &mut Inventory, documents: &BTreeMap<DocId, DocumentFacts>) {
    // 1. What each entity's own data names. Each entity on its own: the long lists are
    // settled on every core, and an account already valid is kept without a copy.
    rayon::join(
        || {
            rayon::join(
                || {
                    inventory.instances.par_iter_mut().for_each(|instance| {
                        settle(&mut instance.account, || {
                            present(&instance.account_id)
                                .or_else(|| crn_account(Some(&instance.crn)))
                        });
                    });
                    inventory.keys.par_iter_mut().for_each(|key| {
                        settle(&mut key.account, || {
                            crn_account(Some(&key.crn))
                                .or_else(|| crn_account(key.source_crn.as_deref()))
                        });
                    });
                },
                || {
                    inventory.service_ids.par_iter_mut().for_each(|service_id| {
                        settle(&mut service_id.account, || {
                            present(&service_id.crn.as_ref().and_then(IdentityCrn::account))
                        });
                    });
                    inventory.api_keys.par_iter_mut().for_each(|api_key| {
                        settle(&mut api_key.account, || {
                            present(&api_key.crn.as_ref().and_then(IdentityCrn::account))
                        });
                    });
                },
            )
        },
        || {
            inventory.policies.par_iter_mut().for_each(|policy| {
                if !is_account(policy.account.as_deref()) {
                    policy.account = present(&policy.resource_equals("accountId"));
                }
            });
        },
    );
    for group in &mut inventory.access_groups {
        group.account = present(&group.account);
    }
    for membership in &mut inventory.memberships {
        membership.account = present(&membership.account);
    }
    for (account, _) in inventory.people.accounts_mut() {
        *account = present(account);
    }
    for settings in &mut inventory.identity_settings {
        settings.account = present(&settings.account).or_else(|| present(&settings.account_id));
    }
    for settings in &mut inventory.access_group_settings {
        settings.account = present(&settings.account).or_else(|| present(&settings.account_id));
    }
    for route in &mut inventory.routes {
        route.account = present(&route.account).or_else(|| crn_account(route.crn.as_deref()));
    }
    for target in &mut inventory.routing_targets {
        target.account = present(&target.account).or_else(|| crn_account(target.crn.as_deref()));
    }
    for profile in &mut inventory.profiles {
        profile.account = present(&profile.account).or_else(|| crn_account(profile.crn.as_deref()));
    }
    for role in &mut inventory.custom_roles {
        role.account = present(&role.account).or_else(|| crn_account(role.crn.as_deref()));
    }

    // 2. The accounts each document's entities name.
    let named = gather(
        inventory,
        |named: &mut PerDocument<Arc<str>>, document, account| {
            if let Some(account) = account {
                named.add(document, account);
            }
        },
        PerDocument::join,
    )
    .sets;

    // 3. The account of each document: its snapshot's, else the one its entities name,
    // else the one its directory's entities name.
    let group_of = |document: DocId| documents.get(&document).and_then(|facts| facts.group);
    let mut snapshot_of_group: FxHashMap<u32, Arc<str>> = FxHashMap::default();
    for snapshot in &inventory.snapshots {
        if let (Some(group), Some(account)) = (
            group_of(snapshot.origin.document),
            present(&snapshot.account_id),
        ) {
            snapshot_of_group.entry(group).or_insert(account);
        }
    }
    let mut named_in_group: FxHashMap<u32, BTreeSet<&Arc<str>>> = FxHashMap::default();
    for (document, accounts) in &named {
        if let Some(group) = group_of(*document) {
            named_in_group.entry(group).or_default().extend(accounts);
        }
    }
    let only = |accounts: Option<&BTreeSet<Arc<str>>>| {
        accounts
            .filter(|accounts| accounts.len() == 1)
            .and_then(|accounts| accounts.first().cloned())
    };
    let mut document_accounts: FxHashMap<DocId, Arc<str>> = FxHashMap::default();
    let all_documents: BTreeSet<DocId> = documents
        .keys()
        .copied()
        .chain(named.keys().copied())
        .chain(inventory.snapshots.iter().map(|s| s.origin.document))
        .collect();
    for document in all_documents {
        let group = group_of(document);
        let account = group
            .and_then(|group| snapshot_of_group.get(&group).cloned())
            .or_else(|| only(named.get(&document)))
            .or_else(|| {
                group
                    .and_then(|group| named_in_group.get(&group))
                    .filter(|accounts| accounts.len() == 1)
                    .and_then(|accounts| accounts.first().map(|account| (*account).clone()))
            });
        if let Some(account) = account {
            document_accounts.insert(document, account);
        }
    }

    // 4. Entities without an account of their own take their document's; a membership
    // takes its group's.
    let of_document = |document: DocId| document_accounts.get(&document).cloned();
    par_for_each_named(inventory, |document, account| {
        if account.is_none() {
            *account = of_document(document);
        }
    });
    // A link or claim rule belongs to its profile's account, else its document's.
    let profile_accounts: FxHashMap<String, Arc<str>> = inventory
        .profiles
        .iter()
        .filter_map(|profile| Some((profile.id.clone(), profile.account.clone()?)))
        .collect();
    let profile_account = |profile_id: &Option<String>| {
        profile_id.as_deref().and_then(|id| {
            profile_accounts
                .get(crate::model::profile::profile_core(id))
                .cloned()
        })
    };
    for item in &mut inventory.profile_links {
        item.account =
            profile_account(&item.profile_id).or_else(|| of_document(item.origin.document));
    }
    for item in &mut inventory.profile_claim_rules {
        item.account =
            profile_account(&item.profile_id).or_else(|| of_document(item.origin.document));
    }
    let group_accounts: FxHashMap<&str, &Arc<str>> = inventory
        .access_groups
        .iter()
        .filter_map(|group| Some((group.id.as_str(), group.account.as_ref()?)))
        .collect();
    for item in &mut inventory.memberships {
        item.account = item
            .account
            .take()
            .or_else(|| {
                group_accounts
                    .get(item.group_id.as_str())
                    .map(|a| (*a).clone())
            })
            .or_else(|| of_document(item.origin.document));
    }
    for limits in inventory.all_limits_mut() {
        limits.account = present(&limits.account).or_else(|| of_document(limits.origin.document));
    }

    // 4b. An activity report names no account (IAM Identity's `Report` has no
    // `account_id`): in a run of several accounts it belongs to the account whose API keys,
    // service IDs and users it lists, when they are all of one account.
    report_accounts(inventory);

    // 5. A run that names one account is that account's, whatever names none.
    let mut known = gather(inventory, Known::add, Known::join);
    for membership in &inventory.memberships {
        known.add(membership.origin.document, &membership.account);
    }
    let mut known = known.accounts;
    known.extend(document_accounts.values().cloned());
    let sole = (known.len() == 1).then(|| known.first().cloned()).flatten();
    if let Some(sole) = &sole {
        let fill = |account: &mut Option<Arc<str>>| {
            if account.is_none() {
                *account = Some(sole.clone());
            }
        };
        par_for_each_named(inventory, |_, account| fill(account));
        inventory
            .memberships
            .iter_mut()
            .for_each(|e| fill(&mut e.account));
        inventory
            .all_limits_mut()
            .for_each(|limits| fill(&mut limits.account));
        inventory
            .profile_links
            .iter_mut()
            .for_each(|e| fill(&mut e.account));
        inventory
            .profile_claim_rules
            .iter_mut()
            .for_each(|e| fill(&mut e.account));
    }

    // 6. What each account's exports held: a document's collections belong to the accounts
    // of its entities, else to the document's account.
    let mut held = gather(inventory, PerDocument::add, PerDocument::join);
    for membership in &inventory.memberships {
        held.add(membership.origin.document, &membership.account);
    }
    let held = held.sets;
    let mut collections: BTreeMap<Option<Arc<str>>, Collections> = BTreeMap::new();
    for accounts in held.values() {
        for account in accounts {
            collections.entry(account.clone()).or_default();
        }
    }
    let account_of_document = |document: DocId| {
        document_accounts
            .get(&document)
            .cloned()
            .or_else(|| sole.clone())
    };
    let unnamed = BTreeSet::new();
    if documents.is_empty() {
        // Entities added without documents (unit tests): one set of collections.
        let account = sole.clone();
        collections
            .entry(account)
            .or_default()
            .merge(inventory.collections);
    }
    for (document, facts) in documents {
        let targets = held.get(document).unwrap_or(&unnamed);
        if targets.is_empty() {
            if facts.collections.any_list() {
                collections
                    .entry(account_of_document(*document))
                    .or_default()
                    .merge(facts.collections);
            }
            continue;
        }
        for account in targets {
            collections
                .entry(account.clone())
                .or_default()
                .merge(facts.collections);
        }
    }
    let mut documents_out = document_accounts;
    if let Some(sole) = &sole {
        for document in documents.keys() {
            documents_out
                .entry(*document)
                .or_insert_with(|| sole.clone());
        }
    }
    inventory.accounts = Accounts {
        collections,
        documents: documents_out,
    };
}

/// Calls `visit` with the document and account of every entity that can name its own
/// account or take its document's: all but memberships (their group's first), profile links
/// and claim rules (their profile's) and identity limits (their document's only).
/// A set of values per document, made as the entities are visited (see [`resolve`]): the
/// accounts each document's entities name (step 2), or hold, none included (step 6).
struct PerDocument<T> {
    sets: BTreeMap<DocId, BTreeSet<T>>,
    /// The entities of a document come together and most share one value: the pair
    /// recorded last is skipped without a lookup, and a value is copied once per document.
    last: Option<(DocId, T)>,
}

impl<T> Default for PerDocument<T> {
    fn default() -> Self {
        Self {
            sets: BTreeMap::new(),
            last: None,
        }
    }
}

impl<T: Ord + Clone> PerDocument<T> {
    fn add(&mut self, document: DocId, value: &T) {
        if self
            .last
            .as_ref()
            .is_some_and(|(seen, last)| *seen == document && last == value)
        {
            return;
        }
        let values = self.sets.entry(document).or_default();
        if !values.contains(value) {
            values.insert(value.clone());
        }
        self.last = Some((document, value.clone()));
    }

    fn join(&mut self, other: Self) {
        for (document, values) in other.sets {
            self.sets.entry(document).or_default().extend(values);
        }
    }
}

/// Calls `visit` with the document and account of every entity of the lists that are
/// short in any account (all but instances, keys, service IDs, API keys and policies).
fn for_each_short_named(inventory: &Inventory, mut visit: impl FnMut(DocId, &Option<Arc<str>>)) {
    for item in &inventory.access_groups {
        visit(item.origin.document, &item.account);
    }
    for (account, origin) in inventory.people.accounts() {
        visit(origin.document, account);
    }
    for item in &inventory.identity_settings {
        visit(item.origin.document, &item.account);
    }
    for item in &inventory.access_group_settings {
        visit(item.origin.document, &item.account);
    }
    for item in &inventory.routes {
        visit(item.origin.document, &item.account);
    }
    for item in &inventory.routing_targets {
        visit(item.origin.document, &item.account);
    }
    for item in &inventory.profiles {
        visit(item.origin.document, &item.account);
    }
    for item in &inventory.custom_roles {
        visit(item.origin.document, &item.account);
    }
}

/// Every account the entities name (see [`resolve`], step 5).
#[derive(Default)]
struct Known {
    accounts: BTreeSet<Arc<str>>,
    /// The account recorded last, skipped without a lookup when the next entity names it.
    last: Option<Arc<str>>,
}

impl Known {
    fn add(&mut self, _: DocId, account: &Option<Arc<str>>) {
        if let Some(account) = account
            && self.last.as_ref() != Some(account)
        {
            if !self.accounts.contains(account) {
                self.accounts.insert(account.clone());
            }
            self.last = Some(account.clone());
        }
    }

    fn join(&mut self, other: Known) {
        self.accounts.extend(other.accounts);
    }
}

/// An entity of the five long lists, whose account `resolve` settles: its document and its
/// account.
trait Named: Send + Sync {
    fn document(&self) -> DocId;
    fn account(&self) -> &Option<Arc<str>>;
    fn account_mut(&mut self) -> &mut Option<Arc<str>>;
}

macro_rules! named {
    ($($entity:ty),*) => {
        $(
            impl Named for $entity {
                fn document(&self) -> DocId {
                    self.origin.document
                }
                fn account(&self) -> &Option<Arc<str>> {
                    &self.account
                }
                fn account_mut(&mut self) -> &mut Option<Arc<str>> {
                    &mut self.account
                }
            }
        )*
    };
}

named!(
    crate::model::ResourceInstance,
    crate::model::ResourceKey,
    crate::model::ServiceId,
    crate::model::ApiKey,
    crate::model::Policy
);

/// `add`s the document and account of each of `items` to `gathered`.
fn gather_list<T: Named, A>(
    gathered: &mut A,
    items: &[T],
    add: &impl Fn(&mut A, DocId, &Option<Arc<str>>),
) {
    for item in items {
        add(gathered, item.document(), item.account());
    }
}

/// `add`s the document and account of every entity to an accumulator: the five long lists
/// (instances and keys, service IDs and API keys, policies) each into one of their own on
/// both cores, the short ones into a fourth, and the four `join`ed into the first. What is
/// gathered are sets, so the order of the joins does not matter.
fn gather<A: Default + Send>(
    inventory: &Inventory,
    add: impl Fn(&mut A, DocId, &Option<Arc<str>>) + Sync,
    join: impl Fn(&mut A, A),
) -> A {
    let add = &add;
    let ((mut first, resources), (identities, policies)) = rayon::join(
        || {
            rayon::join(
                || {
                    let mut short = A::default();
                    for_each_short_named(inventory, |document, account| {
                        add(&mut short, document, account);
                    });
                    short
                },
                || {
                    let mut resources = A::default();
                    gather_list(&mut resources, &inventory.instances, add);
                    gather_list(&mut resources, &inventory.keys, add);
                    resources
                },
            )
        },
        || {
            rayon::join(
                || {
                    let mut identities = A::default();
                    gather_list(&mut identities, &inventory.service_ids, add);
                    gather_list(&mut identities, &inventory.api_keys, add);
                    identities
                },
                || {
                    let mut policies = A::default();
                    gather_list(&mut policies, &inventory.policies, add);
                    policies
                },
            )
        },
    );
    for other in [resources, identities, policies] {
        join(&mut first, other);
    }
    first
}

/// Calls `visit` with the document and account of each of `items`, on every core.
fn visit_list<T: Named>(items: &mut [T], visit: &(impl Fn(DocId, &mut Option<Arc<str>>) + Sync)) {
    items.par_iter_mut().for_each(|item| {
        let document = item.document();
        visit(document, item.account_mut());
    });
}

/// Calls `visit` with the document and account of every entity: the five long lists on
/// every core, the others on this one.
fn par_for_each_named(
    inventory: &mut Inventory,
    visit: impl Fn(DocId, &mut Option<Arc<str>>) + Sync,
) {
    let visit = &visit;
    let Inventory {
        instances,
        keys,
        service_ids,
        api_keys,
        policies,
        ..
    } = &mut *inventory;
    rayon::join(
        || {
            visit_list(instances, visit);
            visit_list(keys, visit);
            visit_list(service_ids, visit);
            visit_list(api_keys, visit);
        },
        || visit_list(policies, visit),
    );
    for item in &mut inventory.access_groups {
        visit(item.origin.document, &mut item.account);
    }
    for (account, origin) in inventory.people.accounts_mut() {
        visit(origin.document, account);
    }
    for_each_posture_account(inventory, visit);
    for item in &mut inventory.profiles {
        visit(item.origin.document, &mut item.account);
    }
    for item in &mut inventory.custom_roles {
        visit(item.origin.document, &mut item.account);
    }
}

/// Calls `update` with the document and account of every settings document, route and target.
fn for_each_posture_account(
    inventory: &mut Inventory,
    mut update: impl FnMut(DocId, &mut Option<Arc<str>>),
) {
    for item in &mut inventory.identity_settings {
        update(item.origin.document, &mut item.account);
    }
    for item in &mut inventory.access_group_settings {
        update(item.origin.document, &mut item.account);
    }
    for item in &mut inventory.routes {
        update(item.origin.document, &mut item.account);
    }
    for item in &mut inventory.routing_targets {
        update(item.origin.document, &mut item.account);
    }
}

impl Inventory {
    /// One inventory per account, each as if its account's inputs had been loaded alone;
    /// `None` when the run holds one account (or none), to be judged whole.
    pub fn partition(&self) -> Option<Vec<(Option<Arc<str>>, Inventory)>> {
        if !self.accounts.several() {
            return None;
        }
        let mut parts: BTreeMap<Option<Arc<str>>, InventoryBuilder> = self
            .accounts
            .collections
            .iter()
            .map(|(account, collections)| {
                let mut builder = InventoryBuilder::default();
                *builder.collections() = *collections;
                (account.clone(), builder)
            })
            .collect();
        fn part<'a>(
            parts: &'a mut BTreeMap<Option<Arc<str>>, InventoryBuilder>,
            account: &Option<Arc<str>>,
        ) -> &'a mut InventoryBuilder {
            parts.entry(account.clone()).or_default()
        }
        for item in &self.instances {
            part(&mut parts, &item.account).add_instance(item.clone());
        }
        for item in &self.keys {
            part(&mut parts, &item.account).add_key(item.clone());
        }
        for item in &self.service_ids {
            part(&mut parts, &item.account).add_service_id(item.clone());
        }
        for item in &self.api_keys {
            part(&mut parts, &item.account).add_api_key(item.clone());
        }
        for item in &self.policies {
            part(&mut parts, &item.account).add_policy(item.clone());
        }
        for item in &self.access_groups {
            part(&mut parts, &item.account).add_access_group(item.clone());
        }
        for item in &self.memberships {
            part(&mut parts, &item.account).add_membership(item.clone());
        }
        for item in &self.profiles {
            part(&mut parts, &item.account).add_profile(item.clone());
        }
        for item in &self.profile_links {
            part(&mut parts, &item.account).add_profile_link(item.clone());
        }
        for item in &self.profile_claim_rules {
            part(&mut parts, &item.account).add_profile_claim_rule(item.clone());
        }
        for item in &self.custom_roles {
            part(&mut parts, &item.account).add_custom_role(item.clone());
        }
        let of_document = |document: DocId| {
            self.accounts
                .of_document(document)
                .map(crate::model::intern_cached)
        };
        for item in &self.placeholders {
            part(&mut parts, &of_document(item.origin.document)).add_placeholder(item.clone());
        }
        for item in &self.exposed_secrets {
            part(&mut parts, &of_document(item.origin.document)).add_exposed_secret(item.clone());
        }
        for item in &self.snapshots {
            let account = present(&item.account_id).or_else(|| of_document(item.origin.document));
            part(&mut parts, &account).add_snapshot(item.clone());
        }
        for limits in self.identity_limits.iter().chain(&self.more_limits) {
            part(&mut parts, &limits.account).add_identity_limits(limits.clone());
        }
        let mut people = self.people.clone();
        let people_accounts: BTreeSet<Option<Arc<str>>> = people
            .accounts_mut()
            .map(|(account, _)| account.clone())
            .collect();
        for account in people_accounts {
            *part(&mut parts, &account).people() = self.people.of_account(&account);
        }
        for item in &self.identity_settings {
            part(&mut parts, &item.account).add_identity_settings(item.clone());
        }
        for item in &self.access_group_settings {
            part(&mut parts, &item.account).add_access_group_settings(item.clone());
        }
        for item in &self.routes {
            part(&mut parts, &item.account).add_route(item.clone());
        }
        for item in &self.routing_targets {
            part(&mut parts, &item.account).add_routing_target(item.clone());
        }
        for origin in &self.route_lists {
            part(&mut parts, &of_document(origin.document)).add_route_list(origin.clone());
        }
        Some(
            parts
                .into_iter()
                .map(|(account, mut builder)| {
                    // Group ids are unique across accounts: every part may know every list.
                    for (group_id, total) in &self.member_lists {
                        builder.add_member_list(group_id, *total);
                    }
                    (account, builder.finish())
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, Pointer, ResourceInstance, ServiceId};

    fn instance(document: u32, account: Option<&str>, guid: &str) -> ResourceInstance {
        let scope = account
            .map(|account| format!("a/{account}"))
            .unwrap_or_default();
        ResourceInstance {
            crn: format!("crn:v1:bluemix:public:logdnaat:us-south:{scope}:{guid}::"),
            guid: guid.to_owned(),
            name: None,
            account_id: None,
            resource_group_id: None,
            state: None,
            account: None,
            origin: Origin::new(DocId(document), Pointer::root()),
            declaration: None,
            crn_fields: Default::default(),
        }
    }

    fn service_id(document: u32, core: &str) -> ServiceId {
        ServiceId {
            id: core.to_owned(),
            iam_id: None,
            crn: None,
            name: None,
            description: None,
            locked: None,
            created_at: None,
            unique_instance_crns: Vec::new(),
            group_id: None,
            account: None,
            origin: Origin::new(DocId(document), Pointer::root()),
            declaration: None,
        }
    }

    /// Document `document` in directory `group`, holding a service ID list.
    fn document(builder: &mut InventoryBuilder, document: u32, group: u32, item: ServiceId) {
        let mut file = InventoryBuilder::default();
        file.collections().service_ids = true;
        file.add_service_id(item);
        builder.absorb_document(DocId(document), Some(group), file);
    }

    #[test]
    fn one_named_account_owns_what_names_none() {
        let mut builder = InventoryBuilder::default();
        let mut file = InventoryBuilder::default();
        file.add_instance(instance(0, Some("aaa"), "g1"));
        file.collections().instances = true;
        builder.absorb_document(DocId(0), Some(0), file);
        document(&mut builder, 1, 1, service_id(1, "ServiceId-1"));
        let inventory = builder.finish();
        assert!(!inventory.accounts.several());
        assert_eq!(inventory.service_ids[0].account.as_deref(), Some("aaa"));
        let collections = inventory.accounts.collections_of(Some("aaa"));
        assert!(collections.instances && collections.service_ids);
        assert!(inventory.partition().is_none());
    }

    #[test]
    fn a_document_takes_the_account_of_its_directory_and_the_rest_none() {
        let mut builder = InventoryBuilder::default();
        for (at, account) in [(0, "aaa"), (1, "bbb")] {
            let mut file = InventoryBuilder::default();
            file.add_instance(instance(at, Some(account), &format!("g{at}")));
            file.collections().instances = true;
            builder.absorb_document(DocId(at), Some(at), file);
        }
        // Beside bbb's instances (same directory): bbb's. Elsewhere: no known account.
        document(&mut builder, 2, 1, service_id(2, "ServiceId-2"));
        document(&mut builder, 3, 9, service_id(3, "ServiceId-3"));
        let inventory = builder.finish();
        assert_eq!(inventory.accounts.known(), 2);
        let accounts: Vec<Option<&str>> = inventory
            .service_ids
            .iter()
            .map(|service_id| service_id.account.as_deref())
            .collect();
        assert_eq!(accounts, [Some("bbb"), None]);
        assert!(!inventory.accounts.collections_of(Some("aaa")).service_ids);
        assert!(inventory.accounts.collections_of(Some("bbb")).service_ids);
        let parts = inventory.partition().expect("several accounts");
        let sizes: Vec<(Option<&str>, usize, usize)> = parts
            .iter()
            .map(|(account, part)| {
                (
                    account.as_deref(),
                    part.instances.len(),
                    part.service_ids.len(),
                )
            })
            .collect();
        assert_eq!(
            sizes,
            [(None, 0, 1), (Some("aaa"), 1, 0), (Some("bbb"), 1, 1)]
        );
    }

    #[test]
    fn an_account_id_with_control_characters_is_not_taken() {
        assert_eq!(present(&Some("abc\u{1b}[2J".to_owned())), None);
        assert_eq!(present(&Some("a b".to_owned())), None);
        assert_eq!(present(&Some("<ACCOUNT_ID>".to_owned())), None);
        assert_eq!(present(&Some("0a1b".to_owned())).as_deref(), Some("0a1b"));
    }
}
