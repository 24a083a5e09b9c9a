"""Geometry for the learner's "profile over attempts" chart, drawn as SVG by the template.

No style attributes (the CSP forbids them): shapes carry classes and geometry only.
Series differ by marker shape and line pattern as well as colour, and each point has
a text title, so the chart reads without colour; a data table sits beside it.
"""

from __future__ import annotations

from learning.scenario_scoring import Profile

WIDTH, HEIGHT = 560, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 16, 56

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
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100), 1)


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    if count <= 1:
        return round(LEFT + inner / 2, 1)
    return round(LEFT + inner * index / (count - 1), 1)


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
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "top": TOP,
        "gridlines": [{"y": _y(percent), "label": f"{percent}%"} for percent in (0, 25, 50, 75, 100)],
        "xticks": [{"x": _x(index, count), "label": str(index + 1)} for index in range(count)],
        "x_label_y": HEIGHT - 8,
        "series": series,
        "legend": [
            {"name": name, "css": css, "marker": _marker(shape, 12, 10)} for _, name, shape, css, _ in SERIES
        ],
    }
