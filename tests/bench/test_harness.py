"""The benchmark harness reads forms the way a browser submits them, and finds pages by URL name."""

from __future__ import annotations

from bench.htmlform import biggest_post_form, fill, post_forms, post_kwargs

SHEET = """
<form method="get" action="/jimpitan/lembar/"><input name="malam" value="2026-11-27"></form>
<form method="post" action="/jimpitan/lembar/">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="version" value="3">
  <input type="text" name="a-11" value="">
  <input type="radio" name="s-11" value="dibayar"><input type="radio" name="s-11" value="" checked>
  <input type="text" name="a-12" value="200">
  <input type="radio" name="s-12" value="dibayar" checked><input type="radio" name="s-12" value="kosong">
  <input type="text" name="n-12" value="titip">
  <select name="rt"><option value="1">RT 01</option><option value="2" selected>RT 02</option></select>
  <textarea name="notes">hujan &amp; angin</textarea>
  <input type="text" name="locked" value="x" disabled>
  <button type="submit" name="action" value="save">Simpan</button>
</form>
<form method="post" action="/keluar/"><input type="hidden" name="csrfmiddlewaretoken" value="tok"></form>
"""


def test_reads_the_post_forms_as_a_browser_submits_them():
    forms = post_forms(SHEET)
    assert [f["action"] for f in forms] == ["/jimpitan/lembar/", "/keluar/"]
    fields = dict(biggest_post_form(SHEET)["fields"])
    assert fields == {
        "csrfmiddlewaretoken": "tok",
        "version": "3",
        "a-11": "",
        "s-11": "",
        "a-12": "200",
        "s-12": "dibayar",
        "n-12": "titip",
        "rt": "2",
        "notes": "hujan & angin",
    }
    assert biggest_post_form(SHEET, having="version")["action"] == "/jimpitan/lembar/"
    assert biggest_post_form(SHEET, having="token") is None


def test_fill_sets_every_row_paid_with_the_amount_and_keeps_the_rest():
    data = fill(biggest_post_form(SHEET)["fields"], "500")
    assert data["a-11"] == ["500"] and data["a-12"] == ["500"]
    assert data["s-11"] == ["dibayar"] and data["s-12"] == ["dibayar"]
    assert data["version"] == ["3"] and data["n-12"] == ["titip"] and data["rt"] == ["2"]


def test_posts_in_the_forms_encoding():
    form = biggest_post_form(SHEET)
    assert form["enctype"] == "application/x-www-form-urlencoded"
    sent = post_kwargs(form, {"a-11": ["500"], "notes": ["hujan & angin"]})
    assert sent == {"data": "a-11=500&notes=hujan+%26+angin", "content_type": "application/x-www-form-urlencoded"}
    upload = biggest_post_form('<form method="post" enctype="multipart/form-data"><input name="x" value="1"></form>')
    assert post_kwargs(upload, {"x": ["1"]}) == {"data": {"x": ["1"]}}


def test_percentile_and_ratios():
    from bench.run import compute_ratios, percentile

    assert percentile(list(range(1, 101)), 0.95) == 95
    assert percentile([5.0], 0.95) == 5.0
    ratios = compute_ratios(
        {
            "trivial_view": {"median_ms": 2.0},
            "ledger_public_uncached": {"median_ms": 6.0},
            "sql_floor_ledger": {"median_ms": 12.0},
            "sheet_post_500": {"median_ms": 30.0},
        }
    )
    assert ratios["ledger_vs_trivial"] == 3.0 and ratios["ledger_vs_sql_floor"] == 0.5
    # A ratio whose floor was not measured in this run (BENCH_ONLY) is unknown, not zero.
    assert ratios["sheet_post_vs_sql_floor"] is None and ratios["xlsx_vs_floor"] is None
