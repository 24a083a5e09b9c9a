"""Demo pages: the home page as the site root, and the footer's statutory pages."""

from wagtail.models import Page, Site

from cms.core.seeding import SeedContext, register
from cms.pages.models import HomePage, StandardPage

HOME_INTRODUCTION = (
    "Training, practice and readiness for our move to the Family Safeguarding Model: "
    "whole-family teams, one shared practice model, and parents supported to change."
)

FOOTER_PAGES = {
    "accessibility": (
        "Accessibility statement",
        "<p>This service is run by the council's Learning and Development team. We want as "
        "many people as possible to be able to use it: you should be able to zoom in to 400% "
        "without text spilling off the screen, navigate the whole service using just a "
        "keyboard, and use it with a screen reader.</p>"
        "<h2>How accessible this service is</h2><p>We test every page against the Web Content "
        "Accessibility Guidelines (WCAG) 2.2 at level AA with automated checks and by hand. "
        "Some interactive activities supplied by third parties may not yet meet the standard; "
        "where they do not, the lesson offers the same learning in text.</p>"
        "<h2>Reporting accessibility problems</h2><p>If you find a problem, email the Learning "
        "and Development team and we will reply within five working days.</p>"
        "<h2>Enforcement procedure</h2><p>The Equality and Human Rights Commission (EHRC) is "
        "responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) "
        "(No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to "
        "your complaint, contact the Equality Advisory and Support Service (EASS).</p>",
    ),
    "privacy": (
        "Privacy notice",
        "<p>The council is the data controller for the personal information this service holds. "
        "We record your name, work email, team, role and the learning you complete so that you "
        "and your managers can see your progress, and so that we can show the council is ready "
        "for the new way of working.</p><h2>How long we keep it</h2><p>Learning records are kept "
        "while you work for the council and for a set period afterwards, then anonymised. "
        "Reflections you write are private to you.</p><h2>Your rights</h2><p>You can ask for a "
        "copy of your learning record, or for it to be corrected or erased, by contacting the "
        "council's data protection officer.</p>",
    ),
    "cookies": (
        "Cookies",
        "<p>This service uses only essential cookies.</p><h2>Essential cookies</h2><p>"
        "<strong>sessionid</strong> keeps you signed in (expires when you sign out or after two "
        "weeks); <strong>csrftoken</strong> protects forms against forgery (one year). We do not "
        "use analytics or advertising cookies, so we do not ask for consent.</p>",
    ),
}


def home_page_ensure() -> HomePage:
    collection_root_ensure()
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or _tree_root_create()
        default_home = Page.objects.filter(depth=2, slug="home").first()
        if default_home is not None and not isinstance(default_home.specific, HomePage):
            default_home.slug = "welcome-to-wagtail"
            default_home.save()
        home = HomePage(title="Family Safeguarding Learning", slug="home", introduction=HOME_INTRODUCTION)
        root.add_child(instance=home)
        home.save_revision().publish()
        if default_home is not None and not isinstance(default_home.specific, HomePage):
            Site.objects.filter(root_page=default_home).update(root_page=home)
            Site.clear_site_root_paths_cache()  # update() sends no signal to clear it
            # Wagtail's placeholder goes; one that pages were added under stays, out of the
            # site, so seeding never deletes anyone's content (or records that point at it).
            if not default_home.get_children().exists():
                default_home.delete()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Family Safeguarding Learning",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home


def _tree_root_create() -> Page:
    """Wagtail's migrations make the tree root and default locale; a flushed database
    (transactional tests) has neither, so make them as the migrations do."""
    from django.conf import settings
    from wagtail.models import Locale

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    return Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))


def collection_root_ensure() -> None:
    """Images and documents need Wagtail's root collection (made by its migrations)."""
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@register(order=20)
def seed_pages(context: SeedContext) -> None:
    home = home_page_ensure()
    for slug, (title, body) in FOOTER_PAGES.items():
        if not StandardPage.objects.filter(slug=slug).exists():
            page = StandardPage(title=title, slug=slug, body=body)
            home.add_child(instance=page)
            page.save_revision().publish()
    context.say("pages: home page and footer pages ready")
