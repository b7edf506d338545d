"""Signal handlers: the press office's rights exist without the demo loader; a published release gets its kit,
and a changed image or document the kits of the live releases that use it.

After every migrate (a fresh database included) the group gets its rights on
press snippets, media and every newsroom; a newsroom created later (a new
site, a new language) gets the page rights as it is created.
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model


def _after_last_migration(sender, using="default", **kwargs):
    # post_migrate is sent once per app with models; only after the last one do
    # the permissions of every app the grant names (outreach, media, wagtail) exist.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if not with_models or sender is not with_models[-1]:
        return
    from wagtail.models import Collection

    from press.services.roles import press_office_newsroom_grant

    # A flushed database (`flush`, transactional tests) is sent post_migrate as well, but holds nothing
    # Wagtail's migrations made, not even the root collection: there is no site to grant rights on.
    if Collection.get_first_root_node() is None:
        return
    press_office_newsroom_grant()


def _newsroom_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    from press.services.roles import press_office_newsroom_page_grant

    press_office_newsroom_page_grant(newsroom=instance)


def _release_published(sender, instance, **kwargs):
    # Wagtail also sends page_published when it only schedules a release (embargo ahead): its kit is
    # requested when publish_scheduled sends it again at the embargo time. The service queues the build
    # on commit and does nothing if a kit of the same content exists.
    if not instance.live:
        return
    from press.services.kits import press_kit_request

    press_kit_request(release=instance)


def _media_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # A new credit, licence or file of an image or document changes the kits of the live releases that
    # use it. Wagtail's own save of a computed file hash changes nothing a kit holds.
    if raw or (update_fields is not None and set(update_fields) <= {"file_hash", "file_size"}):
        return
    from press.services.kits import press_kits_refresh_for_media

    press_kits_refresh_for_media(image=instance if sender is get_image_model() else None,
                                 document=instance if sender is get_document_model() else None)


def _kit_deleted(sender, instance, **kwargs):
    # The file goes with its row, once the deletion is committed.
    if instance.file:
        name, storage = instance.file.name, instance.file.storage
        transaction.on_commit(lambda: storage.delete(name))


def register_signal_handlers() -> None:
    from wagtail.signals import page_published

    from press.models import NewsroomPage, PressKit, PressReleasePage

    post_migrate.connect(_after_last_migration, dispatch_uid="press_office_rights")
    post_save.connect(_newsroom_saved, sender=NewsroomPage, dispatch_uid="press_newsroom_rights")
    page_published.connect(_release_published, sender=PressReleasePage, dispatch_uid="press_kit_on_publish")
    post_save.connect(_media_saved, sender=get_image_model(), dispatch_uid="press_kit_image_saved")
    post_save.connect(_media_saved, sender=get_document_model(), dispatch_uid="press_kit_document_saved")
    post_delete.connect(_kit_deleted, sender=PressKit, dispatch_uid="press_kit_file_deleted")
