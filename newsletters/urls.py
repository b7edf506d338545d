"""Public pages of the newsletters (no login): sign-up form, confirmation, preference centre."""

from django.urls import path, re_path

from newsletters import views

app_name = "newsletters"

_TOKEN = r"(?P<token>[A-Za-z0-9_:.\-]{1,2000})"

urlpatterns = [
    re_path(rf"^confirm/{_TOKEN}/$", views.confirm_page, name="confirm"),
    re_path(rf"^confirm-address/{_TOKEN}/$", views.confirm_address_page, name="confirm_address"),
    re_path(rf"^preferences/{_TOKEN}/$", views.preferences_page, name="preferences"),
    path("<slug:slug>/", views.signup_page, name="signup"),
]
