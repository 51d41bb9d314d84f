"""One kampung's archive (backup --kampung) and its import into a deployment (restore --kampung-archive)."""

import datetime as dt
import hashlib
import io
import json
import tarfile
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from households.models import RT, Household
from jimpitan.lib.kampung_archive import import_kampung
from jimpitan.models import Kampung, KampungProfile
from jimpitan.roles import BENDAHARA, grant_role
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate, reset_sequence
from ledger.models import Account, MonthClosing
from ledger.selectors import cash_by_kampung
from nightly.models import Contribution, Round
from nightly.services import SheetRow, save_sheet
from spending.models import Expense

pytestmark = pytest.mark.django_db


def seed(kampung: Kampung, user, *, head: str, close_first_month: bool) -> None:
    """A profile, two households, rounds on two days in two months, an expense with a receipt and, if asked,
    the first month closed."""
    grant_role(user=user, role=BENDAHARA, kampung_id=kampung.pk)  # the one treasurer keeps both books here
    with activate(kampung.pk):
        reset_sequence(KampungProfile, connection)  # the fixture's profile took id 1 by hand
        KampungProfile.objects.get_or_create(kampung=kampung, defaults={"name": kampung.name})
        account = Account.objects.create(name=f"Kas {head}")
        rt = RT.objects.create(number=4)
        houses = [
            Household.objects.create(rt=rt, address=f"Jl. {head} {n}", head_name=f"{head} {n}", route_position=n)
            for n in (1, 2)
        ]
        for evening, amounts in ((dt.date(2026, 3, 3), [500, 700]), (dt.date(2026, 4, 4), [1000, 0])):
            rows = [SheetRow(h.pk, "dibayar" if a else "kosong", a) for h, a in zip(houses, amounts, strict=True)]
            save_sheet(rt=rt, evening=evening, user=user, version=0, rows=rows, collector_users=[user])
        expense = Expense(
            spent_on=dt.date(2026, 4, 5), description="Lampu pos", amount=300, account=account, recorded_by=user
        )
        expense.receipt.save(f"nota-{head}.jpg", ContentFile(b"\xff\xd8\xff nota " + head.encode()), save=False)
        expense.receipt_content_type = "image/jpeg"
        expense.save()
        if close_first_month:
            MonthClosing.objects.create(month=dt.date(2026, 3, 1), closing_balance=1200, closed_by=user)


def figures(kampung: Kampung) -> dict:
    with activate(kampung.pk):
        return {
            "balance": cash_by_kampung([kampung.pk], month=dt.date(2026, 4, 1))[kampung.pk].balance,
            "contributions": Contribution.objects.filter(kampung=kampung).count(),
            "rounds": sorted(Round.objects.filter(kampung=kampung).values_list("evening", "total")),
            "collectors": sorted(
                Round.objects.filter(kampung=kampung).values_list("collector_users__username", flat=True)
            ),
            "expenses": list(Expense.objects.filter(kampung=kampung).values_list("description", "amount", "number")),
            "closed": list(MonthClosing.objects.filter(kampung=kampung).values_list("month", "closing_balance")),
            "households": Household.objects.filter(kampung=kampung).count(),
            "history": Household.history.filter(kampung=kampung).count(),
        }


@pytest.fixture
def two_kampungs(bendahara, media):
    """Kampung A (the first) and B, each with its records."""
    a = Kampung.objects.get(pk=FIRST_KAMPUNG_ID)
    seed(a, bendahara, head="Anggrek", close_first_month=False)
    b = Kampung.objects.create(slug="bambu", name="Kampung Bambu")
    seed(b, bendahara, head="Bambu", close_first_month=True)
    return a, b


def export(slug: str, tmp_path) -> str:
    path = tmp_path / f"{slug}.tar.gz"
    call_command("backup", "--kampung", slug, "--output", str(path), stdout=StringIO())
    return str(path)


def test_archive_holds_only_that_kampung(two_kampungs, tmp_path):
    path = export("bambu", tmp_path)
    with tarfile.open(path) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        data = json.load(tar.extractfile("kampung.json"))
    assert manifest["kampung"] == "bambu" and manifest["format"] == 1 and manifest["engine"] == "json"
    assert manifest["row_counts"]["households.household"] == 2
    with activate(Kampung.objects.get(slug="bambu").pk):
        receipt = Expense.objects.get(description="Lampu pos").receipt.name
    assert [name for name in names if name.startswith("media/")] == [f"media/{receipt}"]
    addresses = [row["address"] for row in data["tables"]["households.household"]]
    assert addresses == ["Jl. Bambu 1", "Jl. Bambu 2"]
    assert "Anggrek" not in json.dumps(data)
    assert [user["username"] for user in data["users"]] == ["bendahara"]


def test_imported_kampung_has_the_same_figures_and_the_first_is_untouched(two_kampungs, tmp_path):
    a, b = two_kampungs
    path = export("bambu", tmp_path)
    before_a, before_b = figures(a), figures(b)
    # B's closed March does not hold the copy's March back: each kampung closes its own months.
    copy, _manifest, renamed = import_kampung(path, slug="bambu-salinan")
    assert copy.pk not in (a.pk, b.pk) and copy.name == "Kampung Bambu"
    after = figures(copy)
    assert renamed == {"bendahara": "bendahara-bambu-salinan"}  # the name was taken here: another account
    assert after["collectors"] == ["bendahara-bambu-salinan", "bendahara-bambu-salinan"]
    assert {**after, "collectors": None} == {**before_b, "collectors": None}
    assert after["closed"] == [(dt.date(2026, 3, 1), 1200)]
    assert figures(a) == before_a and figures(b) == before_b
    with activate(copy.pk):
        receipt = Expense.objects.get().receipt
    assert default_storage.open(receipt.name).read() == b"\xff\xd8\xff nota Bambu"
    assert KampungProfile.objects.get(kampung=copy).name == "Kampung Bambu"
    # Sticker codes are unique across kampungs: the copy beside B got its own.
    codes = {}
    for kampung in (b, copy):
        with activate(kampung.pk):
            codes[kampung] = set(Household.objects.values_list("private_code", flat=True))
    assert len(codes[copy]) == 2 and codes[copy].isdisjoint(codes[b])


def test_importing_a_slug_that_exists_fails_with_nothing_saved(two_kampungs, tmp_path):
    path = export("bambu", tmp_path)
    users, households = get_user_model().objects.count(), Household.objects.count()
    with pytest.raises(CommandError, match="already has a kampung 'bambu'"):
        call_command("restore", "--kampung-archive", path, stdout=StringIO())
    assert Kampung.objects.count() == 2
    assert (get_user_model().objects.count(), Household.objects.count()) == (users, households)


def test_a_failing_import_leaves_nothing_behind(two_kampungs, tmp_path):
    path = export("bambu", tmp_path)
    households = Household.objects.count()
    # A row that names a row of another kampung: the archive is incomplete, the whole import is refused.
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        data = json.load(tar.extractfile("kampung.json"))
    data["tables"]["households.household"][1]["rt_id"] = 999_999
    body = json.dumps(data).encode()
    manifest["database_sha256"] = hashlib.sha256(body).hexdigest()
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(broken, "w:gz") as tar:
        for name, content in (("manifest.json", json.dumps(manifest).encode()), ("kampung.json", body)):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    with pytest.raises(CommandError, match="not in the archive"):
        call_command("restore", "--kampung-archive", str(broken), "--slug", "baru", stdout=StringIO())
    assert not Kampung.objects.filter(slug="baru").exists()
    assert Household.objects.count() == households


def test_restore_command_imports_and_checks_the_books(bendahara, media, tmp_path):
    b = Kampung.objects.create(slug="bambu", name="Kampung Bambu")
    seed(b, bendahara, head="Bambu", close_first_month=False)
    path = export("bambu", tmp_path)
    out = StringIO()
    call_command("restore", "--kampung-archive", path, "--slug", "cemara", "--name", "Kampung Cemara", stdout=out)
    text = out.getvalue()
    assert "Imported kampung cemara (Kampung Cemara)" in text and "Buku kas cocok." in text
    assert figures(Kampung.objects.get(slug="cemara"))["balance"] == figures(b)["balance"] == 1900


def test_whole_restore_refuses_a_kampung_archive(two_kampungs, tmp_path):
    with pytest.raises(CommandError, match="holds one kampung"):
        call_command("restore", export("bambu", tmp_path), "--force", stdout=StringIO())
