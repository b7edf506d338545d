"""The three roles of the editorial side: administrators, editors, initiative partners.

Editors work on all content. Partners of an initiative get edit rights on that
initiative's pages (every locale) and their subtree, which holds the
initiative's news; Wagtail then roots their page explorer there, so other
initiatives' drafts are out of sight and out of reach.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupApprovalTask, GroupCollectionPermission, GroupPagePermission, Locale, Page
from wagtail.permissions import page_permission_policy

EDITORS_GROUP = "Editors"
INITIATIVE_GROUP_PREFIX = "Initiative partners: "
# Partners draft and submit; an editor approves (Wagtail's moderation workflow).
PARTNER_PAGE_PERMISSIONS = ("add_page", "change_page")
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page")


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def _grant_pages(group: Group, pages, codenames) -> None:
    for page in pages:
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=_page_permission(codename))


def _grant_media(group: Group, codenames: dict) -> None:
    from wagtail.models import Collection

    root = Collection.get_first_root_node()
    for app_label, names in codenames.items():
        for codename in names:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)


@transaction.atomic
def editors_group_ensure() -> Group:
    """Give the Editors group every content right below the root. Safe to call twice."""
    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="cms", content_type__model__in=["topic", "partnerorganisation"]),
        *Permission.objects.filter(content_type__app_label="wagtail_localize", codename__in=["submit_translation"]),
    )
    _grant_pages(group, [Page.get_first_root_node()], EDITOR_PAGE_PERMISSIONS)
    # Editors approve what initiative partners submit for moderation.
    for task in GroupApprovalTask.objects.all():
        task.groups.add(group)
    _grant_media(group, {"media": ["add_creditedimage", "change_creditedimage", "choose_image",
                                   "add_crediteddocument", "change_crediteddocument", "choose_document"]})
    return group


def initiative_partner_group_name(initiative) -> str:
    return f"{INITIATIVE_GROUP_PREFIX}{initiative.title}"[:150]


def _source_translation(translations: list[Page], initiative) -> Page:
    """The initiative in the default language (the one editors write first), else the page given."""
    default = Locale.get_default()
    return next((page for page in translations if page.locale_id == default.pk), initiative)


@transaction.atomic
def initiative_partner_group_ensure(*, initiative) -> Group:
    """The group whose members edit one initiative (all its translations) and its news.

    Found again by the permission it holds, so renaming the initiative does not
    create a second group: the group takes the new name (the title in the
    default language) unless another group already has it. Safe to call twice,
    and with any translation of the initiative; call it again when a new
    translation appears so the partners get that page too.
    """
    translations = list(Page.objects.filter(translation_key=initiative.translation_key).order_by("pk"))
    name = initiative_partner_group_name(_source_translation(translations, initiative))
    group = (
        Group.objects.filter(page_permissions__page__in=translations, name__startswith=INITIATIVE_GROUP_PREFIX)
        .order_by("pk")
        .first()
    )
    if group is None:
        # A group of that name with no page rights yet (made by hand, or left by a deleted initiative) is taken over.
        group = Group.objects.filter(name=name, page_permissions__isnull=True).first()
    if group is None:
        if Group.objects.filter(name=name).exists():
            # Another initiative with the same title: tell the two groups apart.
            name = f"{name[:140]} ({_source_translation(translations, initiative).pk})"
        group = Group.objects.create(name=name)
    elif group.name != name and not Group.objects.filter(name=name).exists():
        group.name = name
        group.save(update_fields=["name"])
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    _grant_pages(group, translations, PARTNER_PAGE_PERMISSIONS)
    _grant_media(group, {"media": ["add_creditedimage", "choose_image", "add_crediteddocument", "choose_document"]})
    return group


def page_explorable_by(*, user, page: Page) -> bool:
    """Whether the page explorer may show this page to the user.

    Wagtail roots a user's explorer at the closest common ancestor of the pages
    they hold rights on. For initiative partners that is the tree root (they
    hold the German and the English initiative page, which sit below different
    home pages), so Wagtail alone would let them open any section and only
    filter its listing. Here a page is explorable when the user holds a right
    on it or on one of its ancestors, or when it lies on the path from the root
    down to a page they hold a right on.
    """
    if not user.is_active:
        return False
    if user.is_superuser or page.is_root():
        return True
    try:
        return page_permission_policy.explorable_instances(user).filter(pk=page.pk).exists()
    except Page.DoesNotExist:  # no page rights at all: no common ancestor to explore from
        return False
