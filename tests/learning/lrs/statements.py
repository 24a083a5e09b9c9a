"""Statements for LRS tests."""

import uuid


def lrs_statement(**overrides):
    data = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-GB": "experienced"}},
        "object": {"id": "http://example.org/activities/safeguarding-1", "objectType": "Activity"},
    }
    data.update(overrides)
    return data
