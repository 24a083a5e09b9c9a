"""People signing in over HTTP, as a browser does, for benchmarks that must not mint sessions.

Each person GETs the sign-in page (which sets the CSRF cookie and renders the form's
token), POSTs allauth's form (`login`, `password`, `csrfmiddlewaretoken`) with that cookie,
and keeps the cookies the answer sets: the session, and the CSRF cookie Django rotates on
sign-in. A benchmark then sends `SignedIn.cookie_header` and `SignedIn.csrf_token` with
its requests.

The site's production settings trust one proxy (`TRUSTED_PROXY_COUNT`), which appends the
client's address to X-Forwarded-For; each person here gets an address of their own in it,
as people signing in from their own machines would, so allauth's per-address sign-in rate
limit (30 a minute) sees 200 people rather than one loopback address.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import _common as bench

LOGIN_PATH = "/accounts/login/"
_FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class SignedIn:
    email: str
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    @property
    def csrf_token(self) -> str:
        from django.conf import settings

        return self.cookies[settings.CSRF_COOKIE_NAME]


@dataclass
class SignInResult:
    people: list[SignedIn]
    page_ms: list[float]  # GET of the sign-in page, one per person
    post_ms: list[float]  # POST of the form, one per person (the password check is here)
    failures: list[str]
    elapsed_s: float


def password_hash_shared(*, password: str) -> str:
    """One hash of `password` under the site's own hasher (production's, at its full cost),
    for every bench account: hashing it 200 times over would only slow the build."""
    from django.contrib.auth.hashers import make_password

    return make_password(password)


def _remember(person: SignedIn, response: http.client.HTTPResponse) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            person.cookies[name] = morsel.value


def _sign_in(connection: http.client.HTTPConnection, person: SignedIn, *, password: str, address: str):
    headers = {"Host": bench.HOST, "X-Forwarded-For": address}
    started = time.perf_counter()
    connection.request("GET", LOGIN_PATH, headers=headers)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    page_ms = (time.perf_counter() - started) * 1000
    _remember(person, response)
    match = _FORM_TOKEN.search(body)
    if response.status != 200 or match is None:
        raise RuntimeError(f"sign-in page answered {response.status} without a form token")
    form = urlencode({"login": person.email, "password": password, "csrfmiddlewaretoken": match.group(1)})
    started = time.perf_counter()
    connection.request(
        "POST",
        LOGIN_PATH,
        body=form.encode(),
        headers={
            **headers,
            "Cookie": person.cookie_header,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = connection.getresponse()
    response.read()
    post_ms = (time.perf_counter() - started) * 1000
    _remember(person, response)
    if response.status != 302:
        raise RuntimeError(f"sign-in POST answered {response.status}, not a redirect")
    return page_ms, post_ms


def http_sign_in(
    server: bench.Server, *, emails: list[str], password: str, clients: int, deadline_s: float = 900.0
) -> SignInResult:
    """Sign every address in `emails` in over HTTP, `clients` people at a time (one keep-alive
    connection each, as a browser has); returns each person's cookies and the latencies."""
    from django.conf import settings

    people = [SignedIn(email=email) for email in emails]
    page_ms: list[float] = []
    post_ms: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + deadline_s

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(bench.HOST, server.port, timeout=60)
        try:
            for number in range(index, len(people), clients):
                if time.monotonic() > stop_at:
                    break
                person = people[number]
                address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
                try:
                    timings = _sign_in(connection, person, password=password, address=address)
                except (OSError, http.client.HTTPException, RuntimeError) as error:
                    connection.close()
                    connection = http.client.HTTPConnection(bench.HOST, server.port, timeout=60)
                    with lock:
                        failures.append(f"{person.email}: {error}")
                    continue
                with lock:
                    page_ms.append(timings[0])
                    post_ms.append(timings[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(index,), daemon=True) for index in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=deadline_s + 60)
    missing = [p.email for p in people if settings.SESSION_COOKIE_NAME not in p.cookies]
    failures += [f"{email}: no session cookie" for email in missing if not any(email in f for f in failures)]
    elapsed = time.perf_counter() - started
    return SignInResult(people=people, page_ms=page_ms, post_ms=post_ms, failures=failures, elapsed_s=elapsed)


def mfa_session_cookie(*, email: str, password: str, totp_secret: str) -> str:
    """A `Cookie` header value for someone enrolled in MFA, signed in through the site's own
    views (allauth's form, then the code from their authenticator app, computed with allauth's
    TOTP helpers) by Django's test Client with the CSRF check on. The admin's MFA gate lets
    only such a session through; one made by `force_login` is sent back to sign in."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.conf import settings
    from django.test import Client

    bench.collect_static()  # the sign-in pages link the built CSS
    client = Client(SERVER_NAME=bench.HOST, enforce_csrf_checks=True)

    def post(path: str, data: dict):
        token = client.cookies[settings.CSRF_COOKIE_NAME].value
        return client.post(path, {**data, "csrfmiddlewaretoken": token})

    client.get(LOGIN_PATH)
    response = post(LOGIN_PATH, {"login": email, "password": password})
    if response.status_code != 302 or not response["Location"].startswith("/accounts/2fa/authenticate/"):
        raise SystemExit(f"bench: the sign-in form answered {response.status_code}, not the code step")
    client.get(response["Location"])
    code = format_hotp_value(hotp_value(totp_secret, int(time.time()) // 30))
    response = post("/accounts/2fa/authenticate/", {"code": code})
    if response.status_code != 302:
        raise SystemExit(f"bench: the authenticator code was refused ({response.status_code})")
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
