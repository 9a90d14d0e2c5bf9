//! Which reminders are due: a pure function of the sessions, what was posted, the settings
//! and `now`.
//!
//! Per session (profile + expiry) there are two reminders, each posted at most once: the
//! early one from `expiry − lead` until the expiry, and the "expired" one from the expiry
//! until [`LATE_LIMIT_SECONDS`](super::settings::LATE_LIMIT_SECONDS) after it. A machine
//! that slept through both posts only the "expired" one when it wakes. A session replaced by
//! a new login has a new expiry, so the old session's reminders never come.

use jiff::Timestamp;
use serde::Serialize;

use super::settings::Settings;
use super::state::State;
use crate::clock::Now;
use crate::display::{human, local_clock, minutes};
use crate::profiles::Profile;
use crate::quote::shell_word;

/// The two reminders of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Some minutes before the expiry.
    Early,
    /// At the expiry.
    Expired,
}

/// One reminder of one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// The session profile.
    pub profile: String,
    /// The session's expiry.
    pub expires_at: Timestamp,
    /// Which of the two.
    pub kind: Kind,
    /// When it is (or was) due.
    pub due_at: Timestamp,
    /// The notification it replaces on screen (the early one's, for "expired").
    pub replaces: Option<u32>,
}

/// The reminders due at `now`, in profile order.
pub fn due(
    profiles: &[Profile],
    state: &State,
    now: Timestamp,
    settings: &Settings,
) -> Vec<Reminder> {
    upcoming(profiles, state, now, settings)
        .into_iter()
        .filter(|r| r.due_at <= now)
        .collect()
}

/// For each session, the next reminder still to be posted, due now or later.
pub fn upcoming(
    profiles: &[Profile],
    state: &State,
    now: Timestamp,
    settings: &Settings,
) -> Vec<Reminder> {
    if !settings.enabled {
        return Vec::new();
    }
    profiles
        .iter()
        .filter_map(|p| next_for(p, state, now, settings))
        .collect()
}

/// When the next reminder is due (possibly already), if any is still to come.
pub fn next_due(
    profiles: &[Profile],
    state: &State,
    now: Timestamp,
    settings: &Settings,
) -> Option<Timestamp> {
    upcoming(profiles, state, now, settings)
        .iter()
        .map(|r| r.due_at)
        .min()
}

fn next_for(
    profile: &Profile,
    state: &State,
    now: Timestamp,
    settings: &Settings,
) -> Option<Reminder> {
    let expires_at = profile.expires_at?;
    let session = state.session(&profile.name, expires_at);
    let posted = |kind| session.is_some_and(|s| s.posted(kind));
    if posted(Kind::Expired) {
        return None;
    }
    let reminder = |kind, due_at| Reminder {
        profile: profile.name.to_string(),
        expires_at,
        kind,
        due_at,
        replaces: session.and_then(|s| s.notification_id),
    };
    let late = now.as_second() - expires_at.as_second();
    if late >= 0 {
        // Slept through the early reminder too: only this one, and not hours late.
        return (late <= settings.late_limit_seconds).then(|| reminder(Kind::Expired, expires_at));
    }
    let lead = settings.lead_for(&profile.name, session.and_then(|s| s.remind_seconds));
    if lead.seconds > 0 && !posted(Kind::Early) {
        let lead = i64::try_from(lead.seconds).unwrap_or(i64::MAX);
        let at = Timestamp::from_second(expires_at.as_second().saturating_sub(lead))
            .unwrap_or(Timestamp::MIN);
        return Some(reminder(Kind::Early, at));
    }
    Some(reminder(Kind::Expired, expires_at))
}

impl Reminder {
    /// The notification's title: `AWS work expires in 10 min`, `AWS work session expired`.
    pub fn title(&self, now: Timestamp) -> String {
        match self.kind {
            Kind::Early => format!(
                "AWS {} expires in {}",
                self.profile,
                minutes(self.expires_at.as_second() - now.as_second())
            ),
            Kind::Expired => format!("AWS {} session expired", self.profile),
        }
    }

    /// The notification's body: when, and what to do. `launchers` adds the Alfred way
    /// (macOS, where Alfred and Raycast run).
    pub fn body(&self, now: &Now, launchers: bool) -> String {
        let at = local_clock(self.expires_at, now);
        let command = format!("awsmfa login {}", shell_word(&self.profile));
        let how = if launchers {
            format!("run {command} or press ↩ on it in Alfred")
        } else {
            format!("run {command}")
        };
        match self.kind {
            Kind::Early => format!("The session ends at {at}: {how}."),
            Kind::Expired => {
                let late = now.at.as_second() - self.expires_at.as_second();
                if late >= 120 {
                    format!("It ended at {at} ({} ago): {how}.", human(late))
                } else {
                    format!("It ended at {at}: {how}.")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expiry::Status;
    use crate::reminders::settings::LATE_LIMIT_SECONDS;

    const EXPIRY: &str = "2026-11-25T18:42:00Z";

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn profile(name: &str, expires_at: Option<&str>) -> Profile<'static> {
        Profile {
            name: name.to_string().into(),
            via: None,
            source_profile: format!("{name}-mfa").into(),
            source_profile_has_keys: true,
            region: None,
            mfa_serial: None,
            role_arn: None,
            duration: None,
            duration_seconds: None,
            mfa_process: None,
            ykman_account: None,
            op_item: None,
            op_vault: None,
            op_account: None,
            expires_at: expires_at.map(ts),
            status: Status::Valid,
            seconds_left: None,
        }
    }

    fn work() -> Vec<Profile<'static>> {
        vec![profile("work", Some(EXPIRY))]
    }

    fn kinds(reminders: &[Reminder]) -> Vec<(String, Kind)> {
        reminders
            .iter()
            .map(|r| (r.profile.clone(), r.kind))
            .collect()
    }

    fn at(now: &str) -> Vec<(String, Kind)> {
        kinds(&due(
            &work(),
            &State::default(),
            ts(now),
            &Settings::default(),
        ))
    }

    fn posted(kind: Kind) -> State {
        let mut state = State::default();
        let session = state.session_mut("work", ts(EXPIRY));
        match kind {
            Kind::Early => session.early_posted_at = Some(ts("2026-11-25T18:32:00Z")),
            Kind::Expired => session.expired_posted_at = Some(ts("2026-11-25T18:42:00Z")),
        }
        session.notification_id = Some(3);
        state
    }

    #[test]
    fn nothing_before_the_lead_time() {
        assert_eq!(at("2026-11-25T10:00:00Z"), []);
        assert_eq!(at("2026-11-25T18:31:59Z"), []);
    }

    #[test]
    fn the_early_reminder_inside_the_lead_time() {
        let early = vec![("work".to_string(), Kind::Early)];
        assert_eq!(at("2026-11-25T18:32:00Z"), early);
        assert_eq!(at("2026-11-25T18:41:59Z"), early);
        let r = &due(
            &work(),
            &State::default(),
            ts("2026-11-25T18:32:00Z"),
            &Settings::default(),
        )[0];
        assert_eq!(r.due_at, ts("2026-11-25T18:32:00Z"));
        assert_eq!(
            r.title(ts("2026-11-25T18:32:00Z")),
            "AWS work expires in 10 min"
        );
    }

    #[test]
    fn the_expired_reminder_past_expiry_and_only_once() {
        let expired = vec![("work".to_string(), Kind::Expired)];
        assert_eq!(at(EXPIRY), expired);
        let now = ts("2026-11-25T18:43:00Z");
        let after_early = due(&work(), &posted(Kind::Early), now, &Settings::default());
        assert_eq!(kinds(&after_early), expired);
        assert_eq!(after_early[0].replaces, Some(3), "replaces the early one");
        assert_eq!(
            due(&work(), &posted(Kind::Expired), now, &Settings::default()),
            []
        );
        // Inside the lead time with the early one posted: nothing until the expiry.
        let inside = ts("2026-11-25T18:35:00Z");
        assert_eq!(
            due(&work(), &posted(Kind::Early), inside, &Settings::default()),
            []
        );
        assert_eq!(
            next_due(&work(), &posted(Kind::Early), inside, &Settings::default()),
            Some(ts(EXPIRY))
        );
    }

    #[test]
    fn slept_past_both_posts_only_expired_and_drops_it_when_hours_late() {
        assert_eq!(
            at("2026-11-25T20:00:00Z"),
            [("work".to_string(), Kind::Expired)]
        );
        let limit = ts(EXPIRY).as_second() + LATE_LIMIT_SECONDS;
        let last = Timestamp::from_second(limit).unwrap().to_string();
        assert_eq!(at(&last), [("work".to_string(), Kind::Expired)]);
        let too_late = Timestamp::from_second(limit + 1).unwrap().to_string();
        assert_eq!(at(&too_late), []);
        assert_eq!(
            next_due(
                &work(),
                &State::default(),
                ts(&too_late),
                &Settings::default()
            ),
            None,
            "nothing left to wait for"
        );
    }

    #[test]
    fn a_refreshed_session_gets_no_stale_reminder() {
        // The early reminder of the 18:42 session was posted; a new login moved the expiry.
        let refreshed = vec![profile("work", Some("2026-11-26T06:40:00Z"))];
        let now = ts("2026-11-25T18:50:00Z");
        assert_eq!(
            due(&refreshed, &posted(Kind::Early), now, &Settings::default()),
            []
        );
        assert_eq!(
            next_due(&refreshed, &posted(Kind::Early), now, &Settings::default()),
            Some(ts("2026-11-26T06:30:00Z"))
        );
    }

    #[test]
    fn no_session_or_no_profiles_means_nothing() {
        let none = vec![profile("work", None)];
        let now = ts("2026-11-25T18:50:00Z");
        assert_eq!(due(&none, &State::default(), now, &Settings::default()), []);
        assert_eq!(due(&[], &State::default(), now, &Settings::default()), []);
        assert_eq!(
            next_due(&[], &State::default(), now, &Settings::default()),
            None
        );
    }

    #[test]
    fn a_clock_going_backwards_never_posts_twice() {
        let back_in_lead = ts("2026-11-25T18:33:00Z");
        let back_before_lead = ts("2026-11-25T12:00:00Z");
        for now in [back_in_lead, back_before_lead] {
            assert_eq!(
                due(&work(), &posted(Kind::Early), now, &Settings::default()),
                []
            );
            assert_eq!(
                due(&work(), &posted(Kind::Expired), now, &Settings::default()),
                []
            );
        }
        assert_eq!(
            next_due(
                &work(),
                &posted(Kind::Expired),
                back_before_lead,
                &Settings::default()
            ),
            None
        );
    }

    #[test]
    fn lead_zero_skips_the_early_reminder_and_the_stored_flag_wins() {
        let settings = Settings {
            profile_leads: [("work".to_string(), 0)].into(),
            ..Settings::default()
        };
        let inside = ts("2026-11-25T18:35:00Z");
        assert_eq!(due(&work(), &State::default(), inside, &settings), []);
        assert_eq!(
            kinds(&due(&work(), &State::default(), ts(EXPIRY), &settings)),
            [("work".to_string(), Kind::Expired)]
        );
        let mut flagged = State::default();
        flagged.session_mut("work", ts(EXPIRY)).remind_seconds = Some(30 * 60);
        let early = ts("2026-11-25T18:20:00Z");
        assert_eq!(
            kinds(&due(&work(), &flagged, early, &settings)),
            [("work".to_string(), Kind::Early)]
        );
        // The flag belongs to that session only: a new expiry uses the profile's setting.
        let next = vec![profile("work", Some("2026-11-26T06:40:00Z"))];
        assert_eq!(
            due(&next, &flagged, ts("2026-11-26T06:20:00Z"), &settings),
            []
        );
    }

    #[test]
    fn reminders_off_means_nothing() {
        let off = Settings {
            enabled: false,
            ..Settings::default()
        };
        assert_eq!(due(&work(), &State::default(), ts(EXPIRY), &off), []);
        assert_eq!(next_due(&work(), &State::default(), ts(EXPIRY), &off), None);
    }

    #[test]
    fn several_profiles_each_get_their_own() {
        let profiles = vec![
            profile("dev", Some("2026-11-25T18:40:00Z")),
            profile("prod", Some("2026-11-25T20:00:00Z")),
            profile("work", Some(EXPIRY)),
        ];
        let now = ts("2026-11-25T18:41:00Z");
        assert_eq!(
            kinds(&due(
                &profiles,
                &State::default(),
                now,
                &Settings::default()
            )),
            [
                ("dev".to_string(), Kind::Expired),
                ("work".to_string(), Kind::Early)
            ]
        );
    }

    #[test]
    fn texts_name_the_profile_and_the_command_and_nothing_secret() {
        let clock = Now {
            at: ts("2026-11-25T18:35:30Z"),
            tz: jiff::tz::TimeZone::UTC,
        };
        let mut r = Reminder {
            profile: "my work".into(),
            expires_at: ts(EXPIRY),
            kind: Kind::Early,
            due_at: ts("2026-11-25T18:32:00Z"),
            replaces: None,
        };
        assert_eq!(r.title(clock.at), "AWS my work expires in 7 min");
        assert_eq!(
            r.body(&clock, true),
            "The session ends at 18:42: run awsmfa login 'my work' or press ↩ on it in Alfred."
        );
        r.kind = Kind::Expired;
        assert_eq!(r.title(clock.at), "AWS my work session expired");
        let late = Now {
            at: ts("2026-11-25T19:20:00Z"),
            ..clock
        };
        assert_eq!(
            r.body(&late, false),
            "It ended at 18:42 (38m ago): run awsmfa login 'my work'."
        );
    }
}
