from django.core.management.base import BaseCommand

from newsletters.services.demo import demo_newsletters_load


class Command(BaseCommand):
    help = ("Load two demo newsletters, their consent texts and a few confirmed subscribers "
            "(after load_demo and load_demo_contacts). Safe to run twice.")

    def handle(self, *args, **options):
        report = demo_newsletters_load()
        for line in report.created:
            self.stdout.write(f"created    {line}")
        if not report.created:
            self.stdout.write("Demo newsletters are already there; nothing changed.")
        self.stdout.write(self.style.SUCCESS("Demo newsletters ready."))
