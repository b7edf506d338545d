from django.core.management.base import BaseCommand

from press.services.demo import demo_press_load


class Command(BaseCommand):
    help = ("Load the demo newsroom and the seed press release (German, with an English translation) and point the "
            "demo mailing at it. Run after load_demo (and load_demo_contacts). Safe to run twice.")

    def handle(self, *args, **options):
        report = demo_press_load()
        for line in report.created:
            self.stdout.write(f"created    {line}")
        for line in report.translated:
            self.stdout.write(f"translated {line}")
        if not report.created and not report.translated:
            self.stdout.write("Demo press content is already there; nothing changed.")
        self.stdout.write(self.style.SUCCESS("Demo press content ready."))
