"""Public endpoints of outreach (no login): what recipients' mail clients and providers call."""

app_name = "outreach"
urlpatterns: list = []
