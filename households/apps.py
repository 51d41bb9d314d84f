from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out
from django.utils.translation import gettext_lazy as _

from households import upload_store
from jimpitan.lib import routing


def _discard_upload_on_logout(sender, request=None, **kwargs) -> None:
    # Logging out abandons an import preview: its uploaded file goes at once, not a day later.
    if request is not None and hasattr(request, "session"):
        upload_store.discard(request)


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Daftar Rumah")

    def ready(self) -> None:
        user_logged_out.connect(_discard_upload_on_logout, dispatch_uid="households_discard_upload_on_logout")
        # A sticker printed before the kampungs got their own addresses still leads to its household's page.
        from households.selectors import kampung_of_sticker_link

        routing.register_old_link("/h/", kampung_of_sticker_link)
