"""Operations keep their description and failure as Messages (`dashboard.i18n`), read in each
reader's language: a text kept before becomes a Message with that text as its msgid."""

from typing import Any

from django.db import migrations, models


def texts_to_messages(apps: Any, schema_editor: Any) -> None:
    Operation = apps.get_model("operations", "Operation")
    for operation in Operation.objects.only("pk", "description", "error_message").iterator():
        Operation.objects.filter(pk=operation.pk).update(
            description_json={"msgid": operation.description},
            failure_json={"msgid": operation.error_message} if operation.error_message else None,
        )


def messages_to_texts(apps: Any, schema_editor: Any) -> None:
    """Back to English texts (the rendering of each message in the default language)."""
    from dashboard.i18n import Message

    Operation = apps.get_model("operations", "Operation")
    for operation in Operation.objects.iterator():
        failure = operation.failure_json
        Operation.objects.filter(pk=operation.pk).update(
            description=str(Message.from_json(operation.description_json)),
            error_message=str(Message.from_json(failure)) if failure else "",
        )


class Migration(migrations.Migration):
    dependencies = [("operations", "0002_operation_long_ids_and_descriptions")]

    operations = [
        migrations.AddField(
            model_name="operation",
            name="description_json",
            field=models.JSONField(default=dict),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="operation",
            name="failure_json",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(texts_to_messages, messages_to_texts),
        # Defaults for the way back only: the columns come back empty, then get the texts.
        migrations.AlterField(
            model_name="operation", name="description", field=models.TextField(default="")
        ),
        migrations.AlterField(
            model_name="operation",
            name="error_message",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RemoveField(model_name="operation", name="description"),
        migrations.RemoveField(model_name="operation", name="error_message"),
    ]
