from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpendingConfig(AppConfig):
    name = "spending"
    verbose_name = _("Pengeluaran dan pemasukan lain")
