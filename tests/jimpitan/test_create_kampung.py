"""The operator adds a kampung with create_kampung; its first treasurer sets it up through the printed link."""

from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from jimpitan.lib.setup_code import current_code
from jimpitan.models import Kampung, KampungProfile
from jimpitan.roles import BENDAHARA, user_roles
from jimpitan.tenancy import TenancyMiddleware, activate

pytestmark = pytest.mark.django_db

FORM = {
    "kampung-name": "Kampung Sukamaju RW 07",
    "user-username": "rina",
    "user-first_name": "Rina Wati",
    "user-password1": "kas-sukamaju-2026",
    "user-password2": "kas-sukamaju-2026",
}


@pytest.fixture
def serve_kampung(monkeypatch):
    """Every request runs inside the given kampung, as the deployment's routing will pick it."""

    def serve(kampung_id: int) -> None:
        def call(self, request):
            with activate(kampung_id):
                return self.get_response(request)

        monkeypatch.setattr(TenancyMiddleware, "__call__", call)

    return serve


def create(*args: str) -> str:
    out = StringIO()
    call_command("create_kampung", *args, stdout=out)
    return out.getvalue()


def link_code(output: str) -> tuple[str, str]:
    link = output.strip().splitlines()[-1]
    parts = urlsplit(link)
    return link, parse_qs(parts.query)["kode"][0]


def test_prints_a_clickable_setup_link_with_the_code(settings, kampung):
    settings.JIMPITAN_KAMPUNG_ROUTING = "path"
    output = create("sukamaju", "--name", "Kampung Sukamaju", "--base-url", "https://jimpitan.example.id")
    link, code = link_code(output)
    assert link.startswith("https://jimpitan.example.id/k/sukamaju/setup/?kode=")
    made = Kampung.objects.get(slug="sukamaju")
    assert made.name == "Kampung Sukamaju" and made.setup_nonce
    assert code != current_code()


def test_base_url_defaults_to_the_first_allowed_host(settings, kampung):
    settings.JIMPITAN_KAMPUNG_ROUTING = "path"
    settings.ALLOWED_HOSTS = ["kas.example.id", "localhost"]
    link, _code = link_code(create("mekar", "--name", "Kampung Mekar"))
    assert link.startswith("http://kas.example.id/k/mekar/setup/?kode=")


@pytest.mark.parametrize(
    ("slug", "message"),
    [("k", "reserved"), ("suka maju", "Invalid slug"), ("kampung", "already exists"), ("a" * 51, "too long")],
)
def test_refuses_a_bad_or_taken_slug(kampung, slug, message):
    with pytest.raises(CommandError, match=message):
        create(slug, "--name", "Kampung X")
    assert Kampung.objects.count() == 1


def test_first_treasurer_sets_the_kampung_up_with_its_own_code(client, kampung, serve_kampung):
    _link, code = link_code(create("sukamaju", "--name", "Kampung Sukamaju"))
    added = Kampung.objects.get(slug="sukamaju")
    serve_kampung(added.pk)
    page = client.get(f"/setup/?kode={code}")
    assert page.status_code == 200
    assert code in page.content.decode()  # the link fills the code in
    # The install's own code, or another kampung's, does not open it.
    assert "Kode penyiapan salah" in client.post("/setup/", {**FORM, "setup-code": current_code()}).content.decode()
    response = client.post("/setup/", {**FORM, "setup-code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    profile = KampungProfile.objects.get(kampung=added)
    assert profile.name == "Kampung Sukamaju RW 07"
    added.refresh_from_db()
    assert added.name == "Kampung Sukamaju RW 07" and added.setup_nonce == ""
    user = get_user_model().objects.get(username="rina")
    assert not user.is_superuser
    with activate(added.pk):
        assert user_roles(user) == {BENDAHARA}
    # The first kampung's profile is untouched, and the link is dead now.
    assert KampungProfile.objects.get(pk=KampungProfile.SINGLETON_ID).name == kampung.name
    client.logout()
    assert client.get(f"/setup/?kode={code}").status_code == 404


def test_pages_of_a_kampung_awaiting_setup_lead_to_its_setup(client, bendahara, serve_kampung):
    added = Kampung.objects.create(slug="baru", name="Kampung Baru", setup_nonce="n")
    serve_kampung(added.pk)
    response = client.get("/beranda/")
    assert response.status_code == 302 and response["Location"] == "/setup/"
