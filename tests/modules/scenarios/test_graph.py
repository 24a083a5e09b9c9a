"""The rules every MI scenario graph obeys, checked on save, publish and import, naming the node."""

import copy

import pytest

from modules.scenarios import graph as scenario_graph
from modules.scenarios.exchange import scenario_document_check
from tests.modules.factories import scenario_document


def _problems(document):
    _fields, problems = scenario_document_check(document)
    return problems


def _nodes(document):
    return document["scenario"]["nodes"]


def _node(document, key):
    return next(node for node in _nodes(document) if node["key"] == key)


def test_a_well_formed_scenario_has_no_problems():
    """The reference scenario (a loop with exits to two ends) is playable."""
    assert _problems(scenario_document()) == []


def test_a_node_nobody_can_reach_is_named():
    """An editor adds a node but forgets to link to it: the save names it."""
    document = scenario_document()
    _nodes(document).insert(
        3,
        {
            "type": "parent",
            "key": "orphan",
            "text": "Nobody gets here.",
            "talk_type": "neutral",
            "responses": [
                {"text": "a", "code": "open_question", "feedback": "f", "next": "end-good"},
                {"text": "b", "code": "open_question", "feedback": "f", "next": "end-bad"},
            ],
        },
    )
    assert _problems(document) == ["Node 'orphan' cannot be reached from the start node."]


def test_a_parent_statement_with_one_response_is_refused():
    """The learner must have a choice: at least two responses at every parent statement."""
    document = scenario_document()
    _node(document, "better")["responses"].pop()
    problems = _problems(document)
    assert any("Node 'better' offers 1 response(s)" in problem for problem in problems)


def test_a_response_pointing_nowhere_is_named():
    """A typo in 'next node' is caught with the node and the response number."""
    document = scenario_document()
    _node(document, "worse")["responses"][1]["next"] = "end-typo"
    problems = _problems(document)
    assert "Node 'worse', response 2 points to 'end-typo', which is not a node." in problems


def test_a_loop_without_an_exit_is_refused():
    """better and worse only lead to each other: a learner would be trapped."""
    document = scenario_document()
    _node(document, "better")["responses"][0]["next"] = "worse"
    _node(document, "worse")["responses"][1]["next"] = "better"
    _nodes(document)[:] = [node for node in _nodes(document) if node["type"] != "end"] + [
        {"type": "end", "key": "end-good", "title": "t", "debrief": "d"},
    ]
    _node(document, "open")["responses"][0]["next"] = "end-good"
    problems = _problems(document)
    assert "From node 'better' no path reaches an end: every loop needs a way out." in problems
    assert "From node 'worse' no path reaches an end: every loop needs a way out." in problems
    assert not any("'open'" in problem and "no path" in problem for problem in problems)


def test_a_loop_with_an_exit_is_allowed():
    """Going round better -> worse -> better is fine because worse can end."""
    document = scenario_document()
    assert _node(document, "worse")["responses"][0]["next"] == "better"
    assert _problems(document) == []


def test_the_start_must_be_an_existing_parent_statement():
    document = scenario_document(start="nowhere")
    assert _problems(document) == ["The start node 'nowhere' is not a node of this scenario."]
    document = scenario_document(start="end-good")
    assert any("is an end node" in problem for problem in _problems(document))


def test_a_scenario_without_an_end_is_refused():
    document = scenario_document()
    _nodes(document)[:] = [node for node in _nodes(document) if node["type"] != "end"]
    for node in _nodes(document):
        for response in node["responses"]:
            if response["next"].startswith("end"):
                response["next"] = "open"
    problems = _problems(document)
    assert "The scenario has no end node: add at least one, with a debrief." in problems


def test_duplicate_keys_are_named():
    document = scenario_document()
    duplicate = copy.deepcopy(_node(document, "worse"))
    _nodes(document).append(duplicate)
    problems = _problems(document)
    assert any("uses the key 'worse' of an earlier node" in problem for problem in problems)


def test_change_talk_needs_its_kind_and_only_change_talk_has_one():
    document = scenario_document()
    _node(document, "better")["change_talk_kind"] = None
    _node(document, "worse")["change_talk_kind"] = "need"
    problems = _problems(document)
    assert "Node 'better' is change talk: say which kind." in problems
    assert "Node 'worse' gives a change-talk kind but is not change talk." in problems


def test_an_override_of_mi_consistency_needs_a_reason():
    document = scenario_document()
    _node(document, "worse")["responses"][1]["mi_override"] = "inconsistent"
    problems = _problems(document)
    assert "Node 'worse', response 2 overrides MI-consistency: give the reason." in problems


@pytest.mark.parametrize(
    ("field", "limit"),
    [("text", scenario_graph.STATEMENT_MAX_LENGTH)],
)
def test_node_text_length_is_bounded(field, limit):
    graph = scenario_graph.graph_from_stream(
        raw_nodes=[
            {
                "type": "parent",
                "value": {
                    "key": "open",
                    "text": "x" * (limit + 1),
                    "talk_type": "neutral",
                    "responses": [
                        {
                            "type": "item",
                            "id": "a",
                            "value": {"text": "a", "code": "summary", "feedback": "f", "next": "e"},
                        },
                        {
                            "type": "item",
                            "id": "b",
                            "value": {"text": "b", "code": "summary", "feedback": "f", "next": "e"},
                        },
                    ],
                },
            },
            {"type": "end", "value": {"key": "e", "title": "t", "debrief": "d"}},
        ],
        start="open",
    )
    problems = [problem.message for problem in scenario_graph.graph_problems(graph)]
    assert problems == [f"Node 'open': the parent's words are over {limit} characters."]


def test_node_count_is_bounded():
    """A scenario has at most MAX_NODES nodes (the import refuses bigger files before building the graph)."""
    raw = [
        {
            "type": "parent",
            "value": {
                "key": f"n{index}",
                "text": "t",
                "talk_type": "neutral",
                "responses": [
                    {
                        "type": "item",
                        "id": "a",
                        "value": {"text": "a", "code": "summary", "feedback": "f", "next": f"n{index + 1}"},
                    },
                    {
                        "type": "item",
                        "id": "b",
                        "value": {"text": "b", "code": "summary", "feedback": "f", "next": "end"},
                    },
                ],
            },
        }
        for index in range(scenario_graph.MAX_NODES)
    ]
    raw.append(
        {"type": "end", "value": {"key": f"n{scenario_graph.MAX_NODES}", "title": "t", "debrief": "d"}}
    )
    raw.append({"type": "end", "value": {"key": "end", "title": "t", "debrief": "d"}})
    problems = scenario_graph.graph_problems(scenario_graph.graph_from_stream(raw_nodes=raw, start="n0"))
    limit = scenario_graph.MAX_NODES
    assert [problem.message for problem in problems] == [
        f"A scenario has at most {limit} nodes; this one has {limit + 2}."
    ]


def test_problems_carry_the_offending_nodes_position_for_the_editor():
    """The admin pins each message on the node's block, so problems know the node's index."""
    document = scenario_document()
    _node(document, "worse")["responses"][0]["next"] = "missing"
    fields, _ = scenario_document_check(document)
    graph = scenario_graph.graph_from_stream(raw_nodes=fields["nodes"], start="open")
    [problem] = scenario_graph.graph_problems(graph)
    assert (problem.node_key, problem.index) == ("worse", 2)


@pytest.mark.parametrize(
    ("code", "override", "expected"),
    [
        ("complex_reflection", "", True),
        ("closed_question", "", True),
        ("giving_information", "", True),
        ("advice_with_permission", "", True),
        ("advice_without_permission", "", False),
        ("persuasion", "", False),
        ("confrontation", "", False),
        ("closed_question", "inconsistent", False),
        ("confrontation", "consistent", True),
    ],
)
def test_mi_consistency_is_derived_from_the_code_unless_overridden(code, override, expected):
    assert scenario_graph.response_mi_consistent(code=code, override=override) is expected
