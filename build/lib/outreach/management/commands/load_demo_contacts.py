from django.core.management.base import BaseCommand

from cms.services.demo import demo_password
from outreach.services.demo import demo_contacts_load, demo_press_officer_ensure


class Command(BaseCommand):
    help = "Load demo press contacts, a press list and a segment (after load_demo). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--with-users", action="store_true", help="Also create the press-office login 'presse'.")

    def handle(self, *args, with_users=False, **options):
        report = demo_contacts_load()
        for line in report.created:
            self.stdout.write(f"created    {line}")
        if not report.created:
            self.stdout.write("Demo contacts are already there; nothing changed.")
        if with_users:
            self.stdout.write(f"login      {demo_press_officer_ensure(password=demo_password())} (Press office)")
        self.stdout.write(self.style.SUCCESS("Demo contacts ready."))
