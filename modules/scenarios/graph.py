"""The MI scenario as a conversation graph: vocabulary, reading, and the rules a graph obeys.

Pure Python over the scenario's stored JSON (the StreamField's raw data, or the
export format's node list): no queries, no Wagtail blocks converted. The admin form,
the importer and the player all read scenarios through here, so a scenario the
editor could save is exactly a scenario a learner can play.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

# MITI 4.2 behaviour codes a worker's response can carry, in the order editors see them.
BEHAVIOUR_CODES: dict[str, str] = {
    "open_question": "Open question",
    "closed_question": "Closed question",
    "simple_reflection": "Simple reflection",
    "complex_reflection": "Complex reflection",
    "affirmation": "Affirmation",
    "summary": "Summary",
    "giving_information": "Giving information",
    "advice_with_permission": "Advice with permission",
    "advice_without_permission": "Advice without permission",
    "persuasion": "Persuasion",
    "confrontation": "Confrontation",
    "emphasising_autonomy": "Emphasising autonomy",
    "seeking_collaboration": "Seeking collaboration",
}
QUESTION_CODES = frozenset({"open_question", "closed_question"})
REFLECTION_CODES = frozenset({"simple_reflection", "complex_reflection"})
# MITI's MI non-adherent behaviours (the "righting reflex"). Every other code is
# MI-consistent unless the editor overrides it for one response, with a reason.
MI_INCONSISTENT_CODES = frozenset({"advice_without_permission", "persuasion", "confrontation"})

TALK_TYPES: dict[str, str] = {"change": "Change talk", "sustain": "Sustain talk", "neutral": "Neutral"}
CHANGE_TALK_KINDS: dict[str, str] = {
    "desire": "Desire",
    "ability": "Ability",
    "reasons": "Reasons",
    "need": "Need",
    "commitment": "Commitment",
    "activation": "Activation",
    "taking_steps": "Taking steps",
}
OUTCOMES: dict[str, str] = {
    "engaged": "The parent engaged",
    "mixed": "Mixed",
    "disengaged": "The parent disengaged",
}
MI_CONSISTENCY_CHOICES: dict[str, str] = {
    "": "As the code says",
    "consistent": "MI-consistent (override)",
    "inconsistent": "MI-inconsistent (override)",
}

# Bounds: generous for real scenarios, small enough that a shared file cannot
# make the editor, the player or the database do unreasonable work.
MAX_NODES = 60
MAX_RESPONSES = 6
MIN_RESPONSES = 2
KEY_MAX_LENGTH = 40
STATEMENT_MAX_LENGTH = 1200
RESPONSE_MAX_LENGTH = 600
FEEDBACK_MAX_LENGTH = 1200
REASON_MAX_LENGTH = 300
END_TITLE_MAX_LENGTH = 120
DEBRIEF_MAX_LENGTH = 3000
STATE_MIN, STATE_MAX = 0, 10
DELTA_MIN, DELTA_MAX = -3, 3
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY_HELP = "Lower-case letters, digits and hyphens, e.g. 'denies-drinking'. Unique in this scenario."


def response_mi_consistent(*, code: str, override: str = "") -> bool:
    """MI-consistent as the code says, unless the editor overrode it for this response."""
    if override == "consistent":
        return True
    if override == "inconsistent":
        return False
    return code not in MI_INCONSISTENT_CODES


@dataclass(frozen=True)
class Response:
    id: str
    text: str
    code: str
    mi_override: str
    override_reason: str
    feedback: str
    next: str

    @property
    def mi_consistent(self) -> bool:
        return response_mi_consistent(code=self.code, override=self.mi_override)

    @property
    def code_label(self) -> str:
        return BEHAVIOUR_CODES.get(self.code, self.code)


@dataclass(frozen=True)
class ParentNode:
    key: str
    text: str
    talk_type: str
    change_talk_kind: str
    readiness: int
    openness: int
    media_id: int | None = None
    responses: tuple[Response, ...] = ()
    is_end = False

    def response(self, response_id: str) -> Response | None:
        return next((item for item in self.responses if item.id == response_id), None)


@dataclass(frozen=True)
class EndNode:
    key: str
    title: str
    parent_text: str
    debrief: str
    outcome: str
    is_end = True
    responses: tuple[Response, ...] = ()
    talk_type = "neutral"
    change_talk_kind = ""
    readiness = 0
    openness = 0

    @property
    def text(self) -> str:
        return self.parent_text


Node = ParentNode | EndNode


@dataclass
class Graph:
    start: str
    nodes: dict[str, Node] = field(default_factory=dict)
    # Keys in the editor's order; duplicates kept here so validation can name them.
    order: list[str] = field(default_factory=list)

    def node(self, key: str) -> Node | None:
        return self.nodes.get(key)


@dataclass(frozen=True)
class Problem:
    """One reason a scenario cannot be saved: which node (if any), where, and why."""

    message: str
    node_key: str = ""
    index: int | None = None  # the node's position in the editor's list


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def graph_from_stream(*, raw_nodes: list, start: str) -> Graph:
    """Read the StreamField's raw JSON (a list of {"type", "value", "id"}) into a Graph."""
    graph = Graph(start=start or "")
    for item in raw_nodes or []:
        if not isinstance(item, dict):
            continue
        value = item.get("value") or {}
        key = _text(value.get("key")).strip()
        graph.order.append(key)
        if item.get("type") == "end":
            node: Node = EndNode(
                key=key,
                title=_text(value.get("title")),
                parent_text=_text(value.get("parent_text")),
                debrief=_text(value.get("debrief")),
                outcome=_text(value.get("outcome")),
            )
        else:
            responses = []
            for position, child in enumerate(value.get("responses") or []):
                # ListBlock items are stored as {"type": "item", "value": {...}, "id": uuid}.
                data = child.get("value", child) if isinstance(child, dict) else {}
                response_id = child.get("id") if isinstance(child, dict) and "value" in child else None
                responses.append(
                    Response(
                        id=str(response_id or position),
                        text=_text(data.get("text")),
                        code=_text(data.get("code")),
                        mi_override=_text(data.get("mi_override")),
                        override_reason=_text(data.get("override_reason")),
                        feedback=_text(data.get("feedback")),
                        next=_text(data.get("next")).strip(),
                    )
                )
            node = ParentNode(
                key=key,
                text=_text(value.get("text")),
                talk_type=_text(value.get("talk_type")) or "neutral",
                change_talk_kind=_text(value.get("change_talk_kind")),
                readiness=_int(value.get("readiness")),
                openness=_int(value.get("openness")),
                media_id=value.get("media") if isinstance(value.get("media"), int) else None,
                responses=tuple(responses),
            )
        graph.nodes.setdefault(key, node)
    return graph


def _node_field_problems(graph: Graph) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, key in enumerate(graph.order):
        name = f"Node {index + 1}" + (f" '{key}'" if key else "")
        if not key:
            problems.append(Problem(f"{name} has no key.", key, index))
            continue
        if len(key) > KEY_MAX_LENGTH or not KEY_PATTERN.match(key):
            problems.append(
                Problem(
                    f"{name}: a key uses lower-case letters, digits and hyphens, "
                    f"at most {KEY_MAX_LENGTH} characters.",
                    key,
                    index,
                )
            )
        if key in seen:
            problems.append(
                Problem(f"{name} uses the key '{key}' of an earlier node; keys must be unique.", key, index)
            )
            continue
        seen.add(key)
        node = graph.nodes[key]
        if node.is_end:
            if not node.title.strip():
                problems.append(Problem(f"End node '{key}' needs a title.", key, index))
            if not node.debrief.strip():
                problems.append(Problem(f"End node '{key}' needs a debrief.", key, index))
            if len(node.debrief) > DEBRIEF_MAX_LENGTH or len(node.title) > END_TITLE_MAX_LENGTH:
                problems.append(Problem(f"End node '{key}': the title or debrief is too long.", key, index))
            if len(node.parent_text) > STATEMENT_MAX_LENGTH:
                problems.append(
                    Problem(f"End node '{key}': the parent's last words are too long.", key, index)
                )
            continue
        if not node.text.strip():
            problems.append(Problem(f"Node '{key}' has no text for the parent.", key, index))
        if len(node.text) > STATEMENT_MAX_LENGTH:
            problems.append(
                Problem(
                    f"Node '{key}': the parent's words are over {STATEMENT_MAX_LENGTH} characters.",
                    key,
                    index,
                )
            )
        if node.talk_type not in TALK_TYPES:
            problems.append(Problem(f"Node '{key}' has an unknown talk type '{node.talk_type}'.", key, index))
        if node.talk_type == "change" and node.change_talk_kind not in CHANGE_TALK_KINDS:
            problems.append(Problem(f"Node '{key}' is change talk: say which kind.", key, index))
        if node.talk_type != "change" and node.change_talk_kind:
            problems.append(
                Problem(f"Node '{key}' gives a change-talk kind but is not change talk.", key, index)
            )
        if not (DELTA_MIN <= node.readiness <= DELTA_MAX and DELTA_MIN <= node.openness <= DELTA_MAX):
            problems.append(
                Problem(
                    f"Node '{key}': effects on the parent must be between {DELTA_MIN} and {DELTA_MAX}.",
                    key,
                    index,
                )
            )
        if len(node.responses) < MIN_RESPONSES:
            problems.append(
                Problem(
                    f"Node '{key}' offers {len(node.responses)} response(s); "
                    f"a parent statement needs at least {MIN_RESPONSES} for the worker to choose from.",
                    key,
                    index,
                )
            )
        if len(node.responses) > MAX_RESPONSES:
            problems.append(Problem(f"Node '{key}' offers more than {MAX_RESPONSES} responses.", key, index))
        for number, response in enumerate(node.responses, start=1):
            where = f"Node '{key}', response {number}"
            if not response.text.strip():
                problems.append(Problem(f"{where} has no text.", key, index))
            if response.code not in BEHAVIOUR_CODES:
                problems.append(
                    Problem(f"{where} has an unknown behaviour code '{response.code}'.", key, index)
                )
            if response.mi_override not in MI_CONSISTENCY_CHOICES:
                problems.append(Problem(f"{where} has an unknown MI-consistency override.", key, index))
            elif response.mi_override and not response.override_reason.strip():
                problems.append(Problem(f"{where} overrides MI-consistency: give the reason.", key, index))
            if not response.feedback.strip():
                problems.append(Problem(f"{where} needs feedback explaining why.", key, index))
            if (
                len(response.text) > RESPONSE_MAX_LENGTH
                or len(response.feedback) > FEEDBACK_MAX_LENGTH
                or len(response.override_reason) > REASON_MAX_LENGTH
            ):
                problems.append(Problem(f"{where}: the text, feedback or reason is too long.", key, index))
            if not response.next:
                problems.append(Problem(f"{where} does not say which node comes next.", key, index))
            elif response.next not in graph.nodes:
                problems.append(
                    Problem(f"{where} points to '{response.next}', which is not a node.", key, index)
                )
    return problems


def _successors(graph: Graph, key: str) -> list[str]:
    node = graph.nodes.get(key)
    if node is None or node.is_end:
        return []
    return [response.next for response in node.responses if response.next in graph.nodes]


def graph_problems(graph: Graph) -> list[Problem]:
    """Every reason the graph cannot be played, each naming the offending node.

    Rules: a bounded number of nodes; unique, well-formed keys; a start that is a
    parent statement; every parent statement offers at least two responses and each
    response leads to an existing node; every node is reachable from the start; and
    from every node an end can still be reached (loops are fine while they have an exit).
    """
    problems: list[Problem] = []
    if not graph.order:
        return [Problem("Add at least one parent statement and one end node.")]
    if len(graph.order) > MAX_NODES:
        problems.append(
            Problem(f"A scenario has at most {MAX_NODES} nodes; this one has {len(graph.order)}.")
        )
    problems += _node_field_problems(graph)

    start = graph.nodes.get(graph.start)
    if not graph.start:
        problems.append(Problem("Say which node the conversation starts at."))
        return problems
    if start is None:
        problems.append(Problem(f"The start node '{graph.start}' is not a node of this scenario."))
        return problems
    if start.is_end:
        problems.append(
            Problem(f"The start node '{graph.start}' is an end node; start with a parent statement.")
        )
    if not any(node.is_end for node in graph.nodes.values()):
        problems.append(Problem("The scenario has no end node: add at least one, with a debrief."))

    index_of = {}
    for index, key in enumerate(graph.order):
        index_of.setdefault(key, index)

    reachable = {graph.start}
    queue = deque([graph.start])
    while queue:
        for successor in _successors(graph, queue.popleft()):
            if successor not in reachable:
                reachable.add(successor)
                queue.append(successor)
    for key in graph.nodes:
        if key and key not in reachable:
            problems.append(
                Problem(f"Node '{key}' cannot be reached from the start node.", key, index_of[key])
            )

    # Walk backwards from the ends: a node that never gets there traps the learner.
    predecessors: dict[str, set[str]] = {key: set() for key in graph.nodes}
    for key in graph.nodes:
        for successor in _successors(graph, key):
            predecessors[successor].add(key)
    can_finish = {key for key, node in graph.nodes.items() if node.is_end}
    queue = deque(can_finish)
    while queue:
        for previous in predecessors[queue.popleft()]:
            if previous not in can_finish:
                can_finish.add(previous)
                queue.append(previous)
    for key in graph.nodes:
        if key and key in reachable and key not in can_finish:
            problems.append(
                Problem(
                    f"From node '{key}' no path reaches an end: every loop needs a way out.",
                    key,
                    index_of[key],
                )
            )
    return problems
