//! Which members of the input document the enabled rules read, and which fields of their
//! entities, so that a run builds only those: a rule over `input.policies` does not pay for
//! converting every key, service ID and user into regorus values, and a rule that reads
//! `policy.active` and `policy.scope.target` does not pay for each policy's roles.
//!
//! Read from the Rego text: every `input.<member>` or `input["<member>"]` names a member; any
//! other use of `input` (`input[k]`, `walk(input, ...)`, `x := input`, `import input`) could
//! reach any member, so the rule needs the whole document. Comments and string literals are
//! skipped. Leaving a member out is safe only because no rule can read it: an unread member
//! and an empty one give every rule the same result.
//!
//! The fields of a member's entities are projected only where every way the rule reaches
//! them is a chain of static names: `input.M[_].a.b`, or a variable bound to an entity
//! (`some x in input.M`, `every x in input.M`, `some i, x in input.M`, `x := input.M[_]`)
//! of which every occurrence in the text is followed by `.a.b`. The value at the end of a
//! chain is kept whole. Any other use (`x` passed on, compared, iterated, indexed by a
//! variable or a string, `object.get(x, ...)`, `input.M` itself used) keeps the whole
//! entity: the rule then sees exactly the values it would see in the whole document.

use std::collections::BTreeMap;

/// The members a run's rules read, each with the fields of its entities they read: `None`
/// is the whole document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs(Option<BTreeMap<String, Fields>>);

/// The fields of a value that are read: `None` is the whole value; `Some` the named
/// members, each with what is read of it (an unnamed member is not read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields(Option<BTreeMap<String, Fields>>);

/// Every field (a value read whole).
pub static WHOLE: Fields = Fields(None);

impl Fields {
    /// No field read yet.
    fn none() -> Self {
        Self(Some(BTreeMap::new()))
    }

    /// Whether the whole value is read.
    pub fn is_whole(&self) -> bool {
        self.0.is_none()
    }

    /// The named members and what is read of each, `None` when the value is read whole.
    pub fn members(&self) -> Option<&BTreeMap<String, Fields>> {
        self.0.as_ref()
    }

    /// What is read of member `name`: `None` when it is not read at all.
    pub fn member(&self, name: &str) -> Option<&Fields> {
        match &self.0 {
            None => Some(&WHOLE),
            Some(members) => members.get(name),
        }
    }

    /// The chain `path` is read (its last member whole).
    fn read(&mut self, path: &[String]) {
        let Some(members) = &mut self.0 else {
            return;
        };
        match path.split_first() {
            None => self.0 = None,
            Some((first, rest)) => members
                .entry(first.clone())
                .or_insert_with(Self::none)
                .read(rest),
        }
    }

    fn merge(&mut self, other: Self) {
        let (Some(mine), Some(theirs)) = (&mut self.0, other.0) else {
            self.0 = None;
            return;
        };
        for (name, fields) in theirs {
            match mine.get_mut(&name) {
                Some(known) => known.merge(fields),
                None => {
                    mine.insert(name, fields);
                }
            }
        }
    }
}

impl Needs {
    /// Every member (tests, `iamlint test`, a rule that reads `input` as a whole).
    pub fn whole() -> Self {
        Self(None)
    }

    /// Whether the whole document is read (a rule reads `input` otherwise than by member).
    pub fn is_whole(&self) -> bool {
        self.0.is_none()
    }

    /// Whether `member` (`policies`, `service_ids` ...) must be built.
    pub fn wants(&self, member: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|members| members.contains_key(member))
    }

    /// The fields read of each entity of `member` (whole when unknown).
    pub fn fields(&self, member: &str) -> &Fields {
        self.0
            .as_ref()
            .and_then(|members| members.get(member))
            .unwrap_or(&WHOLE)
    }

    /// `member` built by `build` when it is needed, else empty.
    pub fn build<T>(&self, member: &str, build: impl FnOnce() -> Vec<T>) -> Vec<T> {
        if self.wants(member) {
            build()
        } else {
            Vec::new()
        }
    }

    /// The members the rules in `texts` read, together, and the fields of their entities.
    pub fn of_rules<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut members: BTreeMap<String, Fields> = BTreeMap::new();
        for text in texts {
            let Some(read) = members_read(text) else {
                return Self::whole();
            };
            for (member, fields) in read {
                match members.get_mut(&member) {
                    Some(known) => known.merge(fields),
                    None => {
                        members.insert(member, fields);
                    }
                }
            }
        }
        Self(Some(members))
    }
}

/// The members one Rego text reads from `input`, with the fields of their entities; `None`
/// when it uses `input` otherwise.
fn members_read(text: &str) -> Option<BTreeMap<String, Fields>> {
    let code = code_only(text);
    let bytes = code.as_bytes();
    let mut members: BTreeMap<String, Fields> = BTreeMap::new();
    // Variables bound to an entity: (name, member, where the binding names it).
    let mut bound: Vec<(&str, String, usize)> = Vec::new();
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
        let (member, length, bracketed) = member_after(&code[end..])?;
        let fields = members.entry(member.clone()).or_insert_with(Fields::none);
        if bracketed {
            fields.read(&[]);
            continue;
        }
        match element_use(&code, start, end + length) {
            Use::Chain(path) => fields.read(&path),
            Use::Bound(name, site) => bound.push((name, member, site)),
            Use::Nothing => {}
            Use::Whole => fields.read(&[]),
        }
    }
    for (name, member, _) in &bound {
        let Some(fields) = members.get_mut(member) else {
            continue;
        };
        for (start, end) in words(&code, name) {
            if bound
                .iter()
                .any(|(other, _, site)| other == name && *site == start)
            {
                continue;
            }
            // A member of something else (`x.name`), not the variable.
            if start > 0 && bytes[start - 1] == b'.' {
                continue;
            }
            let path = chain(&code[end..]);
            fields.read(&path);
        }
    }
    Some(members)
}

/// How a rule uses the entities of a member at one `input.<member>`.
enum Use<'a> {
    /// `input.M[_].a.b`: the chain `a.b` of some entities.
    Chain(Vec<String>),
    /// `some x in input.M`, `x := input.M[_]`: `x` is an entity (bound where it is named).
    Bound(&'a str, usize),
    /// `count(input.M)`, `some _ in input.M`: no field.
    Nothing,
    /// Anything else: the entities as they are.
    Whole,
}

/// The use at `input` (from `start`) whose member name ends at `end`.
fn element_use(code: &str, start: usize, end: usize) -> Use<'_> {
    let rest = &code[end..];
    let before = code[..start].trim_end();
    if let Some(inner) = rest.strip_prefix('[') {
        // An element: `[_]`, `[i]`, `[0]`.
        let index = inner.bytes().take_while(|b| is_name(*b)).count();
        if index == 0 || !inner[index..].starts_with(']') {
            return Use::Whole;
        }
        let after = &inner[index + 1..];
        let path = chain(after);
        if !path.is_empty() {
            return Use::Chain(path);
        }
        if after.starts_with(['[', '.']) {
            return Use::Whole;
        }
        return match before
            .strip_suffix(":=")
            .and_then(|lead| variable_at_end(code, lead))
        {
            Some((name, site)) => bound(name, site),
            None => Use::Whole,
        };
    }
    if rest.starts_with(['[', '.']) {
        return Use::Whole;
    }
    if before.ends_with("count(") && rest.trim_start().starts_with(')') {
        return Use::Nothing;
    }
    // `some x in`, `some i, x in`, `every x in`, `every i, x in`.
    let Some(lead) = word_at_end(before, "in") else {
        return Use::Whole;
    };
    let Some((name, site)) = variable_at_end(code, lead) else {
        return Use::Whole;
    };
    let mut lead = code[..site].trim_end();
    if let Some(index) = lead.strip_suffix(',') {
        let Some((_, index_site)) = variable_at_end(code, index) else {
            return Use::Whole;
        };
        lead = code[..index_site].trim_end();
    }
    if word_at_end(lead, "some").is_some() || word_at_end(lead, "every").is_some() {
        bound(name, site)
    } else {
        Use::Whole
    }
}

fn bound(name: &str, site: usize) -> Use<'_> {
    if name == "_" {
        Use::Nothing
    } else {
        Use::Bound(name, site)
    }
}

/// `text` without the word `word` at its end (and the blanks before it), if it ends so.
fn word_at_end<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let lead = text.strip_suffix(word)?;
    if lead.bytes().last().is_some_and(|b| is_name(b) || b == b'.') {
        return None;
    }
    Some(lead.trim_end())
}

/// The variable name at the end of `lead` (a prefix of `code`, blanks trimmed) and where
/// it starts in `code`.
fn variable_at_end<'a>(code: &'a str, lead: &str) -> Option<(&'a str, usize)> {
    let lead = lead.trim_end();
    let length = lead.bytes().rev().take_while(|b| is_name(*b)).count();
    let site = lead.len() - length;
    let name = &code[site..lead.len()];
    let first = name.bytes().next()?;
    if first.is_ascii_digit() || (site > 0 && code.as_bytes()[site - 1] == b'.') {
        return None;
    }
    Some((name, site))
}

/// The static member names right after a value: `.a.b` is `[a, b]`; empty when none.
fn chain(mut rest: &str) -> Vec<String> {
    let mut path = Vec::new();
    while let Some(name) = rest.strip_prefix('.') {
        let length = name.bytes().take_while(|b| is_name(*b)).count();
        if length == 0 || name.as_bytes()[0].is_ascii_digit() {
            break;
        }
        path.push(name[..length].to_owned());
        rest = &name[length..];
    }
    path
}

/// Where the word `name` stands in `code` as a whole word: (start, end) of each.
fn words<'a>(code: &'a str, name: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
    let bytes = code.as_bytes();
    code.match_indices(name).filter_map(move |(start, _)| {
        let end = start + name.len();
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(end).copied();
        (!before.is_some_and(is_name) && !after.is_some_and(is_name)).then_some((start, end))
    })
}

/// The member named right after `input`: `.name` or `["name"]` (`code_only` keeps a string
/// right after `input[` as it is), how long its mention is, and whether it was bracketed.
fn member_after(rest: &str) -> Option<(String, usize, bool)> {
    if let Some(name) = rest.strip_prefix('.') {
        let len = name.bytes().take_while(|b| is_name(*b)).count();
        return (len > 0).then(|| (name[..len].to_owned(), len + 1, false));
    }
    let inner = rest.strip_prefix("[\"")?;
    let close = inner.find("\"]")?;
    let name = &inner[..close];
    (!name.is_empty() && name.bytes().all(is_name)).then(|| (name.to_owned(), close + 4, true))
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
        members_read(text).map(|members| members.into_keys().collect())
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

    /// The fields read of `member`'s entities, as dotted paths (`None`: whole).
    fn fields(text: &str, member: &str) -> Option<Vec<String>> {
        fn paths(fields: &Fields, prefix: &str, out: &mut Vec<String>) {
            match fields.members() {
                None => out.push(prefix.to_owned()),
                Some(members) => {
                    for (name, fields) in members {
                        let path = if prefix.is_empty() {
                            name.clone()
                        } else {
                            format!("{prefix}.{name}")
                        };
                        paths(fields, &path, out);
                    }
                }
            }
        }
        let needs = Needs::of_rules([text]);
        let fields = needs.fields(member);
        fields.members()?;
        let mut out = Vec::new();
        paths(fields, "", &mut out);
        Some(out)
    }

    #[test]
    fn static_chains_of_bound_entities_are_projected() {
        let rule = r#"
            deny contains d if {
                some policy in input.policies
                policy.active
                policy.subject.kind == "service_id"
                broad[policy.scope.target]
                not policy.scope.narrowed
                d := {"ref": policy.ref, "message": sprintf("%v", [policy.subject.id, policy.scope.words])}
            }
        "#;
        assert_eq!(
            fields(rule, "policies"),
            Some(
                [
                    "active",
                    "ref",
                    "scope.narrowed",
                    "scope.target",
                    "scope.words",
                    "subject.id",
                    "subject.kind"
                ]
                .map(str::to_owned)
                .to_vec()
            )
        );
        let other = "x := input.service_ids[_].name\nevery i, k in input.resource_keys { k.role.name }\n\
                     y := input.api_keys[_]\ny.id\nn := count(input.users)\nsome _ in input.accounts";
        assert_eq!(fields(other, "service_ids"), Some(vec!["name".to_owned()]));
        assert_eq!(
            fields(other, "resource_keys"),
            Some(vec!["role.name".to_owned()])
        );
        assert_eq!(fields(other, "api_keys"), Some(vec!["id".to_owned()]));
        assert_eq!(fields(other, "users"), Some(Vec::new()));
        assert_eq!(fields(other, "accounts"), Some(Vec::new()));
        // The value at the end of a chain is whole: `roles` then indexed keeps all of it.
        assert_eq!(
            fields(
                "some p in input.policies\nsome r in p.roles\nr.name",
                "policies"
            ),
            Some(vec!["roles".to_owned()])
        );
        assert_eq!(
            fields("some p in input.policies\np.scope[k]", "policies"),
            Some(vec!["scope".to_owned()])
        );
    }

    /// Any use of an entity other than a static chain (passed on, compared, iterated,
    /// indexed by a variable or a string) keeps every field of every entity of its member.
    #[test]
    fn any_other_use_of_an_entity_keeps_it_whole() {
        for rule in [
            "some p in input.policies\np.active\nf(p)",
            "some p in input.policies\nobject.get(p, \"active\", false)",
            "some p in input.policies\nk := \"active\"\np[k]",
            "some p in input.policies\np[\"active\"]",
            "some p in input.policies\nx := p\nx.active",
            "ps := [p | some p in input.policies]",
            "some p in input.policies\nsome k, v in p",
            "p := input.policies[_]\np == q",
            "input.policies[_] == q",
            "input.policies[i][k]",
            "x := input.policies",
            "x := input.policies[0][\"ref\"]",
            "count(input.policies[0])",
            "q in input.policies",
            "deny with input.policies as []",
            "import input.policies",
            "some {\"ref\": r} in input.policies",
            "some p in input.policies\nsome p in data.x\np.active",
            "some p in input.policies\nprint(p)",
            "x = input.policies[_]\nx.active",
            "some p\np := input.policies[_]\np.active",
            "some p in input[\"policies\"]\np.active",
        ] {
            assert_eq!(fields(rule, "policies"), None, "{rule}");
        }
        // A member of another value with the variable's name is not the variable.
        assert_eq!(
            fields("some p in input.policies\np.ref\nx := y.p", "policies"),
            Some(vec!["ref".to_owned()])
        );
    }

    #[test]
    fn rules_together_read_the_union_of_their_fields() {
        let needs = Needs::of_rules([
            "some p in input.policies\np.subject.kind",
            "some q in input.policies\nq.subject.id\nq.ref",
        ]);
        let subject = needs.fields("policies").member("subject").expect("read");
        assert!(subject.member("kind").is_some_and(Fields::is_whole));
        assert!(subject.member("id").is_some());
        assert!(subject.member("ref").is_none());
        assert!(needs.fields("policies").member("roles").is_none());
        let whole = Needs::of_rules(["some p in input.policies\np.ref", "f(input.policies)"]);
        assert!(whole.fields("policies").is_whole());
        assert!(Needs::whole().fields("policies").is_whole());
    }
}
