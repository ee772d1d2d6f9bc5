"""Two charts as inline SVG, drawn here: a few hundred bytes each, no script, no library.

Every chart carries a title for screen readers; the report shows the same figures as tables.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

# Distinguishable colours (Okabe-Ito), also for readers with colour-vision deficiencies.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")
WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 170, 20, 44


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``top``: 0, 6, 12, 18, 24 ..."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(math.ceil(top / step) + 1)]


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def line_chart(
    title: str,
    series: Mapping[str, Mapping[str, float]],
    columns: Sequence[str],
    unit: str,
    threshold: float | None = None,
    threshold_label: str = "",
    labels: Sequence[str] = (),
) -> str:
    """One line per series over ``columns`` (weeks), each shown as its label (``labels``,
    default the column itself); gaps where a series has no value."""
    labels = labels or columns
    values = [v for points in series.values() for v in points.values()]
    ticks = nice_ticks(max([*values, threshold or 0, 1]) * 1.05)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = ticks[-1]

    def x(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / max(len(columns), 1))

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    parts = [_frame(title)]
    for tick in ticks:
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'class="grid"/><text x="{LEFT - 8}" y="{y(tick) + 4:.1f}" class="tick" '
            f'text-anchor="end">{_number(tick)}</text>'
        )
    parts.append(
        f'<text x="14" y="{TOP + plot_h / 2:.0f}" class="axis" '
        f'transform="rotate(-90 14 {TOP + plot_h / 2:.0f})" text-anchor="middle">'
        f"{escape(unit)}</text>"
    )
    every = max(1, math.ceil(len(columns) / 12))
    for i, label in enumerate(labels):
        if (len(labels) - 1 - i) % every == 0:  # counted from the latest, which always shows
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" class="tick" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    if threshold is not None:
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(threshold):.1f}" '
            f'y2="{y(threshold):.1f}" class="threshold"/>'
            f'<text x="{LEFT + plot_w - 4}" y="{y(threshold) - 6:.1f}" class="tick" '
            f'text-anchor="end">{escape(threshold_label)}</text>'
        )
    for n, (name, points) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        path, pen_up = [], True
        for i, column in enumerate(columns):
            if column not in points:
                pen_up = True
                continue
            path.append(f"{'M' if pen_up else 'L'}{x(i):.1f},{y(points[column]):.1f}")
            pen_up = False
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(points[column]):.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(name)}, {escape(column)}: {_number(points[column])} "
                f"{escape(unit)}</title></circle>"
            )
        parts.append(f'<path d="{" ".join(path)}" stroke="{colour}" class="line"/>')
        legend_y = TOP + 10 + n * 20
        parts.append(
            f'<rect x="{WIDTH - RIGHT + 16}" y="{legend_y - 9}" width="12" height="12" '
            f'fill="{colour}"/><text x="{WIDTH - RIGHT + 34}" y="{legend_y + 1}" '
            f'class="legend">{escape(_short(name))}</text>'
        )
    return "".join(parts) + "</svg>"


def bar_chart(title: str, bars: Sequence[tuple[str, int]], unit: str) -> str:
    """Horizontal bars, largest first, the count at the end of each bar."""
    row, label_w = 26, 190
    height = TOP + 12 + row * max(len(bars), 1)
    top = max([count for _, count in bars] + [1])
    plot_w = WIDTH - label_w - 60
    parts = [_frame(title, height)]
    if not bars:
        parts.append(f'<text x="{label_w}" y="{TOP + 16}" class="tick">0 {escape(unit)}</text>')
    for i, (label, count) in enumerate(bars):
        y = TOP + i * row
        width = plot_w * count / top
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" class="legend" text-anchor="end">'
            f'{escape(_short(label, 28))}</text><rect x="{label_w}" y="{y + 4}" '
            f'width="{width:.1f}" height="{row - 8}" fill="{PALETTE[5]}"><title>'
            f"{escape(label)}: {count} {escape(unit)}</title></rect>"
            f'<text x="{label_w + width + 6:.1f}" y="{y + 16}" class="tick">{count}</text>'
        )
    return "".join(parts) + "</svg>"


def _frame(title: str, height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
