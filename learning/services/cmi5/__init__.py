"""Launching xAPI (Tin Can) and cmi5 content, and the rules its statements must keep.

Callers import from here; each module's docstring tells its part:
``launch`` (``xapi_launch``, the one way content starts, and ``cmi5_fetch``),
``statements`` (``launch_statements_store``, what launched content posts to /xapi) and
``waivers`` (``cmi5_module_waive``, for a module recorded as completed elsewhere).
"""

from learning.services.cmi5.common import FetchRefused, LaunchOutcome, LaunchRefused, move_on_met
from learning.services.cmi5.launch import cmi5_fetch, xapi_launch
from learning.services.cmi5.statements import launch_statements_store
from learning.services.cmi5.waivers import WAIVER_REASONS, cmi5_module_waive

__all__ = [
    "WAIVER_REASONS",
    "FetchRefused",
    "LaunchOutcome",
    "LaunchRefused",
    "cmi5_fetch",
    "cmi5_module_waive",
    "launch_statements_store",
    "move_on_met",
    "xapi_launch",
]
