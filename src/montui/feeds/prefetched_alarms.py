"""The alarms feed with the start-up prefetch handed over: each region's first
`alarms_in_alarm` is the prefetch child's answer when it has a good, fresh one; every other
call (and that one, when the prefetch has nothing) goes to AWS through the wrapped feed."""

from __future__ import annotations

from collections.abc import Callable

from montui.feeds.alarms import Alarms
from montui.feeds.prefetch import AlarmPrefetch, RegionAnswer
from montui.model.alarm import Alarm, AlarmKind
from montui.startup_log import mark


class PrefetchedAlarms:
    """`Alarms` whose first ALARM answer per region may come from an `AlarmPrefetch`.

    `prefetch` is asked at call time (the demo's prefetch starts only once the world is
    ready); `learn_account` is told the account read from the answer's ARNs."""

    def __init__(
        self,
        inner: Alarms,
        prefetch: Callable[[], AlarmPrefetch | None],
        learn_account: Callable[[str], None] = lambda _: None,
        nothing_prefetched: Callable[[], None] = lambda: None,
    ) -> None:
        self.inner = inner
        self.prefetch = prefetch
        self.learn_account = learn_account
        self.nothing_prefetched = nothing_prefetched
        """Told when a region's first ALARM answer must come from AWS after all (the session's
        `rows_shown`: the AWS stack's import must not wait for rows that will not come)."""
        self._kept: dict[str, tuple[Alarm, ...]] = {}

    def prefetched(self, region: str) -> tuple[Alarm, ...] | None:
        """`region`'s ALARM alarms if the prefetch child has answered already (no wait), for
        the first frame; kept for the first `alarms_in_alarm`, which then asks nothing."""
        prefetch = self.prefetch()
        answer = prefetch.take_now(region) if prefetch is not None else None
        found = self._handed_over(answer) if answer is not None else None
        if found is not None:
            self._kept[region] = found
        return found

    async def alarms(self, region: str) -> tuple[Alarm, ...]:
        return await self.inner.alarms(region)

    async def alarms_in_alarm(self, region: str) -> tuple[Alarm, ...]:
        kept = self._kept.pop(region, None)
        if kept is not None:
            return kept
        prefetch = self.prefetch()
        answer = await prefetch.take(region) if prefetch is not None else None
        found = self._handed_over(answer) if answer is not None else None
        if found is not None:
            return found
        if prefetch is not None:
            self.nothing_prefetched()
        found = await self.inner.alarms_in_alarm(region)
        mark(f"ALARM alarms asked {region}")
        return found

    def _handed_over(self, answer: RegionAnswer) -> tuple[Alarm, ...] | None:
        try:
            found = parse_answer(answer)
        except (KeyError, TypeError, ValueError):
            return None
        if found and found[0].account:
            self.learn_account(found[0].account)
        mark(f"prefetch handed over {answer.region}")
        return found


def parse_answer(answer: RegionAnswer) -> tuple[Alarm, ...]:
    """The alarms of a prefetched answer, parsed as the normal poll parses DescribeAlarms."""
    from montui.sources.cloudwatch import alarm_from_api

    alarms: list[Alarm] = []
    for page in answer.pages:
        for kind, key in (
            (AlarmKind.METRIC, "MetricAlarms"),
            (AlarmKind.COMPOSITE, "CompositeAlarms"),
        ):
            for data in page.get(key) or ():
                alarms.append(alarm_from_api(data, answer.region, kind))
    return tuple(alarms)
