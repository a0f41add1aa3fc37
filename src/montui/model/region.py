"""Region names in a narrow column: `ap-northeast-1` → `apne1`, `us-east-1` → `use1`."""

from __future__ import annotations

_WORDS = {
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "central": "c",
}


def region_code(region: str) -> str:
    """The short code engineers write in resource names (`euw2`, `apse2`, `usgw1`)."""
    parts = region.split("-")
    if len(parts) < 3 or not parts[-1].isdigit():
        return region
    middle = "".join(_WORDS.get(p, p[:1]) for p in parts[1:-1])
    return f"{parts[0]}{middle}{parts[-1]}"
