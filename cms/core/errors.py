"""The base of the errors that refuse something a person asked for, with a reason they can read."""


class Refusal(Exception):
    """A rule said no: `code` is stable, for programs and logs; `reason` is written for people."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason
