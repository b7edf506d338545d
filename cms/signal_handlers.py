"""Signal handlers: invalidate the API cache, queue publish webhooks, extend partner rights to translations,
keep new translations private until published (cms.services.translations)."""

from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.signals import copy_for_translation_done, page_published, page_unpublished, post_page_move

from cms.api.caching import content_changed


def _content_changed(**kwargs):
    content_changed()


def _page_published(sender, instance, **kwargs):
    from cms.models import WebhookEvent
    from cms.services.webhooks import webhook_deliveries_create

    content_changed()
    webhook_deliveries_create(event=WebhookEvent.PAGE_PUBLISHED, page=instance)


def _page_unpublished(sender, instance, **kwargs):
    from cms.models import WebhookEvent
    from cms.services.webhooks import webhook_deliveries_create

    content_changed()
    webhook_deliveries_create(event=WebhookEvent.PAGE_UNPUBLISHED, page=instance)


def _translation_copied(sender, source_obj, target_obj, **kwargs):
    # An initiative's partners edit it in every language; its English copy is
    # created later than the after_create_page hook that set up their group.
    from cms.models import InitiativePage
    from cms.services.roles import initiative_partner_group_ensure

    if isinstance(target_obj, InitiativePage):
        initiative_partner_group_ensure(initiative=target_obj)


def _page_alias_converting(sender, instance, update_fields=None, **kwargs):
    # Wagtail and wagtail-localize turn an alias into a page of its own with exactly this save.
    if update_fields is not None and set(update_fields) == {"alias_of_id"} and instance.alias_of_id is None:
        from cms.services.translations import page_alias_conversion_unpublish

        page_alias_conversion_unpublish(page=instance)


def _string_translated(sender, instance, raw=False, **kwargs):
    # raw: loaddata or a test's serialized rollback, where the related rows may not be back yet.
    if raw:
        return
    from cms.services.translations import translation_slug_derive

    translation_slug_derive(string_translation=instance)


def register_signal_handlers():
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction, get_page_models
    from wagtail_localize.models import StringTranslation

    from cms.models import PartnerOrganisation, Topic

    page_published.connect(_page_published, dispatch_uid="cms_page_published")
    page_unpublished.connect(_page_unpublished, dispatch_uid="cms_page_unpublished")
    copy_for_translation_done.connect(_translation_copied, dispatch_uid="cms_translation_copied")
    post_delete.connect(_content_changed, sender=Page, dispatch_uid="cms_page_deleted")
    # What the public may see also changes without a publish: a view restriction on a page or
    # an ancestor, a move under (or out of) a private section, a restricted collection.
    post_page_move.connect(_content_changed, dispatch_uid="cms_page_moved")
    for model in (PageViewRestriction, CollectionViewRestriction):
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"cms_changed_{model._meta.label}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"cms_deleted_{model._meta.label}")
    for model in (Topic, PartnerOrganisation, get_image_model(), get_document_model()):
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"cms_changed_{model._meta.label}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"cms_deleted_{model._meta.label}")
    post_save.connect(_string_translated, sender=StringTranslation, dispatch_uid="cms_string_translated")
    for model in get_page_models():
        pre_save.connect(_page_alias_converting, sender=model, dispatch_uid=f"cms_alias_converting_{model._meta.label}")
