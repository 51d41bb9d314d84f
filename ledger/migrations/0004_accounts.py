"""Accounts (issue 16): where the money is. Every existing money record goes on one "Kas tunai" account.

The closed-month triggers are dropped first: the new account column is written on every row, closed months
included (SQLite rebuilds the tables to add a NOT NULL column, which drops their triggers anyway). Migration
0005 creates them again, with transfers and account openings among the guarded records. Figures do not
move: the one account starts at zero, and the kampung profile's opening balance stays where it was.
"""

import importlib

import django.db.models.deletion
import ledger.models
import simple_history.models
from django.conf import settings
from django.db import migrations, models


TRIGGERS = importlib.import_module("ledger.migrations.0002_closed_month_triggers")


def create_default_account(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    if not Account.objects.filter(is_default=True).exists():
        Account.objects.create(name="Kas tunai", kind="tunai", opening_balance=0, is_default=True)


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0003_opening_balance_trigger'),
        ('nightly', '0007_merge_0004_phone_tap_0006_roster_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(TRIGGERS.drop_triggers, TRIGGERS.create_triggers),
        migrations.CreateModel(
            name='Account',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='nama akun')),
                ('kind', models.CharField(choices=[('tunai', 'Kas tunai'), ('brankas', 'Kotak / brankas'), ('bank', 'Rekening bank'), ('ewallet', 'Dompet digital')], default='tunai', max_length=10, verbose_name='jenis')),
                ('number', models.CharField(blank=True, help_text='Tidak pernah ditampilkan di halaman publik.', max_length=50, verbose_name='nomor rekening')),
                ('opening_balance', models.BigIntegerField(default=0, verbose_name='saldo awal')),
                ('opening_date', models.DateField(blank=True, null=True, verbose_name='tanggal saldo awal')),
                ('is_active', models.BooleanField(default=True, verbose_name='aktif')),
                ('is_default', models.BooleanField(default=False, editable=False, help_text='Pilihan awal formulir; menampung uang ronda.', verbose_name='akun utama')),
            ],
            options={
                'verbose_name': 'Akun kas',
                'verbose_name_plural': 'Akun kas',
                'ordering': ['-is_default', 'name'],
                'constraints': [models.CheckConstraint(condition=models.Q(('opening_balance__gte', 0)), name='account_opening_balance_gte_0'), models.CheckConstraint(condition=models.Q(('opening_balance', 0), ('opening_date__isnull', False), _connector='OR'), name='account_opening_has_date'), models.UniqueConstraint(condition=models.Q(('is_default', True)), fields=('is_default',), name='account_one_default')],
            },
        ),
        migrations.RunPython(create_default_account, migrations.RunPython.noop),
        migrations.AddField(
            model_name='adjustment',
            name='account',
            field=models.ForeignKey(default=ledger.models.default_account_id_before_kampungs, on_delete=django.db.models.deletion.PROTECT, related_name='adjustments', to='ledger.account', verbose_name='akun'),
        ),
        migrations.CreateModel(
            name='HistoricalAccount',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=100, verbose_name='nama akun')),
                ('kind', models.CharField(choices=[('tunai', 'Kas tunai'), ('brankas', 'Kotak / brankas'), ('bank', 'Rekening bank'), ('ewallet', 'Dompet digital')], default='tunai', max_length=10, verbose_name='jenis')),
                ('number', models.CharField(blank=True, help_text='Tidak pernah ditampilkan di halaman publik.', max_length=50, verbose_name='nomor rekening')),
                ('opening_balance', models.BigIntegerField(default=0, verbose_name='saldo awal')),
                ('opening_date', models.DateField(blank=True, null=True, verbose_name='tanggal saldo awal')),
                ('is_active', models.BooleanField(default=True, verbose_name='aktif')),
                ('is_default', models.BooleanField(default=False, editable=False, help_text='Pilihan awal formulir; menampung uang ronda.', verbose_name='akun utama')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical Akun kas',
                'verbose_name_plural': 'historical Akun kas',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalTransfer',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('transfer_date', models.DateField(db_index=True, verbose_name='tanggal')),
                ('amount', models.BigIntegerField(verbose_name='jumlah')),
                ('note', models.CharField(blank=True, max_length=255, verbose_name='keterangan')),
                ('recorded_at', models.DateTimeField(blank=True, editable=False, verbose_name='dicatat pada')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('from_account', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='ledger.account', verbose_name='dari akun')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dicatat oleh')),
                ('to_account', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='ledger.account', verbose_name='ke akun')),
            ],
            options={
                'verbose_name': 'historical Pindah kas',
                'verbose_name_plural': 'historical Pindah kas',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Transfer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('transfer_date', models.DateField(db_index=True, verbose_name='tanggal')),
                ('amount', models.BigIntegerField(verbose_name='jumlah')),
                ('note', models.CharField(blank=True, max_length=255, verbose_name='keterangan')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='dicatat pada')),
                ('from_account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfers_out', to='ledger.account', verbose_name='dari akun')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dicatat oleh')),
                ('to_account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfers_in', to='ledger.account', verbose_name='ke akun')),
            ],
            options={
                'verbose_name': 'Pindah kas',
                'verbose_name_plural': 'Pindah kas',
                'ordering': ['-transfer_date', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='transfer_amount_gt_0'), models.CheckConstraint(condition=models.Q(('from_account', models.F('to_account')), _negated=True), name='transfer_between_two')],
            },
        ),
    ]
