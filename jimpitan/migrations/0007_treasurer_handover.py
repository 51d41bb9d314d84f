"""The handover between committees (serah terima bendahara), and the read-only role (Pembaca) the outgoing
Bendahara keeps: the groups' permissions are granted again by the rules in jimpitan/roles.py."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from jimpitan.roles import sync_role_permissions


class Migration(migrations.Migration):

    dependencies = [
        ('jimpitan', '0006_reminder_texts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # Every book model exists before the roles are granted again (the Pembaca reads them all).
        ("households", "0004_away_periods"),
        ("ledger", "0007_month_seals"),
        ("nightly", "0010_handover_triggers"),
        ("spending", "0004_accounts"),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalTreasurerHandover',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('handed_over_on', models.DateField(db_index=True, verbose_name='tanggal serah terima')),
                ('chair_title', models.CharField(default='Ketua Pokja', max_length=60, verbose_name='jabatan yang mengetahui')),
                ('chair_name', models.CharField(max_length=150, verbose_name='nama yang mengetahui')),
                ('note', models.TextField(blank=True, verbose_name='catatan')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='dicatat pada')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('incoming', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='bendahara baru')),
                ('outgoing', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='bendahara lama')),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dicatat oleh')),
            ],
            options={
                'verbose_name': 'historical Serah terima bendahara',
                'verbose_name_plural': 'historical Serah terima bendahara',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='TreasurerHandover',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('handed_over_on', models.DateField(db_index=True, verbose_name='tanggal serah terima')),
                ('chair_title', models.CharField(default='Ketua Pokja', max_length=60, verbose_name='jabatan yang mengetahui')),
                ('chair_name', models.CharField(max_length=150, verbose_name='nama yang mengetahui')),
                ('note', models.TextField(blank=True, verbose_name='catatan')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='dicatat pada')),
                ('incoming', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='treasurer_handovers_taken', to=settings.AUTH_USER_MODEL, verbose_name='bendahara baru')),
                ('outgoing', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='treasurer_handovers_given', to=settings.AUTH_USER_MODEL, verbose_name='bendahara lama')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dicatat oleh')),
            ],
            options={
                'verbose_name': 'Serah terima bendahara',
                'verbose_name_plural': 'Serah terima bendahara',
                'ordering': ['-handed_over_on', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('outgoing', models.F('incoming')), _negated=True), name='treasurerhandover_two_people'), models.CheckConstraint(condition=models.Q(('chair_name', ''), _negated=True), name='treasurerhandover_chair_named')],
            },
        ),
        migrations.RunPython(sync_role_permissions, migrations.RunPython.noop),
    ]
