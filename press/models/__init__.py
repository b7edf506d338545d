"""Press releases and what they are made of.

Public names are re-exported here; releases depends on snippets, not the other way round.
"""

from press.models.coverage import Clipping
from press.models.distributions import Distribution, PitchNote
from press.models.kits import PressKit
from press.models.releases import (
    NewsroomPage,
    PressReleaseContact,
    PressReleaseDocument,
    PressReleaseImage,
    PressReleasePage,
)
from press.models.snippets import Boilerplate, PressContact
from press.models.unsubscribes import PressUnsubscribe

__all__ = [
    "Boilerplate", "Clipping", "Distribution", "NewsroomPage", "PitchNote", "PressContact", "PressKit", "PressReleaseContact", "PressReleaseDocument",
    "PressReleaseImage", "PressReleasePage", "PressUnsubscribe",
]
