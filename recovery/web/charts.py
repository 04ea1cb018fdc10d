"""The pain-over-time chart, drawn on the server as SVG (no script, no inline style)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 24, 16, 40
MAX_PAIN = 10


@dataclass(frozen=True)
class PainPoint:
    """One pain score: hours after the procedure (0 for the baseline) and its label."""

    hours: float
    pain: int
    label: str


def _x(hours: float, span: float) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * hours / span


def _y(pain: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - pain / MAX_PAIN)


def _grid(span: float) -> list[str]:
    parts = []
    for pain in (0, 5, 10):
        y = _y(pain)
        parts.append(
            f'<line class="gridline" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="axis" x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{pain}</text>'
        )
    parts.append(
        f'<text class="axis" x="{WIDTH / 2:.0f}" y="{HEIGHT - 4}" text-anchor="middle">'
        "Hours after the procedure</text>"
    )
    return parts


def _threshold(threshold: float) -> list[str]:
    y = _y(threshold)
    return [
        f'<line class="threshold" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>',
        f'<text class="threshold-label" x="{WIDTH - RIGHT}" y="{y - 6:.1f}" text-anchor="end">'
        f"{threshold:g}/10 threshold</text>",
    ]


def _points(points: list[PainPoint], span: float) -> list[str]:
    parts = []
    if len(points) > 1:
        path = " ".join(f"{_x(p.hours, span):.1f},{_y(p.pain):.1f}" for p in points)
        parts.append(f'<polyline class="pain-line" points="{path}"/>')
    for point in points:
        x, y = _x(point.hours, span), _y(point.pain)
        label = escape(point.label)
        parts.append(
            f'<circle class="pain-point" cx="{x:.1f}" cy="{y:.1f}" r="5">'
            f"<title>{label}: pain {point.pain}/10</title></circle>"
        )
        parts.append(
            f'<text class="point-label" x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle">'
            f"{point.pain}</text>"
        )
    return parts


def _ticks(ticks: list[tuple[str, float]], span: float) -> list[str]:
    parts = []
    for label, hours in ticks:
        x = _x(hours, span)
        parts.append(
            f'<text class="axis" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    return parts


def describe(points: list[PainPoint]) -> str:
    """The chart in words, for screen readers."""
    if not points:
        return "No pain scores yet."
    return "Pain " + ", ".join(f"{p.pain}/10 at {p.label}" for p in points) + "."


def pain_chart(
    points: list[PainPoint], *, threshold: float, ticks: list[tuple[str, float]]
) -> Markup:
    """An SVG line chart of pain over hours (ticks: the check-ins), with the threshold drawn."""
    span = max([1.0, *(hours for _, hours in ticks), *(p.hours for p in points)]) * 1.08
    ordered = sorted(points, key=lambda p: p.hours)
    body = [*_grid(span), *_threshold(threshold), *_ticks(ticks, span), *_points(ordered, span)]
    return Markup(
        f'<svg class="pain-chart" role="img" aria-label="Pain over time" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f"<desc>{escape(describe(ordered))}</desc>" + "".join(body) + "</svg>"
    )
