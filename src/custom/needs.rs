//! Which members of the input document the enabled rules read, so that a run builds only
//! those: a rule over `input.policies` does not pay for converting every key, service ID and
//! user into regorus values.
//!
//! Read from the Rego text: every `input.<member>` or `input["<member>"]` names a member; any
//! other use of `input` (`input[k]`, `walk(input, ...)`, `x := input`, `import input`) could
//! reach any member, so the rule needs the whole document. Comments and string literals are
//! skipped. Leaving a member out is safe only because no rule can read it: an unread member
//! and an empty one give every rule the same result.

use std::collections::BTreeSet;

/// The members a run's rules read: `None` is the whole document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs(Option<BTreeSet<String>>);

impl Needs {
    /// Every member (tests, `iamlint test`, a rule that reads `input` as a whole).
    pub fn whole() -> Self {
        Self(None)
    }

    /// Whether `member` (`policies`, `service_ids` ...) must be built.
    pub fn wants(&self, member: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|members| members.contains(member))
    }

    /// `member` built by `build` when it is needed, else empty.
    pub fn build<T>(&self, member: &str, build: impl FnOnce() -> Vec<T>) -> Vec<T> {
        if self.wants(member) {
            build()
        } else {
            Vec::new()
        }
    }

    /// The members the rules in `texts` read, together.
    pub fn of_rules<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut members = BTreeSet::new();
        for text in texts {
            match members_read(text) {
                Some(read) => members.extend(read),
                None => return Self::whole(),
            }
        }
        Self(Some(members))
    }
}

/// The members one Rego text reads from `input`; `None` when it uses `input` otherwise.
fn members_read(text: &str) -> Option<BTreeSet<String>> {
    let code = code_only(text);
    let bytes = code.as_bytes();
    let mut members = BTreeSet::new();
    let mut at = 0;
    while let Some(found) = code[at..].find("input") {
        let start = at + found;
        let end = start + "input".len();
        at = end;
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(end).copied();
        // Part of a longer name (`my_input`, `input_x`), or a member of something else
        // (`data.input`): not the input document.
        if before.is_some_and(|b| is_name(b) || b == b'.') || after.is_some_and(is_name) {
            continue;
        }
        members.insert(member_after(&code[end..])?);
    }
    Some(members)
}

/// The member named right after `input`: `.name` or `["name"]` (`code_only` keeps a string
/// right after `input[` as it is).
fn member_after(rest: &str) -> Option<String> {
    if let Some(name) = rest.strip_prefix('.') {
        let len = name.bytes().take_while(|b| is_name(*b)).count();
        return (len > 0).then(|| name[..len].to_owned());
    }
    let inner = rest.strip_prefix("[\"")?;
    let close = inner.find("\"]")?;
    let name = &inner[..close];
    (!name.is_empty() && name.bytes().all(is_name)).then(|| name.to_owned())
}

fn is_name(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// The text with comments removed and the contents of string literals replaced by `x`, so
/// that `input` inside them is not read as code. The quotes stay, so that `input["name"]`
/// can still be recognised: a string directly after `input[` is kept as it is.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '#' => {
                for next in chars.by_ref() {
                    if next == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' | '`' => {
                let keep = ch == '"' && out.ends_with("input[");
                out.push(ch);
                let mut escaped = false;
                for next in chars.by_ref() {
                    if ch == '"' && escaped {
                        escaped = false;
                        out.push(if keep { next } else { 'x' });
                        continue;
                    }
                    if ch == '"' && next == '\\' {
                        escaped = true;
                        out.push(if keep { next } else { 'x' });
                        continue;
                    }
                    if next == ch {
                        out.push(ch);
                        break;
                    }
                    out.push(if keep || next == '\n' { next } else { 'x' });
                }
            }
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<Vec<String>> {
        members_read(text).map(|members| members.into_iter().collect())
    }

    #[test]
    fn members_by_dot_and_by_bracket() {
        let rule = r#"
            deny contains d if {
                some p in input.policies
                some s in input["service_ids"]
                p.subject.id == s.id
                d := {"ref": p.ref, "message": "input.users in a string"}
            }
        "#;
        assert_eq!(
            read(rule),
            Some(vec!["policies".to_owned(), "service_ids".to_owned()])
        );
    }

    #[test]
    fn comments_strings_and_longer_names_are_not_reads() {
        let rule =
            "# input is read below\nmy_input := 1\ninput_x := 2\nx := `input`\ny := input.users\n";
        assert_eq!(read(rule), Some(vec!["users".to_owned()]));
    }

    #[test]
    fn any_other_use_of_input_needs_the_whole_document() {
        for rule in [
            "x := input",
            "some k; input[k]",
            "walk(input, [p, v])",
            "import input",
            "x := input[\"a b\"]",
        ] {
            assert_eq!(read(rule), None, "{rule}");
        }
        let needs = Needs::of_rules(["y := input.users", "x := input"]);
        assert!(needs.wants("policies"));
    }

    #[test]
    fn a_run_builds_the_union_of_its_rules_members() {
        let needs = Needs::of_rules(["y := input.users", "z := input.policies"]);
        assert!(needs.wants("users") && needs.wants("policies"));
        assert!(!needs.wants("resource_keys"));
        assert!(Needs::whole().wants("resource_keys"));
    }
}
