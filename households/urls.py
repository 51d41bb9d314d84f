from django.urls import path

from households.views import away, importing, register, route

app_name = "households"

urlpatterns = [
    path("", register.household_list, name="list"),
    path("unduh.<str:fmt>", register.household_export, name="export"),
    path("baru/", register.household_create, name="create"),
    path("<int:pk>/", register.household_detail, name="detail"),
    path("<int:pk>/ubah/", register.household_edit, name="edit"),
    path("<int:pk>/pindah/", register.household_move, name="move"),
    path("<int:pk>/hapus/", register.household_delete, name="delete"),
    path("<int:pk>/pergi/baru/", away.away_create, name="away_create"),
    path("pergi/<int:pk>/ubah/", away.away_edit, name="away_edit"),
    path("pergi/<int:pk>/hapus/", away.away_delete, name="away_delete"),
    path("rt/", route.rt_list, name="rt_list"),
    path("rt/baru/", route.rt_create, name="rt_create"),
    path("rt/<int:pk>/ubah/", route.rt_edit, name="rt_edit"),
    path("rt/<int:rt_pk>/rute/", route.route_order, name="route"),
    path("impor/", importing.import_upload, name="import"),
    path("impor/kolom/", importing.import_mapping, name="import_mapping"),
    path("impor/simpan/", importing.import_commit, name="import_commit"),
    path("impor/templat.<str:fmt>", importing.import_template, name="import_template"),
]
