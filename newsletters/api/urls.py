from django.urls import path, re_path

from newsletters.api import views

# Any segment reaches the views, which answer a JSON 404 to whatever they cannot verify; a stricter pattern
# here would hand odd tokens to the catch-all under /api/ (and a POST to the CSRF check, a 403).
_TOKEN = r"(?P<token>[^/]{1,2000})"

urlpatterns = [
    path("", views.NewsletterListApi.as_view(), name="newsletters-api-list"),
    path("subscriptions/", views.SubscriptionCreateApi.as_view(), name="newsletters-api-subscribe"),
    path("challenge/", views.ChallengeApi.as_view(), name="newsletters-api-challenge"),
    path("confirm/", views.SubscriptionConfirmApi.as_view(), name="newsletters-api-confirm"),
    path("confirm-address/", views.AddressConfirmApi.as_view(), name="newsletters-api-confirm-address"),
    re_path(rf"^preferences/{_TOKEN}/$", views.PreferencesApi.as_view(), name="newsletters-api-preferences"),
    re_path(rf"^preferences/{_TOKEN}/pause/$", views.PreferencesPauseApi.as_view(), name="newsletters-api-pause"),
    re_path(rf"^preferences/{_TOKEN}/resume/$", views.PreferencesResumeApi.as_view(), name="newsletters-api-resume"),
    re_path(rf"^preferences/{_TOKEN}/unsubscribe/$", views.PreferencesUnsubscribeApi.as_view(),
            name="newsletters-api-unsubscribe"),
    re_path(rf"^preferences/{_TOKEN}/export/$", views.PreferencesExportApi.as_view(), name="newsletters-api-export"),
    re_path(rf"^preferences/{_TOKEN}/address/$", views.PreferencesAddressApi.as_view(),
            name="newsletters-api-address"),
]
