from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spending.models import Expense, IncomeSource, OtherIncome, Project, ProjectStatus

DATE = forms.DateInput(attrs={"type": "date"})


class ExpenseFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(field_name="spent_on", lookup_expr="gte", label=_("Dari tanggal"), widget=DATE)
    until = django_filters.DateFilter(field_name="spent_on", lookup_expr="lte", label=_("Sampai tanggal"), widget=DATE)
    project = django_filters.ModelChoiceFilter(
        queryset=lambda request: Project.objects.all(), label=_("Program"), empty_label=_("Semua program")
    )
    q = django_filters.CharFilter(method="search", label=_("Cari"))

    class Meta:
        model = Expense
        fields = ["since", "until", "project", "q"]

    def search(self, queryset, _name, value):
        return queryset.filter(Q(description__icontains=value) | Q(payee__icontains=value))


class OtherIncomeFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(field_name="received_on", lookup_expr="gte", label=_("Dari tanggal"), widget=DATE)
    until = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("Sampai tanggal"), widget=DATE
    )
    source = django_filters.ChoiceFilter(choices=IncomeSource.choices, label=_("Sumber"), empty_label=_("Semua sumber"))
    project = django_filters.ModelChoiceFilter(
        queryset=lambda request: Project.objects.all(), label=_("Program"), empty_label=_("Semua program")
    )
    q = django_filters.CharFilter(method="search", label=_("Cari"))

    class Meta:
        model = OtherIncome
        fields = ["since", "until", "source", "project", "q"]

    def search(self, queryset, _name, value):
        return queryset.filter(Q(description__icontains=value) | Q(source_name__icontains=value))


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=ProjectStatus.choices, label=_("Status"), empty_label=_("Semua status")
    )
    q = django_filters.CharFilter(method="search", label=_("Cari"))

    class Meta:
        model = Project
        fields = ["status", "q"]

    def search(self, queryset, _name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))
