"""xAPI statements shaped like the ones H5P players send (for the xAPI tests)."""

import uuid

VERBS = "http://adlnet.gov/expapi/verbs/"


def statement(
    verb: str = "answered",
    *,
    raw: float | None = 4,
    max_score: float | None = 5,
    min_score: float | None = 0,
    success: bool | None = None,
    parent: bool = False,
    actor: dict | None = None,
    id: str | None = None,
) -> dict:
    data: dict = {
        "id": id or str(uuid.uuid4()),
        "actor": actor or {"name": "Anyone", "mbox": "mailto:someone@example.com", "objectType": "Agent"},
        "verb": {"id": VERBS + verb, "display": {"en-US": verb}},
        "object": {
            "id": "http://testserver/modules/lesson/#block",
            "objectType": "Activity",
            "definition": {
                "extensions": {"http://h5p.org/x-api/h5p-local-content-id": "block-1"},
                "name": {"en-US": "Check your understanding"},
                "interactionType": "other",
            },
        },
        "context": {
            "contextActivities": {
                "category": [
                    {"id": "http://h5p.org/libraries/H5P.FSMStatementCheck-1.0", "objectType": "Activity"}
                ]
            }
        },
    }
    if raw is not None or max_score is not None or success is not None:
        result: dict = {"completion": True, "duration": "PT12.5S"}
        if raw is not None or max_score is not None:
            score = {"raw": raw, "max": max_score}
            if min_score is not None:
                score["min"] = min_score
            if raw is not None and max_score:
                score["scaled"] = round(raw / max_score, 4)
            result["score"] = {key: value for key, value in score.items() if value is not None}
        if success is not None:
            result["success"] = success
        data["result"] = result
    if parent:
        data["context"]["contextActivities"]["parent"] = [
            {"id": "http://testserver/parent", "objectType": "Activity"}
        ]
    return data
