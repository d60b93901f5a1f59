"""Server-rendered SVG charts: no charting library, nothing loaded from the network."""
from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from shop.console.formatting import money

WIDTH, HEIGHT = 720, 200
PAD_LEFT, PAD_BOTTOM, PAD_TOP = 36, 28, 12


def _nice_max(value: int) -> int:
    if value <= 4:
        return 4
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return value


def daily_bars(per_day: list[tuple[date, int, int]]) -> Markup:
    """Redemptions per day as columns, with a y axis and a date label every week."""
    peak = _nice_max(max((n for _, n, _ in per_day), default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / max(len(per_day), 1)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="Redemptions per day over the last {len(per_day)} days" xmlns="http://www.w3.org/2000/svg">']
    for tick in range(5):
        value = peak * tick // 4
        y = PAD_TOP + plot_h - plot_h * tick / 4
        parts.append(f'<line class="chart-grid" x1="{PAD_LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="chart-axis" x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    for i, (day, count, discount) in enumerate(per_day):
        h = plot_h * count / peak if peak else 0
        x = PAD_LEFT + i * slot + slot * 0.15
        y = PAD_TOP + plot_h - h
        title = escape(f"{day:%b %d}: {count} redemption{'s' if count != 1 else ''}, {money(discount)} off")
        parts.append(f'<rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}">'
                     f'<title>{title}</title></rect>')
        # Weekly labels counted back from today, so the newest day is always labelled.
        if (len(per_day) - 1 - i) % 7 == 0:
            parts.append(f'<text class="chart-axis" x="{x + slot * 0.35:.1f}" y="{HEIGHT - 8}" '
                         f'text-anchor="middle">{day:%b %d}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def budget_gauge(used: int, cap: int | None) -> Markup:
    """Discount granted against the budget: a filled bar, or the plain amount without a budget."""
    if not cap:
        return Markup('<p class="gauge-none">No budget set.</p>')
    share = min(used / cap, 1.0)
    state = "danger" if share >= 0.9 else "warn" if share >= 0.7 else "ok"
    label = escape(f"{money(used)} of {money(cap)} budget used ({share:.0%})")
    return Markup(
        f'<svg class="gauge gauge--{state}" viewBox="0 0 400 28" role="img" aria-label="{label}" '
        f'xmlns="http://www.w3.org/2000/svg"><rect class="gauge-track" x="0" y="4" width="400" height="20" rx="10"/>'
        f'<rect class="gauge-fill" x="0" y="4" width="{400 * share:.1f}" height="20" rx="10"/></svg>'
        f'<p class="gauge-label">{label}</p>'
    )
