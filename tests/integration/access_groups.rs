//! IAM Access Groups exports: the group list and member list shapes (API, CLI, iamlint's
//! bundle), the group a member list belongs to, and incomplete member lists.

use iamlint::model::{PUBLIC_ACCESS_GROUP, Subject};
use iamlint::rules::Settings;

use crate::common;

const READERS: &str = "AccessGroupId-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const ADMINS: &str = "AccessGroupId-1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const OPS: &str = "AccessGroupId-2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a";

#[test]
fn live_mode_files_load() {
    // Exactly what live mode writes: `access_groups.json` and one member file per group.
    let checked = common::check(
        &[
            "fixtures/demo/access_groups.json",
            "fixtures/demo/access_group_members_AccessGroupId-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d.json",
        ],
        &Settings::only(&[]),
    );
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    let inventory = &checked.loaded.inventory;
    assert!(inventory.collections.access_groups);
    assert!(inventory.collections.access_group_members);
    let names: Vec<_> = inventory
        .access_groups
        .iter()
        .map(|group| group.display_name())
        .collect();
    assert_eq!(names, ["audit-readers", "at-key-admins"]);
    let sam = Subject::User("IBMid-660000BBBB".to_owned());
    let groups: Vec<_> = inventory
        .memberships_of(&sam)
        .map(|membership| membership.group_id.as_str())
        .collect();
    assert_eq!(groups, [READERS]);
    assert_eq!(
        inventory
            .memberships_of(&sam)
            .find_map(|m| m.email.as_deref()),
        Some("sam@example.com")
    );
    assert!(inventory.members_known(READERS));
    assert!(
        !inventory.members_known(ADMINS),
        "its member file was not given"
    );
    assert_eq!(inventory.is_member(&sam, ADMINS), None);
    assert_eq!(inventory.is_member(&sam, READERS), Some(true));
    assert_eq!(inventory.is_member(&sam, PUBLIC_ACCESS_GROUP), Some(true));
}

#[test]
fn cli_arrays_and_wrapped_lists_load() {
    let checked = common::check(&["fixtures/access_groups"], &Settings::only(&[]));
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    let inventory = &checked.loaded.inventory;
    let mut ids: Vec<_> = inventory
        .access_groups
        .iter()
        .map(|g| g.id.as_str())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, [READERS, ADMINS, OPS, PUBLIC_ACCESS_GROUP]);
    assert!(
        common::human(&checked).contains("4 access groups"),
        "the summary counts access groups"
    );
}

#[test]
fn a_member_list_that_misses_pages_is_not_known() {
    let checked = common::check(
        &["fixtures/access_groups/members_first_page.json"],
        &Settings::only(&[]),
    );
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    let inventory = &checked.loaded.inventory;
    assert_eq!(inventory.members_of(OPS).count(), 2);
    assert!(
        !inventory.members_known(OPS),
        "2 of 3 members were exported"
    );
    // A listed member is a member; anyone else might be on the missing page.
    let listed = Subject::ServiceId("ServiceId-33333333-3333-4333-8333-333333333333".to_owned());
    assert_eq!(inventory.is_member(&listed, OPS), Some(true));
    let other = Subject::User("IBMid-1".to_owned());
    assert_eq!(inventory.is_member(&other, OPS), None);
}

#[test]
fn members_without_a_group_link_are_a_load_error() {
    let checked = common::check(
        &["fixtures/invalid/members-without-group.json"],
        &Settings::only(&[]),
    );
    let [error] = checked.loaded.errors.as_slice() else {
        panic!("expected one error, got {:?}", checked.loaded.errors);
    };
    assert!(
        error.message.contains("cannot tell which access group"),
        "{}",
        error.message
    );
    assert!(checked.loaded.inventory.memberships.is_empty());
}
