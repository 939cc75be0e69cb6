"""Small bar charts drawn on the server as SVG markup: no JavaScript, nothing fetched from elsewhere.

Each bar has its label and its figures written beside it as text, so a chart reads without
colour (and in print); pages put a table of the same figures next to each chart as the
accessible alternative. Every label passes through Django's escaping.

    bar_chart([("Kim Xá", 120, 300), ...], chart_id="by-commune", title=..., value_name=..., total_name=...)

draws, per row, the whole (`total`, the third item; None for none) as a light bar outlined in
grey and the part (`value`) as a dark bar over it, with "value / total (pct)" on the right.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from telecom.models import Technology

Number = int | float
Row = tuple[str, Number, Number | None]

WIDTH = 360  # viewBox units: about one unit per CSS pixel on a 360 px phone, scaled up on wider screens
FONT_SIZE = 13
CHAR_WIDTH = FONT_SIZE * 0.56  # a generous average width of a Vietnamese sans-serif character
LINE = 18  # a text line's height; the baseline is BASELINE below its top, clear of the bar under it
BASELINE = 13
BAR = 14
GAP = 10  # between one row's bar and the next row's label
LEGEND_HEIGHT = 24
VALUE_FILL = "#0a58ca"  # contrast 6.4:1 on white
TOTAL_FILL = "#e9ecef"
TOTAL_STROKE = "#6c757d"


def number(value: Number) -> str:
    """1500000 → '1.500.000' (the active locale's separators)."""
    return number_format(value, decimal_pos=0 if isinstance(value, int) else 1, force_grouping=True)


def vnd(value: Number) -> str:
    """1500000 → '1.500.000 ₫'."""
    return f"{number(int(value))} ₫"


def percent(value: Number, total: Number) -> str:
    """120 of 300 → '40,0%'."""
    # number_format cuts decimals off; round first.
    return f"{number_format(round(100 * value / total, 1), decimal_pos=1)}%"


def figures_text(value: Number, total: Number | None, value_format: Callable[[Number], str], show_percent: bool) -> str:
    """What is written beside a bar: '120', or '120 / 300 (40,0%)'."""
    if total is None:
        return value_format(value)
    text = f"{value_format(value)} / {value_format(total)}"
    return f"{text} ({percent(value, total)})" if show_percent and total else text


def _width(value: Number, scale: Number) -> str:
    return f"{max(min(value / scale, 1.0), 0.0) * WIDTH:.1f}" if scale else "0"


def _legend(y: int, value_name: str, total_name: str) -> SafeString:
    half = WIDTH // 2
    return format_html(
        '<g class="chart-legend"><rect x="0" y="{}" width="12" height="12" fill="{}"/>'
        '<text x="18" y="{}">{}</text>'
        '<rect x="{}" y="{}" width="12" height="12" fill="{}" stroke="{}"/>'
        '<text x="{}" y="{}">{}</text></g>',
        y, VALUE_FILL, y + 11, value_name,
        half, y, TOTAL_FILL, TOTAL_STROKE, half + 18, y + 11, total_name,
    )  # fmt: skip


def _chars_fitting(width: float) -> int:
    return int(width / CHAR_WIDTH)


def _label(x_y: tuple[int, int], label: str, room: int) -> SafeString:
    """The label, shortened to `room` characters when longer, with the full text in its <title>."""
    shown = Truncator(label).chars(max(room, 8))
    tooltip = format_html("<title>{}</title>", label) if shown != label else ""
    return format_html('<text x="{}" y="{}">{}{}</text>', *x_y, tooltip, shown)


def _row(
    y: int, label: str, value: Number, total: Number | None, scale: Number, figures: str
) -> tuple[SafeString, int]:
    """One row's markup and height: the label and figures on one line when they fit, else on two; the bar below."""
    beside = _chars_fitting(WIDTH) - len(figures) - 2
    lines = 1 if len(label) <= beside else 2
    text_y = y + BASELINE
    label_markup = _label((0, text_y), label, beside if lines == 1 else _chars_fitting(WIDTH))
    figures_y = text_y + (lines - 1) * LINE
    bar_y = y + lines * LINE
    whole = ""
    if total is not None:
        whole = format_html(
            '<rect x="0" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-width="1"/>',
            bar_y, _width(total, scale), BAR, TOTAL_FILL, TOTAL_STROKE,
        )  # fmt: skip
    markup = format_html(
        '<g class="chart-row">{}<text x="{}" y="{}" text-anchor="end">{}</text>{}'
        '<rect x="0" y="{}" width="{}" height="{}" fill="{}"/></g>',
        label_markup, WIDTH, figures_y, figures, whole, bar_y, _width(value, scale), BAR, VALUE_FILL,
    )  # fmt: skip
    return markup, lines * LINE + BAR + GAP


def bar_chart(
    rows: Iterable[Row],
    *,
    chart_id: str,
    title: str,
    description: str = "",
    value_name: str = "",
    total_name: str = "",
    value_format: Callable[[Number], str] = number,
    show_percent: bool = True,
    empty_text: str = "—",
) -> SafeString:
    """A horizontal bar chart as inline SVG: one row per (label, value, total or None).

    All rows share one scale (the largest value or total). `chart_id` must be unique on the page
    (it names the title and description for screen readers). `description` defaults to every
    row's label and figures. A legend is drawn when `value_name` and `total_name` are given.
    """
    rows = [(str(label), value or 0, total) for label, value, total in rows]
    texts = [figures_text(value, total, value_format, show_percent) for _label, value, total in rows]
    if not description:
        description = "; ".join(f"{label}: {text}" for (label, _v, _t), text in zip(rows, texts, strict=True))
    scale = max((max(value, total or 0) for _label, value, total in rows), default=0)
    legend = bool(value_name and total_name)
    top = LEGEND_HEIGHT if legend else 0
    parts: list[SafeString] = [_legend(0, value_name, total_name)] if legend else []
    height = top
    for (label, value, total), text in zip(rows, texts, strict=True):
        markup, row_height = _row(height, label, value, total, scale, text)
        parts.append(markup)
        height += row_height
    if not rows:
        parts.append(format_html('<text x="0" y="{}">{}</text>', top + BASELINE, empty_text))
        height += LINE + GAP
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" aria-labelledby="{}-title {}-desc" font-size="{}" fill="currentColor">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH, height, WIDTH, height, chart_id, chart_id, FONT_SIZE,
        chart_id, title, chart_id, description, _join(parts),
    )  # fmt: skip


def _join(parts: Sequence[SafeString]) -> SafeString:
    # Each part was built by format_html, so each is already escaped.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703  # parts escaped by format_html


# --- charts both report pages draw -----------------------------------------------------------------


def support_by_commune(by_commune: Iterable[dict]) -> SafeString:
    """Pupils supported against pupils in need, a bar per commune (rows of the report's `by_commune`)."""
    return bar_chart(
        [(row["name"], row["supported"], row["in_need"]) for row in by_commune],
        chart_id="chart-communes",
        title=_("Pupils supported against pupils in need, by commune"),
        value_name=_("supported"),
        total_name=_("in need"),
    )


def coverage(infrastructure: dict) -> SafeString:
    """Hamlets with 4G and with fibre against all hamlets (the report's `infrastructure`)."""
    hamlets = infrastructure["hamlets"]
    return bar_chart(
        [
            (capfirst(str(label)), infrastructure[key], hamlets)
            for key, label in (("with_mobile_4g", Technology.MOBILE_4G.label), ("with_fibre", Technology.FIBRE.label))
        ],
        chart_id="chart-coverage",
        title=_("Hamlets covered by 4G mobile and by fibre, of all hamlets"),
        value_name=_("hamlets covered"),
        total_name=_("all hamlets"),
    )
