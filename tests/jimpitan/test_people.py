import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template

from jimpitan.lib.people import display_name

pytestmark = pytest.mark.django_db


def test_a_person_is_named_by_full_name_else_username():
    users = get_user_model().objects
    assert display_name(users.create_user("sri", first_name="Sri", last_name="Wahyuni")) == "Sri Wahyuni"
    assert display_name(users.create_user("budi")) == "budi"
    assert display_name(users.create_user("spasi", first_name=" ", last_name=" ")) == "spasi"
    assert display_name(None) == ""


def test_templates_name_people_through_the_same_rule():
    user = get_user_model().objects.create_user("budi")
    rendered = Template("{{ who|display_name }}|{{ nobody|display_name|default:'—' }}").render(
        Context({"who": user, "nobody": None})
    )
    assert rendered == "budi|—"
