import press.models.kits
from django.db import migrations, models


def kits_move_to_private_storage(apps, schema_editor):
    """Kits built before this lay in the public media storage: move each file (a chunk at a time), and drop
    it from there. A kit whose file is gone is marked failed, so that the press office builds it again."""
    from django.core.files.storage import default_storage, storages

    private = storages["private"]
    PressKit = apps.get_model("press", "PressKit")
    for kit in PressKit.objects.exclude(file=""):
        name = kit.file.name
        if private.exists(name):
            continue
        if not default_storage.exists(name):
            PressKit.objects.filter(pk=kit.pk).update(status="failed", file="", error="file missing after the move")
            continue
        with default_storage.open(name, "rb") as source:
            stored = private.save(name, source)
        PressKit.objects.filter(pk=kit.pk).update(file=stored)
        default_storage.delete(name)


class Migration(migrations.Migration):

    dependencies = [
        ('press', '0005_presskit'),
    ]

    operations = [
        migrations.AlterField(
            model_name='presskit',
            name='file',
            field=models.FileField(blank=True, editable=False, max_length=255, storage=press.models.kits.kit_storage, upload_to='', verbose_name='file'),
        ),
        migrations.RunPython(kits_move_to_private_storage, migrations.RunPython.noop),
    ]
