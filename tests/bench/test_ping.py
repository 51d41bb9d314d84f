"""/ping: the trivial page that benchmarks and load tests use as their floor."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_ping_answers_ok_to_anyone_through_the_middleware(client, bendahara, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the session lookup at most; no page data
        response = client.get("/ping")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["X-Frame-Options"] == "DENY"  # it went through the same middleware as every page
