"""Give the tree's root page and root collection German names.

Wagtail creates both as "Root" in data, not through gettext, so no catalogue can
translate them; a German press officer saw "Erkunden: Root" in the page explorer.
Only the untouched default is renamed; a title someone chose is kept.
"""

from django.db import migrations

ROOT_PAGE_TITLE = "Alle Seiten"
ROOT_COLLECTION_NAME = "Alle Sammlungen"


def rename_roots(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Page.objects.filter(depth=1, title="Root").update(title=ROOT_PAGE_TITLE)
    Page.objects.filter(depth=1, draft_title="Root").update(draft_title=ROOT_PAGE_TITLE)
    Collection.objects.filter(depth=1, name="Root").update(name=ROOT_COLLECTION_NAME)


def restore_roots(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Page.objects.filter(depth=1, title=ROOT_PAGE_TITLE).update(title="Root")
    Page.objects.filter(depth=1, draft_title=ROOT_PAGE_TITLE).update(draft_title="Root")
    Collection.objects.filter(depth=1, name=ROOT_COLLECTION_NAME).update(name="Root")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_initial"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(rename_roots, restore_roots)]
