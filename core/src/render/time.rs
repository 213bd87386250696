//! RFC 3339 timestamps with millisecond precision, without a date library: formatted for
//! outputs, and read from AWS answers (ISO 8601 text as the AWS CLI v2 prints it, or epoch
//! seconds).

/// Format milliseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn rfc3339_millis(epoch_ms: i64) -> String {
    let ms = epoch_ms.rem_euclid(1000);
    let secs = epoch_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        sod / 3600,
        (sod % 3600) / 60,
        sod % 60
    )
}

/// `YYYY-MM-DD` of an instant (UTC).
pub fn date(epoch_ms: i64) -> String {
    let (y, m, d) = civil_from_days(epoch_ms.div_euclid(86_400_000));
    format!("{y:04}-{m:02}-{d:02}")
}

/// An AWS timestamp as milliseconds since the Unix epoch: `2026-11-10T02:00:00+00:00`,
/// `...Z`, `...T02:00:00.123456Z`, `2026-11-10 02:00:00+01:00`, or epoch seconds (a number or
/// numeric text). `None` for anything else.
pub fn parse_timestamp_ms(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64().map(|s| (s * 1000.0).round() as i64),
        serde_json::Value::String(t) => parse_text(t.trim()),
        _ => None,
    }
}

fn parse_text(t: &str) -> Option<i64> {
    if let Ok(s) = t.parse::<f64>() {
        return Some((s * 1000.0).round() as i64);
    }
    let num = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (day, rest) = t.split_at_checked(10)?;
    let mut parts = day.split('-');
    let (y, m, d) = (
        num(parts.next()?)?,
        num(parts.next()?)?,
        num(parts.next()?)?,
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m as u32, d as u32);
    if rest.is_empty() {
        return Some(days * 86_400_000);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    // The offset: `Z`, or `+hh:mm` / `-hh:mm` (`+hhmm` too).
    let (clock, offset_s) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else {
        let at = rest.rfind(['+', '-'])?;
        let (c, o) = rest.split_at(at);
        let sign = if o.starts_with('-') { -1 } else { 1 };
        let o = o[1..].replace(':', "");
        if o.len() != 4 {
            return None;
        }
        let (hh, mm) = (num(&o[..2])?, num(&o[2..])?);
        (c, sign * (hh * 3600 + mm * 60))
    };
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let mut hms = hms.split(':');
    let (h, mi, s) = (num(hms.next()?)?, num(hms.next()?)?, num(hms.next()?)?);
    if hms.next().is_some() || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let ms = if fraction.is_empty() {
        0
    } else {
        let digits: String = fraction.chars().take(3).collect();
        num(&format!("{digits:0<3}"))?
    };
    Some((days * 86_400 + h * 3600 + mi * 60 + s - offset_s) * 1000 + ms)
}

/// Howard Hinnant's civil-to-days algorithm.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_millis(1_700_000_000_123),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(rfc3339_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn reads_the_timestamps_aws_answers_with() {
        use serde_json::json;
        let at = |v: serde_json::Value| parse_timestamp_ms(&v);
        assert_eq!(at(json!("2023-11-14T22:13:20Z")), Some(1_700_000_000_000));
        assert_eq!(
            at(json!("2023-11-14T22:13:20.123Z")),
            Some(1_700_000_000_123)
        );
        assert_eq!(
            at(json!("2023-11-14T22:13:20.1234567Z")),
            Some(1_700_000_000_123)
        );
        assert_eq!(
            at(json!("2023-11-14T22:13:20+00:00")),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            at(json!("2023-11-15T00:13:20+02:00")),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            at(json!("2023-11-14T20:13:20-0200")),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            at(json!("2023-11-14 22:13:20+00:00")),
            Some(1_700_000_000_000)
        );
        assert_eq!(at(json!("2000-02-29")), Some(951_782_400_000));
        assert_eq!(at(json!(1_700_000_000.5)), Some(1_700_000_000_500));
        assert_eq!(at(json!("1700000000")), Some(1_700_000_000_000));
        for bad in [
            "",
            "yesterday",
            "2023-13-01T00:00:00Z",
            "2023-11-14T25:00:00Z",
            "2023-11-14T22:13",
        ] {
            assert_eq!(at(json!(bad)), None, "{bad}");
        }
        assert_eq!(at(json!(null)), None);
        // Round trips through the formatter, across leap years and before the epoch.
        for ms in [
            0,
            951_782_400_000,
            1_700_000_000_123,
            -86_400_000,
            4_102_444_800_000,
        ] {
            assert_eq!(at(json!(rfc3339_millis(ms))), Some(ms), "{ms}");
        }
        assert_eq!(date(1_700_000_000_123), "2023-11-14");
    }
}
