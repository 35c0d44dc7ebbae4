//! The family of a parsed document, decided before any loader reads it: `terraform show
//! -json` output or an export. A leaf module, so that the export loaders can set Terraform
//! documents aside without importing the Terraform loader (which builds on theirs).

use serde_json::Value;

/// Whether a parsed document is `terraform show -json` output: `format_version` plus a plan's
/// or a state's members. Checked before the export shapes (a state has `resources` too).
pub fn is_terraform_json(value: &Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    object.contains_key("format_version")
        && [
            "planned_values",
            "resource_changes",
            "prior_state",
            "values",
            "configuration",
            "terraform_version",
        ]
        .iter()
        .any(|member| object.contains_key(*member))
}

#[cfg(test)]
mod tests {
    use super::is_terraform_json as detect;

    #[test]
    fn detects_plans_and_states_but_not_exports() {
        assert!(detect(
            &serde_json::json!({"format_version": "1.0", "values": {}})
        ));
        assert!(detect(
            &serde_json::json!({"format_version": "1.2", "planned_values": {}})
        ));
        assert!(!detect(
            &serde_json::json!({"rows_count": 1, "resources": []})
        ));
    }
}
