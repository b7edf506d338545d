"""Permission policies of the outreach admin.

The press contact database is for the press office only: a user gets in
through the outreach model permissions (held by the "Press office" group, see
outreach.services.roles), never through admin access alone. Editors and
initiative partners hold no outreach permission, so every outreach view,
menu item and bulk action refuses them.
"""

from wagtail.permission_policies import ModelPermissionPolicy


class OutreachPermissionPolicy(ModelPermissionPolicy):
    denied_actions: tuple = ()
    superuser_only_actions: tuple = ()

    def __init__(self, model, *, denied_actions=(), superuser_only_actions=()):
        super().__init__(model)
        self.denied_actions = tuple(denied_actions)
        self.superuser_only_actions = tuple(superuser_only_actions)

    def user_has_permission(self, user, action):
        if action in self.denied_actions:
            return False
        if action in self.superuser_only_actions:
            return user.is_active and user.is_superuser
        return super().user_has_permission(user, action)
