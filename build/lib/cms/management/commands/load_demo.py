from django.core.management.base import BaseCommand

from cms.services.demo import demo_content_load, demo_password, demo_users_ensure


class Command(BaseCommand):
    help = "Load the demo content (six model regions, partners, initiatives, news, events) in German and English. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-users", action="store_true",
            help="Also create the demo logins admin, redaktion and partner-krefeld (password from DIALOGDESK_DEMO_PASSWORD, "
                 "else generated and written to var/demo-password.txt).",
        )

    def handle(self, *args, with_users=False, **options):
        report = demo_content_load()
        for line in report.created:
            self.stdout.write(f"created    {line}")
        for line in report.translated:
            self.stdout.write(f"translated {line}")
        if not report.created and not report.translated:
            self.stdout.write("Demo content is already there; nothing changed.")
        if with_users:
            for username, role in demo_users_ensure(password=demo_password()):
                self.stdout.write(f"login      {username} ({role})")
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
