//! IBM Cloud CRNs and the spellings of one service ID.
//!
//! CRN grammar: `crn:v1:<cname>:<ctype>:<service-name>:<location>:<scope>:<service-instance>:<resource-type>:<resource>`.

/// A parsed CRN, borrowing the text it was parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crn<'a> {
    pub service_name: &'a str,
    pub location: &'a str,
    /// The scope without its `a/` prefix, when it names an account.
    pub account: Option<&'a str>,
    pub service_instance: &'a str,
    pub resource_type: &'a str,
    pub resource: &'a str,
}

impl<'a> Crn<'a> {
    /// Parses `text` as a CRN; `None` when it is not one.
    pub fn parse(text: &'a str) -> Option<Self> {
        // The rules parse the CRNs of every key and instance, several times a run: one
        // pass over the bytes finds the colons (a `split` searches for each one anew).
        let rest = text.strip_prefix("crn:v1:")?;
        // cname, ctype, service name, location, scope, instance, resource type, resource
        // (the last keeps any colons of its own).
        let mut fields = [""; 8];
        let mut count = 0;
        let mut start = 0;
        for (at, byte) in rest.bytes().enumerate() {
            if byte == b':' && count < fields.len() - 1 {
                fields[count] = rest.get(start..at)?;
                count += 1;
                start = at + 1;
            }
        }
        fields[count] = rest.get(start..)?;
        count += 1;
        if count < 5 {
            return None;
        }
        let [
            _cname,
            _ctype,
            service_name,
            location,
            scope,
            service_instance,
            resource_type,
            resource,
        ] = fields;
        Some(Self {
            service_name,
            location,
            account: scope.strip_prefix("a/"),
            service_instance,
            resource_type,
            resource,
        })
    }
}

/// The `ServiceId-<uuid>` core of any of the four spellings of a service ID:
/// `ServiceId-<uuid>`, `iam-ServiceId-<uuid>`, its CRN (`...::serviceid:ServiceId-<uuid>`),
/// or an API key `iam_id` written either way.
pub fn service_id_core(text: &str) -> Option<&str> {
    let tail = text.rsplit(':').next().unwrap_or(text);
    let core = tail.strip_prefix("iam-").unwrap_or(tail);
    core.starts_with("ServiceId-").then_some(core)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_instance_and_key_crns() {
        let crn = Crn::parse("crn:v1:bluemix:public:logdnaat:us-south:a/acct:5f1c::").unwrap();
        assert_eq!(crn.service_name, "logdnaat");
        assert_eq!(crn.account, Some("acct"));
        assert_eq!(crn.service_instance, "5f1c");
        let key =
            Crn::parse("crn:v1:bluemix:public:cos:global:a/acct:inst:resource-key:k1").unwrap();
        assert_eq!((key.resource_type, key.resource), ("resource-key", "k1"));
        assert!(Crn::parse("ServiceId-1").is_none());
    }

    #[test]
    fn parses_as_splitting_on_colons_does() {
        // The grammar read with `splitn`, as the parser did before it scanned bytes.
        fn split(text: &str) -> Option<Crn<'_>> {
            let mut parts = text.splitn(10, ':');
            if parts.next()? != "crn" || parts.next()? != "v1" {
                return None;
            }
            let (_, _) = (parts.next()?, parts.next()?);
            let (service_name, location, scope) = (parts.next()?, parts.next()?, parts.next()?);
            Some(Crn {
                service_name,
                location,
                account: scope.strip_prefix("a/"),
                service_instance: parts.next().unwrap_or(""),
                resource_type: parts.next().unwrap_or(""),
                resource: parts.next().unwrap_or(""),
            })
        }
        for text in [
            "",
            "crn",
            "crn:v1",
            "crn:v1:",
            "crn:v1:a:b:c:d",
            "crn:v1:a:b:c:d:e",
            "crn:v2:a:b:c:d:e",
            "crn:v1:bluemix:public:logdnaat:us-south:a/acct:5f1c::",
            "crn:v1:bluemix:public:cos:global:a/acct:inst:resource-key:k1",
            "crn:v1:bluemix:public:cos:global:a/acct:inst:bucket:b:with:colons",
            "crn:v1:bluemix:public:iam-identity::a/acct::serviceid:ServiceId-1",
            "crn:v1:é:ü:ñ:ø:a/ß:::",
            "CRN:v1:a:b:c:d:e",
            "crn:v1::::::::::::",
        ] {
            assert_eq!(Crn::parse(text), split(text), "{text:?}");
        }
    }

    #[test]
    fn all_service_id_spellings_share_a_core() {
        let core = Some("ServiceId-1111");
        assert_eq!(service_id_core("ServiceId-1111"), core);
        assert_eq!(service_id_core("iam-ServiceId-1111"), core);
        assert_eq!(
            service_id_core("crn:v1:bluemix:public:iam-identity::a/acct::serviceid:ServiceId-1111"),
            core
        );
        assert_eq!(service_id_core("IBMid-123"), None);
    }
}
