"""Geometry for server-rendered SVG charts (no JavaScript, no inline styles): the readiness
burn-up and the learner's scenario profile over attempts.

No style attributes (the CSP forbids them): shapes carry classes and geometry only.
Charts always sit beside a data table with the same figures, and series differ by
marker shape and dash pattern as well as colour, with a text title per point, so they
read without colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from learning.scoring import Profile
from learning.selectors import BurnUp

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40


@dataclass(frozen=True)
class BurnUpChart:
    width: int
    height: int
    actual_points: str
    target_points: str
    projection_points: str
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str, str]]  # x, label, text-anchor (the ends stay inside)
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


def _nice_step(rough: float) -> int:
    """The whole number at or above `rough` of the form 1, 2 or 5 times a power of ten."""
    magnitude = 1
    while True:
        for multiple in (1, 2, 5):
            if multiple * magnitude >= rough:
                return multiple * magnitude
        magnitude *= 10


def burn_up_chart(burn: BurnUp, *, today: date) -> BurnUpChart:
    span_days = max(1, (burn.go_live - burn.start).days)
    top_value = max(1, burn.total)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return round(LEFT + plot_w * min(1.0, max(0.0, (day - burn.start).days / span_days)), 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - min(1.0, value / top_value)), 1)

    actual = [(burn.start, 0), *burn.points]
    last_value = actual[-1][1]
    actual_points = " ".join(f"{x(d)},{y(v)}" for d, v in actual)
    actual_points += f" {x(min(today, burn.go_live))},{y(last_value)}"
    target_points = f"{x(burn.start)},{y(0)} {x(burn.go_live)},{y(burn.total)}"
    projection_points = (
        f"{x(min(today, burn.go_live))},{y(last_value)} {x(burn.go_live)},{y(burn.projected_at_go_live)}"
    )
    step = _nice_step(top_value / 4)
    y_ticks = [(y(value), value) for value in range(0, top_value + 1, step)]
    x_ticks = [
        (x(burn.start), burn.start.strftime("%-d %b %Y"), "start"),
        (x(burn.go_live), burn.go_live.strftime("%-d %b %Y"), "end"),
    ]
    if burn.start < today < burn.go_live:
        x_ticks.insert(1, (x(today), "Today", "middle"))
    return BurnUpChart(
        width=WIDTH,
        height=HEIGHT,
        actual_points=actual_points,
        target_points=target_points,
        projection_points=projection_points,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
    )


# The learner's profile over attempts of a scenario.
ATTEMPTS_WIDTH, ATTEMPTS_HEIGHT = 560, 340
ATTEMPTS_LEFT, ATTEMPTS_RIGHT, ATTEMPTS_TOP, ATTEMPTS_BOTTOM = 64, 24, 16, 56

# (attribute, name, marker, css class, horizontal nudge so equal values stay visible)
SERIES = [
    ("mi_consistent_percent", "MI-consistent responses", "circle", "mic", -9),
    ("complex_percent", "Complex reflections (% of reflections)", "square", "complex", 0),
    (
        "change_talk_percent",
        "Change talk (% of the parent's change and sustain talk)",
        "triangle",
        "change",
        9,
    ),
]


def _y(percent: float) -> float:
    return round(ATTEMPTS_TOP + (ATTEMPTS_HEIGHT - ATTEMPTS_TOP - ATTEMPTS_BOTTOM) * (1 - percent / 100), 1)


def _x(index: int, count: int) -> float:
    inner = ATTEMPTS_WIDTH - ATTEMPTS_LEFT - ATTEMPTS_RIGHT
    if count <= 1:
        return round(ATTEMPTS_LEFT + inner / 2, 1)
    return round(ATTEMPTS_LEFT + inner * index / (count - 1), 1)


def _marker(shape: str, x: float, y: float) -> str:
    """An SVG path for the marker, so one <path> element serves every shape."""
    if shape == "circle":
        return f"M {x - 5} {y} a 5 5 0 1 0 10 0 a 5 5 0 1 0 -10 0 Z"
    if shape == "square":
        return f"M {x - 5} {y - 5} h 10 v 10 h -10 Z"
    return f"M {x} {y - 6} L {x + 6} {y + 5} L {x - 6} {y + 5} Z"


def attempts_chart(*, profiles: list[Profile]) -> dict:
    count = len(profiles)
    series = []
    for attribute, name, shape, css, nudge in SERIES:
        points, path, pen_down = [], [], False
        for index, profile in enumerate(profiles):
            value = getattr(profile, attribute)
            if value is None:
                pen_down = False  # a gap: this run had nothing to measure
                continue
            x, y = _x(index, count) + nudge, _y(value)
            path.append(f"{'L' if pen_down else 'M'} {x} {y}")
            pen_down = True
            points.append(
                {
                    "x": x,
                    "y": y,
                    "marker": _marker(shape, x, y),
                    "title": f"Attempt {index + 1}: {name} {value:.0f}%",
                }
            )
        series.append({"name": name, "shape": shape, "css": css, "points": points, "path": " ".join(path)})
    return {
        "width": ATTEMPTS_WIDTH,
        "height": ATTEMPTS_HEIGHT,
        "left": ATTEMPTS_LEFT,
        "right": ATTEMPTS_WIDTH - ATTEMPTS_RIGHT,
        "bottom": ATTEMPTS_HEIGHT - ATTEMPTS_BOTTOM,
        "top": ATTEMPTS_TOP,
        "gridlines": [{"y": _y(percent), "label": f"{percent}%"} for percent in (0, 25, 50, 75, 100)],
        "xticks": [{"x": _x(index, count), "label": str(index + 1)} for index in range(count)],
        "x_label_y": ATTEMPTS_HEIGHT - 8,
        "series": series,
        "legend": [
            {"name": name, "css": css, "marker": _marker(shape, 12, 10)} for _, name, shape, css, _ in SERIES
        ],
    }
