"""Month seals (issue 17): each closing keeps the SHA-256 of its published figures, and a reopening the seal it
ended. The columns are nullable, so SQLite adds them in place (a rebuilt ledger_monthclosing would break the
closed-month triggers that name it)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0006_balance_check'),
    ]

    operations = [
        migrations.AddField(
            model_name='monthclosing',
            name='seal',
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, verbose_name='segel'),
        ),
        migrations.AddField(
            model_name='monthclosing',
            name='sealed_text',
            field=models.TextField(blank=True, editable=False, null=True, verbose_name='teks segel'),
        ),
        migrations.AddField(
            model_name='monthreopening',
            name='previous_seal',
            field=models.CharField(blank=True, max_length=64, null=True, verbose_name='segel sebelumnya'),
        ),
    ]
