"""Sign-in has one door (allauth's), and the admin checks that this session passed MFA.

Every password form the URL map exposes, for every role; the admin's MFA gate against
a real allauth sign-in with a real TOTP code; unverified accounts on every sign-in path;
rate limits on every path that remains; social providers routed only when configured.
"""

import uuid

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as _counters
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from cms.people import roles, services
from cms.people.models import User
from tests.cms.pages.factories import StandardPageFactory
from tests.cms.people.factories import staff_member
from tests.conftest import caches_of_their_own
from tests.practiceweek.factories import SlotFactory, host_of

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"  # UserFactory's
LOGIN = "/accounts/login/"
SESSION_USER = "_auth_user_id"


@pytest.fixture(autouse=True)
def fresh_counters(settings):
    """Rate-limit counters and used TOTP codes live in the cache, keyed by user id and IP:
    each test gets a key space of its own, so ids reused after a rollback share nothing."""
    settings.CACHES = caches_of_their_own(settings.CACHES)


def _ip() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _verified(user: User) -> User:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _totp_code(secret: str) -> str:
    """The code an authenticator app shows now, computed by allauth's own TOTP functions."""
    counter = next(iter(_counters()))
    return format_hotp_value(hotp_value(secret, counter))


def _enrol(user: User) -> str:
    """Give the person a real TOTP authenticator, as allauth's activation does; return its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def _learner():
    return staff_member(role=roles.SOCIAL_WORKER)


def _host():
    return host_of(SlotFactory())


def _superuser():
    return staff_member(role=roles.SOCIAL_WORKER, is_superuser=True, is_staff=True)


# Every role the platform knows, and whether it has the Wagtail admin.
ROLE_MAKERS = {
    "learner": (_learner, False),
    "team manager": (lambda: staff_member(role=roles.TEAM_MANAGER), False),
    "senior manager": (lambda: staff_member(role=roles.SENIOR_MANAGER), False),
    "host": (_host, False),
    "L&D editor": (lambda: staff_member(role=roles.LEARNING_AND_DEVELOPMENT), True),
    "L&D lead": (lambda: staff_member(role=roles.LEARNING_AND_DEVELOPMENT_LEAD), True),
    "recruitment": (lambda: staff_member(role=roles.RECRUITMENT), True),
    "superuser": (_superuser, True),
}
ADMIN_ROLES = [name for name, (_, admin) in ROLE_MAKERS.items() if admin]


def _person(role: str) -> tuple[User, str | None]:
    """A verified account in `role`; admins are enrolled in MFA (secret returned), as they must be."""
    make, has_admin = ROLE_MAKERS[role]
    user = _verified(make())
    assert user.has_perm("wagtailadmin.access_admin") is has_admin
    return user, (_enrol(user) if has_admin else None)


# The doors ----------------------------------------------------------------------


def _page_password_door(home_page) -> str:
    page = StandardPageFactory(parent=home_page, slug=f"notice-{uuid.uuid4().hex[:6]}")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="shared-secret"
    )
    return f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"


def _document_password_door(home_page) -> str:
    collection = Collection.get_first_root_node().add_child(name=f"Private {uuid.uuid4().hex[:6]}")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.PASSWORD, password="shared-secret"
    )
    return f"/documents/authenticate_with_password/{restriction.pk}/"


# (door, how it answers): "login" redirects to allauth's sign-in, "reset" to allauth's
# password reset, "404" is closed.
DOORS = {
    "Wagtail's front-end login": (lambda home: "/_util/login/", "login"),
    "Wagtail's admin login": (lambda home: "/admin/login/", "login"),
    "Wagtail's admin password reset": (lambda home: "/admin/password_reset/", "reset"),
    "Wagtail's admin password reset confirm": (
        lambda home: "/admin/password_reset/confirm/MQ/set-password/",
        "reset",
    ),
    "Wagtail's page password": (_page_password_door, "404"),
    "Wagtail's document password": (_document_password_door, "404"),
}


def _post_credentials(
    client, path: str, user: User, *, password: str = PASSWORD, next_path: str = "/learning/"
):
    """Everything a password form might read: Django's username/password, a shared password, next."""
    return client.post(
        path,
        {
            "username": user.email,
            "login": user.email,
            "email": user.email,
            "password": password,
            "new_password1": "a-brand-new-pass-phrase-12",
            "new_password2": "a-brand-new-pass-phrase-12",
            "return_url": next_path,
            "next": next_path,
        },
        REMOTE_ADDR=_ip(),
    )


def _assert_answers_as(response, how: str, *, next_path: str | None = None) -> None:
    if how == "404":
        assert response.status_code == 404
        return
    assert response.status_code == 302
    if how == "login":
        expected = LOGIN + (f"?next={next_path.replace('/', '%2F')}" if next_path else "")
        assert response["Location"] == expected
    else:
        assert response["Location"] == "/accounts/password/reset/"


def test_the_url_map_has_exactly_the_password_forms_this_file_tests():
    """A password view newly mounted anywhere (Wagtail, Django, an app) fails here until closed and tested."""
    from wagtail import views as wagtail_views
    from wagtail.documents.views import serve as document_views

    auth_view_classes = tuple(
        cls
        for cls in vars(auth_views).values()
        if isinstance(cls, type) and cls.__module__ == "django.contrib.auth.views"
    )
    found = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            assert isinstance(pattern, URLPattern)
            view_class = getattr(pattern.callback, "view_class", None)
            is_auth_view = isinstance(view_class, type) and issubclass(view_class, auth_view_classes)
            is_shared_password = pattern.callback in (
                wagtail_views.authenticate_with_password,
                document_views.authenticate_with_password,
            )
            if (is_auth_view and not issubclass(view_class, auth_views.LogoutView)) or is_shared_password:
                found.add(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns)
    assert found == {
        "_util/login/",
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        "documents/authenticate_with_password/<int:restriction_id>/",
        "admin/login/",
        "admin/password_reset/",
        "admin/password_reset/done/",
        "admin/password_reset/confirm/<uidb64>/<token>/",
        "admin/password_reset/complete/",
    }


@pytest.mark.parametrize("role", ROLE_MAKERS)
@pytest.mark.parametrize("door", DOORS)
def test_no_password_form_but_allauths_signs_anyone_in(client, home_page, role, door):
    """Whatever their role, the right password posted to Wagtail's or Django's own forms signs nobody in."""
    user, _ = _person(role)
    make_path, how = DOORS[door]
    path = make_path(home_page)

    _assert_answers_as(client.get(path, {"next": "/learning/"}), how, next_path="/learning/")
    _assert_answers_as(_post_credentials(client, path, user), how, next_path="/learning/")
    assert SESSION_USER not in client.session
    assert client.get("/learning/")["Location"].startswith(LOGIN)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("role", ROLE_MAKERS)
def test_allauth_is_the_door_that_opens_with_the_same_password(client, home_page, role):
    """The same person and password get in through allauth: staff at once, admins after their code."""
    user, secret = _person(role)
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD, "next": "/learning/"})
    assert response.status_code == 302
    if secret is None:
        assert response["Location"] == "/learning/"
        assert client.session[SESSION_USER] == str(user.pk)
        return
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert SESSION_USER not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": _totp_code(secret)})
    assert response["Location"] == "/learning/"
    assert client.session[SESSION_USER] == str(user.pk)


def test_the_admin_login_keeps_a_safe_next_and_drops_another_sites(client, home_page):
    """A bookmarked admin sign-in link lands on allauth's form and returns to the admin, never off-site."""
    assert client.get("/admin/login/")["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert client.get("/admin/login/", {"next": "/admin/pages/"})["Location"] == (
        "/accounts/login/?next=%2Fadmin%2Fpages%2F"
    )
    assert client.get("/_util/login/", {"next": "https://evil.example/"})["Location"] == LOGIN
    assert client.get("/admin/login/", {"next": "//evil.example/"})["Location"] == (
        "/accounts/login/?next=%2Fadmin%2F"
    )


def test_a_page_behind_a_shared_password_stays_closed(client, home_page):
    """Shared page passwords are not a way in: the right one does not open the page."""
    door = _page_password_door(home_page)
    page_path = "/" + PageViewRestriction.objects.get().page.slug + "/"
    assert client.post(door, {"password": "shared-secret", "return_url": page_path}).status_code == 404
    assert "shared-secret" not in client.get(page_path).text
    assert not any("view_restrictions" in key for key, _ in client.session.items())


def test_editors_are_not_offered_shared_passwords_for_pages_or_collections():
    """The privacy forms offer sign-in or groups only, so no new shared password can be set."""
    from wagtail.admin.forms.collections import CollectionViewRestrictionForm
    from wagtail.admin.forms.pages import PageViewRestrictionForm

    page_form = PageViewRestrictionForm(
        private_page_options=[choice for choice, _ in PageViewRestriction.RESTRICTION_CHOICES]
    )
    collection_form = CollectionViewRestrictionForm()
    for form in (page_form, collection_form):
        assert "password" not in form.fields
        assert PageViewRestriction.PASSWORD not in dict(form.fields["restriction_type"].choices)


# The admin's MFA gate checks the session ------------------------------------------

ADMIN_URLS = [
    "/admin/",
    "/admin/pages/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/users/",
    "/admin/api/main/pages/",
    "/admin/does-not-exist/",
]


def _past_the_gate(response) -> bool:
    """The admin answered (a page, or its own refusal or 404), not the MFA gate."""
    return not response.get("Location", "").startswith("/accounts/")


def _signed_in_with_password_only(client, role: str) -> tuple[User, str]:
    """An admin who signed in through allauth before enrolling, then enrolled (say, on their phone's
    session): this session holds a password and no second factor."""
    user = _verified(ROLE_MAKERS[role][0]())
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD}, REMOTE_ADDR=_ip())
    assert response.status_code == 302
    assert client.session[SESSION_USER] == str(user.pk)
    return user, _enrol(user)


@pytest.mark.parametrize("role", ADMIN_ROLES)
@pytest.mark.parametrize("path", ADMIN_URLS)
def test_an_enrolled_admin_with_a_password_only_session_is_stopped_at_every_admin_url(
    client, home_page, role, path
):
    """An L&D lead's password alone never opens the admin: they are asked for their code first."""
    _signed_in_with_password_only(client, role)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/2fa/reauthenticate/?next={path.replace('/', '%2F')}"


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_the_code_opens_the_admin_and_returns_the_admin_to_where_they_were_going(client, home_page, role):
    """After the code from their app, the admin lands on the page they asked for, and the rest opens."""
    _, secret = _signed_in_with_password_only(client, role)
    stop = client.get("/admin/pages/")["Location"]
    page = client.get(stop)
    assert page.status_code == 200
    assert "Enter a code from your authenticator app" in page.text

    wrong = client.post(stop, {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302

    response = client.post(stop, {"code": _totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    for path in ADMIN_URLS:
        assert _past_the_gate(client.get(path)), path


def test_a_post_stopped_by_the_gate_is_not_carried_out_even_after_the_code(client, home_page):
    """A form post met by the gate (maybe another site's forgery) is dropped, not replayed after the code."""
    _, secret = _signed_in_with_password_only(client, "superuser")
    root = Collection.get_first_root_node()
    response = client.post("/admin/collections/add/", {"name": "Safeguarding videos", "parent": root.pk})
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2Fcollections%2Fadd%2F"
    response = client.post(response["Location"], {"code": _totp_code(secret)})
    assert response["Location"] == "/admin/collections/add/"
    assert not Collection.objects.filter(name="Safeguarding videos").exists()
    assert client.get("/admin/collections/add/").status_code == 200


def test_the_full_allauth_sign_in_with_a_real_code_opens_the_admin(client, home_page):
    """An L&D lead signs in with password then authenticator code, over allauth's real views."""
    user, secret = _person("L&D lead")
    response = client.get("/admin/pages/")
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD, "next": "/admin/pages/"})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302  # half-way through is not signed in
    response = client.post("/accounts/2fa/authenticate/", {"code": _totp_code(secret)})
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200


# Transactional: allauth announces the new authenticator when its transaction commits,
# inside the request as in production, where no test transaction wraps it.
@pytest.mark.django_db(transaction=True)
def test_enrolling_in_this_session_counts_as_the_second_factor(client, home_page):
    """An L&D editor who sets up their app now (password again, then a code from it) goes on to the admin."""
    user = _verified(staff_member(role=roles.LEARNING_AND_DEVELOPMENT))
    client.post(LOGIN, {"login": user.email, "password": PASSWORD}, REMOTE_ADDR=_ip())
    assert client.get("/admin/")["Location"] == "/accounts/2fa/totp/activate/"
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": _totp_code(secret)})
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    assert client.get("/admin/").status_code == 200


def test_an_enrolled_person_confirms_it_is_them_with_the_code_not_the_password(client, home_page):
    """When allauth asks again (changing two-factor settings), a password alone is not offered."""
    _signed_in_with_password_only(client, "L&D editor")
    response = client.get("/accounts/reauthenticate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")
    page = client.get("/accounts/2fa/reauthenticate/")
    assert "Use your password" not in page.text
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD})["Location"].startswith(
        "/accounts/2fa/reauthenticate/"
    )


def test_staff_without_the_admin_are_not_asked_for_a_code(client, home_page):
    """A senior manager with an authenticator of their own meets no code prompt: the gate is for the admin."""
    user = _verified(staff_member(role=roles.SENIOR_MANAGER))
    client.post(LOGIN, {"login": user.email, "password": PASSWORD}, REMOTE_ADDR=_ip())
    _enrol(user)
    assert client.get("/learning/").status_code == 200
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "You do not have access to the admin" in response.content.decode()


# Unverified accounts --------------------------------------------------------------


def _self_sign_up(client, email: str, password: str = PASSWORD) -> None:
    """Sam New signs up at allauth's form with that address and password."""
    client.post(
        "/accounts/signup/",
        {
            "first_name": "Sam",
            "last_name": "New",
            "email": email,
            "password1": password,
            "password2": password,
        },
        REMOTE_ADDR=_ip(),
    )


def _unverified_self_sign_up(client) -> User:
    email = f"new-{uuid.uuid4().hex[:8]}@oxfordshire.gov.uk"
    _self_sign_up(client, email)
    user = User.objects.get(email=email)
    assert not EmailAddress.objects.get(user=user).verified
    assert SESSION_USER not in client.session
    return user


def test_an_unverified_self_sign_up_cannot_sign_in_through_allauth(client, home_page):
    """Someone who signed up but never followed the emailed link is sent to confirm, not let in."""
    user = _unverified_self_sign_up(client)
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD}, REMOTE_ADDR=_ip())
    assert response["Location"] == "/accounts/confirm-email/"
    assert SESSION_USER not in client.session


@pytest.mark.parametrize("door", DOORS)
def test_an_unverified_self_sign_up_cannot_sign_in_through_a_closed_door(client, home_page, door):
    """The unverified account's right password, posted to any other password form, signs nobody in."""
    user = _unverified_self_sign_up(client)
    make_path, how = DOORS[door]
    _assert_answers_as(_post_credentials(client, make_path(home_page), user), how, next_path="/learning/")
    assert SESSION_USER not in client.session


def test_an_unverified_self_sign_up_cannot_get_in_through_an_invitation_link(client, home_page):
    """An invitation followed after a self sign-up neither signs the person in nor takes the account over."""
    email = f"invited-{uuid.uuid4().hex[:8]}@oxfordshire.gov.uk"
    sent = services.invitation_send(email=email, invited_by=None)
    _self_sign_up(client, email)
    user = User.objects.get(email=email)

    response = client.get(sent.url.replace("http://testserver", ""))
    assert response["Location"] == "/accounts/signup/"
    _self_sign_up(client, email, password="someone-elses-pass-phrase-9")
    assert SESSION_USER not in client.session
    assert User.objects.filter(email__iexact=email).count() == 1
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    response = client.post(LOGIN, {"login": email, "password": PASSWORD}, REMOTE_ADDR=_ip())
    assert SESSION_USER not in client.session
    assert response["Location"] == "/accounts/confirm-email/"


# Rate limits on every path that remains --------------------------------------------


def test_thirty_wrong_passwords_at_allauths_sign_in_are_limited(client, home_page):
    """A guessed password is refused after five tries, and then even the right one is, for a while."""
    user, _ = _person("L&D lead")
    ip = _ip()
    answers = [
        client.post(LOGIN, {"login": user.email, "password": f"guess-{n}"}, REMOTE_ADDR=ip).text
        for n in range(30)
    ]
    assert sum("Too many failed login attempts" in text for text in answers) >= 25
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD}, REMOTE_ADDR=_ip())
    assert "Too many failed login attempts" in response.text
    assert SESSION_USER not in client.session


def test_thirty_wrong_passwords_when_asked_again_are_limited(client, home_page):
    """A session left open cannot be used to guess the password at allauth's "Confirm it is you"."""
    user = _verified(staff_member(role=roles.LEARNING_AND_DEVELOPMENT))
    client.post(LOGIN, {"login": user.email, "password": PASSWORD}, REMOTE_ADDR=_ip())
    answers = [client.post("/accounts/reauthenticate/", {"password": f"guess-{n}"}) for n in range(30)]
    refused = [a for a in answers if a.status_code == 429 or "Too many" in a.text]
    assert len(refused) >= 20
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 429 or "Too many" in response.text


def test_thirty_wrong_codes_at_sign_in_are_limited(client, home_page):
    """Someone holding an admin's password cannot guess the authenticator code."""
    user, secret = _person("superuser")
    client.post(LOGIN, {"login": user.email, "password": PASSWORD}, REMOTE_ADDR=_ip())
    answers = [client.post("/accounts/2fa/authenticate/", {"code": f"{n:06d}"}).text for n in range(30)]
    assert sum("Too many failed login attempts" in text for text in answers) >= 25
    client.post("/accounts/2fa/authenticate/", {"code": _totp_code(secret)})
    assert SESSION_USER not in client.session


def test_thirty_wrong_codes_at_the_admin_gate_are_limited(client, home_page):
    """A password-only session cannot guess its way past the admin's code prompt."""
    _, secret = _signed_in_with_password_only(client, "recruitment")
    stop = client.get("/admin/")["Location"]
    answers = [client.post(stop, {"code": f"{n:06d}"}) for n in range(30)]
    refused = [a for a in answers if a.status_code == 429 or "Too many" in a.text]
    assert len(refused) >= 20
    client.post(stop, {"code": _totp_code(secret)})
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("door", DOORS)
def test_thirty_passwords_at_a_closed_door_never_sign_in(client, home_page, door):
    """The closed doors do not check passwords at all: thirty guesses and the right one all fail alike."""
    user, _ = _person("learner")
    make_path, how = DOORS[door]
    path = make_path(home_page)
    for n in range(30):
        _assert_answers_as(
            _post_credentials(client, path, user, password=f"guess-{n}"), how, next_path="/learning/"
        )
    _assert_answers_as(_post_credentials(client, path, user), how, next_path="/learning/")
    assert SESSION_USER not in client.session


# Social providers -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/accounts/microsoft/login/", "/accounts/microsoft/login/callback/"])
def test_microsoft_is_not_routed_without_entra(client, home_page, settings, path):
    """With no Entra settings the Microsoft URLs are not found (not a server error) and no button shows."""
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert "Microsoft" not in client.get(LOGIN).text


def test_no_installed_provider_is_routed_without_an_app(client, home_page, settings):
    """Every social provider's sign-in URL answers 404 until that provider has an app configured."""
    from allauth.socialaccount.providers import registry
    from django.urls import reverse

    settings.SOCIALACCOUNT_PROVIDERS = {}
    providers = registry.get_class_list()
    assert providers
    for provider in providers:
        for name in (f"{provider.id}_login", f"{provider.id}_callback"):
            assert client.get(reverse(name)).status_code == 404, name
