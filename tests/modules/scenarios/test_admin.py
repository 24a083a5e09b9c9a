"""Authoring MI scenarios in the Wagtail admin: validation naming the node, preview, import and export."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cms.people.services import groups_ensure
from modules.models import Scenario
from tests.cms.people.factories import staff_member
from tests.modules.factories import scenario_create, scenario_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    groups_ensure()
    user = staff_member(role="learning-and-development", mfa=True)
    client.force_login(user)
    return user


def _responses(items):
    return {
        "count": len(items),
        **{
            str(index): {"value": item, "id": f"r{index}", "deleted": "", "order": str(index)}
            for index, item in enumerate(items)
        },
    }


def _response(text, code, next_key, **extra):
    return {
        "text": text,
        "code": code,
        "mi_override": extra.get("mi_override", ""),
        "override_reason": extra.get("override_reason", ""),
        "feedback": f"Why: {text}",
        "next": next_key,
    }


def _parent(key, text, responses, talk="neutral", kind=""):
    return (
        "parent",
        {
            "key": key,
            "text": text,
            "media": "",
            "talk_type": talk,
            "change_talk_kind": kind,
            "readiness": "0",
            "openness": "0",
            "responses": _responses(responses),
        },
    )


def _end(key, title="The end"):
    return (
        "end",
        {"key": key, "title": title, "parent_text": "", "outcome": "mixed", "debrief": "What happened."},
    )


def _form(nodes, *, slug="built-in-admin", start="open", **extra):
    return nested_form_data(
        {
            "title": "Built in the admin",
            "slug": slug,
            "summary": "A scenario an editor built.",
            "persona_name": "Jo",
            "persona_situation": "A mother.",
            "family_context": "Two children.",
            "concerns": "School attendance.",
            "initial_readiness": "3",
            "initial_openness": "4",
            "start_node": start,
            "nodes": streamfield(nodes),
            "min_mi_consistent_percent": "",
            "min_reflection_question_ratio": "",
            **extra,
        }
    )


def _valid_nodes():
    return [
        _parent(
            "open",
            "Hello.",
            [
                _response("You sound tired.", "simple_reflection", "end-a"),
                _response("Sit down.", "persuasion", "middle"),
            ],
        ),
        _parent(
            "middle",
            "Fine.",
            [
                _response("What matters to you?", "open_question", "end-a"),
                _response("Go on.", "summary", "end-a"),
            ],
        ),
        _end("end-a"),
    ]


def test_an_editor_builds_a_scenario_in_the_admin_as_a_draft(client, editor):
    response = client.post(reverse("wagtailsnippets_modules_scenario:add"), _form(_valid_nodes()))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    scenario = Scenario.objects.get(slug="built-in-admin")
    assert scenario.live is False
    assert scenario.latest_revision is not None
    assert len(scenario.get_latest_revision_as_object().nodes) == 3


@pytest.fixture
def scenario_workflow():
    """The L&D approval workflow on MI scenarios, as the demo and the role setup arrange it."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import WorkflowContentType

    from cms.people.services import ld_approval_workflow_ensure

    WorkflowContentType.objects.create(
        content_type=ContentType.objects.get_for_model(Scenario), workflow=ld_approval_workflow_ensure()
    )


SUBMIT = {"action-submit": "action-submit"}
PUBLISH = {"action-publish": "action-publish"}


def _broken_nodes():
    nodes = _valid_nodes()
    nodes[1][1]["responses"] = _responses([_response("Only one.", "open_question", "end-a")])
    nodes.append(
        _parent(
            "lonely",
            "Nobody links here.",
            [
                _response("a", "summary", "end-a"),
                _response("b", "summary", "end-a"),
            ],
        )
    )
    nodes[0][1]["responses"]["1"]["value"]["next"] = "midle"
    return nodes


def _warnings(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_a_draft_with_a_broken_graph_is_saved_and_its_problems_listed_as_warnings(client, editor):
    """Alex saves an unfinished conversation as a draft: it is kept, and the editor lists what is
    left to fix, naming each node."""
    response = client.post(reverse("wagtailsnippets_modules_scenario:add"), _form(_broken_nodes()))
    assert response.status_code == 302
    scenario = Scenario.objects.get(slug="built-in-admin")
    assert scenario.live is False
    assert len(scenario.get_latest_revision_as_object().nodes) == 4

    edit = client.get(reverse("wagtailsnippets_modules_scenario:edit", args=[scenario.pk]))
    assert edit.status_code == 200
    warnings = _warnings(edit)
    assert "This draft has 4 problems to fix before it can be submitted for approval or published" in warnings
    assert "Node &#x27;open&#x27;, response 2 points to &#x27;midle&#x27;, which is not a node." in warnings
    assert "Node &#x27;lonely&#x27; cannot be reached from the start node." in warnings


def test_submitting_a_broken_graph_names_the_offending_node_on_its_block(client, editor, scenario_workflow):
    """Submitting for approval needs the whole graph valid: each problem is shown on its node."""
    add_url = reverse("wagtailsnippets_modules_scenario:add")
    response = client.post(add_url, {**_form(_broken_nodes()), **SUBMIT})
    assert response.status_code == 200
    assert not Scenario.objects.exists()
    error = response.context["form"].errors["nodes"].as_data()[0]
    messages = {index: list(value.messages) for index, value in error.block_errors.items()}
    assert "Node 'open', response 2 points to 'midle', which is not a node." in messages[0]
    assert any("Node 'middle' offers 1 response(s)" in message for message in messages[1])
    assert "Node 'lonely' cannot be reached from the start node." in messages[3]


def test_an_unknown_start_node_is_reported_on_the_start_field_when_submitted(
    client, editor, scenario_workflow
):
    draft = client.post(reverse("wagtailsnippets_modules_scenario:add"), _form(_valid_nodes(), start="begin"))
    assert draft.status_code == 302
    scenario = Scenario.objects.get()
    response = client.post(
        reverse("wagtailsnippets_modules_scenario:edit", args=[scenario.pk]),
        {**_form(_valid_nodes(), start="begin"), **SUBMIT},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start_node"] == [
        "The start node 'begin' is not a node of this scenario."
    ]
    assert not scenario.workflow_states.exists()


def test_change_talk_without_a_kind_is_a_warning_in_a_draft_and_refused_on_submit(
    client, editor, scenario_workflow
):
    nodes = _valid_nodes()
    nodes[1][1]["talk_type"] = "change"
    draft = client.post(reverse("wagtailsnippets_modules_scenario:add"), _form(nodes))
    assert draft.status_code == 302
    scenario = Scenario.objects.get()
    edit = client.get(reverse("wagtailsnippets_modules_scenario:edit", args=[scenario.pk]))
    assert "Node &#x27;middle&#x27; is change talk: say which kind." in _warnings(edit)
    submitted = client.post(
        reverse("wagtailsnippets_modules_scenario:edit", args=[scenario.pk]), {**_form(nodes), **SUBMIT}
    )
    assert submitted.status_code == 200
    assert "nodes" in submitted.context["form"].errors


def test_a_valid_draft_shows_no_warnings(client, editor):
    client.post(reverse("wagtailsnippets_modules_scenario:add"), _form(_valid_nodes()))
    edit = client.get(reverse("wagtailsnippets_modules_scenario:edit", args=[Scenario.objects.get().pk]))
    assert "problem" not in _warnings(edit)


def test_publishing_a_broken_graph_is_refused_too(client, editor):
    """Publishing needs the whole graph valid, like submitting (here as a superuser, who may publish)."""
    from tests.cms.people.factories import UserFactory, mfa_enrol

    admin = mfa_enrol(UserFactory(is_superuser=True, is_staff=True))
    client.force_login(admin)
    nodes = _valid_nodes()[:2]  # no end node
    response = client.post(reverse("wagtailsnippets_modules_scenario:add"), {**_form(nodes), **PUBLISH})
    assert response.status_code == 200
    assert not Scenario.objects.exists()
    response = client.post(
        reverse("wagtailsnippets_modules_scenario:add"), {**_form(_valid_nodes()), **PUBLISH}
    )
    assert response.status_code == 302
    assert Scenario.objects.get().live


def _chain(count: int) -> list:
    """A conversation of `count` nodes: parent statements in a line, each with a good and a poor
    response, the last parent leading to two end nodes."""
    parents = count - 2
    nodes = []
    for number in range(parents):
        following = f"p{number + 1}" if number + 1 < parents else "end-good"
        nodes.append(
            _parent(
                f"p{number}",
                f"Statement {number}.",
                [
                    _response(f"Reflection {number}.", "complex_reflection", following),
                    _response(f"Advice {number}.", "persuasion", "end-poor" if number % 2 else following),
                ],
            )
        )
    return [*nodes, _end("end-good", "Jo opens up"), _end("end-poor", "Jo closes down")]


def test_an_editor_authors_a_20_node_scenario_in_drafts_then_submits_it(client, editor, scenario_workflow):
    """Alex builds a 20-node conversation over several sittings through the admin's edit view:
    each unfinished draft saves (dangling links and a missing end listed as warnings), and the
    finished graph is submitted to the L&D approval workflow."""
    full = _chain(20)
    first = client.post(
        reverse("wagtailsnippets_modules_scenario:add"), _form(full[:5], start="p0", slug="twenty")
    )
    assert first.status_code == 302
    scenario = Scenario.objects.get(slug="twenty")
    edit_url = reverse("wagtailsnippets_modules_scenario:edit", args=[scenario.pk])
    assert "p5" in _warnings(client.get(edit_url))  # p4 points to a node not written yet

    for upto in (10, 15, 18):
        saved = client.post(edit_url, _form(full[:upto], start="p0", slug="twenty"))
        assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved
        scenario.refresh_from_db()
        assert len(scenario.get_latest_revision_as_object().nodes) == upto
        assert "problem" in _warnings(client.get(edit_url))

    submitted = client.post(edit_url, {**_form(full, start="p0", slug="twenty"), **SUBMIT})
    assert submitted.status_code == 302, submitted.context["form"].errors if submitted.context else submitted
    scenario.refresh_from_db()
    latest = scenario.get_latest_revision_as_object()
    assert len(latest.nodes) == 20
    assert scenario_graph_problems(latest) == []
    assert scenario.workflow_states.get().status == "in_progress"
    assert "problem" not in _warnings(client.get(edit_url))


def scenario_graph_problems(scenario):
    from modules.scenarios.graph import graph_problems

    return graph_problems(scenario.graph)


def test_the_preview_plays_the_scenario_with_links_between_nodes(client, editor):
    url = reverse("wagtailsnippets_modules_scenario:preview_on_add")
    assert client.post(url, _form(_valid_nodes())).json()["is_valid"]
    preview = client.get(url)
    assert preview.status_code == 200
    assert 'id="node-open"' in preview.text
    assert 'href="#node-middle"' in preview.text
    assert "Persuasion, MI-inconsistent" in preview.text
    map_preview = client.get(url, {"mode": "map"})
    assert "Preview: conversation map" in map_preview.text


def test_an_editor_imports_a_shared_file_as_a_draft(client, editor):
    upload = SimpleUploadedFile(
        "shared.json", json.dumps(scenario_document(slug="shared")).encode(), "application/json"
    )
    response = client.post(reverse("wagtailsnippets_modules_scenario:import"), {"file": upload})
    scenario = Scenario.objects.get(slug="shared")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailsnippets_modules_scenario:edit", args=[scenario.pk])
    assert scenario.live is False


def test_a_hostile_upload_is_refused_with_reasons(client, editor):
    upload = SimpleUploadedFile("evil.json", b"[" * 50_000, "application/json")
    response = client.post(reverse("wagtailsnippets_modules_scenario:import"), {"file": upload})
    assert response.status_code == 400
    assert "The file was not imported" in response.text
    assert "nested more than 10 levels deep" in response.text
    assert not Scenario.objects.exists()


def test_an_editor_exports_a_scenario_as_a_file(client, editor):
    scenario = scenario_create(slug="to-share")
    response = client.get(reverse("wagtailsnippets_modules_scenario:export", args=[scenario.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mi-scenario-to-share.json"'
    assert json.loads(response.content)["scenario"]["slug"] == "to-share"


def test_the_listing_offers_import_and_export(client, editor):
    scenario = scenario_create(slug="listed")
    page = client.get(reverse("wagtailsnippets_modules_scenario:list"))
    assert page.status_code == 200
    assert reverse("wagtailsnippets_modules_scenario:import") in page.text
    assert reverse("wagtailsnippets_modules_scenario:export", args=[scenario.pk]) in page.text


def test_people_without_scenario_permissions_cannot_import_or_export(client):
    """Recruitment staff use the admin, but not for scenarios."""
    groups_ensure()
    recruiter = staff_member(role="recruitment", mfa=True)
    client.force_login(recruiter)
    scenario = scenario_create(slug="private")
    upload = SimpleUploadedFile("s.json", json.dumps(scenario_document(slug="x")).encode())
    refused = [
        client.post(reverse("wagtailsnippets_modules_scenario:import"), {"file": upload}),
        client.get(reverse("wagtailsnippets_modules_scenario:export", args=[scenario.pk])),
    ]
    # Wagtail's admin answers PermissionDenied by sending the user to the dashboard with a message.
    assert all(response.status_code == 302 and response["Location"] == "/admin/" for response in refused)
    assert Scenario.objects.count() == 1


def test_learners_cannot_reach_the_scenario_admin(client):
    groups_ensure()
    learner = staff_member(role="social-worker", mfa=True)
    client.force_login(learner)
    response = client.get(reverse("wagtailsnippets_modules_scenario:import"))
    assert response.status_code in {302, 403}
