//! Password rotation decisions, pure: the current time is passed in.
//!
//! As in the reference operator:
//! - rotation applies to roles listed in `usersWithSecretRotation` (new dated users) or
//!   `usersWithInPlaceSecretRotation` (same user, new password), and with
//!   `enable_password_rotation` to every login role of the manifest except database owners;
//!   `usersIgnoringSecretRotation` opts out; system users and standby clusters never rotate;
//! - the Secret records the next rotation time under `nextRotation` (RFC 3339, UTC);
//! - rotation with new users writes `<role>YYMMDD` into the Secret's `username` with a new
//!   password; that user is created as a LOGIN member of the role, and rotation users older
//!   than `password_rotation_user_retention` days are dropped.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, civil::Date};

use super::settings::{RoleSettings, RotationSettings};
use super::sql::MAX_IDENTIFIER_BYTES;
use crate::crd::PostgresSpec;

/// Secret key holding the next rotation time.
pub const NEXT_ROTATION_KEY: &str = "nextRotation";
/// Annotation of a credential Secret: when the controller last wrote a new password into it
/// (RFC 3339 with nanoseconds). It tells the password's generations apart (`nextRotation` does
/// not: two rotations within one second write the same one), for what must follow a new password,
/// such as the pooler's pods ([`crate::pooler::credentials_restart`]).
pub const PASSWORD_ROTATED_ANNOTATION: &str = "pgctl.zalan.do/password-rotated";
/// Length of the date suffix of rotation users (`YYMMDD`).
pub const DATE_SUFFIX_LEN: usize = 6;

/// How a role's password rotates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotationMode {
    Off,
    /// Same user, new password.
    InPlace,
    /// A new dated user `<role>YYMMDD` per rotation.
    NewUsers,
}

/// Whether `role` is the connection pooler's.
fn is_pooler(role: &str, spec: &PostgresSpec, settings: &RoleSettings) -> bool {
    !crate::pooler::wanted(spec).is_empty()
        && role
            == crate::pooler::user_of(
                spec,
                &settings.super_username,
                &settings.replication_username,
                &settings.pooler_user,
            )
}

/// The rotation mode of `role`.
///
/// The pooler's role rotates only when the manifest lists it (`enable_password_rotation`
/// covers the manifest's roles, as in the reference), and always in place: its pods log in as
/// the role itself (`PGUSER`), and restart onto the new password
/// ([`crate::pooler::credentials_restart`]).
pub fn mode(
    role: &str,
    spec: &PostgresSpec,
    settings: &RoleSettings,
    owns_database: bool,
) -> RotationMode {
    let listed = |list: &Option<Vec<String>>| list.iter().flatten().any(|r| r == role);
    if role == settings.super_username
        || role == settings.replication_username
        || spec.standby.is_some()
        || listed(&spec.users_ignoring_secret_rotation)
    {
        return RotationMode::Off;
    }
    if is_pooler(role, spec, settings) {
        let asked = listed(&spec.users_with_in_place_secret_rotation)
            || listed(&spec.users_with_secret_rotation);
        return if asked {
            RotationMode::InPlace
        } else {
            RotationMode::Off
        };
    }
    let mode = if listed(&spec.users_with_in_place_secret_rotation) {
        RotationMode::InPlace
    } else if listed(&spec.users_with_secret_rotation)
        || (settings.rotation.enabled && !owns_database)
    {
        RotationMode::NewUsers
    } else {
        RotationMode::Off
    };
    // A dated user name must fit in an identifier; otherwise rotate in place.
    if mode == RotationMode::NewUsers && role.len() + DATE_SUFFIX_LEN > MAX_IDENTIFIER_BYTES {
        return RotationMode::InPlace;
    }
    mode
}

/// The rotation user of `role` created at `now` (`<role>YYMMDD`, UTC date).
pub fn rotation_user_name(role: &str, now: Timestamp) -> String {
    let d = now.to_zoned(TimeZone::UTC).date();
    format!(
        "{role}{:02}{:02}{:02}",
        d.year().rem_euclid(100),
        d.month(),
        d.day()
    )
}

/// The creation date of `candidate` if it is a rotation user of `role` (`role` followed by a
/// valid `YYMMDD` date).
pub fn rotation_user_date(role: &str, candidate: &str) -> Option<Date> {
    let suffix = candidate.strip_prefix(role)?;
    if suffix.len() != DATE_SUFFIX_LEN || !suffix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| suffix.get(r).and_then(|s| s.parse::<i8>().ok());
    let (yy, mm, dd) = (num(0..2)?, num(2..4)?, num(4..6)?);
    Date::new(2000 + i16::from(yy), mm, dd).ok()
}

/// Whether a rotation user created on `date` is older than `expire_before`.
pub fn is_expired(date: Date, expire_before: Timestamp) -> bool {
    date.to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp() < expire_before)
        .unwrap_or(false)
}

/// What the Secret of a role holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretState<'a> {
    /// The `username` key.
    pub username: &'a str,
    /// The `nextRotation` key, if present.
    pub next_rotation: Option<&'a str>,
}

/// What to do with a role's Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretAction {
    Keep,
    /// Only record the next rotation time.
    SetNextRotation {
        next_rotation: String,
    },
    /// Generate a new password and write it with `username`; write `next_rotation` when
    /// `Some`. After writing, the next sync sets the password on the role (in place) or creates
    /// the dated user.
    Rotate {
        username: String,
        next_rotation: Option<String>,
    },
}

/// Formats a time as the Secret stores it (RFC 3339, UTC, whole seconds).
pub fn format_time(t: Timestamp) -> String {
    Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string()
}

/// Decides the rotation of `role`'s Secret at `now`.
pub fn decide(
    role: &str,
    mode: RotationMode,
    secret: SecretState<'_>,
    now: Timestamp,
    settings: &RotationSettings,
) -> SecretAction {
    if mode == RotationMode::Off {
        // Rotation with new users was switched off: go back to the role itself, with a new
        // password (the role's own password is not known any more).
        if secret.username != role {
            return SecretAction::Rotate {
                username: role.to_string(),
                next_rotation: None,
            };
        }
        return SecretAction::Keep;
    }
    let interval = SignedDuration::from_hours(24 * i64::from(settings.interval_days));
    let cap = now.checked_add(interval).unwrap_or(Timestamp::MAX);
    let stored = secret
        .next_rotation
        .and_then(|s| s.trim().parse::<Timestamp>().ok());
    let next = stored.map_or(cap, |n| n.min(cap));
    let expected = match mode {
        RotationMode::InPlace => role.to_string(),
        _ => rotation_user_name(role, now),
    };
    // Switching to in-place rotation: the Secret still names a dated user.
    let mode_changed = secret.username.len() > expected.len();
    if now > next || mode_changed {
        return SecretAction::Rotate {
            username: expected,
            next_rotation: Some(format_time(cap)),
        };
    }
    if stored.is_none() {
        return SecretAction::SetNextRotation {
            next_rotation: format_time(cap),
        };
    }
    SecretAction::Keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn dated_names_round_trip() {
        let now = ts("2025-03-07T23:59:00Z");
        assert_eq!(rotation_user_name("foo_user", now), "foo_user250307");
        assert_eq!(
            rotation_user_date("foo_user", "foo_user250307"),
            Date::new(2025, 3, 7).ok()
        );
        assert_eq!(rotation_user_date("foo_user", "foo_user251307"), None);
        assert_eq!(rotation_user_date("foo_user", "foo_user2503"), None);
        assert_eq!(rotation_user_date("foo_user", "bar250307"), None);
        let d = Date::new(2025, 1, 1).unwrap_or_default();
        assert!(is_expired(d, ts("2025-01-01T00:00:01Z")));
        assert!(!is_expired(d, ts("2025-01-01T00:00:00Z")));
    }

    #[test]
    fn decisions() {
        let s = RotationSettings {
            enabled: true,
            interval_days: 30,
            retention_days: 60,
        };
        let now = ts("2025-03-07T10:00:00Z");
        let fresh = SecretState {
            username: "app",
            next_rotation: None,
        };
        assert_eq!(
            decide("app", RotationMode::InPlace, fresh, now, &s),
            SecretAction::SetNextRotation {
                next_rotation: "2025-04-06T10:00:00Z".into()
            }
        );
        let due = SecretState {
            username: "app",
            next_rotation: Some("2025-03-01T00:00:00Z"),
        };
        assert_eq!(
            decide("app", RotationMode::NewUsers, due, now, &s),
            SecretAction::Rotate {
                username: "app250307".into(),
                next_rotation: Some("2025-04-06T10:00:00Z".into())
            }
        );
        let not_due = SecretState {
            username: "app250301",
            next_rotation: Some("2025-03-31T00:00:00Z"),
        };
        assert_eq!(
            decide("app", RotationMode::NewUsers, not_due, now, &s),
            SecretAction::Keep
        );
        // Switched to in place: rotate now, back to the role itself.
        assert!(matches!(
            decide("app", RotationMode::InPlace, not_due, now, &s),
            SecretAction::Rotate { ref username, .. } if username == "app"
        ));
        // Switched off: back to the role with a new password.
        assert_eq!(
            decide("app", RotationMode::Off, not_due, now, &s),
            SecretAction::Rotate {
                username: "app".into(),
                next_rotation: None
            }
        );
        assert_eq!(
            decide("app", RotationMode::Off, fresh, now, &s),
            SecretAction::Keep
        );
    }

    #[test]
    fn the_pooler_role_rotates_in_place_and_only_when_the_manifest_lists_it() {
        let config = crate::config::OperatorConfig {
            enable_password_rotation: true,
            ..crate::config::OperatorConfig::default()
        };
        let settings = crate::roles::settings::role_settings(&config);
        let mut spec = PostgresSpec {
            enable_connection_pooler: Some(true),
            ..PostgresSpec::default()
        };
        // enable_password_rotation covers the manifest's roles, not the pooler's.
        assert_eq!(mode("pooler", &spec, &settings, false), RotationMode::Off);
        spec.users_with_secret_rotation = Some(vec!["pooler".into()]);
        assert_eq!(
            mode("pooler", &spec, &settings, false),
            RotationMode::InPlace
        );
        spec.users_with_secret_rotation = None;
        spec.users_with_in_place_secret_rotation = Some(vec!["pooler".into()]);
        assert_eq!(
            mode("pooler", &spec, &settings, false),
            RotationMode::InPlace
        );
        spec.users_ignoring_secret_rotation = Some(vec!["pooler".into()]);
        assert_eq!(mode("pooler", &spec, &settings, false), RotationMode::Off);
    }
}
