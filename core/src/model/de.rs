//! Lenient deserializers for the shapes real ECS JSON takes.
//!
//! The ECS API is strict, but the files people keep in repositories are not: numbers written as
//! strings, explicit `null`s, `tags` as a map, template placeholders where a number belongs. Each
//! helper accepts what the ECS API or the AWS CLI would accept plus these harmless variants, and
//! rejects the rest with a message that says what was expected.

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

use super::tag::Tag;

/// True for strings that are template placeholders rather than values: `${VAR}`, `$VAR`,
/// `{{ ... }}`, `<IMAGE>`, `$$$X$$$`, `#{x}`, `%s`, `REPLACE_ME`-style markers.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim().as_bytes();
    let Some(&first) = t.first() else {
        return false;
    };
    // One pass over the bytes (this runs on every image, role and secret reference a check
    // reads): the two-byte markers, the first `<` and the last `>`, any ASCII lower case.
    let (mut first_lt, mut last_gt, mut lower) = (None, None, false);
    for (i, &b) in t.iter().enumerate() {
        let next = t.get(i + 1).copied();
        match b {
            b'$' if matches!(next, Some(b'{' | b'$')) => return true,
            b'{' | b'#' if next == Some(b'{') => return true,
            b'%' if next == Some(b's') => return true,
            b'<' if first_lt.is_none() => first_lt = Some(i),
            b'>' => last_gt = Some(i),
            b'a'..=b'z' => lower = true,
            _ => {}
        }
    }
    // `$VAR`
    if first == b'$'
        && t.len() > 1
        && t[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_')
    {
        return true;
    }
    // `<IMAGE>`, and `<` before a later `>` (123456789012.dkr.ecr.<region>.amazonaws.com/app:<tag>)
    if let (Some(lt), Some(gt)) = (first_lt, last_gt)
        && lt < gt
    {
        return true;
    }
    // `REPLACE_ME`-style markers: upper case only, starting with a marker word.
    !lower
        && [
            &b"REPLACE"[..],
            b"PLACEHOLDER",
            b"CHANGE_ME_IN",
            b"YOUR_",
            b"__",
            b"TO_BE_",
        ]
        .iter()
        .any(|m| t.starts_with(m))
}

struct OptI64;
impl<'de> Visitor<'de> for OptI64 {
    type Value = Option<i64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer (or a string holding one)")
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(OptI64)
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom(format!("integer {v} is out of range")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(Some(v as i64))
        } else {
            Err(E::custom(format!("expected an integer, found {v}")))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() || is_placeholder(t) {
            return Ok(None);
        }
        t.parse::<i64>()
            .map(Some)
            .map_err(|_| E::custom(format!("expected an integer, found the string {t:?}")))
    }
}

/// `Option<i64>` from a number, a numeric string, `null`, or a placeholder (`None`).
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_any(OptI64)
}

struct OptBool;
impl<'de> Visitor<'de> for OptBool {
    type Value = Option<bool>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a boolean")
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(OptBool)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match v.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            "" => Ok(None),
            t if is_placeholder(t) => Ok(None),
            _ => Err(E::custom(format!(
                "expected a boolean, found the string {v:?}"
            ))),
        }
    }
}

/// `Option<bool>` from a boolean, `"true"`/`"false"`, `null`, or a placeholder (`None`).
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(OptBool)
}

struct OptString;
impl<'de> Visitor<'de> for OptString {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(OptString)
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
}

/// `Option<String>` from a string, a number or boolean written where ECS has a string (task-level
/// `cpu` and `memory`, environment values), or `null`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(OptString)
}

/// A list that may be written as `null`.
pub fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A list of strings that may be `null` and whose items may be numbers or `null` (dropped).
pub fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    struct Item(#[serde(deserialize_with = "opt_string")] Option<String>);
    let items: Vec<Item> = vec_or_null(d)?;
    Ok(items.into_iter().filter_map(|i| i.0).collect())
}

/// ECS timestamps: epoch seconds (number, possibly fractional) or ISO-8601 strings.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Timestamp {
    Epoch(f64),
    Text(String),
}

struct OptTimestamp;
impl<'de> Visitor<'de> for OptTimestamp {
    type Value = Option<Timestamp>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a timestamp (epoch seconds or an ISO-8601 string)")
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(OptTimestamp)
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Timestamp::Epoch(v as f64)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Timestamp::Epoch(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Timestamp::Epoch(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Timestamp::Text(v.to_owned())))
    }
}

pub fn opt_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    d.deserialize_any(OptTimestamp)
}

/// ECS tags: `[{"key": k, "value": v}]` as the API returns them, `[{"Key":..,"Value":..}]` as
/// CloudFormation writes them, a `{k: v}` map, or `null`.
pub fn tags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Tag>, D::Error> {
    struct TagsVisitor;
    impl<'de> Visitor<'de> for TagsVisitor {
        type Value = Vec<Tag>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of {key, value} tags or a map of tag keys to values")
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(TagsVisitor)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            #[derive(Deserialize)]
            struct RawTag {
                #[serde(alias = "Key", default, deserialize_with = "opt_string")]
                key: Option<String>,
                #[serde(alias = "Value", default, deserialize_with = "opt_string")]
                value: Option<String>,
            }
            let mut out = Vec::new();
            while let Some(t) = seq.next_element::<RawTag>()? {
                if let Some(key) = t.key {
                    out.push(Tag {
                        key,
                        value: t.value.unwrap_or_default(),
                    });
                }
            }
            Ok(out)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                #[derive(Deserialize)]
                struct V(#[serde(deserialize_with = "opt_string")] Option<String>);
                let v: V = map.next_value()?;
                out.push(Tag {
                    key,
                    value: v.0.unwrap_or_default(),
                });
            }
            Ok(out)
        }
    }
    d.deserialize_any(TagsVisitor)
}

/// A string-to-string map that may be `null`, with non-string values stringified.
pub fn string_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<String, String>, D::Error> {
    struct MapVisitor;
    impl<'de> Visitor<'de> for MapVisitor {
        type Value = std::collections::BTreeMap<String, String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map of strings")
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(MapVisitor)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = std::collections::BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                #[derive(Deserialize)]
                struct V(#[serde(deserialize_with = "opt_string")] Option<String>);
                let v: V = map.next_value()?;
                if let Some(v) = v.0 {
                    out.insert(key, v);
                }
            }
            Ok(out)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            // Some exports write maps as [{"name":..,"value":..}]; accept and fold them.
            #[derive(Deserialize)]
            struct Pair {
                #[serde(alias = "key", alias = "Name", alias = "Key", default)]
                name: Option<String>,
                #[serde(alias = "Value", default, deserialize_with = "opt_string")]
                value: Option<String>,
            }
            let mut out = std::collections::BTreeMap::new();
            while let Some(p) = seq.next_element::<Pair>()? {
                if let (Some(k), Some(v)) = (p.name, p.value) {
                    out.insert(k, v);
                }
            }
            Ok(out)
        }
    }
    d.deserialize_any(MapVisitor)
}

/// Accept and drop anything (used for fields that are read but never needed).
#[allow(dead_code)]
pub fn ignore<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    IgnoredAny::deserialize(d).map(|_| ())
}

/// Tags where "absent" (not requested from the API) differs from "none": `Some` when the key is
/// present (a `null` counts as an empty list), `None` through `#[serde(default)]` when absent.
pub fn opt_tags<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Tag>>, D::Error> {
    tags(d).map(Some)
}

/// The log driver options the checks read (delivery mode, the CloudWatch Logs group, its region
/// and whether it is created); everything else in the map is dropped.
pub fn log_options<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<super::task_definition::LogOptions, D::Error> {
    const KEPT: &[&str] = &[
        "awslogs-group",
        "awslogs-region",
        "awslogs-create-group",
        "Name",
        "log_group_name",
        "region",
        "auto_create_group",
    ];
    let mut map = string_map(d)?;
    let mode = map.remove("mode");
    map.retain(|k, _| KEPT.contains(&k.as_str()));
    Ok(super::task_definition::LogOptions { mode, kept: map })
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn placeholders_are_told_from_values() {
        for p in [
            "${IMAGE}",
            "  ${IMAGE}  ",
            "{{ image }}",
            "#{role}",
            "arn:%s:iam",
            "$$$ROLE$$$",
            "$IMAGE_URI",
            "$X",
            "<IMAGE1_NAME>",
            "123456789012.dkr.ecr.<region>.amazonaws.com/app:<tag>",
            "REPLACE_ME",
            "PLACEHOLDER",
            "CHANGE_ME_IN_PROD",
            "YOUR_ROLE_ARN",
            "__ROLE__",
            "TO_BE_FILLED",
            "é${X}",
        ] {
            assert!(is_placeholder(p), "{p:?} is a placeholder");
        }
        for v in [
            "",
            "   ",
            "nginx:1.27",
            "arn:aws:iam::111122223333:role/app",
            "$",
            "$a-b",
            "a > b < c",
            "<",
            ">",
            "Replace_me",
            "REPLACE_me",
            "YOURS",
            "_X",
            "price is 5$",
            "100%",
            "{x}",
            "é",
        ] {
            assert!(!is_placeholder(v), "{v:?} is a value");
        }
    }
}
