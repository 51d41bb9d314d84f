"""The QR sticker sheet, at /stiker/ (outside /rumah/, where the links printed on older sheets point)."""

from django.urls import path

from households.views import stickers

urlpatterns = [
    path("", stickers.sticker_sheet, name="sticker_sheet"),
    path("rumah/<int:pk>/kode-baru/", stickers.regenerate_code, name="regenerate_code"),
]
