from django.urls import path

from nightly.views import keliling

app_name = "keliling"

urlpatterns = [
    path("", keliling.keliling, name="page"),
    path("sync/", keliling.keliling_sync, name="sync"),
    path("rute/<int:rt_pk>/<str:evening>/", keliling.keliling_route, name="route"),
]
