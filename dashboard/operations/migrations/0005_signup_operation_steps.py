from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0004_operation_acting_project"),
    ]

    operations = [
        migrations.AddField(
            model_name="operation",
            name="steps",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
