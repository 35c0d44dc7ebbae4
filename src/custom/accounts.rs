//! The accounts of the custom rules' input document: each account the inputs name, with its
//! owner and settings, for the `accounts` entities and the `ref` table (which both need them,
//! so neither owns them).

use crate::model::{AccessGroupSettings, AccountOwner, IdentitySettings, Inventory, Origin};

/// The account id entities of an account are listed under (`account` when unknown, as
/// findings on an account name it).
pub(super) fn account_id(account: Option<&str>) -> &str {
    account.unwrap_or("account")
}

/// One account as the document and the `ref` table see it.
pub(super) struct AccountView<'a> {
    pub(super) id: &'a str,
    /// The owner member, else the settings.
    pub(super) origin: &'a Origin,
    pub(super) owner: Option<&'a AccountOwner>,
    pub(super) identity: Option<&'a IdentitySettings>,
    pub(super) groups: Option<&'a AccessGroupSettings>,
}

/// The accounts of the inputs, in the order they first appear.
pub(super) fn accounts(inventory: &Inventory) -> Vec<AccountView<'_>> {
    let mut views: Vec<AccountView<'_>> = Vec::new();
    fn view<'a, 'b>(
        views: &'b mut Vec<AccountView<'a>>,
        id: &'a str,
        origin: &'a Origin,
    ) -> &'b mut AccountView<'a> {
        let at = match views.iter().position(|view| view.id == id) {
            Some(at) => at,
            None => {
                views.push(AccountView {
                    id,
                    origin,
                    owner: None,
                    identity: None,
                    groups: None,
                });
                views.len() - 1
            }
        };
        &mut views[at]
    }
    for owner in &inventory.people.owners {
        let id = account_id(owner.account.as_deref().or(owner.account_id.as_deref()));
        let view = view(&mut views, id, &owner.origin);
        view.owner.get_or_insert(owner);
    }
    for settings in &inventory.identity_settings {
        let id = account_id(settings.account.as_deref());
        view(&mut views, id, &settings.origin)
            .identity
            .get_or_insert(settings);
    }
    for settings in &inventory.access_group_settings {
        let id = account_id(settings.account.as_deref());
        view(&mut views, id, &settings.origin)
            .groups
            .get_or_insert(settings);
    }
    views
}
