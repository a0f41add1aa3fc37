"""Which region names are real: botocore's endpoint data for the commercial, China and GovCloud
partitions, so a typo such as `us-esat-1` is caught before montui tries to connect.

A region launched after the installed botocore is still accepted when it matches a partition's
region pattern and reads like a region (`<area>-<compass direction>-<n>`); a typo in the
direction word is not.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Any

from montui.sources.errors import UnknownRegion

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
_COMMON = ("us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1")
_SHAPE = re.compile(
    r"^[a-z]{2}(?:-gov)?-(?:central|north|south|east|west|northeast|northwest|southeast|southwest)"
    r"-\d+$"
)


@lru_cache(maxsize=1)
def data_loader() -> Any:
    """The botocore data loader the region check reads with (it caches what it loads: a
    botocore session given it, `register_component("data_loader", …)`, parses nothing twice)."""
    import botocore.loaders

    return botocore.loaders.create_loader()


@lru_cache(maxsize=1)
def _partition_data() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    endpoints: dict[str, Any] = data_loader().load_data("endpoints")
    names: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for partition in endpoints.get("partitions", []):
        if partition.get("partition") not in PARTITIONS:
            continue
        names.update(partition.get("regions", {}))
        if partition.get("regionRegex"):
            patterns.append(re.compile(partition["regionRegex"]))
    return frozenset(names), tuple(patterns)


def known_regions() -> tuple[str, ...]:
    """Every region botocore lists for the `aws`, `aws-cn` and `aws-us-gov` partitions."""
    return tuple(sorted(_partition_data()[0]))


def is_valid_region(name: str) -> bool:
    """True for a known region, or a newer one shaped like a region of those partitions."""
    names, patterns = _partition_data()
    if name in names:
        return True
    return bool(_SHAPE.match(name)) and any(p.match(name) for p in patterns)


def check_region(name: str) -> str:
    """The region name, trimmed and lower-cased; `UnknownRegion` with suggestions if invalid."""
    region = name.strip().lower()
    if is_valid_region(region):
        return region
    close = difflib.get_close_matches(region, known_regions(), n=3, cutoff=0.6)
    suggestions = tuple(close) if close else _COMMON
    raise UnknownRegion(name, suggestions)
