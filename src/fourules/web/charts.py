"""Charts for the round pages, drawn on the server as SVG by matplotlib.

Each chart is an inline `<svg>` with its title; the same figures stand in a table beside
it, so nothing is only in a picture. Text stays text in the SVG (readable, searchable,
printable), and the SVG carries no date, so the same round gives the same bytes.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ParamSpec

ALERT, BAR, LIMIT, SECOND = "#b3261e", "#0b5394", "#1a1a1a", "#8fb3d9"

_P = ParamSpec("_P")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    second: float | None = None
    """A second value beside the first (granted beside requested), or a limit mark."""
    alert: bool = False


def _remembered(draw: Callable[_P, str]) -> Callable[_P, str]:
    """DRAW remembered by its arguments (its items as a tuple): the same figures give the
    same bytes, and matplotlib takes 100-220 ms a chart. The 2018 round's page drawn again
    (the page carries its round back to itself: the allocation's form, a record, the other
    language): 454 -> 30 ms (`benchmarks/bench_round_page.py`, medians of 15)."""

    @functools.lru_cache(maxsize=64)
    def drawn(items: tuple[Any, ...], *args: Any, **kwargs: Any) -> str:
        return draw(items, *args, **kwargs)  # type: ignore[arg-type]

    @functools.wraps(draw)
    def remembered(*args: _P.args, **kwargs: _P.kwargs) -> str:
        items, *rest = args  # the items come first, by place (each chart's `/`)
        return drawn(tuple(items), *rest, **kwargs)  # type: ignore[arg-type]

    return remembered


@functools.cache
def _matplotlib() -> None:
    """matplotlib imported (here: only round pages draw) and set as the charts write."""
    import matplotlib

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "fourules",
            "font.family": "sans-serif",
            "font.size": 10,
        }
    )


def _axes(rows: int, per_row: float) -> tuple[Any, Any]:
    """A figure of ROWS rows and its axes. matplotlib's `Figure` itself, not pyplot's: it
    keeps no figure of its own, so two requests drawing at once share nothing."""
    _matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, per_row * rows + 1.2))
    return fig, fig.subplots()


def _svg(fig: Any, title: str) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]
    start, end = svg.find("<metadata>"), svg.find("</metadata>")
    if start >= 0 and end > start:  # the generator's RDF block: nothing a reader needs
        svg = svg[:start] + svg[end + len("</metadata>") :]
    # A name for assistive technology; the numbers are in the table under the chart.
    return svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" ', 1)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _kronor(ax: Any) -> None:
    """An amount axis in thousands of kronor, a few ticks, spaces between thousands."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x / 1000:,.0f}".replace(",", " ")))
    ax.set_xlabel("tkr")


@_remembered
def bars_against_limit(
    bars: Sequence[Bar], /, title: str, value_label: str, limit_label: str, *, money: bool = False
) -> str:
    """Horizontal bars, one per item, each with its limit marked (a quota); `money`: the
    values are kronor."""
    fig, ax = _axes(len(bars), 0.32)
    labels = [b.label for b in bars][::-1]
    values = [b.value for b in bars][::-1]
    colours = [ALERT if b.alert else BAR for b in bars][::-1]
    ax.barh(labels, values, color=colours, label=value_label)
    limits = [(i, b.second) for i, b in enumerate(bars[::-1]) if b.second is not None]
    if limits:
        ax.scatter(
            [v for _, v in limits],
            [i for i, _ in limits],
            marker="|",
            s=260,
            color=LIMIT,
            linewidths=2.5,
            label=limit_label,
            zorder=3,
        )
    ax.set_title(title, loc="left")
    if money:
        _kronor(ax)
    else:
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, title)


@_remembered
def paired_bars(bars: Sequence[Bar], /, title: str, first_label: str, second_label: str) -> str:
    """Two bars per item (requested and granted; budget and proposed), in kronor."""
    fig, ax = _axes(len(bars), 0.45)
    rows = list(range(len(bars)))[::-1]
    ax.barh(
        [r + 0.2 for r in rows],
        [b.value for b in bars],
        height=0.4,
        color=SECOND,
        label=first_label,
    )
    ax.barh(
        [r - 0.2 for r in rows],
        [b.second or 0 for b in bars],
        height=0.4,
        color=[ALERT if b.alert else BAR for b in bars],
        label=second_label,
    )
    ax.set_yticks(rows, [b.label for b in bars])
    _kronor(ax)
    ax.set_title(title, loc="left")
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, title)


@_remembered
def by_year(bars: Sequence[Bar], /, title: str, *, money: bool = False) -> str:
    """One horizontal bar per year (a parameter or a quota through the years); `money`:
    the values are kronor."""
    fig, ax = _axes(len(bars), 0.32)
    ax.barh([b.label for b in bars][::-1], [b.value for b in bars][::-1], color=BAR)
    ax.set_title(title, loc="left")
    if money:
        _kronor(ax)
    else:
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, title)


@_remembered
def dates_by_year(days: Sequence[tuple[str, date]], /, title: str) -> str:
    """One mark per year on a time axis (a date parameter through the years: when each year's
    call closed), the date written beside it."""
    from matplotlib.ticker import FuncFormatter

    fig, ax = _axes(len(days), 0.32)
    labels = [year for year, _ in days][::-1]
    at = [day.toordinal() for _, day in days][::-1]
    ax.scatter(at, labels, color=BAR, s=60, zorder=3)
    for x, label, (_, day) in zip(at, labels, days[::-1], strict=True):
        ax.annotate(day.isoformat(), (x, label), textcoords="offset points", xytext=(8, -3))
    first, last = min(d.year for _, d in days), max(d.year for _, d in days) + 1
    step = max(1, (last - first) // 4)  # the first of January of a few years
    ax.set_xticks([date(y, 1, 1).toordinal() for y in range(first, last + 1, step)])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: str(date.fromordinal(int(x)).year)))
    ax.margins(x=0.1)
    ax.set_title(title, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, title)
