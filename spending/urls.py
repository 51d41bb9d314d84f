from django.urls import path

from spending import views

app_name = "spending"

urlpatterns = [
    path("pengeluaran/", views.expense_list, name="expense_list"),
    path("pengeluaran/baru/", views.expense_create, name="expense_create"),
    path("pengeluaran/<int:pk>/", views.expense_detail, name="expense_detail"),
    path("pengeluaran/<int:pk>/ubah/", views.expense_edit, name="expense_edit"),
    path("pengeluaran/<int:pk>/hapus/", views.expense_delete, name="expense_delete"),
    path("pengeluaran/<int:pk>/setujui/", views.expense_approve, name="expense_approve"),
    path("pengeluaran/<int:pk>/nota/", views.receipt, name="receipt"),
    path("pengeluaran/<int:pk>/nota/kecil/", views.receipt_thumbnail, name="receipt_thumbnail"),
    path("pemasukan-lain/", views.income_list, name="income_list"),
    path("pemasukan-lain/baru/", views.income_create, name="income_create"),
    path("pemasukan-lain/<int:pk>/ubah/", views.income_edit, name="income_edit"),
    path("pemasukan-lain/<int:pk>/hapus/", views.income_delete, name="income_delete"),
    path("program/", views.project_list, name="project_list"),
    path("program/baru/", views.project_create, name="project_create"),
    path("program/<int:pk>/", views.project_detail, name="project_detail"),
    path("program/<int:pk>/ubah/", views.project_edit, name="project_edit"),
    path("program/<int:pk>/sampul/", views.project_cover, name="project_cover"),
]
