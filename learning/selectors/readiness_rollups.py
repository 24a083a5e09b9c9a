"""The readiness grain's roll-ups: shares complete by team, role or agency, in all, and by team
and module (the heatmap), each summed from the grain's rows (``learning.selectors.readiness``)
in one pass."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from learning.models import Programme
from learning.selectors.readiness import BY_FIELDS, GrainRow, ShareRow, cursor_date, readiness_grain


@dataclass(frozen=True)
class Heatmap:
    teams: list[str]
    modules: list[str]
    cells: dict[tuple[str, str], ShareRow]

    def rows(self) -> list[dict]:
        return [
            {"team": team, "cells": [self.cells.get((team, module)) for module in self.modules]}
            for team in self.teams
        ]


# A grain row as the cursor gives it (``readiness_grain_values``) or as a GrainRow: (team, role,
# agency, module, total, complete, overdue, first enrolled); what ``GrainRollUp`` takes.
GrainValues = tuple[str | None, str | None, str | None, str, int, int, int, date | str | None]


class GrainRollUp:
    """Every roll-up of the grain, from one pass over its rows.

    The rows (a few thousand) are summed twice as they go by: by kind of person (team, role
    and agency: a hundred or so groups at the bench's 5,000 people) and by the heatmap's cell
    (team, or "No team", and module). The groupings and the total are then summed from the first, never from
    the rows again; five passes over the rows, each summing tuples through a key function,
    cost about as much as building the rows themselves."""

    def __init__(self, rows: Iterable[GrainValues]) -> None:
        kinds: dict[tuple[str | None, str | None, str | None], list[int]] = {}
        cells: dict[tuple[str, str], list[int]] = {}
        first: date | None = None
        for team, role, agency, module, total, complete, overdue, first_enrolled in rows:
            kind = kinds.get((team, role, agency))
            if kind is None:
                kinds[team, role, agency] = [total, complete, overdue]
            else:
                kind[0] += total
                kind[1] += complete
                kind[2] += overdue
            cell = cells.get((team or "No team", module))
            if cell is None:
                cells[team or "No team", module] = [total, complete, overdue]
            else:
                cell[0] += total
                cell[1] += complete
                cell[2] += overdue
            enrolled = cursor_date(first_enrolled)
            if enrolled is not None and (first is None or enrolled < first):
                first = enrolled
        self._kinds = kinds
        self._cells = cells
        self.first_enrolled = first

    def by(self, by: str) -> list[ShareRow]:
        """Shares grouped by team, role or agency (``BY_FIELDS``), by label."""
        position = list(BY_FIELDS).index(by)
        sums = _summed((key[position] or "Not set", counts) for key, counts in self._kinds.items())
        return [
            ShareRow(label=label, total=total, complete=complete, overdue=overdue)
            for label, (total, complete, overdue) in sorted(sums.items())
        ]

    def totals(self) -> ShareRow:
        """Every counted row of the grain in one share, labelled "All"."""
        total, complete, overdue = _summed(("All", counts) for counts in self._kinds.values()).get(
            "All", (0, 0, 0)
        )
        return ShareRow(label="All", total=total, complete=complete, overdue=overdue)

    def heatmap(self) -> Heatmap:
        """Shares by team (or "No team") and module, teams and modules in name order."""
        cells = {
            key: ShareRow(label=key[0], total=total, complete=complete, overdue=overdue)
            for key, (total, complete, overdue) in self._cells.items()
        }
        return Heatmap(
            teams=sorted({t for t, _ in cells}), modules=sorted({m for _, m in cells}), cells=cells
        )


def _summed[K](pairs: Iterable[tuple[K, list[int]]]) -> dict[K, tuple[int, int, int]]:
    """(total, complete, overdue) summed by key."""
    sums: dict[K, tuple[int, int, int]] = {}
    for key, (total, complete, overdue) in pairs:
        was_total, was_complete, was_overdue = sums.get(key, (0, 0, 0))
        sums[key] = (was_total + total, was_complete + complete, was_overdue + overdue)
    return sums


def readiness_by(
    *, by: str, programme: Programme | None, today: date, grain: list[GrainRow] | None = None
) -> list[ShareRow]:
    """Share of required learning complete, grouped by team, role or agency."""
    if by not in BY_FIELDS:
        raise ValueError(f"Readiness is grouped by {', '.join(BY_FIELDS)}, not {by!r}.")
    if grain is None:
        grain = readiness_grain(programme=programme, today=today)
    return GrainRollUp(grain).by(by)


def readiness_totals(
    *, programme: Programme | None, today: date, grain: list[GrainRow] | None = None
) -> ShareRow:
    if grain is None:
        grain = readiness_grain(programme=programme, today=today)
    return GrainRollUp(grain).totals()


def team_module_heatmap(
    *, programme: Programme | None, today: date, grain: list[GrainRow] | None = None
) -> Heatmap:
    if grain is None:
        grain = readiness_grain(programme=programme, today=today)
    return GrainRollUp(grain).heatmap()
