"""`partition --keys-file` views: the spread over partitions, hot keys, resizes, clients."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kafkaretry.partitioning.clients import resolve
from kafkaretry.partitioning.distribution import Distribution
from kafkaretry.partitioning.keys import display_key, key_text
from kafkaretry.partitioning.skew import MIN_EXPECTED, UNEVEN_P, SkewDiagnosis
from kafkaretry.render.readable import no_cut, prose, short_text

BAR_WIDTH = 30
MAX_ROWS = 32  # wider topics show the first partitions; --json has them all


def _bar(value: int, most: int) -> Text:
    cells = round(BAR_WIDTH * value / most) if most else 0
    return Text("█" * cells, style="partition")


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _rows(count: int) -> range:
    return range(min(count, MAX_ROWS))


def _more(table: Table, count: int) -> None:
    if count > MAX_ROWS:
        table.add_row(Text(f"… {count - MAX_ROWS} more partitions (see --json)", style="muted"))


def header(dist: Distribution) -> Text:
    distinct = (
        f"{dist.distinct:,} distinct"
        if dist.distinct is not None
        else f"at least {dist.distinct_min:,} distinct"
    )
    text = Text.assemble(
        (f"{dist.source}: ", "muted"),
        (f"{dist.records.total:,} keys", "value"),
        (f" ({distinct}, --key-type {dist.key_type}) → topic ", "muted"),
        (dist.topic, "value"),
        (f", {dist.plan.partitions} partitions, Java producer (murmur2)", "muted"),
    )
    if dist.null_keys:
        text.append(
            f"; {dist.null_keys:,} null keys left out (not hashed: the sticky partitioner "
            "picks their partition)",
            style="muted",
        )
    return text


def counts_table(dist: Distribution) -> Table:
    """Records per partition with a bar each, against the even share."""
    counts, expected = dist.records.counts, dist.expected
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name, justify in (("partition", "right"), ("records", "right"), ("share", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_column("vs even", justify="right")
    table.add_column("")
    most = max(counts)
    for p in _rows(len(counts)):
        delta = (counts[p] - expected) / expected
        table.add_row(
            str(p),
            f"{counts[p]:,}",
            _pct(counts[p], dist.records.total),
            f"{delta:+.1%}",
            _bar(counts[p], most),
        )
    _more(table, len(counts))
    return no_cut(table)


def verdict(dist: Distribution) -> Text:
    """The spread in three claims, each computed from the figures it quotes (skew.py)."""
    diag = dist.diagnosis()
    text = Text(
        f"even share {dist.expected:,.1f} records per partition; skew (max/mean) {diag.skew:.3f}"
    )
    if diag.partitions < 2:
        return text.append("; one partition: nothing to compare")
    text.append("\n").append_text(_hash_line(diag))
    text.append("\n").append_text(_heavy_line(dist, diag))
    return text


def _test(chi2: tuple[float, float], dof: int) -> str:
    return f"χ² = {chi2[0]:,.1f} with {dof} degrees of freedom, p = {chi2[1]:.3g}"


def _hash_line(diag: SkewDiagnosis) -> Text:
    dof = diag.partitions - 1
    if diag.distinct_chi2 is None or diag.distinct is None:
        assert diag.records_chi2 is not None
        text = Text(
            "distinct keys: more than --max-distinct, so the hash is tested over records, each "
            f"counted as an independent draw (which overstates unevenness when keys repeat): "
            f"{_test(diag.records_chi2, dof)}: "
        )
        even = diag.records_chi2[1] >= UNEVEN_P
    else:
        keys = f"{diag.distinct:,} distinct key{'' if diag.distinct == 1 else 's'}"
        if not diag.keys_testable:
            return Text(
                f"the hash over the {keys}: too few to test its spread (a χ² test needs about "
                f"{MIN_EXPECTED:.0f} keys per partition, here "
                f"{diag.distinct / diag.partitions:.2g}); with so few keys an uneven spread is "
                "what a fair hash usually gives"
            )
        text = Text(
            f"the hash over the {keys} (each hashed once, its records follow it): "
            f"{_test(diag.distinct_chi2, dof)}: "
        )
        even = diag.distinct_chi2[1] >= UNEVEN_P
    if even:
        return text.append("consistent with an even spread", style="ack")
    return text.append("uneven, more than a fair hash gives by chance", style="failure")


def _heavy_line(dist: Distribution, diag: SkewDiagnosis) -> Text:
    if diag.heavy_from_share:
        rule = f"at least {diag.heavy_min:,} records, 10% of a partition's even share"
    else:  # 10% of the even share is below 2 records; a key seen once is never heavy
        rule = f"at least {diag.heavy_min:,} records: a key must repeat to be heavy"
    if not diag.heavy:
        hottest = dist.ranked[0].count if dist.ranked else 1
        return Text(
            f"no heavy key (one with {rule}); the hottest has {hottest:,} "
            f"({_pct(hottest, diag.records)} of records)"
        )
    count = len(diag.heavy)
    one = count == 1
    named = ", ".join(
        short_text(display_key(key_text(h.key, dist.key_type), dist.key_type))
        for h in diag.heavy[:3]
    )
    text = Text(
        f"{count} heavy key{'' if one else 's'} ({named}{', …' if count > 3 else ''}; "
        f"{'' if one else 'each '}with {rule}) hold{'s' if one else ''} "
        f"{_pct(diag.heavy_records, diag.records)} of records; "
    )
    if diag.skew_without_heavy is None:
        text.append("there are no other records")
    else:
        text.append(
            f"without {'it' if one else 'them'} the skew is {diag.skew_without_heavy:.3f}: "
        )
    if diag.heavy_carry:
        return text.append(
            f"{'it carries' if one else 'the heavy keys carry'} the imbalance, and more "
            "partitions cannot split one key",
            style="failure",
        )
    if diag.records_uneven:
        return text.append(f"the imbalance is not {'its' if one else 'theirs'} alone")
    if not diag.records_testable:
        return text.append(
            f"too few records ({MIN_EXPECTED:.0f} per partition are needed) to tell an "
            "imbalance from chance"
        )
    assert diag.records_chi2 is not None
    return text.append(
        f"the records are within an even spread's chance variation "
        f"(records as independent draws: p = {diag.records_chi2[1]:.3g})"
    )


def hot_keys_table(dist: Distribution) -> RenderableType:
    if not dist.hot:
        return Text("no key repeats: there are no hot keys", style="muted")
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="hottest keys", pad_edge=False)
    for name in ("key", "records", "share", "partition"):
        table.add_column(name, justify="left" if name == "key" else "right")
    for hot in dist.hot:
        shown = short_text(display_key(key_text(hot.key, dist.key_type), dist.key_type))
        table.add_row(
            shown,
            f"{hot.count:,}",
            _pct(hot.count, dist.records.total),
            Text(str(hot.partition), style="partition"),
        )
    table.caption = "every record of a key goes to the same partition"
    if dist.hot_error:
        table.caption += f"; counts may be low by up to {dist.hot_error:,} (--max-distinct)"
    return no_cut(table)


def resize_view(dist: Distribution, to: int) -> Group:
    """What a change from n to `to` partitions does to keys, records and ordering."""
    n, rec = dist.plan.partitions, dist.records
    moved = rec.moved(to)
    keys_line = (
        f"{_pct(dist.keys.moved(to), dist.keys.total)} of distinct keys "
        f"({dist.keys.moved(to):,} of {dist.keys.total:,}) and "
        if dist.keys
        else ""
    )
    title = Text.assemble(
        (f"resize {n} → {to}: ", "stage"),
        (f"{keys_line}{_pct(moved, rec.total)} of records ({moved:,}) change partition", "value"),
    )
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name in ("partition", "before", "after", "stay", "leave", "arrive"):
        table.add_column(name, justify="right")
    for p in _rows(max(n, to)):
        before = rec.counts[p] if p < n else 0
        after = rec.after[to][p] if p < to else 0
        stay = rec.stay[to][p] if p < min(n, to) else 0
        table.add_row(
            str(p),
            f"{before:,}" if p < n else "-",
            f"{after:,}" if p < to else "-",
            f"{stay:,}",
            f"{before - stay:,}",
            f"{after - stay:,}",
        )
    _more(table, max(n, to))
    note = Text(
        "A key keeps its partition only when h % old == h % new. Kafka never moves existing "
        "records: a moved key's older records stay behind while new ones go to its new "
        "partition, so per-key ordering breaks across the change.",
        style="note",
    )
    return Group(prose(title), no_cut(table), prose(note))


def clients_table(dist: Distribution) -> Group:
    """One row per client partitioner: how far it strays from java, and its own spread.

    Counts per partition for every client are in --json (`clients.NAME.counts`).
    """
    rec = dist.records
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="partitioner per client")
    for name, justify in (
        ("client", "left"),
        ("elsewhere than java", "right"),
        ("key ignored", "right"),
        ("skew (max/mean)", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_row("java", "-", "0", f"{dist.skew:.3f}")
    for name in dist.plan.clients:
        ignored = rec.client_ignored[name]
        hashed = sum(rec.client_counts[name])
        skew = max(rec.client_counts[name]) * dist.plan.partitions / hashed if hashed else None
        table.add_row(
            name,
            Text(_differs(dist, name), style="warning" if rec.client_differs[name] else "ack"),
            f"{ignored:,} record{'' if ignored == 1 else 's'}" if ignored else "0",
            "-" if skew is None else f"{skew:.3f}",
        )
    legend = Table(box=None, show_header=False, pad_edge=False)
    legend.add_column(style="muted", no_wrap=True)
    legend.add_column(style="muted")
    for name in ["java", *dist.plan.clients]:
        legend.add_row(name, resolve(name).algorithm)
    warnings = [
        Text(f"{name} {resolve(name).warning}", style="warning")
        for name in dist.plan.clients
        if resolve(name).warning
    ]
    return Group(no_cut(table), legend, *map(prose, warnings))


def _differs(dist: Distribution, name: str) -> str:
    if dist.keys is None:
        return f"{_pct(dist.records.client_differs[name], dist.records.total)} of records"
    return f"{_pct(dist.keys.client_differs[name], dist.keys.total)} of keys"


def distribution_view(dist: Distribution) -> Group:
    parts: list[RenderableType] = [prose(header(dist)), counts_table(dist), prose(verdict(dist))]
    parts.append(hot_keys_table(dist))
    parts += [resize_view(dist, m) for m in dist.plan.resizes]
    if dist.plan.clients:
        parts.append(clients_table(dist))
    return Group(*parts)
