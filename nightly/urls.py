from django.urls import path

from nightly import views
from nightly.views import recap

app_name = "nightly"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("unduh/<str:fmt>/", views.round_list, name="round_export"),
    path("lembar/", views.sheet, name="sheet"),
    path("total/", views.total_only, name="total_only"),
    path("kalender/", views.month_calendar_page, name="calendar"),
    path("rekap/", recap.recap_page, name="recap"),
    path("<int:pk>/riwayat/", views.round_history, name="round_history"),
    path("rumah/<int:pk>/", views.household_month_page, name="household_month"),
]
