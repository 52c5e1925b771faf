"""Charts drawn as SVG on the server: no JavaScript library, nothing from a CDN, printable,
and the same markup serves the page now and the PDF growth record later.

Only presentation attributes are used (no `style`), so the pages keep a strict CSP.
"""

import math
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

GREEN = "#2f6b3f"
GRID = "#d5ddd7"
TEXT = "#555"
# Named on the chart itself (a presentation attribute, inherited by every text and tspan): the
# PDF renderer takes no page CSS inside an SVG, and a bold label would otherwise fall back to
# a Latin font. The CJK fonts first (installed by bin/setup-system), then the usual desktop ones.
FONTS = "WenQuanYi Micro Hei, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"


def _n(value: float) -> str:
    return f"{value:.1f}"


def radar_svg(
    axes: list[tuple[str, Decimal | float | None]], *, maximum: float = 100, size: int = 320
) -> SafeString:
    """A radar (spider) chart of scores 0..`maximum` on each labelled axis; a missing score
    is drawn at 0 and labelled "—"."""
    count = len(axes)
    centre = size / 2
    radius = size / 2 - 62
    if count < 3:
        return mark_safe("")

    def point(index: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return centre + radius * fraction * math.cos(angle), centre + radius * fraction * math.sin(
            angle
        )

    rings = []
    for fraction in (0.2, 0.4, 0.6, 0.8, 1.0):
        corners = " ".join(
            f"{_n(x)},{_n(y)}" for x, y in (point(i, fraction) for i in range(count))
        )
        rings.append(format_html('<polygon points="{}" fill="none" stroke="{}"/>', corners, GRID))
    spokes = []
    labels = []
    values = []
    for index, (label, value) in enumerate(axes):
        x, y = point(index, 1)
        spokes.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
                _n(centre),
                _n(centre),
                _n(x),
                _n(y),
                GRID,
            )
        )
        lx, ly = point(index, 1.18)
        anchor = "middle" if abs(lx - centre) < 8 else ("start" if lx > centre else "end")
        shown = "—" if value is None else f"{float(value):.1f}"
        labels.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="{}" font-size="12" fill="{}">{}'
                '<tspan x="{}" dy="14" font-weight="bold" fill="{}">{}</tspan></text>',
                _n(lx),
                _n(ly - 4),
                anchor,
                TEXT,
                label,
                _n(lx),
                GREEN,
                shown,
            )
        )
        fraction = max(0.0, min(float(value or 0) / maximum, 1.0))
        values.append(point(index, fraction))
    shape = " ".join(f"{_n(x)},{_n(y)}" for x, y in values)
    dots = format_html_join(
        "", '<circle cx="{}" cy="{}" r="3" fill="{}"/>', ((_n(x), _n(y), GREEN) for x, y in values)
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {0}" width="100%" '
        'role="img" class="qm-chart" data-chart="radar" font-family="{6}">{1}'
        '<polygon points="{2}" fill="{3}" fill-opacity="0.25" stroke="{3}" stroke-width="2"/>'
        "{4}{5}</svg>",
        size,
        mark_safe("".join(rings + spokes)),  # noqa: S308  (built with format_html above)
        shape,
        GREEN,
        dots,
        mark_safe("".join(labels)),  # noqa: S308  (built with format_html above)
        FONTS,
    )


def trend_svg(
    series: list[tuple[str, Decimal | float]], *, width: int = 560, height: int = 220
) -> SafeString:
    """A line chart of totals by period (label, value), oldest first, with a zero line when
    the values go negative."""
    if not series:
        return mark_safe("")
    left, right, top, bottom = 44, 16, 16, 34
    values = [float(v) for _, v in series]
    low = min(0.0, min(values))
    high = max(values) if max(values) > low else low + 1
    span = _nice_step((high - low) / 4)
    low = math.floor(low / span) * span
    high = math.ceil(high / span) * span or span
    plot_w = width - left - right
    plot_h = height - top - bottom

    def x_of(index: int) -> float:
        if len(series) == 1:
            return left + plot_w / 2
        return left + plot_w * index / (len(series) - 1)

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    parts = []
    tick = low
    while tick <= high + span / 2:
        y = y_of(tick)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"{}/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="{}">{}</text>',
                left,
                _n(y),
                width - right,
                _n(y),
                "#8a948c" if tick == 0 else GRID,
                mark_safe(' stroke-dasharray="3 3"') if tick == 0 and low < 0 else "",
                left - 6,
                _n(y + 4),
                TEXT,
                f"{tick:g}",
            )
        )
        tick += span
    coordinates = [(x_of(i), y_of(v)) for i, v in enumerate(values)]
    if len(coordinates) > 1:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>',
                " ".join(f"{_n(x)},{_n(y)}" for x, y in coordinates),
                GREEN,
            )
        )
    for (label, value), (x, y) in zip(series, coordinates, strict=True):
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{} {}</title></circle>'
                '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>'
                '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>',
                _n(x),
                _n(y),
                GREEN,
                label,
                f"{float(value):g}",
                _n(x),
                _n(y - 8),
                GREEN,
                f"{float(value):g}",
                _n(x),
                height - bottom + 18,
                TEXT,
                label,
            )
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'class="qm-chart" data-chart="trend" font-family="{}">{}</svg>',
        width,
        height,
        FONTS,
        mark_safe("".join(parts)),  # noqa: S308  (each part built with format_html)
    )


def _nice_step(raw: float) -> float:
    """1, 2 or 5 × a power of ten, at least `raw`."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power
