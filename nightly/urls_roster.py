from django.urls import path

from nightly.views import roster

app_name = "roster"

urlpatterns = [
    path("", roster.roster_page, name="page"),
    path("cetak/", roster.roster_pdf, name="pdf"),
    path("rt/<int:pk>/ubah/", roster.roster_edit, name="edit"),
    path("rt/<int:pk>/unduh/", roster.roster_download, name="download"),
    path("tukar/", roster.swap_page, name="swaps"),
    path("tukar/<int:pk>/putuskan/", roster.swap_decide, name="swap_decide"),
]
