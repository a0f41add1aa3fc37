"""The demo's live moments: when each scripted story starts and how long it lasts, in one table.

Every offset is simulated time after the world's start (rounded down to the minute where a
story says so). `montui --demo` runs the world at `DEMO_SPEED` (10x) from `live.lead_for`
before the wall clock, so a real second is ten simulated ones until the last moment has
played (`STORY`); the "real" column below is simulated / 10. Spaced so that a ten-minute
session sees every pane live, each reaching the triage screen's act-now section while it
lasts:

| moment | pane | simulated | real at 10x |
|---|---|---|---|
| `CONTACT_FORM` | alarms | -2 .. +23 min | 0 .. ~2.3 min |
| `CREDENTIALS` | findings | +10, seen every 5 min until +25 | ~1 .. 2.5 min |
| `LOCK_PILEUP` | DB load | +30 .. +50 min | ~3 .. 5 min |
| `NEWSLETTER` | SES | sent +35 .. +65; rate up from +50..65 | ~5..6.5 min on |

Act now because: `CONTACT_FORM` the contact form's error-rate alarm and its composite fire
(SES throttling); `CREDENTIALS` a new High GuardDuty finding (the form's Lambda role
credentials used outside AWS); `LOCK_PILEUP` the Aurora writer's non-CPU load above its 8
vCPUs for 20 minutes (`shop-aurora-writer-dbload-noncpu` fires); `NEWSLETTER` the SES
complaint rate over AWS's 0.1 % review threshold (`hitori-ses-complaint-rate` fires).

The SES moment is the newsletter going out again to the imported list: its quarter hours
(those starting in the moment) carry `NEWSLETTER_ATTEMPTS` more messages, of which
`NEWSLETTER_COMPLAINTS` are marked as spam. SES publishes its rates over the last day of mail
(`scenario.ses`), so the complaint rate rises at the end of the first newsletter quarter hour
and, like AWS's, stays above 0.1 % for about a day: it does not clear within the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

__all__ = [
    "CONTACT_FORM",
    "CREDENTIALS",
    "DEMO_SPEED",
    "LOCK_PILEUP",
    "MOMENTS",
    "NEWSLETTER",
    "NEWSLETTER_ATTEMPTS",
    "NEWSLETTER_COMPLAINTS",
    "STORY",
    "Moment",
    "schedule",
]

DEMO_SPEED = 10.0
"""`montui --demo`'s speed (`montui_world.serve --speed`)."""


@dataclass(frozen=True, slots=True)
class Moment:
    """One scripted live story: it starts `starts_after` the world's start (negative: before
    it) and lasts `lasts`; its pane (`pane`) reaches act-now between `appears` and `shows`
    after the start (a window where the world's rounding decides), and clears when the
    story is over unless `clears` is False (a day's rate stays up for a day)."""

    key: str
    pane: str
    starts_after: timedelta
    lasts: timedelta
    appears: timedelta
    shows: timedelta
    what: str
    clears: bool = True

    @property
    def ends_after(self) -> timedelta:
        """When the story is over (simulated, after the start)."""
        return self.starts_after + self.lasts


_MIN = timedelta(minutes=1)

CONTACT_FORM = Moment(
    "contact-form",
    "alarms",
    -2 * _MIN,
    25 * _MIN,
    0 * _MIN,
    1 * _MIN,
    "contact form down: SES throttling, hitori-contact-form-down",
)
CREDENTIALS = Moment(
    "credentials",
    "findings",
    10 * _MIN,
    15 * _MIN,
    10 * _MIN,
    10 * _MIN,
    "new High finding: the form's role credentials used outside AWS",
    clears=False,
)
LOCK_PILEUP = Moment(
    "lock-pileup",
    "dbload",
    30 * _MIN,
    20 * _MIN,
    31 * _MIN,
    34 * _MIN,
    "Aurora writer lock pile-up: DB load over its 8 vCPUs",
)
NEWSLETTER = Moment(
    "newsletter", "ses", 35 * _MIN, 30 * _MIN, 50 * _MIN, 65 * _MIN,
    "SES complaint spike: complaint rate over 0.1 % (review)",
    clears=False,
)  # fmt: skip
"""Sent in the quarter hours starting in [+35, +65) minutes: two quarter hours. The rate is
published per quarter hour, so it rises 15 to 30 simulated minutes after +35."""

NEWSLETTER_ATTEMPTS = 600
"""Extra delivery attempts in each newsletter quarter hour (about 0.7 a second; the Tokyo
account may send 14)."""
NEWSLETTER_COMPLAINTS = 10
"""Complaints among them (about 1.7 %): one quarter hour lifts the day's rate from about
0.03 % to about 0.25 %, two to about 0.4 % (under the 0.5 % at which AWS may pause sending)."""

MOMENTS: tuple[Moment, ...] = (CONTACT_FORM, CREDENTIALS, LOCK_PILEUP, NEWSLETTER)

STORY = max(max(m.ends_after, m.shows) for m in MOMENTS) + 5 * _MIN
"""The simulated time after the start that must play at full speed: every moment, and a few
minutes after the last (the contact form's alarms marked recovered, the rate published)."""


def schedule(speed: float) -> list[str]:
    """One line per moment: when a person watching a world at `speed` sees it act now, in
    real time after the world opens (the world runs at `speed` through `STORY`)."""
    pace = max(speed, 1.0)

    def real(offset: timedelta) -> str:
        return f"{max(0.0, offset.total_seconds()) / pace / 60:.1f}"

    lines = []
    for m in MOMENTS:
        start, deadline = real(m.appears), real(m.shows)
        when = start if start == deadline or m.appears <= timedelta(0) else f"{start}-{deadline}"
        span = f"{when} to {real(m.ends_after)} min" if m.clears else f"{when} min on"
        lines.append(f"{span:<22}{m.pane:<10}{m.what}")
    return lines
