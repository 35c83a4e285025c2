import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("care", "0006_program_return_and_security_settings"),
    ]

    operations = [
        migrations.CreateModel(
            name="Intake",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("received", models.DateTimeField()),
                ("phone", models.CharField(blank=True, max_length=20)),
                ("email", models.CharField(blank=True, max_length=254)),
                ("message", models.TextField(blank=True)),
                ("best_time", models.CharField(blank=True, max_length=100)),
                ("language", models.CharField(default="en", max_length=8)),
                ("reasons", models.JSONField(default=list)),
                ("first_steps", models.JSONField(default=list)),
                ("visitor_address", models.CharField(blank=True, max_length=45)),
                ("user_agent", models.CharField(blank=True, max_length=200)),
                ("claim", models.CharField(blank=True, max_length=32)),
                ("claimed_until", models.DateTimeField(blank=True, null=True)),
                (
                    "program",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="care.program",
                    ),
                ),
            ],
        ),
    ]
