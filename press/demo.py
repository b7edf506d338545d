"""The seed press release of 16 January 2017 (../shared/seed/medieninformation-2017-01-16.txt), German and English.

Written here rather than read from the seed file, which a production install does not carry.
"""

import datetime

RELEASE_SLUG = "n3tzwerk-unterstuetzt-industriedialog-in-regionen"
RELEASE_DATE = datetime.date(2017, 1, 16)
TITLE = "N3tzwerk unterstützt Industriedialog in Regionen"
SUBTITLE = "BMWi-Projekt in sechs Modellregionen"
SUMMARY = ("Das Bundesministerium für Wirtschaft und Energie hat das N3tzwerk mit dem Projekt "
           "„Gesellschaftlicher Dialog zur Zukunft der Industrie“ beauftragt.")
DATELINE = "Berlin"
PARTNERS = ["N3tzwerk Zukunft der Industrie", "Prognos AG", "Operation Apps GmbH"]
REGIONS = ["baden-wuerttemberg", "thueringen", "nord-westfalen", "krefeld", "mittelrhein", "frankfurt-am-main"]
TOPICS = ["industriedialog", "akzeptanz"]

INTRO = [
    "Die Industrie in Deutschland steht für Wirtschaftswachstum, Wohlstand, Arbeitsplätze und funktionierende "
    "Wertschöpfungsketten. Dennoch sind in weiten Teilen der Bevölkerung eher zurückhaltende, industriekritische "
    "Positionen anzutreffen. Aktuelle Diskussionen zu Fahrzeugemissionen oder Klimaschutz verstärken diesen Trend. "
    "Um die Bedeutung der Industrie in der Öffentlichkeit besser zu verankern, ist der Dialog über Bedeutung und "
    "Zukunft der Industrie und industrieller Arbeit unverzichtbar.",
    "Mit Beginn des Jahres 2017 hat das Bundesministerium für Wirtschaft und Energie (BMWi) das N3tzwerk mit der "
    "Durchführung des Projekts „Gesellschaftlicher Dialog zur Zukunft der Industrie“ beauftragt. Mit diesem "
    "Vorhaben zielt das BMWi darauf ab, regionale Industriebündnisse zu analysieren und zu unterstützen.",
    "In einem Konsortium mit der Prognos AG und der Operation Apps GmbH wird das N3tzwerk folgende Maßnahmen bis "
    "Ende 2017 durchführen:",
]
MEASURES = [
    "Erarbeitung einer Studie, die erstmals bestehende regionale Industrieinitiativen und -bündnisse in Deutschland "
    "erfasst, analysiert und „good practices“ beschreibt.",
    "Unterstützung, Durchführung bzw. Initiierung von Industriedialogen in sechs Modellregionen unter breiter "
    "Beteiligung der regionalen Akteure auf Ebene von Bundesländern (Baden-Württemberg, Thüringen), Regionen "
    "(Nord-Westfalen, Krefeld, Mittelrhein) und Kommunen (Frankfurt am Main)",
    "Unterstützung weiterer, daran interessierter Initiativen und Bündnisse, durch Unterstützung der "
    "Öffentlichkeitsarbeit, Aktivierung von Protagonisten sowie konzeptionelle Begleitung",
    "Vernetzung der regionalen Initiativen und Bündnisse",
    "Durchführung von bundesweiten Treffen, Vorstellung der Erkenntnisse aus den Modellregionen",
]
OUTRO = [
    "Vor dem Hintergrund der in diesem Kontext gewonnenen Erfahrungen sollen Impulse gesetzt werden, die regionalen "
    "Dialoge zur Zukunft der Industrie zu intensivieren und weiter zu entwickeln. Gemeinsam können Unternehmen, "
    "Betriebsräte, Kammern, Verbände, Gewerkschaften, regionale Industriebündnisse oder -initiativen einen Beitrag "
    "zu einer Kultur des Industriedialoges, einem besseren Verständnis für die Bedeutung der Industrie und einer "
    "erhöhten Akzeptanz industrieller Wertschöpfung leisten.",
    "Sollten Sie weitere Informationen benötigen oder an einer Zusammenarbeit interessiert sein, kontaktieren Sie uns.",
]

PRESS_CONTACT = {
    "name": "Simone Ebel-Schmidt", "function": "Pressekontakt", "organisation": "N3tzwerk Zukunft der Industrie",
    "phone": "(030) 516 95 6864", "mobile": "(0170) 3333 718", "email": "simone.ebel-schmidt@n3tzwerk.org",
}

BOILERPLATE_NAME = "Über das N3tzwerk"
BOILERPLATE_HEADING = "Über das N3tzwerk Zukunft der Industrie"
BOILERPLATE_TEXT = (
    "Das N3tzwerk Zukunft der Industrie führt im Auftrag des Bundesministeriums für Wirtschaft und Energie den "
    "„Gesellschaftlichen Dialog zur Zukunft der Industrie“ durch.",
    "N3tzwerk Zukunft der Industrie, Mauerstraße 83-84, 10117 Berlin, www.n3tzwerk.org, www.ihre-industrie.de",
)

NEWSROOM_SLUG = "presse"
NEWSROOM_TITLE = "Presse"
NEWSROOM_INTRO = "Medieninformationen des N3tzwerks Zukunft der Industrie."

ENGLISH = {
    NEWSROOM_TITLE: "Press",
    NEWSROOM_INTRO: "Press releases of N3tzwerk Zukunft der Industrie.",
    TITLE: "N3tzwerk supports the industry dialogue in the regions",
    SUBTITLE: "Federal ministry project in six model regions",
    SUMMARY: "The Federal Ministry for Economic Affairs and Energy has commissioned N3tzwerk with the project "
             "“Social dialogue on the future of industry”.",
    DATELINE: "Berlin",
    INTRO[0]: "Industry in Germany stands for economic growth, prosperity, jobs and working value chains. Yet large "
              "parts of the public hold reserved or critical views of industry. Current debates on vehicle emissions "
              "and climate protection strengthen this trend. To anchor the importance of industry more firmly in "
              "public awareness, a dialogue on the importance and future of industry and industrial work is "
              "indispensable.",
    INTRO[1]: "At the start of 2017 the Federal Ministry for Economic Affairs and Energy (BMWi) commissioned N3tzwerk "
              "to carry out the project “Social dialogue on the future of industry”. With it, the ministry aims to "
              "analyse and support regional industry alliances.",
    INTRO[2]: "In a consortium with Prognos AG and Operation Apps GmbH, N3tzwerk will carry out the following "
              "measures by the end of 2017:",
    MEASURES[0]: "A study that for the first time records and analyses existing regional industry initiatives and "
                 "alliances in Germany and describes good practices.",
    MEASURES[1]: "Supporting, holding or initiating industry dialogues in six model regions with broad participation "
                 "of regional actors at the level of federal states (Baden-Württemberg, Thuringia), regions (North "
                 "Westphalia, Krefeld, Middle Rhine) and municipalities (Frankfurt am Main)",
    MEASURES[2]: "Support for further interested initiatives and alliances through public relations, activating "
                 "protagonists and conceptual guidance",
    MEASURES[3]: "Networking the regional initiatives and alliances",
    MEASURES[4]: "Nationwide meetings presenting what was learnt in the model regions",
    OUTRO[0]: "Building on the experience gained, the project aims to intensify and develop the regional dialogues on "
              "the future of industry. Together, companies, works councils, chambers, associations, unions and "
              "regional industry alliances or initiatives can contribute to a culture of industry dialogue, a better "
              "understanding of the importance of industry and greater acceptance of industrial value creation.",
    OUTRO[1]: "If you would like more information or are interested in working with us, please get in touch.",
    BOILERPLATE_NAME: "About N3tzwerk",
    BOILERPLATE_HEADING: "About N3tzwerk Zukunft der Industrie",
    BOILERPLATE_TEXT[0]: "On behalf of the Federal Ministry for Economic Affairs and Energy, N3tzwerk Zukunft der "
                         "Industrie runs the “Social dialogue on the future of industry”.",
    BOILERPLATE_TEXT[1]: BOILERPLATE_TEXT[1],
}
