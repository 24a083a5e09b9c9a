"""Geometry for server-rendered SVG charts (no JavaScript, no inline styles).

Charts always sit beside a data table with the same figures, and lines differ by
dash pattern as well as colour, so they read without colour.
"""

from dataclasses import dataclass
from datetime import date

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
