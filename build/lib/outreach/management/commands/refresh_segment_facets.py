from django.core.management.base import BaseCommand

from outreach.facets import contact_facets_refresh_all


class Command(BaseCommand):
    help = "Rebuild the contacts' segment facets from their profiles (after bulk changes made outside the app)."

    def handle(self, *args, **options):
        self.stdout.write(f"{contact_facets_refresh_all()} contacts updated.")
