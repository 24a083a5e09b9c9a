"""Hypothesis strategies for hostile input, shared by the tests/<app>/test_hostile_input.py files.

Hostile text mixes what broke the site before (NUL, lone surrogates, control
characters), very long strings and huge numbers written as text. Form posts are
encoded by hand (`form_body`), as a hostile client would send them: the test client
cannot encode a lone surrogate, a browser or a script can send its bytes anyway.
"""

from urllib.parse import urlencode

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SPECIALS = [
    "\x00",
    "\ud800",
    "\udfff",
    "\x01",
    "\x1b[31m",
    "\x7f",
    "\u202e",
    "\ufeff",
    "😀",
    "\r\n",
    '=HYPERLINK("http://x")',
    "9" * 400,
    "1e400",
]

# Every kind of character, surrogates and controls included.
_any_character = st.characters(codec=None, categories=None, exclude_categories=())

hostile_text = st.one_of(
    st.text(alphabet=_any_character, max_size=40),
    st.tuples(st.text(max_size=20), st.sampled_from(SPECIALS), st.text(max_size=20)).map("".join),
    st.integers(min_value=200, max_value=70_000).map(lambda n: "ab" * (n // 2)),
    st.integers(min_value=1, max_value=450).map(lambda n: "9" * n),
)

huge_numbers = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([10**400, -(10**400), 2**63, 2**53 + 1, 1e308, -1e308, 5e-324]),
)

# One database transaction is shared by all the examples of a test (function-scoped
# fixtures), so each property compares the row before and after its own request.
hostile_settings = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def form_body(data: dict) -> bytes:
    """An application/x-www-form-urlencoded body carrying any text, lone surrogates included."""
    return urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass").encode("ascii")


def as_received(value: str) -> str:
    """What Django reads from a form body for `value` (it decodes bytes with replacement)."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


FORM = "application/x-www-form-urlencoded"
