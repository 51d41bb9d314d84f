from django.urls import path

from nightly import views
from nightly.views import catch_ups, handovers, recap

app_name = "nightly"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("unduh/<str:fmt>/", views.round_list, name="round_export"),
    path("lembar/", views.sheet, name="sheet"),
    path("total/", views.total_only, name="total_only"),
    path("kalender/", views.month_calendar_page, name="calendar"),
    path("rekap/", recap.recap_page, name="recap"),
    path("setoran/", handovers.handover_list_page, name="handover_list"),
    path("setoran/baru/", handovers.handover_create, name="handover_create"),
    path("setoran/di-petugas/", handovers.held_page, name="handover_held"),
    path("setoran/<int:pk>/hapus/", handovers.handover_delete, name="handover_delete"),
    path("rapel/", catch_ups.catch_up_list, name="catch_up_list"),
    path("rapel/rumah/<int:household_pk>/", catch_ups.catch_up_create, name="catch_up_create"),
    path("rapel/<int:pk>/hapus/", catch_ups.catch_up_delete, name="catch_up_delete"),
    path("tunggakan/", catch_ups.arrears_page, name="arrears"),
    path("<int:pk>/riwayat/", views.round_history, name="round_history"),
    path("rumah/<int:pk>/", views.household_month_page, name="household_month"),
]
