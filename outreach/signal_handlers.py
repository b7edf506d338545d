"""Signal handlers: keep the contacts' segment facets (a search index) in step, and remember the
previous visit for the dashboard. Nothing more."""

from django.db.models.signals import m2m_changed, post_delete, post_save


def _refresh(contact_id) -> None:
    from outreach.facets import contact_facets_refresh

    contact_facets_refresh(contact_ids=[contact_id])


def _profile_saved(sender, instance, **kwargs):
    _refresh(instance.contact_id)


def _profile_deleted(sender, instance, **kwargs):
    from outreach.models import Contact

    if Contact.objects.filter(pk=instance.contact_id).exists():
        _refresh(instance.contact_id)


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        _refresh(instance.pk)  # a profile's pk is its contact's
        return
    # A topic or region page lost or gained profiles: refresh those contacts.
    from outreach.facets import contact_facets_refresh

    if pk_set:
        contact_facets_refresh(contact_ids=pk_set)


def _remember_previous_visit(sender, request, user, **kwargs):
    # Connected before django.contrib.auth's update_last_login (outreach comes first in
    # INSTALLED_APPS), so last_login is still the previous visit here.
    from outreach.viewsets.dashboard import PREVIOUS_VISIT_SESSION_KEY

    if request is not None and hasattr(request, "session") and user.last_login:
        request.session[PREVIOUS_VISIT_SESSION_KEY] = user.last_login.isoformat()


def register_signal_handlers():
    from django.contrib.auth.signals import user_logged_in

    from outreach.models import JournalistProfile, ProtagonistProfile

    user_logged_in.connect(_remember_previous_visit, dispatch_uid="outreach_previous_visit")

    for model in (JournalistProfile, ProtagonistProfile):
        post_save.connect(_profile_saved, sender=model, dispatch_uid=f"outreach_facets_saved_{model.__name__}")
        post_delete.connect(_profile_deleted, sender=model, dispatch_uid=f"outreach_facets_deleted_{model.__name__}")
    for through in (JournalistProfile.beats.through, JournalistProfile.regions.through,
                    ProtagonistProfile.regions.through):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"outreach_facets_links_{through.__name__}")
