"""The growth chart of a newsletter's report as inline SVG, drawn on the server.

Hand-written rather than a charting library: the admin's strict CSP and the
no-third-party rule leave out the JavaScript ones, and a few bars and a line
need only arithmetic. Every coordinate is formatted here with a dot: the
template engine would localise a float to "12,5" in German, which SVG reads as
two numbers.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from newsletters.selectors_reports import GrowthWeek

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 40
BAR_GAP = 0.2  # share of a week's slot left empty between weeks
MAX_X_LABELS = 9

SERIES = (
    # (attribute, css colour, direction): unsubscribes are drawn downwards from the zero line.
    ("sign_ups", "#9aa5b1", 1),
    ("confirmations", "#2e7d32", 1),
    ("unsubscribes", "#c62828", -1),
)
NET_COLOUR = "#1565c0"


def coordinate(value: float) -> str:
    """A number for an SVG attribute: a dot as decimal separator, whatever the language."""
    return f"{value:.1f}"


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    colour: str
    title: str


@dataclass(frozen=True)
class Label:
    x: str
    y: str
    text: str


@dataclass
class GrowthChart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    net_points: str = ""
    dots: list[Label] = field(default_factory=list)
    zero_y: str = ""
    axis_left: str = coordinate(LEFT)
    axis_right: str = coordinate(WIDTH - RIGHT)
    y_labels: list[Label] = field(default_factory=list)
    x_labels: list[Label] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    net_colour: str = NET_COLOUR


def week_label(week: GrowthWeek) -> str:
    return _("Week %(week)s/%(year)s") % {"week": week.iso_week, "year": week.iso_year}


def growth_chart(weeks: list[GrowthWeek]) -> GrowthChart:
    """Bars per week (sign-ups, confirmations up; unsubscribes down) and the net change as a line."""
    names = {"sign_ups": _("Sign-ups"), "confirmations": _("Confirmations"), "unsubscribes": _("Unsubscribes")}
    chart = GrowthChart(legend=[(names[name], colour) for name, colour, _direction in SERIES]
                        + [(_("Net change"), NET_COLOUR)])
    top = max([1] + [max(w.sign_ups, w.confirmations, w.net_change) for w in weeks])
    bottom = max([0] + [max(w.unsubscribes, -w.net_change) for w in weeks])
    plot_height = HEIGHT - TOP - BOTTOM
    scale = plot_height / (top + bottom)
    zero = TOP + top * scale
    chart.zero_y = coordinate(zero)
    slot = (WIDTH - LEFT - RIGHT) / max(len(weeks), 1)
    bar_width = slot * (1 - BAR_GAP) / len(SERIES)
    points = []
    for index, week in enumerate(weeks):
        slot_left = LEFT + index * slot + slot * BAR_GAP / 2
        label = week_label(week)
        for position, (name, colour, direction) in enumerate(SERIES):
            value = getattr(week, name)
            if not value:
                continue
            height = value * scale
            chart.bars.append(Bar(
                x=coordinate(slot_left + position * bar_width), y=coordinate(zero - height if direction > 0 else zero),
                width=coordinate(bar_width), height=coordinate(height), colour=colour,
                title=f"{label}: {names[name]} {value}"))
        centre_x = LEFT + (index + 0.5) * slot
        net_y = zero - week.net_change * scale
        points.append(f"{coordinate(centre_x)},{coordinate(net_y)}")
        chart.dots.append(Label(x=coordinate(centre_x), y=coordinate(net_y),
                                text=f"{label}: {_('Net change')} {week.net_change:+d}"))
        # A label every few weeks, counted back from this week so that it always has one and none overlap.
        if (len(weeks) - 1 - index) % max(1, -(-len(weeks) // MAX_X_LABELS)) == 0:
            chart.x_labels.append(Label(x=coordinate(centre_x), y=coordinate(HEIGHT - BOTTOM + 16),
                                        text=_("W%(week)s") % {"week": week.iso_week}))
    chart.net_points = " ".join(points)
    chart.y_labels = [Label(x=coordinate(LEFT - 6), y=coordinate(TOP + 4), text=str(top)),
                      Label(x=coordinate(LEFT - 6), y=coordinate(zero + 4), text="0")]
    if bottom:
        chart.y_labels.append(Label(x=coordinate(LEFT - 6), y=coordinate(HEIGHT - BOTTOM + 4), text=f"-{bottom}"))
    return chart
