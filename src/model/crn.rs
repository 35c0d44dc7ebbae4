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
        // The rules parse the CRNs of every key and instance, several times a run: the
        // colons are found eight bytes at a time (a `split` searched for each one anew).
        let rest = text.strip_prefix("crn:v1:")?;
        // cname, ctype, service name, location, scope, instance, resource type, resource
        // (the last keeps any colons of its own).
        let mut fields = [""; 8];
        let mut count = 0;
        let mut start = 0;
        for at in colons(rest.as_bytes()) {
            if count == fields.len() - 1 {
                break;
            }
            fields[count] = rest.get(start..at)?;
            count += 1;
            start = at + 1;
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

/// A CRN's fields, found the first time they are read. The rules read the CRN of every key's
/// instance and of every instance several times a run (2.6 to 3.5 % of a JSON run's CPU
/// went to parsing them again). Holds the byte ranges of the fields in the text it was
/// filled from: whoever replaces that text replaces the cache too (see `model::merge`).
#[derive(Clone, Default)]
pub struct CrnCache(std::sync::OnceLock<Option<Spans>>);

/// Whether the fields were read yet is no part of an entity's value.
impl std::fmt::Debug for CrnCache {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("CrnCache")
    }
}

/// The ranges of service name, location, account, service instance, resource type and
/// resource; an account of `(u16::MAX, u16::MAX)` is none.
type Spans = [(u16, u16); 6];

impl CrnCache {
    /// `text` (the text this cache belongs to) parsed as a CRN.
    pub fn get<'a>(&self, text: &'a str) -> Option<Crn<'a>> {
        let spans = self
            .0
            .get_or_init(|| Crn::parse(text).and_then(|crn| spans_of(text, &crn)));
        // Not a CRN (told again at its first bytes), or one too long to keep ranges of.
        spans
            .as_ref()
            .and_then(|spans| from_spans(text, spans))
            .or_else(|| Crn::parse(text))
    }
}

fn spans_of(text: &str, crn: &Crn<'_>) -> Option<Spans> {
    let base = text.as_ptr() as usize;
    let span = |field: &str| -> Option<(u16, u16)> {
        let start = (field.as_ptr() as usize).checked_sub(base)?;
        Some((
            u16::try_from(start).ok()?,
            u16::try_from(start + field.len()).ok()?,
        ))
    };
    let account = match crn.account {
        Some(account) => span(account)?,
        None => (u16::MAX, u16::MAX),
    };
    Some([
        span(crn.service_name)?,
        span(crn.location)?,
        account,
        span(crn.service_instance)?,
        span(crn.resource_type)?,
        span(crn.resource)?,
    ])
}

fn from_spans<'a>(text: &'a str, spans: &Spans) -> Option<Crn<'a>> {
    let field = |(start, end): (u16, u16)| text.get(usize::from(start)..usize::from(end));
    let [
        service_name,
        location,
        account,
        service_instance,
        resource_type,
        resource,
    ] = *spans;
    Some(Crn {
        service_name: field(service_name)?,
        location: field(location)?,
        account: match account {
            (u16::MAX, u16::MAX) => None,
            account => Some(field(account)?),
        },
        service_instance: field(service_instance)?,
        resource_type: field(resource_type)?,
        resource: field(resource)?,
    })
}

/// The positions of the colons in `bytes`, in order: each word of eight bytes is compared
/// with eight colons at once, and its matching bytes read off a mask.
fn colons(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    const COLONS: u64 = u64::from_le_bytes([b':'; 8]);
    const LOW: u64 = u64::from_le_bytes([0x7f; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    bytes.chunks(8).enumerate().flat_map(|(word_at, chunk)| {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        // Zero bytes of `word ^ COLONS` are colons; the high bit of each byte of `nonzero`
        // is set exactly when that byte is not zero (no borrow crosses bytes).
        let diff = u64::from_le_bytes(word) ^ COLONS;
        let nonzero = ((diff & LOW) + LOW) | diff;
        let mut mask = !nonzero & HIGH;
        // The padding of a short last chunk is zero, never a colon.
        std::iter::from_fn(move || {
            if mask == 0 {
                return None;
            }
            let byte = mask.trailing_zeros() as usize / 8;
            mask &= mask - 1;
            Some(word_at * 8 + byte)
        })
    })
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

    /// The cache gives what parsing gives, for CRNs with and without an account, text that is
    /// no CRN, and a CRN too long for its ranges.
    #[test]
    fn cached_fields_are_the_parsed_ones() {
        let long = format!(
            "crn:v1:bluemix:public:cos:global:a/acct:inst:key:{}",
            "x".repeat(70_000)
        );
        for text in [
            "crn:v1:bluemix:public:logdnaat:us-south:a/acct:5f1c::",
            "crn:v1:bluemix:public:cos:global:o/org:inst:resource-key:k:with:colons",
            "crn:v1:bluemix:public:iam-identity::a/éé::serviceid:ServiceId-1",
            "ServiceId-1",
            "crn:v1:short",
            long.as_str(),
        ] {
            let cache = CrnCache::default();
            assert_eq!(cache.get(text), Crn::parse(text), "{text:.60}");
            assert_eq!(cache.get(text), Crn::parse(text), "{text:.60} (cached)");
        }
    }

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
        // Colons at every position around the eight-byte words, with multi-byte text.
        for seed in 0u32..2_000 {
            let body: String = (0..(seed % 40))
                .map(|at| match (seed.wrapping_mul(31) >> (at % 13)) % 5 {
                    0 | 1 => ':',
                    2 => 'é',
                    _ => 'a',
                })
                .collect();
            let text = format!("crn:v1:{body}");
            assert_eq!(Crn::parse(&text), split(&text), "{text:?}");
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
