//! Date normalisation without a date crate.
//!
//! Providers send RFC 3339 timestamps with `Z` (Unleash, Flagsmith), with `+00:00` (Flagsmith V2
//! `last_modified_*`), or Unix epoch milliseconds (LaunchDarkly). Everything in a
//! [`super::ProviderState`] is normalised to `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds).

use std::time::{SystemTime, UNIX_EPOCH};

/// Calendar arithmetic lives in `crate::date` (one implementation for the crate).
pub use crate::date::{civil_from_days, days_from_civil};

/// Format Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_unix_secs(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Format Unix epoch milliseconds (LaunchDarkly's `creationDate`, `lastModified`).
pub fn format_epoch_ms(ms: i64) -> String {
    format_unix_secs(ms.div_euclid(1000))
}

/// The current time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    format_unix_secs(secs)
}

/// Current Unix time in milliseconds.
pub(crate) fn now_epoch_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Parse an RFC 3339 timestamp (`Z`, `+HH:MM`, `-HH:MM`, optional fraction, `T` or space) or a
/// bare `YYYY-MM-DD` date into Unix seconds. `None` if it is not one of those shapes.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from + len)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, mo as u32, d as u32);
    if b.len() == 10 {
        return Some(days * 86_400);
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 19 || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, mi, se) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset = match &s[i..] {
        "" | "Z" | "z" => 0,
        rest => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let rest = &rest[1..];
            if !rest.is_ascii() {
                return None;
            }
            let (oh, om) = match rest.len() {
                5 if rest.as_bytes()[2] == b':' => (&rest[0..2], &rest[3..5]),
                4 => (&rest[0..2], &rest[2..4]),
                2 => (rest, "00"),
                _ => return None,
            };
            let oh: i64 = oh.parse().ok()?;
            let om: i64 = om.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days * 86_400 + h * 3600 + mi * 60 + se - offset)
}

/// Normalise a provider timestamp to `YYYY-MM-DDTHH:MM:SSZ`; `None` if it cannot be parsed.
pub fn normalize(s: &str) -> Option<String> {
    parse_rfc3339(s).map(format_unix_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-719_468, -1, 0, 1, 10_957, 19_000, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn normalises_provider_shapes() {
        assert_eq!(
            normalize("2026-11-21T20:29:21.858834Z").as_deref(),
            Some("2026-11-21T20:29:21Z")
        );
        assert_eq!(
            normalize("2026-11-21T20:29:37.754313+00:00").as_deref(),
            Some("2026-11-21T20:29:37Z")
        );
        assert_eq!(
            normalize("2026-11-21T22:29:37+02:00").as_deref(),
            Some("2026-11-21T20:29:37Z")
        );
        assert_eq!(
            normalize("2026-08-13").as_deref(),
            Some("2026-08-13T00:00:00Z")
        );
        assert_eq!(format_epoch_ms(1_700_000_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(format_epoch_ms(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_epoch_ms(-1), "1969-12-31T23:59:59Z");
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-11-21T25:00:00Z",
            "2026-11-21Tx",
            "2026-11-21T20:29:37+aé",
        ] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }
}
