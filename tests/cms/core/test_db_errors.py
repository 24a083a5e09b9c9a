"""cms.core.db.errors: a database error told by its SQLSTATE."""

from django.db import OperationalError

from cms.core.db.errors import deadlocked


class _DriverError(Exception):
    def __init__(self, sqlstate):
        super().__init__("from the driver")
        self.sqlstate = sqlstate


def _raised_from(cause):
    error = OperationalError("wrapped")
    error.__cause__ = cause
    return error


def test_a_deadlock_is_told_by_its_sqlstate_and_nothing_else_is():
    assert deadlocked(_raised_from(_DriverError("40P01")))
    assert not deadlocked(_raised_from(_DriverError("40001")))  # a serialization failure
    assert not deadlocked(_raised_from(_DriverError(None)))
    assert not deadlocked(_raised_from(ValueError("no sqlstate")))
    assert not deadlocked(OperationalError("no cause"))
