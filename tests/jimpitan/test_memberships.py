"""Roles per kampung (issue 18): a user holds each role in one kampung, and may belong to several. The roles are
Django groups carrying their permissions; `Membership` says where a user holds them, and the authentication
backend grants the permissions of the active kampung's memberships only. Signed in, a user with no role in the
active kampung finds none of its private pages (404)."""

from __future__ import annotations

import contextlib
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from households.models import RT, Household
from jimpitan.models import Kampung, KampungProfile, Membership
from jimpitan.roles import (
    BENDAHARA,
    PETUGAS,
    POKJA,
    grant_role,
    revoke_role,
    set_roles,
    user_roles,
    users_with_role,
)
from jimpitan.tenancy import FIRST_KAMPUNG_ID, TenancyMiddleware, activate
from nightly.forms import collector_user_queryset
from tests.conftest import PASSWORD


@pytest.fixture
def kampung_b(kampung) -> Kampung:
    b = Kampung.objects.create(slug="kampung-b", name="Kampung B")
    KampungProfile.objects.create(kampung=b, name="Kampung B")  # past its first-run setup
    return b


@contextlib.contextmanager
def requests_in(kampung_id: int):
    """Every request through the test client runs in this kampung, as the /k/<slug>/ routing will pick it."""

    def call(self, request):
        with activate(kampung_id):
            return self.get_response(request)

    with mock.patch.object(TenancyMiddleware, "__call__", call):
        yield


@pytest.mark.django_db
def test_a_bendahara_of_a_who_is_petugas_of_b_has_only_petugas_rights_in_b(kampung, kampung_b, django_user_model):
    user = django_user_model.objects.create_user("sri")
    grant_role(user=user, role=BENDAHARA, kampung_id=FIRST_KAMPUNG_ID)
    grant_role(user=user, role=PETUGAS, kampung_id=kampung_b.pk)
    user = django_user_model.objects.get(pk=user.pk)
    for _ in range(2):  # and again from the caches, kept per kampung on the same user object
        with activate(FIRST_KAMPUNG_ID):
            assert user_roles(user) == {BENDAHARA}
            assert user.has_perm("spending.add_expense") and user.has_perm("households.change_household")
        with activate(kampung_b.pk):
            assert user_roles(user) == {PETUGAS}
            assert user.has_perm("nightly.add_round") and user.has_perm("nightly.add_contribution")
            assert not user.has_perm("spending.add_expense") and not user.has_perm("households.change_household")
    with activate(Kampung.objects.create(slug="kampung-c", name="Kampung C").pk):
        assert user_roles(user) == set() and user.get_all_permissions() == set()


@pytest.mark.django_db
def test_a_superuser_keeps_every_permission_in_every_kampung(kampung_b, superuser):
    with activate(kampung_b.pk):
        assert user_roles(superuser) == set()
        assert superuser.has_perm("spending.add_expense") and superuser.has_perm("ledger.reopen_month")


@pytest.mark.django_db
def test_a_role_in_one_kampung_is_no_role_in_another(client, kampung_b, petugas, bendahara, django_user_model):
    assert client.get(reverse("home")).status_code == 302  # anonymous: first, sign in
    client.force_login(petugas)
    assert client.get(reverse("home")).status_code == 200
    with requests_in(kampung_b.pk):
        # Signed in with no role here: every private page is not there, neither forbidden nor a sign-in.
        for name in ("home", "households:list", "nightly:sheet", "spending:expense_list", "profile"):
            assert client.get(reverse(name)).status_code == 404, name
        assert client.get("/").status_code == 200  # the public page stays open
        client.force_login(bendahara)
        assert client.get(reverse("households:list")).status_code == 404
        assert client.get("/admin/").status_code == 404
        client.logout()
        response = client.get(reverse("households:list"))
        assert response.status_code == 302 and response["Location"].startswith("/masuk/")
        grant_role(user=petugas, role=PETUGAS, kampung_id=kampung_b.pk)
        client.force_login(petugas)
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("households:list")).status_code == 403  # a Petugas here: the role's own limit


@pytest.mark.django_db
def test_a_bendahara_of_a_gets_404_on_the_object_urls_of_b(client, kampung_b, bendahara):
    with activate(kampung_b.pk):
        rt = RT.objects.create(number=1)
        household = Household.objects.create(rt=rt, address="Gang B 1", head_name="Warga B")
    client.force_login(bendahara)
    with requests_in(kampung_b.pk):
        for name, arg in (("households:detail", household.pk), ("households:edit", household.pk)):
            response = client.get(reverse(name, args=[arg]))
            assert response.status_code == 404 and b"Warga B" not in response.content, name
        assert client.get(reverse("households:rt_edit", args=[rt.pk])).status_code == 404


@pytest.mark.django_db
def test_lists_of_people_by_role_hold_the_active_kampungs_members_only(kampung, kampung_b, petugas, bendahara):
    grant_role(user=bendahara, role=POKJA, kampung_id=kampung_b.pk)
    assert set(collector_user_queryset()) == {petugas, bendahara}
    with activate(kampung_b.pk):
        assert list(collector_user_queryset()) == []
        assert list(users_with_role(POKJA)) == [bendahara]


@pytest.mark.django_db
def test_grant_and_revoke_write_history_and_keep_the_groups_table_empty(kampung, kampung_b, django_user_model):
    user = django_user_model.objects.create_user("joko")
    membership = grant_role(user=user, role=PETUGAS, kampung_id=kampung_b.pk)
    assert grant_role(user=user, role=PETUGAS, kampung_id=kampung_b.pk) == membership  # held already: kept
    assert revoke_role(user=user, role=PETUGAS, kampung_id=kampung_b.pk)
    assert not revoke_role(user=user, role=PETUGAS, kampung_id=kampung_b.pk)
    history = Membership.history.filter(user_id=user.pk).order_by("history_id")
    assert [(h.history_type, h.kampung_id, h.role.name) for h in history] == [
        ("+", kampung_b.pk, PETUGAS),
        ("-", kampung_b.pk, PETUGAS),
    ]
    set_roles(user=user, roles=[POKJA, BENDAHARA])
    set_roles(user=user, roles=[BENDAHARA])
    assert user_roles(user) == {BENDAHARA}
    assert not User.groups.through.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_role_held_twice_in_one_kampung(kampung_b, petugas):
    group = Group.objects.get(name=PETUGAS)

    def insert(kampung_id: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Membership._meta.db_table} (kampung_id, user_id, role_id, created_at) "
                "VALUES (%s, %s, %s, %s)",
                [kampung_id, petugas.pk, group.pk, "2026-11-30 10:00:00+00:00"],
            )

    with pytest.raises(IntegrityError):
        insert(FIRST_KAMPUNG_ID)
    insert(kampung_b.pk)  # the same role in another kampung is another membership
    assert Membership.objects.filter(user=petugas, role=group).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_every_group_a_membership_of_the_first_kampung():
    executor = MigrationExecutor(connection)
    executor.migrate([("jimpitan", "0010_kampung_setup")])
    old = executor.loader.project_state([("jimpitan", "0010_kampung_setup")]).apps
    groups = {g.name: g.pk for g in old.get_model("auth", "Group").objects.all()}
    sri = old.get_model("auth", "User").objects.create(username="sri", password=PASSWORD)
    joko = old.get_model("auth", "User").objects.create(username="joko", password=PASSWORD)
    through = old.get_model("auth", "User").groups.through.objects
    through.bulk_create(
        [
            through.model(user_id=sri.pk, group_id=groups[BENDAHARA]),
            through.model(user_id=sri.pk, group_id=groups[POKJA]),
            through.model(user_id=joko.pk, group_id=groups[PETUGAS]),
        ]
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = Membership.objects.values_list("kampung_id", "user__username", "role__name")
    assert sorted(rows) == [
        (FIRST_KAMPUNG_ID, "joko", PETUGAS),
        (FIRST_KAMPUNG_ID, "sri", BENDAHARA),
        (FIRST_KAMPUNG_ID, "sri", POKJA),
    ]
    assert not User.groups.through.objects.exists()
    sri = User.objects.get(username="sri")
    assert user_roles(sri) == {BENDAHARA, POKJA} and sri.has_perm("spending.add_expense")
