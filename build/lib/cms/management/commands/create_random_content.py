from django.core.management.base import BaseCommand, CommandError

from cms.services.random_content import DemoContentMissing, random_news_create


class Command(BaseCommand):
    help = (
        "Add generated, published German news articles (filed under demo regions and topics) for load tests. "
        "Needs load_demo first. Safe to run twice: numbered articles that exist are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--news", type=int, default=20, help="Number of generated news articles to ensure (default 20).")
        parser.add_argument("--seed", type=int, default=0, help="Seed for titles, dates and filing (default 0).")

    def handle(self, *args, news: int, seed: int, **options):
        if news < 0:
            raise CommandError("--news must not be negative.")
        try:
            summary = random_news_create(count=news, seed=seed)
        except DemoContentMissing as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"news articles: {summary.created} created, {summary.existing} already there")
        self.stdout.write(self.style.SUCCESS("Random content ready."))
