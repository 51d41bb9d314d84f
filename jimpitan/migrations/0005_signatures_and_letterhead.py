"""Signing columns and a letterhead (issue 17). The Ketua Pokja's and the Bendahara's names become the first two
signing columns, so every report keeps the names it printed before."""

import django.db.models.deletion
from django.db import migrations, models



def names_to_columns(apps, schema_editor):
    SignatureColumn = apps.get_model("jimpitan", "SignatureColumn")
    for profile in apps.get_model("jimpitan", "KampungProfile").objects.all():
        SignatureColumn.objects.bulk_create(
            [
                SignatureColumn(profile=profile, position=1, role="Ketua Pokja", name=profile.chair_name),
                SignatureColumn(profile=profile, position=2, role="Bendahara", name=profile.treasurer_name),
            ]
        )


def columns_to_names(apps, schema_editor):
    for profile in apps.get_model("jimpitan", "KampungProfile").objects.all():
        columns = {column.role: column.name for column in profile.signature_columns.all()}
        profile.chair_name = columns.get("Ketua Pokja", "")
        profile.treasurer_name = columns.get("Bendahara", "")
        profile.save(update_fields=["chair_name", "treasurer_name"])


class Migration(migrations.Migration):

    dependencies = [
        ('jimpitan', '0004_roster_only_on_duty'),
    ]

    operations = [
        migrations.AddField(
            model_name='kampungprofile',
            name='letterhead_logo',
            field=models.ImageField(blank=True, help_text='PNG atau JPEG, paling besar 1 MB. Tampil di kop laporan dan kwitansi.', upload_to='letterhead/', verbose_name='logo kop surat'),
        ),
        migrations.AddField(
            model_name='kampungprofile',
            name='sign_place',
            field=models.CharField(blank=True, help_text='Di baris tanggal laporan, misalnya "Batujaya, 30 November 2026". Kosong: nama kelurahan.', max_length=100, verbose_name='tempat tanda tangan'),
        ),
        migrations.CreateModel(
            name='SignatureColumn',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(verbose_name='urutan')),
                ('heading', models.CharField(blank=True, max_length=60, verbose_name='baris pembuka')),
                ('role', models.CharField(max_length=60, verbose_name='jabatan')),
                ('name', models.CharField(blank=True, max_length=150, verbose_name='nama')),
                ('profile', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signature_columns', to='jimpitan.kampungprofile')),
            ],
            options={
                'verbose_name': 'kolom tanda tangan',
                'verbose_name_plural': 'kolom tanda tangan',
                'ordering': ['position'],
                'constraints': [models.UniqueConstraint(fields=('profile', 'position'), name='signaturecolumn_one_per_position'), models.CheckConstraint(condition=models.Q(('position__gte', 1), ('position__lte', 3)), name='signaturecolumn_position_1_to_3'), models.CheckConstraint(condition=models.Q(('role', ''), _negated=True), name='signaturecolumn_role_not_empty')],
            },
        ),
        migrations.RunPython(names_to_columns, columns_to_names),
        migrations.RemoveField(
            model_name='kampungprofile',
            name='chair_name',
        ),
        migrations.RemoveField(
            model_name='kampungprofile',
            name='treasurer_name',
        ),
    ]
