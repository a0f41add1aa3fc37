"""What the shop's Aurora writer is busy with, for Performance Insights (`ext.pi_engine`).

The shop's SQL, as Aurora PostgreSQL's Performance Insights reports it (`$1` placeholders,
wait events `CPU`, `IO:DataFileRead`, `IO:XactSync`, `Lock:transactionid`,
`LWLock:BufferMapping`, `Client:ClientRead`): order and order-line inserts, cart and product
reads, the inventory reservation UPDATE, commits, a price update at 09:00 JST, and two stories:

- the nightly sales report (`report_daily_sales`), from 02:00 JST (17:00 UTC) until eight
  minutes after that night's `shop-aurora-writer-write-iops` breach (`plan.nightly_spike`,
  the same minutes): about 4 sessions reading the order tables (IO:DataFileRead), 11 during
  the breach, which puts the load above the writer's 8 vCPUs with the report's SQL on top;
- the live lock pile-up (`shop.LOCK_PILEUP`, 30 to 50 minutes after the start): 15 sessions
  running the inventory UPDATE wait on Lock:transactionid behind one that holds the row.

The writer is a db.r6g.2xlarge (8 vCPUs, the line `shop-aurora-dbload` and
`shop-aurora-writer-dbload-noncpu` alarm at). Nothing here is stored per minute: the shapes
below are functions of the minute, and `pi_engine` adds the noise from the seed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache

from montui_world.ext.pi_workload import Burst, Digest, Mix, Workload
from montui_world.scenario.plan import Plan, nightly_spike
from montui_world.scenario.series import epoch

__all__ = [
    "BATCH_TAIL_MINUTES",
    "REPORT_TEXT",
    "UPDATE_TEXT",
    "VCPUS",
    "nightly_batch",
    "tokenize",
    "writer_workload",
]

VCPUS = 8
BATCH_TAIL_MINUTES = 8
"""The nightly report runs on this many minutes after the night's write-IOPS breach."""
_NIGHTLY_ALARM = "shop-aurora-writer-write-iops"
_APP_HOSTS = ("10.0.11.24", "10.0.12.87", "10.0.13.142")
_REPORT_HOST = "10.0.21.9"
_MINUTE_DAY = 1440

REPORT_TEXT = (
    "INSERT INTO report_daily_sales (sales_day, sku, category_id, orders, units, revenue_cents, "
    "discount_cents, refunds_cents, new_customers, returning_customers) "
    "SELECT date_trunc('day', o.created_at AT TIME ZONE 'Asia/Tokyo') AS sales_day, i.sku, "
    "p.category_id, count(DISTINCT o.id), sum(i.quantity), "
    "sum(i.quantity * i.unit_price_cents), sum(coalesce(d.amount_cents, 0)), "
    "sum(coalesce(r.amount_cents, 0)), "
    "count(DISTINCT o.customer_id) FILTER (WHERE c.first_order_id = o.id), "
    "count(DISTINCT o.customer_id) FILTER (WHERE c.first_order_id <> o.id) "
    "FROM orders o JOIN order_items i ON i.order_id = o.id JOIN products p ON p.sku = i.sku "
    "JOIN customers c ON c.id = o.customer_id "
    "LEFT JOIN order_discounts d ON d.order_id = o.id AND d.sku = i.sku "
    "LEFT JOIN refunds r ON r.order_id = o.id AND r.sku = i.sku "
    "WHERE o.created_at >= '{start}' AND o.created_at < '{end}' AND o.status <> 'cancelled' "
    "GROUP BY sales_day, i.sku, p.category_id "
    "ON CONFLICT (sales_day, sku) DO UPDATE SET orders = EXCLUDED.orders, "
    "units = EXCLUDED.units, revenue_cents = EXCLUDED.revenue_cents, "
    "discount_cents = EXCLUDED.discount_cents, refunds_cents = EXCLUDED.refunds_cents, "
    "new_customers = EXCLUDED.new_customers, returning_customers = EXCLUDED.returning_customers"
)
"""The nightly report's statement (over 500 characters: lists show it cut, the details
operation gives it whole); `{start}`/`{end}` are the JST day it sums up."""
UPDATE_TEXT = (
    "UPDATE inventory SET reserved = reserved + {n}, updated_at = now() "
    "WHERE sku = '{sku}' AND stock - reserved >= {n}"
)
"""The inventory reservation: the statement behind the live lock pile-up."""
_CARTS = (
    "SELECT c.id, c.customer_id, i.sku, i.quantity, p.price_cents FROM carts c "
    "JOIN cart_items i ON i.cart_id = c.id JOIN products p ON p.sku = i.sku "
    "WHERE c.customer_id = {customer}"
)
_PRODUCTS = (
    "SELECT sku, name, price_cents, stock - reserved AS available FROM products "
    "JOIN inventory USING (sku) WHERE sku = ANY('{{{skus}}}')"
)
_ORDER = (
    "INSERT INTO orders (customer_id, cart_id, total_cents, currency, status, created_at) "
    "VALUES ({customer}, {cart}, {total}, 'JPY', 'placed', now()) RETURNING id"
)
_ORDER_ITEM = (
    "INSERT INTO order_items (order_id, sku, quantity, unit_price_cents) "
    "VALUES ({order}, '{sku}', {n}, {price})"
)
_PRICES = (
    "UPDATE products SET price_cents = round(price_cents * {factor}), updated_at = now() "
    "WHERE category_id = {category}"
)
_LITERAL = re.compile(r"'(?:[^']|'')*'|(?<![\w.])\d+(?:\.\d+)?(?![\w.])")


def tokenize(statement: str) -> str:
    """A statement with its literals replaced by `$1`, `$2`, … (Aurora PostgreSQL's digest)."""
    count = 0

    def placeholder(_: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"${count}"

    return _LITERAL.sub(placeholder, statement)


def nightly_batch(seed: int) -> Callable[[int], float]:
    """The nightly report's strength at an epoch minute: 1 during the night's write-IOPS
    breach, 0.35 from 17:00 UTC to `BATCH_TAIL_MINUTES` after it, 0 otherwise."""

    @lru_cache(maxsize=64)
    def night(day: int) -> tuple[int, int, int]:
        midnight = datetime.fromtimestamp(day * 86400, UTC)
        start, end = nightly_spike(_NIGHTLY_ALARM, midnight, seed)
        return day * _MINUTE_DAY + 17 * 60, epoch(start) // 60, epoch(end) // 60

    def shape(minute: int) -> float:
        begins, first, last = night(minute // _MINUTE_DAY)
        if first <= minute < last:
            return 1.0
        if begins <= minute < last + BATCH_TAIL_MINUTES:
            return 0.35
        return 0.0

    return shape


def _between(first: int, last: int) -> Callable[[int], float]:
    """Full strength from epoch minute `first` to `last` (exclusive), half in the first two."""

    def shape(minute: int) -> float:
        if not first <= minute < last:
            return 0.0
        return 0.5 if minute < first + 2 else 1.0

    return shape


def _price_job(minute: int) -> float:
    """The price update: six minutes from 00:00 UTC (09:00 JST) every day."""
    return 1.0 if minute % _MINUTE_DAY < 6 else 0.0


def _digest(
    examples: tuple[str, ...],
    rate: float,
    latency: float,
    waits: Mix,
    *,
    user: str = "shop_app",
    hosts: tuple[str, ...] = _APP_HOSTS,
    bursts: tuple[Burst, ...] = (),
    diurnal: bool = True,
) -> Digest:
    return Digest(
        tokenize(examples[0]), examples, rate, latency, waits, user, hosts, bursts, "shop", diurnal
    )


def writer_workload(plan: Plan) -> Workload:
    """The writer's sessions for the scenario `plan` (its seed, history and lock pile-up)."""
    start, end = plan.lock_pileup
    pileup = Burst(
        15.0,
        (("Lock:transactionid", 0.93), ("CPU", 0.04), ("IO:XactSync", 0.03)),
        _between(epoch(start) // 60, epoch(end) // 60),
    )
    report = Burst(
        11.0,
        (
            ("IO:DataFileRead", 0.72),
            ("CPU", 0.12),
            ("LWLock:BufferMapping", 0.08),
            ("IO:XactSync", 0.08),
        ),
        nightly_batch(plan.seed),
    )
    prices = Burst(
        2.5,
        (
            ("IO:DataFileRead", 0.3),
            ("IO:XactSync", 0.3),
            ("LWLock:BufferMapping", 0.2),
            ("CPU", 0.2),
        ),
        _price_job,
    )
    digests = (
        _digest(
            tuple(_CARTS.format(customer=c) for c in (48213, 90377, 12006)),
            420.0,
            0.0025,
            (("CPU", 0.75), ("IO:DataFileRead", 0.15), ("Client:ClientRead", 0.1)),
        ),
        _digest(
            (_PRODUCTS.format(skus="TEE-RED-M,MUG-CAT-01"),),
            600.0,
            0.0009,
            (("CPU", 0.9), ("Client:ClientRead", 0.1)),
        ),
        _digest(
            tuple(
                _ORDER.format(customer=c, cart=c + 7, total=t)
                for c, t in ((48213, 5980), (90377, 12400))
            ),
            35.0,
            0.012,
            (
                ("CPU", 0.35),
                ("IO:XactSync", 0.45),
                ("LWLock:BufferMapping", 0.05),
                ("Lock:transactionid", 0.05),
                ("Client:ClientRead", 0.1),
            ),
        ),
        _digest(
            (_ORDER_ITEM.format(order=771204, sku="TEE-RED-M", n=2, price=2990),),
            90.0,
            0.004,
            (("CPU", 0.4), ("IO:XactSync", 0.5), ("Client:ClientRead", 0.1)),
        ),
        _digest(
            (UPDATE_TEXT.format(n=2, sku="TEE-RED-M"), UPDATE_TEXT.format(n=1, sku="MUG-CAT-01")),
            60.0,
            0.006,
            (("CPU", 0.45), ("Lock:transactionid", 0.25), ("IO:XactSync", 0.3)),
            bursts=(pileup,),
        ),
        _digest(("COMMIT",), 100.0, 0.002, (("IO:XactSync", 0.85), ("CPU", 0.15))),
        _digest(
            (REPORT_TEXT.format(start="2026-11-19 15:00:00+00", end="2026-11-20 15:00:00+00"),),
            0.0,
            1800.0,
            (("IO:DataFileRead", 1.0),),
            user="shop_report",
            hosts=(_REPORT_HOST,),
            bursts=(report,),
            diurnal=False,
        ),
        _digest(
            (_PRICES.format(factor=0.9, category=14),),
            0.0,
            6.0,
            (("CPU", 1.0),),
            user="shop_admin",
            hosts=(_REPORT_HOST,),
            bursts=(prices,),
            diurnal=False,
        ),
    )
    return Workload(digests, VCPUS, seed=plan.seed, since=epoch(plan.history_start))
