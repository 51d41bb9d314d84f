"""The installable-app files, served from the site root: a service worker's scope cannot reach above it."""

from django.urls import path

from nightly.views import keliling

urlpatterns = [
    path("manifest.webmanifest", keliling.manifest, name="manifest"),
    path("sw.js", keliling.service_worker, name="service_worker"),
]
