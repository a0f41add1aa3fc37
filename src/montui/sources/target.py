"""Which AWS account view montui watches (`AwsTarget`) and how it is decided from flags, config
and the environment (`resolve_target`): synchronous, reading only config files and the
environment. Kept free of asyncio and aiobotocore: the start-up prefetch child (`montui.early`)
resolves its target with it while montui still imports Textual.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from montui.sources.errors import NoRegion, SourceError, UnknownProfile
from montui.sources.regions import check_region

if TYPE_CHECKING:
    from montui.sources.assume_role import AssumedRole

READ_TIMEOUT = 10.0
"""Seconds botocore waits for an answer before it retries (tests behind the fault proxy, whose
stalls outlast it, make it small)."""


class AwsTarget(Struct, frozen=True):
    """The AWS account view montui watches: a profile, its regions, an optional endpoint.

    `profile` None means botocore's default credential chain. `endpoint_url` overrides every
    service's endpoint (the local demo world); when None, botocore still honours
    `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`. `static_credentials` (key, secret)
    are only for the local demo world. `role`: the clients use that role's credentials,
    assumed with the profile's (or the static ones) and refreshed before they expire.
    """

    profile: str | None
    regions: tuple[str, ...]
    endpoint_url: str | None = None
    static_credentials: tuple[str, str] | None = None
    role: AssumedRole | None = None


def resolve_target(
    *,
    profile: str | None,
    regions: Sequence[str] | None,
    endpoint_url: str | None,
    config_profile: str | None = None,
    config_regions: Sequence[str] | None = None,
    config_endpoint_url: str | None = None,
    static_credentials: tuple[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    role: AssumedRole | None = None,
) -> AwsTarget:
    """Decide the profile, regions and endpoint from flags, montui's config and the environment.

    Profile: `profile` > AWS_PROFILE > AWS_DEFAULT_PROFILE > `config_profile` > None (the
    default chain; with `role`, the credentials the role is assumed with). With
    `static_credentials` only an explicit `profile` counts: the
    credentials do not come from a profile. Regions: `regions` > `config_regions` >
    AWS_REGION > AWS_DEFAULT_REGION > the profile's `region`; each entry may hold several
    names separated by commas; duplicates are dropped, order kept. Endpoint: `endpoint_url` >
    `config_endpoint_url` > None.

    Raises `UnknownProfile`, `UnknownRegion` or `NoRegion` (all fatal).
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    if static_credentials is not None:
        chosen = profile or None
    else:
        chosen = (
            profile
            or environ.get("AWS_PROFILE")
            or environ.get("AWS_DEFAULT_PROFILE")
            or config_profile
            or None
        )
    scoped = _profile_config(chosen, environ)
    names = _split_regions(regions) or _split_regions(config_regions)
    if not names:
        fallback = (
            environ.get("AWS_REGION")
            or environ.get("AWS_DEFAULT_REGION")
            or str(scoped.get("region") or "")
        )
        names = _split_regions([fallback])
    if not names:
        raise NoRegion()
    checked = tuple(dict.fromkeys(check_region(name) for name in names))
    return AwsTarget(
        profile=chosen,
        regions=checked,
        endpoint_url=endpoint_url or config_endpoint_url or None,
        static_credentials=static_credentials,
        role=role,
    )


def _split_regions(values: Sequence[str] | None) -> list[str]:
    if not values:
        return []
    return [part for value in values for part in re.split(r"[,\s]+", value) if part]


def _profile_config(profile: str | None, environ: Mapping[str, str]) -> Mapping[str, Any]:
    """The profile's section of the AWS config; `UnknownProfile` if a named one is missing."""
    import botocore.exceptions
    import botocore.session

    session = botocore.session.Session()
    for variable, key in (
        ("AWS_CONFIG_FILE", "config_file"),
        ("AWS_SHARED_CREDENTIALS_FILE", "credentials_file"),
    ):
        if environ.get(variable):
            session.set_config_variable(key, environ[variable])
    try:
        profiles: dict[str, Mapping[str, Any]] = session.full_config.get("profiles", {})
    except botocore.exceptions.BotoCoreError as exc:  # ConfigParseError and friends
        hint = "fix the file, or point AWS_CONFIG_FILE elsewhere"
        raise SourceError(f"cannot read the AWS config: {exc}", hint, fatal=True) from exc
    if profile is None:
        return profiles.get("default", {})
    if profile not in profiles:
        raise UnknownProfile(profile, tuple(sorted(profiles)))
    return profiles[profile]
