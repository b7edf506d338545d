"""The demo's draft mailing: the seed press release of 16 January 2017, ready to preview, test and send.

Written here rather than read from the seed file, which a production install does not carry.
"""

from outreach.models import ContactList, Mailing, SenderIdentity
from outreach.services.mailings import mailing_save

TITLE = "Medieninformation: N3tzwerk unterstützt Industriedialog in sechs Modellregionen"

_MJML = """<mjml>
  <mj-body background-color="#f4f4f4">
    <mj-section background-color="#ffffff">
      <mj-column>
        <mj-text font-size="13px" color="#666666">{kind} · {date}</mj-text>
        <mj-text font-size="22px" font-weight="bold" line-height="1.3">{headline}</mj-text>
        <mj-text font-size="16px">{{{{ salutation }}}}</mj-text>
{paragraphs}
        <mj-button href="https://www.ihre-industrie.de" background-color="#007d7e">{button}</mj-button>
        <mj-text font-size="14px" color="#444444">{contact}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>"""

GERMAN = {
    "kind": "Medieninformation", "date": "16. Januar 2017",
    "headline": "BMWi-Projekt in sechs Modellregionen: N3tzwerk unterstützt Industriedialog in Regionen",
    "paragraphs": [
        ("<strong>Berlin.</strong> Die Industrie in Deutschland steht für Wirtschaftswachstum, Wohlstand, "
        "Arbeitsplätze und funktionierende Wertschöpfungsketten. Dennoch sind in weiten Teilen der Bevölkerung eher "
        "zurückhaltende, industriekritische Positionen anzutreffen."),
        ("Mit Beginn des Jahres 2017 hat das Bundesministerium für Wirtschaft und Energie (BMWi) das N3tzwerk mit dem "
        "Projekt „Gesellschaftlicher Dialog zur Zukunft der Industrie“ beauftragt. In einem Konsortium mit der "
        "Prognos AG und der Operation Apps GmbH erfasst es regionale Industrieinitiativen in einer Studie und "
        "begleitet Industriedialoge in sechs Modellregionen: Baden-Württemberg, Thüringen, Nord-Westfalen, Krefeld, "
        "Mittelrhein und Frankfurt am Main."),
        ("Sollten Sie weitere Informationen benötigen oder an einer Zusammenarbeit interessiert sein, kontaktieren "
        "Sie uns."),
    ],
    "button": "Mehr zum Industriedialog",
    "contact": "Pressekontakt: Simone Ebel-Schmidt · Telefon (030) 516 95 6864 · simone.ebel-schmidt@n3tzwerk.org",
    "subject": "Medieninformation: N3tzwerk unterstützt Industriedialog in sechs Modellregionen",
    "preheader": "BMWi-Projekt „Gesellschaftlicher Dialog zur Zukunft der Industrie“ startet",
}

ENGLISH = {
    "kind": "Press release", "date": "16 January 2017",
    "headline": "Federal ministry project in six model regions: N3tzwerk supports the regional industry dialogue",
    "paragraphs": [
        ("<strong>Berlin.</strong> Industry in Germany stands for growth, prosperity, jobs and working value chains. "
        "Yet large parts of the public remain reserved about it, or critical."),
        ("At the start of 2017 the Federal Ministry for Economic Affairs and Energy (BMWi) commissioned N3tzwerk with "
        "the project “Social dialogue on the future of industry”. Together with Prognos AG and Operation Apps GmbH it "
        "maps regional industry initiatives in a study and supports industry dialogues in six model regions: "
        "Baden-Württemberg, Thuringia, North Westphalia, Krefeld, Middle Rhine and Frankfurt am Main."),
        "If you would like more information or to work with us, please get in touch.",
    ],
    "button": "More on the industry dialogue",
    "contact": "Press contact: Simone Ebel-Schmidt · phone +49 30 516 95 6864 · simone.ebel-schmidt@n3tzwerk.org",
    "subject": "Press release: N3tzwerk supports the industry dialogue in six model regions",
    "preheader": "Federal project “Social dialogue on the future of industry” begins",
}


def _content(text: dict) -> dict:
    paragraphs = "\n".join(f'        <mj-text font-size="16px" line-height="1.5">{p}</mj-text>' for p in text["paragraphs"])
    body = _MJML.format(kind=text["kind"], date=text["date"], headline=text["headline"], paragraphs=paragraphs,
                        button=text["button"], contact=text["contact"])
    return {"subject": text["subject"], "preheader": text["preheader"], "body_mjml": body}


def demo_mailing_ensure(*, sender: SenderIdentity, press_list: ContactList) -> bool:
    """A draft of the press release to the demo press list, in German and English. True if it was created;
    an existing one (sent, edited or not) is left as it is."""
    if Mailing.objects.filter(title=TITLE).exists():
        return False
    mailing_save(mailing=None, values={"title": TITLE, "sender": sender}, lists=[press_list],
                 contents={"de": _content(GERMAN), "en": _content(ENGLISH)})
    return True


def demo_mailing_source_use(*, reference: str) -> bool:
    """Let the demo draft take its content from a mailable source ("app_label.model:pk") instead of the copy above.

    Called by the press demo once the seed release exists as a page; the hand-written
    copy is dropped, as outreach copies the source's content when the mailing starts.
    True if it changed; a mailing that has started, or already has this source, is left alone.
    """
    mailing = Mailing.objects.filter(title=TITLE, status=Mailing.Status.DRAFT).first()
    if mailing is None or mailing.source == reference:
        return False
    mailing_save(mailing=mailing, values={"source": reference}, contents={})
    return True
