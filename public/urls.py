from django.urls import path

from public.views import home, household, overview

urlpatterns = [
    path("", home.ledger_home, name="public_ledger"),
    path("tahun/<int:year>/", home.year_detail, name="public_year"),
    path("malam/<str:evening>/", home.evening_detail, name="public_evening"),
    path("program/<int:pk>/", home.project_detail, name="public_project"),
    path("program/<int:pk>/nota/<int:expense_id>/<str:token>/", home.public_receipt, name="public_receipt"),
    path("og.png", home.share_image, name="share_image"),
    path("segel/<str:month>.txt", home.seal_text, name="public_seal_text"),
    path("h/<str:code>/", household.household_page, name="household_page"),
    path("ringkasan/", overview.city_overview, name="city_overview"),
]
