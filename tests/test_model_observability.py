"""model.observability: log group ARNs, the StartQuery member for a set of groups, rows
labelled with their account, the query given `@log`."""

from __future__ import annotations

from montui.model.observability import (
    account_label,
    account_of_link,
    group_display,
    label_rows,
    log_account,
    query_groups,
    spans_accounts,
    split_log_group,
    with_log_field,
)
from montui.model.place import Place

BASE, LINKED = "123456789012", "222222222222"
PLACE = Place(BASE, "us-east-1")
ARN = f"arn:aws:logs:us-east-1:{LINKED}:log-group:/aws/lambda/a"


def test_groups_of_the_base_account_alone_are_sent_by_name() -> None:
    assert query_groups(["/a", "/b"], PLACE) == ("logGroupNames", ["/a", "/b"])
    assert not spans_accounts(["/a", "/b"], BASE)


def test_groups_of_several_accounts_are_sent_as_arns_every_one() -> None:
    assert query_groups(["/a", ARN], PLACE) == (
        "logGroupIdentifiers",
        [f"arn:aws:logs:us-east-1:{BASE}:log-group:/a", ARN],
    )
    assert spans_accounts(["/a", ARN], BASE)
    assert split_log_group(ARN + ":*") == (LINKED, "/aws/lambda/a")
    assert split_log_group("/aws/lambda/a") is None


def test_accounts_of_links_and_log_fields() -> None:
    assert account_of_link(f"arn:aws:oam:us-east-1:{LINKED}:link/abc") == LINKED
    assert account_of_link(f"arn:aws:oam:us-east-1:{LINKED}:sink/abc") == ""
    assert log_account(f"{LINKED}:/aws/lambda/a") == LINKED
    assert log_account("/aws/lambda/a") == ""
    assert account_label(LINKED, {LINKED: "prod"}, {LINKED: "link"}) == "prod"
    assert account_label(LINKED, {}, {LINKED: "link"}) == "link"
    assert account_label(LINKED, {}, {}) == LINKED


def test_rows_get_their_account_first() -> None:
    rows = [{"@message": "x", "@log": f"{LINKED}:/a"}, {"@message": "y", "@log": f"{BASE}:/a"}]
    labelled = label_rows(rows, BASE, {LINKED: "shop"})
    assert [next(iter(r)) for r in labelled] == ["account", "account"]
    assert [r["account"] for r in labelled] == ["shop", BASE]
    assert label_rows([{"count": "3"}], BASE, {}) == ({"count": "3"},)


def test_a_query_gets_log_only_when_its_rows_need_it() -> None:
    assert with_log_field("fields @timestamp, @message") == (
        "fields @timestamp, @message\n| fields @log"
    )
    for kept in ("fields @log, @message", "stats count(*) by @log", "display @message"):
        assert with_log_field(kept) == kept


def test_linked_groups_show_their_account() -> None:
    assert group_display(ARN, {LINKED: "shop"}) == "/aws/lambda/a @ shop"
    assert group_display(ARN, {}) == f"/aws/lambda/a @ {LINKED}"
    assert group_display("/a", {}) == "/a"
