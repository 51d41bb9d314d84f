"""Roles per kampung: every user's groups become their memberships of the first kampung, and
`auth_user_groups` is emptied, so that a role lives in one place (the backend reads memberships only)."""

import django.db.models.deletion
import jimpitan.tenancy
import simple_history.models
from django.conf import settings
from django.db import migrations, models

FIRST_KAMPUNG_ID = 1  # jimpitan.tenancy.FIRST_KAMPUNG_ID, made by 0009_kampung


def groups_to_memberships(apps, schema_editor):
    user_groups = apps.get_model("auth", "User").groups.through.objects
    membership = apps.get_model("jimpitan", "Membership")
    rows = list(user_groups.values_list("user_id", "group_id"))
    membership.objects.bulk_create(
        [membership(kampung_id=FIRST_KAMPUNG_ID, user_id=user, role_id=group) for user, group in rows],
        ignore_conflicts=True,
    )
    user_groups.all().delete()


def memberships_to_groups(apps, schema_editor):
    user_groups = apps.get_model("auth", "User").groups.through
    rows = apps.get_model("jimpitan", "Membership").objects.filter(kampung_id=FIRST_KAMPUNG_ID)
    user_groups.objects.bulk_create(
        [user_groups(user_id=user, group_id=group) for user, group in rows.values_list("user_id", "role_id")],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('jimpitan', '0010_kampung_setup'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalMembership',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='diberikan pada')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('kampung', models.ForeignKey(blank=True, db_constraint=False, db_default=1, default=jimpitan.tenancy.active_kampung_id, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='jimpitan.kampung', verbose_name='kampung')),
                ('role', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='auth.group', verbose_name='peran')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='pengguna')),
            ],
            options={
                'verbose_name': 'historical peran pengguna',
                'verbose_name_plural': 'historical peran pengguna',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='diberikan pada')),
                ('kampung', models.ForeignKey(db_default=1, default=jimpitan.tenancy.active_kampung_id, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='jimpitan.kampung', verbose_name='kampung')),
                ('role', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='auth.group', verbose_name='peran')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL, verbose_name='pengguna')),
            ],
            options={
                'verbose_name': 'peran pengguna',
                'verbose_name_plural': 'peran pengguna',
                'ordering': ['kampung_id', 'user_id', 'role_id'],
                'indexes': [models.Index(fields=['kampung', 'role'], name='membership_kampung_role')],
                'constraints': [models.UniqueConstraint(fields=('kampung', 'user', 'role'), name='membership_one_role_once')],
            },
        ),
        migrations.RunPython(groups_to_memberships, memberships_to_groups),
    ]
