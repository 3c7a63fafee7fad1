"""The per-zone state chart of an endpoint over time, as an accessible inline SVG: one row per
zone, one bar per stretch of a state between two recorded moments (equal width each)."""

from __future__ import annotations

from markupsafe import Markup, escape

COLORS = {
    "Connected": "#2e7d32",
    "Connecting": "#f9a825",
    "Disconnected": "#9e9e9e",
    "Disconnecting": "#ef6c00",
    "Deleting": "#c62828",
    "Deleted": "#616161",
    "Migrating": "#1565c0",
    "Migrated": "#00838f",
    "Wait": "#8d6e63",
    "": "#eeeeee",
}
LABEL, ROW, WIDTH = 150, 30, 760


def stretches(states: list[tuple[str, dict[str, str]]], zone: str) -> list[tuple[int, int, str]]:
    """(first moment index, last index + 1, state) of each run of one state of ``zone``."""
    runs: list[tuple[int, int, str]] = []
    for i, (_, zones) in enumerate(states):
        state = zones.get(zone, "")
        if runs and runs[-1][2] == state:
            runs[-1] = (runs[-1][0], i + 1, state)
        else:
            runs.append((i, i + 1, state))
    return runs


def zone_chart(states: list[tuple[str, dict[str, str]]], now: str) -> Markup:
    """The chart of each zone's state at each recorded moment (until ``now``)."""
    zones = sorted({z for _, zs in states for z in zs})
    if not states or not zones:
        return Markup("<p>No zone has a recorded state yet.</p>")
    step = (WIDTH - LABEL) / len(states)
    height = ROW * len(zones) + 40
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" '
            f'height="{height}" viewBox="0 0 {WIDTH} {height}" class="zone-chart" '
            f'aria-labelledby="zone-chart-title"><title id="zone-chart-title">State of each '
            f"zone over time, from {escape(states[0][0])} to {escape(now)}</title>"
        )
    ]
    for row, zone in enumerate(zones):
        parts += zone_row(states, zone, 10 + row * ROW, step, now)
    y = 10 + len(zones) * ROW + 14
    parts.append(f'<text x="{LABEL}" y="{y}" font-size="11">{escape(states[0][0])}</text>')
    parts.append(f'<text x="{WIDTH}" y="{y}" font-size="11" text-anchor="end">now</text>')
    parts.append("</svg>")
    return Markup("".join(parts) + legend(states))


def zone_row(
    states: list[tuple[str, dict[str, str]]], zone: str, y: int, step: float, now: str
) -> list[str]:
    """One zone's label and a bar per stretch of one state."""
    parts = [f'<text x="0" y="{y + 18}" font-size="13">{escape(zone)}</text>']
    for start, end, state in stretches(states, zone):
        until = states[end][0] if end < len(states) else now
        parts.append(
            f'<rect x="{LABEL + start * step:.1f}" y="{y}" width="{(end - start) * step:.1f}"'
            f' height="{ROW - 6}" fill="{COLORS.get(state, "#5e35b1")}" '
            f'data-zone="{escape(zone)}" data-state="{escape(state or "none")}">'
            f"<title>{escape(zone)}: {escape(state or 'not present')} from "
            f"{escape(states[start][0])} until {escape(until)}</title></rect>"
        )
    return parts


def legend(states: list[tuple[str, dict[str, str]]]) -> str:
    """The colour of each state the chart shows."""
    items = "".join(
        f'<li><span class="swatch" style="background:{color}"></span>{escape(state)}</li>'
        for state, color in COLORS.items()
        if state and any(state == s for _, zs in states for s in zs.values())
    )
    return f'<ul class="legend">{items}</ul>'
