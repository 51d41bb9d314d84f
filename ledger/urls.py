from django.urls import path

from ledger.views import household, public, stickers

urlpatterns = [
    path("", public.ledger_home, name="public_ledger"),
    path("tahun/<int:year>/", public.year_detail, name="public_year"),
    path("malam/<str:evening>/", public.evening_detail, name="public_evening"),
    path("program/<int:pk>/", public.project_detail, name="public_project"),
    path("program/<int:pk>/nota/<int:expense_id>/", public.public_receipt, name="public_receipt"),
    path("og.png", public.share_image, name="share_image"),
    path("h/<str:code>/", household.household_page, name="household_page"),
    path("stiker/", stickers.sticker_sheet, name="sticker_sheet"),
    path("stiker/rumah/<int:pk>/kode-baru/", stickers.regenerate_code, name="regenerate_code"),
]
