//! The rule engine and the registry of rules.
//!
//! A rule is two halves with one id: `rules/<id>.yaml` (contract and documentation) and
//! `src/rules/<id_snake>.rs` (a pure function of the inventory and its parameters). Rules
//! never do I/O and cannot fail.
//!
//! Over 400 lines because it holds both the rule list and the engine that runs it
//! (`evaluate`, `RuleContext`, `FindingBuilder`), which every rule reads together.

mod account_creation;
mod apikeys;
mod auditing;
pub mod compare;
pub mod examples;
pub mod finding;
mod grants;
pub mod lookup;
pub mod meta;
pub mod params;
mod people;
mod policy_subject;
mod policy_text;
mod posture;
pub mod registered;
mod roles;
mod unrestricted;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

pub use finding::{Finding, Label, Related, Severity, Status};
pub use meta::{ParamSpec, ParamType, RuleMeta};

use crate::model::{EntityHandle, EntityRef, EntityView, Inventory, Listed, Origin, Timestamp};

/// A rule's logic: reads the inventory, appends findings.
type CheckFn = fn(&RuleContext<'_>, &mut Vec<Finding>);

/// Checks parameter values against a rule's `Params` (see [`params`]).
type ValidateFn = fn(&RuleMeta, &BTreeMap<String, serde_json::Value>) -> Result<(), String>;

/// One registered rule.
pub struct RuleEntry {
    pub id: &'static str,
    /// The rule's `rules/<id>.yaml`, compiled in.
    pub yaml: &'static str,
    /// The Rust module that holds the logic (the snake-case id).
    pub module: &'static str,
    check: CheckFn,
    validate: ValidateFn,
}

impl RuleEntry {
    /// Whether `overrides` (a config file's `params` of this rule, by name) fill the rule's
    /// typed parameters; the error says why not.
    pub fn validate(
        &self,
        meta: &RuleMeta,
        overrides: &BTreeMap<String, serde_json::Value>,
    ) -> Result<(), String> {
        (self.validate)(meta, overrides)
    }
}

/// The rule list: each line declares the rule's module and registers it under its id, so
/// the id is written once in Rust. `module(Params) => "id"` for a rule whose module
/// declares a `Params` struct (its `check` then takes `&Params`); `module => "id"` for a rule
/// without parameters.
macro_rules! rules {
    ($($module:ident $(($params:ident))? => $id:literal),* $(,)?) => {
        $(mod $module;)*

        /// Every rule, in the order `iamlint rules` lists them.
        pub static REGISTRY: &[RuleEntry] = &[$(
            RuleEntry {
                id: $id,
                yaml: include_str!(concat!("../../rules/", $id, ".yaml")),
                module: stringify!($module),
                check: rules!(@check $module $($params)?),
                validate: rules!(@validate $module $($params)?),
            },
        )*];
    };
    (@check $module:ident) => {
        $module::check
    };
    (@check $module:ident $params:ident) => {
        |context, out| {
            if let Some(params) = context.params::<$module::$params>() {
                $module::check(context, &params, out);
            }
        }
    };
    (@validate $module:ident) => {
        |meta, overrides| params::fill::<params::NoParams>(meta, overrides).map(drop)
    };
    (@validate $module:ident $params:ident) => {
        |meta, overrides| params::fill::<$module::$params>(meta, overrides).map(drop)
    };
}

rules! {
    at_key_limit(Params) => "at-key-limit",
    key_restriction_missing(Params) => "key-restriction-missing",
    key_restriction_incomplete(Params) => "key-restriction-incomplete",
    serviceid_unrestricted => "serviceid-unrestricted",
    key_cannot_evaluate(Params) => "key-cannot-evaluate",
    // Activity Tracker "Managing service keys".
    key_manager_incomplete_grant(Params) => "key-manager-incomplete-grant",
    serviceid_limit(Params) => "serviceid-limit",
    serviceid_orphaned(Params) => "serviceid-orphaned",
    key_duplicate_service_key(Params) => "key-duplicate-service-key",
    reference_dangling => "reference-dangling",
    at_service_deprecated => "at-service-deprecated",
    // IBM IAM best practices.
    apikey_rotation(Params) => "apikey-rotation",
    apikey_limit_per_identity(Params) => "apikey-limit-per-identity",
    apikey_leak_action => "apikey-leak-action",
    apikey_no_expiry => "apikey-no-expiry",
    serviceid_admin_count(Params) => "serviceid-admin-count",
    user_policy_direct => "user-policy-direct",
    key_role_excessive(Params) => "key-role-excessive",
    policy_limit(Params) => "policy-limit",
    serviceid_unlocked(Params) => "serviceid-unlocked",
    key_api_created_duplicate(Params) => "key-api-created-duplicate",
    credentials_exposed => "credentials-exposed",
    // CIS IBM Cloud Foundations: people and activity.
    apikey_unused(Params) => "apikey-unused",
    account_owner_apikey => "account-owner-apikey",
    user_mfa_missing => "user-mfa-missing",
    account_owner_mfa_missing => "account-owner-mfa-missing",
    user_inactive(Params) => "user-inactive",
    // Account posture: IAM settings and audit routing (CIS 1.4, 1.9, 1.16, 1.18).
    account_serviceid_creation_unrestricted => "account-serviceid-creation-unrestricted",
    account_apikey_creation_unrestricted => "account-apikey-creation-unrestricted",
    account_mfa_disabled => "account-mfa-disabled",
    access_public_enabled => "access-public-enabled",
    audit_global_events_unrouted => "audit-global-events-unrouted",
    // CIS IBM Cloud Foundations: profiles, roles and groups.
    support_access_group_missing => "support-access-group-missing",
    user_admin_count(Params) => "user-admin-count",
    profile_unrestricted => "profile-unrestricted",
}

/// The parsed metadata of every rule, in registry order. A YAML that does not parse is
/// kept as an error (the registry test fails on it); it never panics.
pub fn metadata() -> &'static [Result<RuleMeta, String>] {
    static METADATA: OnceLock<Vec<Result<RuleMeta, String>>> = OnceLock::new();
    METADATA.get_or_init(|| {
        REGISTRY
            .iter()
            .map(|entry| RuleMeta::parse(entry.yaml))
            .collect()
    })
}

/// The metadata of rule `id`, when it exists and parses: a built-in rule, else a custom
/// rule the run registered (`registered`).
pub fn meta(id: &str) -> Option<&'static RuleMeta> {
    REGISTRY
        .iter()
        .zip(metadata())
        .find(|(entry, _)| entry.id == id)
        .and_then(|(_, meta)| meta.as_ref().ok())
        .or_else(|| registered::meta(id))
}

/// Whether `overrides` fill the typed parameters of rule `id` (with its YAML defaults for
/// the rest); `Ok` for an id that is not registered, which the caller reports on its own.
pub fn validate_params(
    id: &str,
    overrides: &BTreeMap<String, serde_json::Value>,
) -> Result<(), String> {
    match REGISTRY
        .iter()
        .zip(metadata())
        .find(|(entry, _)| entry.id == id)
    {
        Some((entry, Ok(meta))) => entry.validate(meta, overrides),
        _ => Ok(()),
    }
}

/// Which rules run, and with which parameters.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// When set, only these rules run.
    pub only: Option<Vec<String>>,
    /// Parameter overrides, by rule id then parameter name.
    pub params: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
    /// The time that ages (of API keys) are measured against. Rules stay pure, so the clock
    /// is read by the caller: `cli` sets the current time, tests a fixed one. When `None`,
    /// age-based rules report each key as `unknown`.
    pub now: Option<Timestamp>,
    /// Rules that never run, even when `only` names them (`enabled: false`, `--ignore`).
    pub disabled: BTreeSet<String>,
    /// Severity overrides by rule id: every finding of the rule gets this severity.
    pub severity: BTreeMap<String, Severity>,
    /// Leaves [`Evaluation::evaluated`] empty: outputs that show only findings do not need
    /// the passes, which in a large account are millions of subjects.
    pub skip_evaluated: bool,
}

impl Settings {
    /// Runs only the given rules.
    pub fn only(ids: &[&str]) -> Self {
        Self {
            only: Some(ids.iter().map(|id| (*id).to_owned()).collect()),
            ..Self::default()
        }
    }

    /// Whether rule `id` runs.
    pub fn enabled(&self, id: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|selected| selected == id))
            && !self.disabled.contains(id)
    }
}

/// Runs every enabled rule and returns the findings in a deterministic order (by the
/// subject's document and pointer, then rule).
pub fn run(inventory: &Inventory, settings: &Settings) -> Vec<Finding> {
    evaluate(inventory, settings).findings
}

/// One subject a rule looked at, whether or not it found a problem with it. Outputs that
/// list passes (JUnit `--show-passed`, the compliance report) need them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluated {
    pub rule: &'static str,
    pub subject: EvaluatedSubject,
}

/// The subject of a pass. Most are entities of the inventory's lists (keys, service IDs, API
/// keys, policies, instances), named by their place in the list: a reference to each of a
/// million passes took more memory than the inventory itself (see `model::view`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvaluatedSubject {
    /// An entity of the inventory the rules ran on (the whole run's, also in a run of
    /// several accounts).
    Entity(EntityHandle),
    /// Anything else (an account, a user, an identity known only from a key ...), shared by
    /// every rule that evaluated it (see [`Subjects`]).
    Ref(Arc<EntityRef>),
}

impl EvaluatedSubject {
    /// The subject, read through `inventory`: the one the rules ran on (`Checked::loaded`).
    /// `None` only for a handle that inventory does not have, which a run never makes.
    pub fn view<'a>(&'a self, inventory: &'a Inventory) -> Option<EntityView<'a>> {
        match self {
            Self::Entity(handle) => inventory.view(*handle).map(|mut view| {
                // As the rules name the account on every subject of its part.
                if view.account.is_none() {
                    view.account = inventory.sole_account();
                }
                view
            }),
            Self::Ref(subject) => Some(subject.view()),
        }
    }
}

/// One copy of each subject the rules of a run evaluated by reference (the model's listed
/// entities are recorded by handle). Several rules record the same subjects (the account,
/// users, identities): one copy each, the passes point to it.
/// The set is split in shards by the subject's hash: the rule tasks on every core record
/// passes all the time, and one lock made them wait for each other. Each shard is keyed by
/// the subject's hash, computed once per pass (a set hashed the whole subject again to look
/// it up and again to insert it); two different subjects with one 64-bit hash, which
/// practically never happens, share the hash's entry through `others`.
#[derive(Default)]
struct Subjects([Mutex<Shard>; 32]);

#[derive(Default)]
struct Shard {
    by_hash: FxHashMap<u64, Arc<EntityRef>>,
    /// Subjects whose hash another subject already holds.
    others: Vec<Arc<EntityRef>>,
}

impl Subjects {
    fn share(&self, subject: EntityRef) -> Arc<EntityRef> {
        let hash = rustc_hash::FxBuildHasher.hash_one(&subject);
        // The shard from the top bits: the map within it hashes the low ones.
        let shard = (hash >> 59) as usize % self.0.len();
        // A panic elsewhere while the lock was held leaves the shard as it was: still valid.
        let mut shard = self.0[shard].lock().unwrap_or_else(PoisonError::into_inner);
        match shard.by_hash.get(&hash) {
            Some(shared) if **shared == subject => return Arc::clone(shared),
            Some(_) => {
                if let Some(shared) = shard.others.iter().find(|other| ***other == subject) {
                    return Arc::clone(shared);
                }
                let shared = Arc::new(subject);
                shard.others.push(Arc::clone(&shared));
                return shared;
            }
            None => {}
        }
        let shared = Arc::new(subject);
        shard.by_hash.insert(hash, Arc::clone(&shared));
        shared
    }
}

/// The findings of a run, and every subject each rule evaluated.
#[derive(Debug, Default)]
pub struct Evaluation {
    /// In the order of [`run`].
    pub findings: Vec<Finding>,
    /// Per rule in registry order, each subject once, in the order the rule recorded them
    /// (then subjects of findings it did not record). Every subject of a finding is here,
    /// whether or not its rule recorded it.
    pub evaluated: Vec<Evaluated>,
}

/// Like [`run`], and also collects the subjects each rule recorded with
/// [`RuleContext::evaluated`].
///
/// The rules are independent pure functions of the inventory, so they run in parallel
/// (rayon, one task per rule); their results are joined in registry order before the final
/// sort, so the output is the same as one rule after the other.
pub fn evaluate(inventory: &Inventory, settings: &Settings) -> Evaluation {
    let enabled: Vec<(&RuleEntry, &RuleMeta)> = REGISTRY
        .iter()
        .zip(metadata())
        .filter_map(|(entry, meta)| Some((entry, meta.as_ref().ok()?)))
        .filter(|(entry, _)| settings.enabled(entry.id))
        .collect();
    // A run over several accounts judges each account on its own, as if it had been loaded
    // alone: its collections, counts and limits (see `model::Accounts`).
    let parts = inventory.partition();
    let parts: Vec<(Option<&str>, &Inventory)> = match &parts {
        Some(parts) => parts
            .iter()
            .map(|(account, part)| (account.as_deref(), part))
            .collect(),
        None => vec![(inventory.accounts.ids().next().flatten(), inventory)],
    };
    // What several rules join alike is computed once for each part (see `Derived`).
    let derived: Vec<Derived<'_>> = parts.iter().map(|_| Derived::default()).collect();
    let tasks: Vec<Task<'_, '_>> = enabled
        .iter()
        .flat_map(|&(entry, meta)| {
            parts
                .iter()
                .zip(&derived)
                .map(move |(&(account, part), derived)| (entry, meta, account, part, derived))
        })
        .collect();
    let subjects = Subjects::default();
    let partitioned = parts
        .iter()
        .any(|(_, part)| !std::ptr::eq(*part, inventory));
    // The key pairs are joined by the first rule to ask, and a rule that asks meanwhile
    // waits, its core idle: they are joined beside the rules, and the rules that read them
    // run last (their results are put back in registry order below).
    let pairs_read = |(entry, ..): &Task<'_, '_>| READ_KEY_PAIRS.contains(&entry.id);
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by_key(|&at| tasks.get(at).is_some_and(pairs_read));
    let prepare = || {
        if tasks.iter().any(pairs_read) {
            for (part, derived) in parts.iter().zip(&derived) {
                derived
                    .key_pairs
                    .get_or_init(|| apikeys::pair_resource_keys(part.1));
            }
        }
    };
    let ((), mut per_rule) = rayon::join(prepare, || {
        order
            .par_iter()
            // One rule per task, so that no core waits while the other runs several.
            .with_max_len(1)
            .filter_map(|&at| Some((at, tasks.get(at)?)))
            .map(|(at, task)| {
                let evaluation = evaluate_task(task, inventory, settings, &subjects, partitioned);
                (at, evaluation)
            })
            .collect::<Vec<(usize, Evaluation)>>()
    });
    per_rule.sort_unstable_by_key(|(at, _)| *at);
    let per_rule: Vec<Evaluation> = per_rule
        .into_iter()
        .map(|(_, evaluation)| evaluation)
        .collect();
    let mut findings = Vec::with_capacity(per_rule.iter().map(|rule| rule.findings.len()).sum());
    let mut evaluated = Vec::with_capacity(per_rule.iter().map(|rule| rule.evaluated.len()).sum());
    for rule in per_rule {
        findings.extend(rule.findings);
        evaluated.extend(rule.evaluated);
    }
    findings.sort_by(|a, b| {
        (&a.primary.origin, a.rule, &a.subject.id).cmp(&(&b.primary.origin, b.rule, &b.subject.id))
    });
    Evaluation {
        findings,
        evaluated,
    }
}

/// Runs one task (one rule over one account's part, see [`evaluate`]): the rule's findings
/// and passes, named as the whole run's outputs read them.
fn evaluate_task<'a>(
    &(entry, meta, account, part, derived): &Task<'a, 'a>,
    inventory: &'a Inventory,
    settings: &'a Settings,
    subjects: &'a Subjects,
    partitioned: bool,
) -> Evaluation {
    let shared = Shared { subjects, derived };
    let mut evaluation = evaluate_rule(entry, meta, part, settings, shared);
    // A finding about the account itself (or an entity it lacks) is that account's.
    if let Some(account) = account {
        for finding in &mut evaluation.findings {
            let subject = &mut finding.subject;
            subject
                .account
                .get_or_insert_with(|| crate::model::intern_cached(account));
        }
        for seen in &mut evaluation.evaluated {
            if let EvaluatedSubject::Ref(shared) = &seen.subject
                && shared.account.is_none()
            {
                let mut subject = (**shared).clone();
                subject.account = Some(crate::model::intern_cached(account));
                seen.subject = EvaluatedSubject::Ref(subjects.share(subject));
            }
        }
    }
    // A part's entities are copies: name them by their place in the whole run's lists,
    // which the outputs read.
    if partitioned {
        let places = derived
            .places
            .get_or_init(|| PartPlaces::new(inventory, part, account));
        for seen in &mut evaluation.evaluated {
            if let EvaluatedSubject::Entity(handle) = seen.subject {
                seen.subject = places.in_whole(handle, inventory, part, account, subjects);
            }
        }
    }
    evaluation
}

/// Runs one rule: its findings (in the order it made them) and the subjects it evaluated.
fn evaluate_rule<'a>(
    entry: &RuleEntry,
    meta: &'a RuleMeta,
    inventory: &'a Inventory,
    settings: &'a Settings,
    shared: Shared<'a, 'a>,
) -> Evaluation {
    static NO_PARAMS: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    let context = RuleContext {
        id: entry.id,
        inventory,
        meta,
        params: settings.params.get(entry.id).unwrap_or(&NO_PARAMS),
        now: settings.now,
        evaluated: RefCell::new(Vec::new()),
        record: !settings.skip_evaluated,
        shared: shared.subjects,
        derived: shared.derived,
    };
    let mut findings = Vec::new();
    (entry.check)(&context, &mut findings);
    if let Some(&severity) = settings.severity.get(entry.id) {
        for finding in &mut findings {
            finding.severity = severity;
        }
    }
    if settings.skip_evaluated {
        return Evaluation {
            findings,
            evaluated: Vec::new(),
        };
    }
    let mut subjects = context.evaluated.into_inner();
    // A subject with a finding was evaluated, whether or not the rule said so.
    subjects.extend(
        findings
            .iter()
            .map(|finding| EvaluatedSubject::Ref(shared.subjects.share(finding.subject.clone()))),
    );
    // First record wins; the order is the rule's (inventory order, as loaded). The sets
    // borrow the ids, so they are filled before the subjects are moved out.
    let first: Vec<bool> = {
        // Handles are told apart by their place (a bit per entity), not by hashing each
        // entity's id into a set of a quarter of a million (3.6 % of an HTML run at scale
        // 100). A subject recorded by reference (a finding's, or one recorded by value) can
        // be an entity recorded by handle too: those few are compared by kind and id.
        let by_ref: FxHashSet<(crate::model::EntityKind, &str)> = subjects
            .iter()
            .filter_map(|subject| match subject {
                EvaluatedSubject::Ref(subject) => Some((subject.kind, subject.id.as_str())),
                EvaluatedSubject::Entity(_) => None,
            })
            .collect();
        let mut handles = HandleSet::default();
        let mut seen = FxHashSet::default();
        subjects
            .iter()
            .map(|subject| match subject {
                EvaluatedSubject::Entity(handle) => {
                    if !handles.insert(*handle) {
                        return false;
                    }
                    if by_ref.is_empty() {
                        return inventory.view(*handle).is_some();
                    }
                    match inventory.view(*handle) {
                        Some(view) => {
                            let key = (view.kind, view.id);
                            !by_ref.contains(&key) || seen.insert(key)
                        }
                        None => false,
                    }
                }
                EvaluatedSubject::Ref(subject) => seen.insert((subject.kind, subject.id.as_str())),
            })
            .collect()
    };
    Evaluation {
        findings,
        evaluated: subjects
            .into_iter()
            .zip(first)
            .filter(|(_, first)| *first)
            .map(|(subject, _)| Evaluated {
                rule: entry.id,
                subject,
            })
            .collect(),
    }
}

/// A set of entity handles: a bit per entity of each list.
#[derive(Default)]
struct HandleSet {
    lists: [Vec<u64>; 5],
}

impl HandleSet {
    /// Whether `handle` was not in the set.
    fn insert(&mut self, handle: EntityHandle) -> bool {
        let bits = &mut self.lists[handle.list as usize];
        let index = handle.index as usize;
        let (word, bit) = (index / 64, 1u64 << (index % 64));
        if bits.len() <= word {
            bits.resize(word + 1, 0);
        }
        let new = bits[word] & bit == 0;
        bits[word] |= bit;
        new
    }
}

/// What a rule sees: the inventory, its metadata and its effective parameters.
pub struct RuleContext<'a> {
    pub id: &'static str,
    pub inventory: &'a Inventory,
    pub meta: &'a RuleMeta,
    params: &'a BTreeMap<String, serde_json::Value>,
    /// The current time, from [`Settings::now`].
    pub now: Option<Timestamp>,
    /// Subjects recorded by [`RuleContext::evaluated`]; a `RefCell` because rules get the
    /// context by shared reference.
    evaluated: RefCell<Vec<EvaluatedSubject>>,
    /// Whether [`RuleContext::evaluated`] keeps what it is told (see
    /// [`Settings::skip_evaluated`]).
    record: bool,
    /// The run's one copy of each evaluated subject.
    shared: &'a Subjects,
    /// Joins several rules use, made once (see [`Derived`]).
    derived: &'a Derived<'a>,
}

/// What the rules of one run share: its one copy of each evaluated subject, and the joins
/// of the inventory part a rule runs on.
#[derive(Clone, Copy)]
struct Shared<'s, 'a> {
    subjects: &'s Subjects,
    derived: &'s Derived<'a>,
}

/// One rule over one account's part: the rule, its metadata, the account, the part and
/// what the part's rules share.
type Task<'i, 'd> = (
    &'static RuleEntry,
    &'static RuleMeta,
    Option<&'i str>,
    &'i Inventory,
    &'d Derived<'i>,
);

/// The rules that read [`Derived::key_pairs`] (see [`evaluate`]).
const READ_KEY_PAIRS: [&str; 2] = ["apikey-rotation", "apikey-limit-per-identity"];

/// Joins of one inventory that several rules use, made once (beside the rules, see
/// [`evaluate`]):
/// `apikey-rotation` and `apikey-limit-per-identity` both pair the resource keys with the
/// listed API keys (a fifth of their time at scale 100).
#[derive(Default)]
struct Derived<'a> {
    key_pairs: OnceLock<apikeys::KeyPairs<'a>>,
    /// In a run of several accounts, where the part's entities are in the whole run's lists.
    places: OnceLock<PartPlaces>,
}

/// Where the entities of one account's part (see [`Inventory::partition`]) are in the whole
/// run's lists: the part holds copies of the run's entities of that account, in the run's
/// order, so the n-th of a part's list is the n-th of that account in the run's list.
struct PartPlaces {
    /// Per list (in [`EntityList`] order): the run's index of each of the part's entities.
    lists: [Vec<u32>; 5],
}

impl PartPlaces {
    fn new(whole: &Inventory, part: &Inventory, account: Option<&str>) -> Self {
        fn of<T: Listed>(whole: &Inventory, part: &Inventory, account: Option<&str>) -> Vec<u32> {
            let places: Vec<u32> = T::list(whole)
                .iter()
                .enumerate()
                .filter(|(_, entity)| entity.view().account == account)
                .filter_map(|(index, _)| u32::try_from(index).ok())
                .collect();
            // Not the same entities: every handle is checked below, and falls back.
            if places.len() == T::list(part).len() {
                places
            } else {
                Vec::new()
            }
        }
        use crate::model::{ApiKey, Policy, ResourceInstance, ResourceKey, ServiceId};
        Self {
            lists: [
                of::<ResourceInstance>(whole, part, account),
                of::<ResourceKey>(whole, part, account),
                of::<ServiceId>(whole, part, account),
                of::<ApiKey>(whole, part, account),
                of::<Policy>(whole, part, account),
            ],
        }
    }

    /// The subject of `handle` (of `part`) in the whole run: the same entity by its place
    /// there, checked by id; else (which a run never makes) by reference.
    fn in_whole(
        &self,
        handle: EntityHandle,
        whole: &Inventory,
        part: &Inventory,
        account: Option<&str>,
        subjects: &Subjects,
    ) -> EvaluatedSubject {
        let Some(view) = part.view(handle) else {
            return EvaluatedSubject::Entity(handle);
        };
        let list = &self.lists[handle.list as usize];
        let placed = usize::try_from(handle.index)
            .ok()
            .and_then(|index| list.get(index))
            .map(|&index| EntityHandle { index, ..handle })
            .filter(|placed| whole.view(*placed).is_some_and(|there| there.id == view.id));
        match placed {
            Some(placed) => EvaluatedSubject::Entity(placed),
            None => {
                let mut subject = view.to_ref();
                if subject.account.is_none() {
                    subject.account = account.map(crate::model::intern_cached);
                }
                EvaluatedSubject::Ref(subjects.share(subject))
            }
        }
    }
}

impl<'a> RuleContext<'a> {
    /// The resource keys paired with the listed API keys ([`apikeys::pair_resource_keys`]).
    fn key_pairs(&self) -> &apikeys::KeyPairs<'a> {
        self.derived
            .key_pairs
            .get_or_init(|| apikeys::pair_resource_keys(self.inventory))
    }

    /// Whether the user set parameter `name` (config file or library caller), as opposed
    /// to the rule's default. A default gives way to what the account itself reports (its
    /// identity limits); a user's value does not.
    pub fn param_is_set(&self, name: &str) -> bool {
        self.params.contains_key(name)
    }

    /// The rule's typed parameters: its YAML defaults overlaid with the user's values (see
    /// [`params::fill`]). Values a config file gives were checked when it loaded; a library
    /// caller's values the struct refuses give way to the defaults. `None` only when the
    /// rule's own YAML does not fill its struct, which the registry test rules out.
    fn params<P: serde::de::DeserializeOwned>(&self) -> Option<P> {
        params::fill(self.meta, self.params)
            .or_else(|_| params::fill(self.meta, &BTreeMap::new()))
            .ok()
    }

    /// Records that the rule evaluated `subject` (a key, an instance, a service ID...),
    /// whatever the verdict. Call it for every subject the rule had enough data to judge,
    /// and only for those: a subject recorded without a finding is reported as a pass
    /// (JUnit with `--show-passed`, the compliance report). Subjects of findings are
    /// recorded automatically; recording one twice is harmless.
    pub fn evaluated(&self, subject: EntityRef) {
        if self.record {
            self.evaluated
                .borrow_mut()
                .push(EvaluatedSubject::Ref(self.shared.share(subject)));
        }
    }

    /// [`Self::evaluated`] for a subject built only to be recorded: `subject` is called only
    /// when the run keeps passes (a `--format json` run keeps none, and building a
    /// reference to each of 250,000 policies to drop it took a tenth of its rules' time).
    pub fn evaluated_with(&self, subject: impl FnOnce() -> EntityRef) {
        if self.record {
            self.evaluated
                .borrow_mut()
                .push(EvaluatedSubject::Ref(self.shared.share(subject())));
        }
    }

    /// [`Self::evaluated`] for an entity of the inventory's lists (a key, a service ID, an
    /// API key, a policy, an instance): recorded by its handle, with nothing copied (see
    /// `model::view`). An entity that is not the inventory's own (a copy) is recorded by
    /// reference.
    pub fn evaluated_entity<T: Listed>(&self, entity: &T) {
        if self.record {
            let subject = match self.inventory.handle(entity) {
                Some(handle) => EvaluatedSubject::Entity(handle),
                None => EvaluatedSubject::Ref(self.shared.share(entity.view().to_ref())),
            };
            self.evaluated.borrow_mut().push(subject);
        }
    }

    /// Whether the run keeps the subjects the rules evaluated (see [`Self::evaluated`]).
    pub fn records_passes(&self) -> bool {
        self.record
    }

    /// Starts a finding about `subject`, located at `primary`.
    pub fn finding(
        &self,
        subject: EntityRef,
        primary: Origin,
        label: impl Into<String>,
    ) -> FindingBuilder {
        FindingBuilder {
            finding: Finding {
                rule: self.id,
                severity: self.meta.severity,
                status: Status::Fail,
                message: String::new(),
                subject,
                primary: Label {
                    origin: primary,
                    text: label.into(),
                },
                related: Vec::new(),
                remediation: None,
                detail: None,
            },
        }
    }
}

/// Builds one finding; every finding has exactly one primary location by construction.
pub struct FindingBuilder {
    finding: Finding,
}

impl FindingBuilder {
    #[must_use]
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.finding.message = message.into();
        self
    }

    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.finding.severity = severity;
        self
    }

    #[must_use]
    pub fn unknown(mut self) -> Self {
        self.finding.status = Status::Unknown;
        self
    }

    #[must_use]
    pub fn related(mut self, entity: EntityRef, origin: Origin, label: impl Into<String>) -> Self {
        self.finding.related.push(Related {
            entity,
            label: Label {
                origin,
                text: label.into(),
            },
        });
        self
    }

    /// What tells this finding apart from others of the same rule on the same subject (see
    /// [`Finding::detail`]): an id, never a line number or a count.
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.finding.detail = Some(detail.into());
        self
    }

    #[must_use]
    pub fn remediation(mut self, remediation: impl Into<String>) -> Self {
        self.finding.remediation = Some(remediation.into());
        self
    }

    pub fn build(self) -> Finding {
        self.finding
    }

    pub fn push(self, out: &mut Vec<Finding>) {
        out.push(self.finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules whose key pairs are joined beside the rules are registered rules.
    #[test]
    fn key_pair_readers_are_registered() {
        for id in READ_KEY_PAIRS {
            assert!(REGISTRY.iter().any(|entry| entry.id == id), "{id}");
        }
    }
}
