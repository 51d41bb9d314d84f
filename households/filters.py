from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models import RT, Household, HouseholdStatus


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari nama atau alamat"), method="search")
    rt = django_filters.ModelChoiceFilter(
        label=_("RT"), queryset=lambda request: RT.objects.all(), empty_label=_("Semua RT")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=HouseholdStatus.choices, empty_label=_("Semua status")
    )

    class Meta:
        model = Household
        fields = ["q", "rt", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(head_name__icontains=value) | Q(address__icontains=value))
