"""`[[account]]` in the config file: the specs it gives, and its errors (file, line, key)."""

from __future__ import annotations

from pathlib import Path

import pytest

from montui.config import load_settings
from montui.config_errors import ConfigError
from montui.model.accounts import AccountSpec, UnknownAccount, choose_accounts, header_words

ROLE = "arn:aws:iam::111111111111:role/montui-readonly"


def load(tmp_path: Path, text: str) -> tuple[AccountSpec, ...]:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_settings(path, env={}).accounts


def error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    return str(caught.value)


def test_no_account_tables_means_no_accounts(tmp_path: Path) -> None:
    assert load(tmp_path, 'regions = ["us-east-1"]\n') == ()


def test_every_kind_of_account(tmp_path: Path) -> None:
    specs = load(
        tmp_path,
        f"""regions = ["us-east-1"]

[[account]]
alias = "shared"

[[account]]
alias = "prod"
role_arn = "{ROLE}"
session_name = "oncall"
external_id = "montui-x1"
duration = "2h"
regions = ["eu-west-1", "us-east-1", "eu-west-1"]

[[account]]
alias = "staging"
profile = "staging-ro"
duration = 900
""",
    )
    shared, prod, staging = specs
    assert shared == AccountSpec(alias="shared")
    assert shared.how == "base credentials"
    assert prod == AccountSpec(
        alias="prod", role_arn=ROLE, session_name="oncall", external_id="montui-x1",
        duration=7200, regions=("eu-west-1", "us-east-1"),
    )  # fmt: skip
    assert prod.role_account == "111111111111"
    assert staging == AccountSpec(alias="staging", profile="staging-ro", duration=900)
    assert (staging.role_account, staging.how) == ("", "profile staging-ro")


@pytest.mark.parametrize(
    ("body", "where", "words"),
    [
        ('alias = "a"\nalias2 = 1', ":4: account[1].alias2: unknown key", "expected one of: alias"),
        ('profile = "p"', "account[1].alias: missing", "unique name"),
        ('alias = "has space"', ":3: account[1].alias: expected", 'got "has space"'),
        (f'alias = "a"\nprofile = "p"\nrole_arn = "{ROLE}"', ":5: account[1].role_arn", "not both"),
        ('alias = "a"\nrole_arn = "arn:aws:iam::1111:role/x"', ":4: account[1].role_arn", "ARN"),
        ('alias = "a"\nrole_arn = "arn:aws:iam::111111111111:user/x"', "role_arn", "got"),
        ('alias = "a"\nexternal_id = "x1"', ":4: account[1].external_id", "only applies"),
        (f'alias = "a"\nrole_arn = "{ROLE}"\nexternal_id = "a b"', "external_id: expected", "1224"),
        (f'alias = "a"\nrole_arn = "{ROLE}"\nsession_name = "x"', "session_name: expected", "64"),
        (f'alias = "a"\nrole_arn = "{ROLE}"\nduration = "10m"', ":5: account[1].duration", "12h"),
        (f'alias = "a"\nrole_arn = "{ROLE}"\nduration = "13h"', "duration: expected", '"13h"'),
        (f'alias = "a"\nrole_arn = "{ROLE}"\nduration = "soon"', "duration: expected", "15m"),
        ('alias = "a"\nregions = []', "account[1].regions: expected at least one", "top-level"),
        ('alias = "a"\nregions = ["us-east-1", "Tokyo"]', "account[1].regions[2]", '"Tokyo"'),
        ('alias = "a"\nprofile = " "', "account[1].profile: expected", "profile"),
    ],
)
def test_errors_name_the_line_and_key_path(
    tmp_path: Path, body: str, where: str, words: str
) -> None:
    message = error(tmp_path, f'regions = ["us-east-1"]\n[[account]]\n{body}\n')
    assert where in message
    assert words in message


def test_aliases_are_unique(tmp_path: Path) -> None:
    message = error(
        tmp_path, '[[account]]\nalias = "prod"\n[[account]]\nalias = "prod"\nprofile = "p"\n'
    )
    assert ':4: account[2].alias: "prod" is already the alias of account[1]' in message


def test_choose_accounts_by_alias() -> None:
    specs = (AccountSpec("shared"), AccountSpec("prod", profile="p"), AccountSpec("dev"))
    assert choose_accounts(specs, None) == specs
    assert choose_accounts(specs, ["dev,prod"]) == specs[1:]
    assert choose_accounts(specs, ["dev", " shared "]) == (specs[0], specs[2])
    with pytest.raises(UnknownAccount, match=r"unknown account qa \(known: shared, prod, dev\)"):
        choose_accounts(specs, ["prod", "qa"])
    with pytest.raises(UnknownAccount, match="no \\[\\[account\\]\\]"):
        choose_accounts((), ["prod"])


def test_header_words() -> None:
    assert header_words(["a", "b", "c"], ["us-east-1", "eu-west-1"]) == "3 accounts · 2 regions"
    assert header_words(["a"], ["us-east-1"]) == "1 account · 1 region"
