"""Demo content, drawn from the press release this product grew from (16 January 2017).

German is the source language; ENGLISH maps each German string to its
translation, which load_demo feeds into wagtail-localize.
"""

import datetime

RELEASE_PARAGRAPHS = [
    "Die Industrie in Deutschland steht für Wirtschaftswachstum, Wohlstand, Arbeitsplätze, "
    "funktionierende Wertschöpfungsketten. Dennoch sind in weiten Teilen der Bevölkerung eher "
    "zurückhaltende, industriekritische Positionen anzutreffen. Aktuelle Diskussionen zu "
    "Fahrzeugemissionen oder Klimaschutz verstärken diesen Trend. Um die Bedeutung der Industrie "
    "in der Öffentlichkeit besser zu verankern, ist der Dialog über Bedeutung und Zukunft der "
    "Industrie und industrieller Arbeit unverzichtbar.",
    "Mit Beginn des Jahres 2017 hat das Bundesministerium für Wirtschaft und Energie (BMWi) das "
    "N3tzwerk mit der Durchführung des Projekts „Gesellschaftlicher Dialog zur Zukunft der "
    "Industrie“ beauftragt. Mit diesem Vorhaben zielt das BMWi darauf ab, regionale "
    "Industriebündnisse zu analysieren und zu unterstützen.",
    "Gemeinsam können Unternehmen, Betriebsräte, Kammern, Verbände, Gewerkschaften, regionale "
    "Industriebündnisse oder -initiativen einen Beitrag zu einer Kultur des Industriedialoges, "
    "einem besseren Verständnis für die Bedeutung der Industrie und einer erhöhten Akzeptanz "
    "industrieller Wertschöpfung leisten.",
]

ENGLISH = {
    RELEASE_PARAGRAPHS[0]: (
        "Industry in Germany stands for economic growth, prosperity, jobs and working value chains. "
        "Yet large parts of the population hold reserved, critical views of industry. Current debates "
        "on vehicle emissions and climate protection reinforce this trend. To anchor the importance of "
        "industry more firmly in public awareness, a dialogue on the significance and future of "
        "industry and industrial work is indispensable."
    ),
    RELEASE_PARAGRAPHS[1]: (
        "At the beginning of 2017 the Federal Ministry for Economic Affairs and Energy (BMWi) "
        "commissioned N3tzwerk to carry out the project “Societal dialogue on the future of "
        "industry”. With it, the ministry aims to analyse and support regional industry alliances."
    ),
    RELEASE_PARAGRAPHS[2]: (
        "Together, companies, works councils, chambers, associations, unions and regional industry "
        "alliances or initiatives can contribute to a culture of industrial dialogue, a better "
        "understanding of the importance of industry and greater acceptance of industrial value creation."
    ),
    "Zukunft der Industrie": "Future of Industry",
    "Regionale Industriedialoge in Deutschland: Nachrichten, Termine, Initiativen und gute Praxis.":
        "Regional industry dialogues in Germany: news, events, initiatives and good practice.",
    "Modellregionen": "Model regions",
    "Initiativen": "Initiatives",
    "Aktuelles": "News",
    "Termine": "Events",
    "Studien und gute Praxis": "Studies and good practice",
    "Industriedialog": "Industry dialogue",
    "Akzeptanz der Industrie": "Public acceptance of industry",
    "Arbeit der Zukunft": "Future of work",
    "Gute Praxis": "Good practice",
    "N3tzwerk unterstützt Industriedialog in sechs Modellregionen":
        "N3tzwerk supports industry dialogue in six model regions",
    "BMWi-Projekt in sechs Modellregionen: Das N3tzwerk unterstützt den Industriedialog in den Regionen.":
        "Ministry project in six model regions: N3tzwerk supports industry dialogue in the regions.",
    "Studie erfasst erstmals regionale Industrieinitiativen":
        "Study maps regional industry initiatives for the first time",
    "Eine Studie erfasst und analysiert bestehende regionale Industrieinitiativen und -bündnisse in Deutschland und beschreibt gute Praxis.":
        "A study maps and analyses existing regional industry initiatives and alliances in Germany and describes good practice.",
    "Bundesweites Treffen der Industrieinitiativen": "Nationwide meeting of industry initiatives",
    "Die regionalen Initiativen und Bündnisse treffen sich, um Erkenntnisse aus den Modellregionen vorzustellen.":
        "The regional initiatives and alliances meet to present what was learnt in the model regions.",
    "Berlin, Mauerstraße 83-84": "Berlin, Mauerstraße 83-84",
    "Regionale Industrieinitiativen in Deutschland": "Regional industry initiatives in Germany",
    "Bestandsaufnahme, Analyse und gute Praxis regionaler Industrieinitiativen und -bündnisse.":
        "Survey, analysis and good practice of regional industry initiatives and alliances.",
    "Lange Nacht der Industrie": "Long Night of Industry",
    "Unternehmen öffnen ihre Werkstore für Bürgerinnen und Bürger.":
        "Companies open their gates to the public.",
    "Bündnis Zukunft der Industrie Krefeld": "Alliance for the Future of Industry Krefeld",
    "Unternehmen, Gewerkschaften und Kammern werben gemeinsam für den Industriestandort Krefeld.":
        "Companies, unions and chambers jointly promote Krefeld as a place for industry.",
    "Industrieallianz Mittelrhein": "Industry Alliance Middle Rhine",
    "Die Industrie am Mittelrhein sucht den Dialog mit Nachbarn, Schulen und Politik.":
        "Industry along the Middle Rhine seeks dialogue with neighbours, schools and politics.",
    "Masterplan Industrie Frankfurt am Main": "Industry Master Plan Frankfurt am Main",
    "Die Stadt Frankfurt am Main sichert Flächen und Akzeptanz für die Industrie.":
        "The City of Frankfurt am Main secures land and acceptance for industry.",
    "Den Industriestandort sichtbar machen und junge Menschen für industrielle Berufe gewinnen.":
        "Making the industrial location visible and winning young people for industrial careers.",
    "Krefelder Industriedialog gestartet": "Krefeld industry dialogue launched",
    "Das Bündnis lädt Bürgerinnen und Bürger zum ersten Krefelder Industriedialog ein.":
        "The alliance invites citizens to the first Krefeld industry dialogue.",
    "Industriedialog auf Ebene des Bundeslandes.": "Industry dialogue at the level of the federal state.",
    "Industriedialog in der Region.": "Industry dialogue in the region.",
    "Industriedialog auf kommunaler Ebene.": "Industry dialogue at the municipal level.",
    "Regionaler Industriedialog Thüringen": "Regional industry dialogue Thuringia",
    "Akteure aus Unternehmen, Gewerkschaften und Politik diskutieren die Zukunft der Industrie in Thüringen.":
        "People from companies, unions and politics discuss the future of industry in Thuringia.",
    "Erfurt": "Erfurt",
    "Pressekontakt": "Press contact",
    "Thüringen": "Thuringia",
}

REGIONS = [
    # (slug, title, level, federal_state)
    ("baden-wuerttemberg", "Baden-Württemberg", "state", "BW"),
    ("thueringen", "Thüringen", "state", "TH"),
    ("nord-westfalen", "Nord-Westfalen", "region", "NW"),
    ("krefeld", "Krefeld", "region", "NW"),
    ("mittelrhein", "Mittelrhein", "region", "RP"),
    ("frankfurt-am-main", "Frankfurt am Main", "municipality", "HE"),
]
LEVEL_SUMMARY = {
    "state": "Industriedialog auf Ebene des Bundeslandes.",
    "region": "Industriedialog in der Region.",
    "municipality": "Industriedialog auf kommunaler Ebene.",
}

PARTNERS = [
    ("Bundesministerium für Wirtschaft und Energie (BMWi)", "public-body", "https://www.bmwk.de/"),
    ("N3tzwerk Zukunft der Industrie", "association", "https://www.n3tzwerk.org/"),
    ("Prognos AG", "research", "https://www.prognos.com/"),
    ("Operation Apps GmbH", "company", ""),
]

TOPICS = [
    ("industriedialog", "Industriedialog"),
    ("akzeptanz", "Akzeptanz der Industrie"),
    ("arbeit-der-zukunft", "Arbeit der Zukunft"),
    ("gute-praxis", "Gute Praxis"),
]

INITIATIVES = [
    # (slug, title, summary, regions, partners, topics)
    ("buendnis-krefeld", "Bündnis Zukunft der Industrie Krefeld",
     "Unternehmen, Gewerkschaften und Kammern werben gemeinsam für den Industriestandort Krefeld.",
     ["krefeld"], ["N3tzwerk Zukunft der Industrie"], ["industriedialog", "akzeptanz"]),
    ("industrieallianz-mittelrhein", "Industrieallianz Mittelrhein",
     "Die Industrie am Mittelrhein sucht den Dialog mit Nachbarn, Schulen und Politik.",
     ["mittelrhein"], ["N3tzwerk Zukunft der Industrie", "Prognos AG"], ["industriedialog"]),
    ("masterplan-industrie-frankfurt", "Masterplan Industrie Frankfurt am Main",
     "Die Stadt Frankfurt am Main sichert Flächen und Akzeptanz für die Industrie.",
     ["frankfurt-am-main"], ["Operation Apps GmbH"], ["akzeptanz", "arbeit-der-zukunft"]),
]
INITIATIVE_GOALS = "Den Industriestandort sichtbar machen und junge Menschen für industrielle Berufe gewinnen."

RELEASE_DATE = datetime.date(2017, 1, 16)
PRESS_CONTACT = {
    "name": "Simone Ebel-Schmidt",
    "organisation": "N3tzwerk Zukunft der Industrie",
    "email": "simone.ebel-schmidt@n3tzwerk.org",
    "phone": "(030) 516 95 6864",
}
