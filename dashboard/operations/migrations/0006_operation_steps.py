from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0005_operation_claim"),
    ]

    operations = [
        migrations.AddField(
            model_name="operation",
            name="steps",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
