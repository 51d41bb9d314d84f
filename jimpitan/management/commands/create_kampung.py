"""Add a kampung to the deployment and print the one-time link that sets it up (its first treasurer)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug

from jimpitan.lib.setup_code import kampung_code, new_nonce
from jimpitan.models import Kampung
from jimpitan.tenancy import kampung_root

# "k" is the path prefix of path routing (/k/<slug>/): a kampung named so would shadow the others' addresses.
RESERVED_SLUGS = frozenset({"k"})


def setup_link(kampung: Kampung, *, base_url: str) -> str:
    """The clickable link that opens the kampung's setup page with its code filled in."""
    root = kampung_root(kampung.slug)
    if root.startswith("/"):
        root = base_url.rstrip("/") + root
    code = kampung_code(kampung_id=kampung.pk, nonce=kampung.setup_nonce)
    return f"{root}setup/?kode={code}"


def default_base_url() -> str:
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in ("*", "")]
    scheme = "https" if settings.BEHIND_HTTPS_PROXY else "http"
    return f"{scheme}://{hosts[0] if hosts else 'localhost:8000'}"


class Command(BaseCommand):
    help = "Add a kampung and print the one-time link with which its first treasurer sets it up."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="The kampung's address code (letters, digits, dashes), e.g. sukamaju-rw05.")
        parser.add_argument("--name", required=True, help='The kampung\'s name, e.g. "Kampung Sukamaju RW 05".')
        parser.add_argument(
            "--base-url", default="", help="Where the deployment answers (default: the first ALLOWED_HOSTS entry)."
        )

    def handle(self, *args, **options) -> None:
        slug, name = options["slug"].strip(), options["name"].strip()
        try:
            validate_slug(slug)
        except ValidationError as error:
            raise CommandError(f"Invalid slug {slug!r}: use letters, digits, dashes or underscores only.") from error
        if slug in RESERVED_SLUGS:
            raise CommandError(f"The slug {slug!r} is reserved by the path routing; choose another.")
        if len(slug) > Kampung._meta.get_field("slug").max_length:
            raise CommandError(f"The slug {slug!r} is too long (at most 50 characters).")
        if not name:
            raise CommandError("Give the kampung a name with --name.")
        if Kampung.objects.filter(slug=slug).exists():
            raise CommandError(f"A kampung with the slug {slug!r} already exists.")
        kampung = Kampung.objects.create(slug=slug, name=name, setup_nonce=new_nonce())
        link = setup_link(kampung, base_url=options["base_url"] or default_base_url())
        self.stdout.write(f"Kampung {name!r} ({slug}) created. One-time setup link for its first Bendahara:")
        self.stdout.write(link)
