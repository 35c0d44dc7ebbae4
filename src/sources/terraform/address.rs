//! Terraform addresses and references as text: `module.audit[0].ibm_resource_key.reader["x"]`,
//! `ibm_iam_service_id.sid.id`, `var.instance_id`, `module.ci.service_id`.

use std::fmt;

/// A `count` index or a `for_each` key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum IndexKey {
    Int(u64),
    Str(String),
}

impl IndexKey {
    /// The `index` member of a resource in `terraform show -json` output.
    pub(super) fn from_json(value: &serde_json::Value) -> Option<Self> {
        match value {
            serde_json::Value::Number(number) => number.as_u64().map(Self::Int),
            serde_json::Value::String(text) => Some(Self::Str(text.clone())),
            _ => None,
        }
    }
}

impl fmt::Display for IndexKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(number) => write!(f, "[{number}]"),
            Self::Str(text) => write!(f, "[{text:?}]"),
        }
    }
}

/// One module call on the way to a resource: `module.audit[0]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct ModuleStep {
    pub name: String,
    pub key: Option<IndexKey>,
}

/// Renders a module instance path the way Terraform writes it (`module.a[0].module.b`).
pub(super) fn module_path(steps: &[ModuleStep]) -> String {
    steps
        .iter()
        .map(|step| match &step.key {
            Some(key) => format!("module.{}{key}", step.name),
            None => format!("module.{}", step.name),
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Mode {
    Managed,
    Data,
}

/// A resource instance address, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Address {
    pub module: Vec<ModuleStep>,
    pub mode: Mode,
    pub kind: String,
    pub name: String,
    pub index: Option<IndexKey>,
}

/// What a reference in `configuration...expressions.<arg>.references` points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Reference {
    /// A resource (instance) in the referring module, and the attribute read from it.
    Resource {
        mode: Mode,
        kind: String,
        name: String,
        index: Option<IndexKey>,
        attribute: Option<String>,
    },
    /// `var.<name>`: an input variable of the referring module.
    Variable(String),
    /// `module.<call>.<output>`: an output of a child module.
    ModuleOutput {
        call: String,
        key: Option<IndexKey>,
        output: Option<String>,
    },
    /// `count.index`, `each.key` or `each.value`: the referring instance's own index picks
    /// the instance of a resource referenced without one.
    Iteration,
    /// `local.<name>` (locals are not part of the JSON configuration), `path.*`, `self.*`...
    Opaque,
}

/// Splits on dots outside brackets and quoted strings.
fn segments(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0usize, false, false, 0);
    for (at, ch) in text.char_indices() {
        if in_string {
            match ch {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => in_string = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// `name[0]` or `name["key"]` -> the name and its key; a key that is not a literal (an
/// expression) is dropped.
fn name_and_key(segment: &str) -> (String, Option<IndexKey>) {
    let Some(open) = segment.find('[') else {
        return (segment.to_owned(), None);
    };
    let name = segment[..open].to_owned();
    let inner = segment[open + 1..]
        .strip_suffix(']')
        .unwrap_or(&segment[open + 1..]);
    let key = if let Ok(number) = inner.parse::<u64>() {
        Some(IndexKey::Int(number))
    } else {
        serde_json::from_str::<String>(inner)
            .ok()
            .map(IndexKey::Str)
    };
    (name, key)
}

/// Reads the `module.x[k].` prefix; returns the steps and the rest.
fn module_prefix<'a>(parts: &'a [&'a str]) -> (Vec<ModuleStep>, &'a [&'a str]) {
    let mut steps = Vec::new();
    let mut rest = parts;
    while rest.len() > 2 && rest[0] == "module" {
        let (name, key) = name_and_key(rest[1]);
        steps.push(ModuleStep { name, key });
        rest = &rest[2..];
    }
    (steps, rest)
}

/// Parses a resource instance address (`module.a.data.ibm_x.y[0]`).
pub(super) fn parse_address(text: &str) -> Option<Address> {
    let parts = segments(text);
    let (module, rest) = module_prefix(&parts);
    let (mode, rest) = match rest.first() {
        Some(&"data") => (Mode::Data, &rest[1..]),
        _ => (Mode::Managed, rest),
    };
    let [kind, name] = rest else {
        return None;
    };
    let (name, index) = name_and_key(name);
    (!kind.is_empty() && !name.is_empty()).then(|| Address {
        module,
        mode,
        kind: (*kind).to_owned(),
        name,
        index,
    })
}

/// Parses one entry of a `references` list.
pub(super) fn parse_reference(text: &str) -> Reference {
    let parts = segments(text);
    match parts.as_slice() {
        ["var", name, ..] => Reference::Variable((*name).to_owned()),
        ["count", "index"] | ["each", "key" | "value", ..] => Reference::Iteration,
        [
            "local" | "path" | "terraform" | "self" | "count" | "each",
            ..,
        ] => Reference::Opaque,
        ["module", call, rest @ ..] => {
            let (call, key) = name_and_key(call);
            Reference::ModuleOutput {
                call,
                key,
                output: rest.first().map(|output| name_and_key(output).0),
            }
        }
        ["data", kind, name, rest @ ..] => resource(Mode::Data, kind, name, rest),
        [kind, name, rest @ ..] => resource(Mode::Managed, kind, name, rest),
        _ => Reference::Opaque,
    }
}

fn resource(mode: Mode, kind: &str, name: &str, rest: &[&str]) -> Reference {
    let (name, index) = name_and_key(name);
    Reference::Resource {
        mode,
        kind: kind.to_owned(),
        name,
        index,
        attribute: rest.first().map(|attribute| name_and_key(attribute).0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_module_addresses_with_keys() {
        let address =
            parse_address(r#"module.audit[0].module.keys["us.south"].ibm_resource_key.reader[2]"#)
                .unwrap();
        assert_eq!(
            module_path(&address.module),
            r#"module.audit[0].module.keys["us.south"]"#
        );
        assert_eq!(
            (address.kind.as_str(), address.name.as_str()),
            ("ibm_resource_key", "reader")
        );
        assert_eq!(address.index, Some(IndexKey::Int(2)));
        let data = parse_address("data.ibm_iam_service_id.sid").unwrap();
        assert_eq!(data.mode, Mode::Data);
    }

    #[test]
    fn parses_references() {
        assert_eq!(
            parse_reference(r#"ibm_resource_key.k["a"].credentials["iam_serviceid_crn"]"#),
            Reference::Resource {
                mode: Mode::Managed,
                kind: "ibm_resource_key".into(),
                name: "k".into(),
                index: Some(IndexKey::Str("a".into())),
                attribute: Some("credentials".into()),
            }
        );
        assert_eq!(
            parse_reference("var.instance_id"),
            Reference::Variable("instance_id".into())
        );
        assert_eq!(parse_reference("count.index"), Reference::Iteration);
        assert_eq!(parse_reference("local.sid"), Reference::Opaque);
        assert!(matches!(
            parse_reference("module.ci[1].service_id"),
            Reference::ModuleOutput {
                key: Some(IndexKey::Int(1)),
                ..
            }
        ));
    }
}
