"""Reading the Range header (RFC 9110 section 14): one bytes range honoured, the odd ignored, no crash."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cms.core.file_serving import ByteRange, RangeNotSatisfiable, byte_range_parse


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=100-", ByteRange(100, 999)),
        ("bytes=-100", ByteRange(900, 999)),
        ("bytes=-5000", ByteRange(0, 999)),
        ("bytes=990-5000", ByteRange(990, 999)),
        ("bytes=999-999", ByteRange(999, 999)),
        (" bytes = 10 - 20 ", ByteRange(10, 20)),
    ],
)
def test_a_single_satisfiable_range_is_clamped_to_the_file(header, expected):
    assert byte_range_parse(header, size=1000) == expected


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "bytes=",
        "bytes=-",
        "bytes=20-10",
        "items=0-10",
        "bytes=0-10,20-30",
        "bytes=0-1," * 500,
        "bytes=abc-def",
        "bytes=0x10-20",
        "bytes=1e3-",
        "bytes=-1-2",
        "bytes=" + "9" * 5000 + "-",
        "bytes=0-\x00",
        "bytes=٣-٤",
        "BYTES=0-10x",
    ],
)
def test_malformed_several_or_foreign_ranges_are_ignored_and_the_whole_file_is_sent(header):
    assert byte_range_parse(header, size=1000) is None


@pytest.mark.parametrize(
    ("header", "size"),
    [("bytes=1000-", 1000), ("bytes=5000-6000", 1000), ("bytes=-0", 1000), ("bytes=0-", 0)],
)
def test_a_well_formed_range_past_the_end_is_not_satisfiable(header, size):
    with pytest.raises(RangeNotSatisfiable):
        byte_range_parse(header, size=size)


@given(header=st.text(max_size=120), size=st.integers(min_value=0, max_value=10**12))
def test_any_header_gives_a_range_inside_the_file_none_or_416(header, size):
    """Hostile input: whatever arrives, the answer is a range within the file, the whole file, or 416."""
    try:
        result = byte_range_parse(header, size=size)
    except RangeNotSatisfiable:
        return
    if result is not None:
        assert 0 <= result.first <= result.last < size
