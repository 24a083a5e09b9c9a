"""Launching xAPI (Tin Can) and cmi5 content, and the rules its statements must keep.

``xapi_launch`` is the one way content starts: it finds the lesson block (live, visible
to the person), the package's current ready version and the AU; keeps one registration
per person, block and package version (cmi5 9.6.1, kept across launches); abandons the
registration's previous sessions that never sent ``terminated`` (an ``abandoned``
statement each, cmi5 9.3.6); opens a session with its own restricted credential; writes
``LMS.LaunchData`` to the state store and a ``launched`` statement (cmi5 10, 9.3.1); and
answers the launch URL (cmi5 8.1; for Tin Can, the Rustici launch parameters).

``cmi5_fetch`` answers the session's auth-token once (cmi5 8.2).

``launch_statements_store`` stores what the content posts to /xapi with its launch
credential: only for its learner and registration, about its own activity; for cmi5, the
"defined statement" rules that decide completion (see docs/xapi.md for the list). When
the AU's moveOn criteria (or, for Tin Can, the block's rule) are met, the LMS writes its
``satisfied`` statements and ``activity_complete`` runs, all in the same transaction as
the statement that met them.

``cmi5_module_waive`` waives the AUs of a module's cmi5 courses when L&D record the module
as completed elsewhere (``waived``, then ``satisfied`` as the rules say).
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
