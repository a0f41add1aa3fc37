"""Where the database load pane lists DB instances: every (account, region) with that
account's own `DbLoadFeed`, and for a listed instance the feed (and account alias) its load
is read through.

One account: the pane's regions with its one feed, alias "". Several accounts
(`[[account]]`): one entry per (alias, region); a failing account's entries are reported
(`alias/region: error`) while the others' instances are listed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from montui.feeds.dbload import DbLoadFeed
from montui.model.dbload import DbInstance

Where = tuple[str, str, DbLoadFeed]
"""(account alias, region, that account's feed)."""


@dataclass
class DbPlaces:
    """The (account, region)s the pane lists, and which feed each listed instance uses."""

    places: list[Where]
    default: DbLoadFeed
    refused: list[tuple[str, BaseException]] = field(default_factory=list)
    """`alias/region` and error of the accounts that could not connect (never asked)."""
    _of: dict[tuple[str, str, str], tuple[str, DbLoadFeed]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        feed: DbLoadFeed,
        regions: Sequence[str],
        places: Sequence[Where] = (),
        refused: Sequence[tuple[str, str, Exception]] = (),
    ) -> DbPlaces:
        """`places` (several accounts) or `regions` with `feed` (one account); `refused`:
        (alias, region, error) of accounts that could not connect."""
        chosen = list(places) or [("", region, feed) for region in regions]
        return cls(chosen, feed, [(f"{alias}/{region}", e) for alias, region, e in refused])

    @property
    def multi(self) -> bool:
        """Several accounts: the picker shows the Acct column."""
        return len({alias for alias, _, _ in self.places}) > 1

    @property
    def names(self) -> list[str]:
        """Each entry as the pane names it: `prod/us-east-1`, or the region alone."""
        return [f"{alias}/{region}" if alias else region for alias, region, _ in self.places]

    async def instances(self) -> tuple[list[DbInstance], list[tuple[str, BaseException]]]:
        """Every entry's instances (asked together), and the entries that failed, by name."""
        answers = await asyncio.gather(
            *(feed.instances(region) for _, region, feed in self.places), return_exceptions=True
        )
        found: list[DbInstance] = []
        failed: list[tuple[str, BaseException]] = list(self.refused)
        for name, (alias, _, feed), answer in zip(self.names, self.places, answers, strict=True):
            if isinstance(answer, BaseException):
                failed.append((name, answer))
                continue
            for instance in answer:
                self._of[self._key(instance)] = (alias, feed)
                found.append(instance)
        return found, failed

    @staticmethod
    def _key(instance: DbInstance) -> tuple[str, str, str]:
        return (instance.place.account, instance.place.region, instance.identifier)

    def feed_of(self, instance: DbInstance) -> DbLoadFeed:
        """The feed of the account `instance` was listed in (the pane's own otherwise)."""
        return self._of.get(self._key(instance), ("", self.default))[1]

    def alias_of(self, instance: DbInstance) -> str:
        """The alias of the account `instance` was listed in ("" with one account)."""
        return self._of.get(self._key(instance), ("", self.default))[0]
