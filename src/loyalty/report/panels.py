"""The report's panels: one function per chart or table, each reading mart tables only.

Every number shown is a mart column as the mart stores it (or a count/sum of mart rows
where the mart's grain asks for it, e.g. customers per health band); nothing is
recomputed with a different rule. A panel whose mart (or column) is missing renders as
"not available: marts.<table> missing" so the report works on a partly built warehouse.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from loyalty.report.marts import MartMissing, MartReader

# Colours: one per meaning, reused across panels.
GREEN, AMBER, RED, GREY = "#2e7d32", "#f9a825", "#c62828", "#9e9e9e"
BLUE, TEAL, PURPLE, ORANGE = "#1565c0", "#00897b", "#6a1b9a", "#ef6c00"
MOVEMENT_COLOURS = {
    "new": BLUE, "reactivation": TEAL, "expansion": GREEN, "contraction": ORANGE, "churned": RED,
}
BAND_COLOURS = {"green": GREEN, "yellow": AMBER, "red": RED}
QUADRANT_COLOURS = {"truly_loyal": GREEN, "hidden_fan": BLUE, "inertial_continuer": AMBER, "at_risk": RED}

WATERFALL_MONTHS = 24
RENEWAL_HORIZON_DAYS = 180
TOP_ROWS = 15


@dataclass
class Panel:
    """One section of the report: a Plotly figure, an HTML table, or a 'not available' note."""

    key: str
    title: str
    caption: str
    figure: go.Figure | None = None
    table_html: str | None = None
    missing: str | None = None  # "marts.fct_x missing"
    notes: list[str] = field(default_factory=list)

    @property
    def is_chart(self) -> bool:
        return self.figure is not None


@dataclass(frozen=True)
class Header:
    as_of_date: str | None
    customers_paying: int | None
    customers_ever: int | None
    mrr_usd: float | None
    arr_usd: float | None
    generated_at: str


# -- formatting -----------------------------------------------------------------------------

def usd(value: object, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    text = f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]
    return f"-${text[1:]}" if text.startswith("-") and text.strip("-0.,") else f"${text.lstrip('-')}"


def pct(value: object, decimals: int = 1) -> str:
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return "–"
    return f"{float(value) * 100:.{decimals}f} %"  # type: ignore[arg-type]


def month_label(value: object) -> str:
    return pd.Timestamp(value).strftime("%b %Y")  # type: ignore[arg-type]


def _layout(fig: go.Figure, height: int = 420, **kwargs: object) -> go.Figure:
    settings: dict[str, object] = {
        "height": height, "margin": {"l": 60, "r": 30, "t": 40, "b": 50}, "template": "plotly_white",
        "legend": {"orientation": "h", "y": -0.18}, "hovermode": "x unified",
    }
    fig.update_layout(**{**settings, **kwargs})
    return fig


def html_table(frame: pd.DataFrame, formats: dict[str, Callable[[object], str]] | None = None,
               numeric: Sequence[str] = ()) -> str:
    """A plain, escaped HTML table (class report-table) of `frame`."""
    formats = formats or {}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            text = formats[column](value) if column in formats else ("–" if pd.isna(value) else str(value))
            css = ' class="num"' if column in numeric or column in formats else ""
            cells.append(f"<td{css}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="report-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


# -- header ---------------------------------------------------------------------------------

def header(marts: MartReader, generated_at: str) -> Header:
    """As-of date (the incomplete month's snapshot day), book size and current MRR, from the marts."""
    as_of = paying = ever = mrr = None
    if marts.has("fct_contract_mrr_monthly"):
        # The as_of_date month is snapshot at T = as_of_date + 1 day (METRICS.md).
        value = marts.scalar(
            "select cast(max(snapshot_at) as date) - 1 from marts.fct_contract_mrr_monthly where not is_complete")
        as_of = None if value is None else str(value)
    if marts.has("fct_mrr_bridge"):
        row = marts.con.execute(
            "select closing_mrr, customers_closing, month, is_complete from marts.fct_mrr_bridge "
            "order by month desc limit 1").fetchone()
        if row is not None:
            mrr, paying = float(row[0]), int(row[1])
            if as_of is None and row[3]:
                as_of = f"end of {month_label(row[2])}"
    if marts.has("fct_customer_mrr_monthly"):
        ever = int(marts.scalar(
            "select count(distinct customer_id) from marts.fct_customer_mrr_monthly where mrr > 0") or 0)
    return Header(as_of, paying, ever, mrr, None if mrr is None else mrr * 12, generated_at)


# -- revenue panels -------------------------------------------------------------------------

def mrr_bridge_waterfall(marts: MartReader) -> Panel:
    panel = Panel("mrr_bridge", "MRR bridge, month by month",
                  "Opening MRR, new, reactivation, expansion, contraction and churned MRR, closing MRR "
                  "(marts.fct_mrr_bridge). Pick a month in the menu; the latest is shown first. Below: the "
                  "movements of every month side by side.")
    table = marts.require("fct_mrr_bridge", ["month", "opening_mrr", "new_mrr", "reactivation_mrr",
                                              "expansion_mrr", "contraction_mrr", "churned_mrr", "closing_mrr",
                                              "is_complete"])
    bridge = marts.frame(f"select * from {table} order by month")
    if bridge.empty:
        panel.missing = "marts.fct_mrr_bridge has no rows"
        return panel
    recent = bridge.tail(WATERFALL_MONTHS).reset_index(drop=True)
    fig = make_subplots(rows=2, cols=1, row_heights=[0.55, 0.45], vertical_spacing=0.14,
                        subplot_titles=("Waterfall of the selected month", "Movements per month (USD)"))
    labels = ["Opening", "New", "Reactivation", "Expansion", "Contraction", "Churned", "Closing"]
    buttons = []
    last = len(recent) - 1
    for i, row in recent.iterrows():
        values = [row.opening_mrr, row.new_mrr, row.reactivation_mrr, row.expansion_mrr,
                  -row.contraction_mrr, -row.churned_mrr, row.closing_mrr]
        suffix = "" if row.is_complete else " (to date)"
        fig.add_trace(go.Waterfall(
            x=labels, y=[float(v) for v in values],
            measure=["absolute", "relative", "relative", "relative", "relative", "relative", "total"],
            name=month_label(row.month) + suffix, visible=(i == last), showlegend=False,
            increasing={"marker": {"color": GREEN}}, decreasing={"marker": {"color": RED}},
            totals={"marker": {"color": BLUE}}, connector={"line": {"color": GREY}},
            text=[usd(v) for v in values], textposition="outside",
            hovertemplate="%{x}: %{y:$,.2f}<extra></extra>",
        ), row=1, col=1)
        buttons.append({"label": month_label(row.month) + suffix, "method": "restyle",
                        "args": [{"visible": [j == i for j in range(len(recent))] + [True] * 5},
                                 list(range(len(recent) + 5))]})
    months = [month_label(m) for m in bridge.month]
    for column, name, sign in (("new_mrr", "new", 1), ("reactivation_mrr", "reactivation", 1),
                               ("expansion_mrr", "expansion", 1), ("contraction_mrr", "contraction", -1),
                               ("churned_mrr", "churned", -1)):
        fig.add_trace(go.Bar(x=months, y=[sign * float(v) for v in bridge[column]], name=name,
                             marker_color=MOVEMENT_COLOURS[name],
                             hovertemplate=f"{name}: %{{y:$,.2f}}<extra></extra>"), row=2, col=1)
    fig.update_layout(barmode="relative", updatemenus=[{
        "buttons": buttons[::-1], "direction": "down", "x": 0.0, "xanchor": "left", "y": 1.12, "yanchor": "top",
        "active": 0, "showactive": True}])
    fig.update_yaxes(tickprefix="$", tickformat=",.0f")
    panel.figure = _layout(fig, height=760, hovermode="closest")
    latest = recent.iloc[-1]
    panel.notes.append(
        f"{month_label(latest.month)}{'' if latest.is_complete else ' (to date)'}: opening {usd(latest.opening_mrr)} "
        f"+ new {usd(latest.new_mrr)} + reactivation {usd(latest.reactivation_mrr)} + expansion "
        f"{usd(latest.expansion_mrr)} − contraction {usd(latest.contraction_mrr)} − churned "
        f"{usd(latest.churned_mrr)} = closing {usd(latest.closing_mrr)}.")
    return panel


def mrr_and_customers(marts: MartReader) -> Panel:
    panel = Panel("mrr_customers", "MRR and paying customers over time",
                  "Closing MRR (bars, left axis) and customers with MRR > 0 (line, right axis) at each month's "
                  "end (marts.fct_mrr_bridge). The last month is to date (snapshot at the as-of date).")
    table = marts.require("fct_mrr_bridge", ["month", "closing_mrr", "customers_closing", "is_complete"])
    bridge = marts.frame(f"select month, closing_mrr, customers_closing, is_complete from {table} order by month")
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=bridge.month, y=bridge.closing_mrr.astype(float), name="MRR (USD)",
                         marker_color=[BLUE if c else "#90caf9" for c in bridge.is_complete],
                         hovertemplate="MRR %{y:$,.2f}<extra></extra>"), secondary_y=False)
    fig.add_trace(go.Scatter(x=bridge.month, y=bridge.customers_closing, name="paying customers",
                             mode="lines+markers", line={"color": ORANGE},
                             hovertemplate="%{y} customers<extra></extra>"), secondary_y=True)
    fig.update_yaxes(title_text="MRR (USD)", tickprefix="$", tickformat=",.0f", secondary_y=False)
    fig.update_yaxes(title_text="customers", rangemode="tozero", secondary_y=True)
    panel.figure = _layout(fig)
    return panel


def retention_trend(marts: MartReader) -> Panel:
    panel = Panel("retention_trend", "Net and gross revenue retention, logo retention",
                  "Top: trailing-12-month cohort NRR, GRR and logo retention, all customers "
                  "(marts.fct_revenue_retention, segment_type = 'all'). Bottom: monthly NRR and GRR from the "
                  "bridge (marts.fct_mrr_bridge). 100 % = the cohort kept all its revenue.")
    retention = marts.require("fct_revenue_retention", ["month", "segment_type", "nrr_12m", "grr_12m",
                                                        "logo_retention_12m", "cohort_customers"])
    bridge = marts.require("fct_mrr_bridge", ["month", "nrr_1m", "grr_1m"])
    trailing = marts.frame(f"select month, nrr_12m, grr_12m, logo_retention_12m, cohort_customers from {retention} "
                           "where segment_type = 'all' order by month")
    monthly = marts.frame(f"select month, nrr_1m, grr_1m from {bridge} order by month")
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                        subplot_titles=("Trailing 12 months (cohort)", "Monthly (bridge)"))
    for column, name, colour in (("nrr_12m", "NRR 12m", BLUE), ("grr_12m", "GRR 12m", TEAL),
                                 ("logo_retention_12m", "logo retention 12m", PURPLE)):
        fig.add_trace(go.Scatter(x=trailing.month, y=trailing[column], name=name, mode="lines+markers",
                                 line={"color": colour}, customdata=trailing.cohort_customers,
                                 hovertemplate=f"{name} %{{y:.1%}} (cohort %{{customdata}})<extra></extra>"),
                      row=1, col=1)
    for column, name, colour in (("nrr_1m", "NRR 1m", BLUE), ("grr_1m", "GRR 1m", TEAL)):
        fig.add_trace(go.Scatter(x=monthly.month, y=monthly[column], name=name, mode="lines",
                                 line={"color": colour, "dash": "dot"},
                                 hovertemplate=f"{name} %{{y:.2%}}<extra></extra>"), row=2, col=1)
    fig.add_hline(y=1.0, line={"color": GREY, "width": 1}, row="all", col=1)
    fig.update_yaxes(tickformat=".0%")
    panel.figure = _layout(fig, height=560)
    if trailing.empty:
        panel.notes.append("No month has a 12-month cohort yet (the bridge needs 13 months).")
    else:
        last = trailing.iloc[-1]
        panel.notes.append(f"{month_label(last.month)}: NRR {pct(last.nrr_12m)}, GRR {pct(last.grr_12m)}, logo "
                           f"retention {pct(last.logo_retention_12m)} over {int(last.cohort_customers)} customers "
                           "paying 12 months earlier.")
    return panel


def retention_by_segment(marts: MartReader) -> Panel:
    panel = Panel("retention_segments", "Retention by acquisition channel and size band",
                  "Trailing-12-month NRR and GRR of the latest complete month, by the segment the customer had at "
                  "the cohort start (marts.fct_revenue_retention). Bar labels: cohort size.")
    table = marts.require("fct_revenue_retention", ["month", "segment_type", "segment_value", "nrr_12m", "grr_12m",
                                                    "logo_retention_12m", "cohort_customers"])
    latest = marts.scalar(f"select max(month) from {table} where segment_type = 'all' and nrr_12m is not null")
    if latest is None:
        panel.missing = "marts.fct_revenue_retention has no month with a 12-month cohort yet"
        return panel
    rows = marts.frame(
        f"select segment_type, segment_value, nrr_12m, grr_12m, logo_retention_12m, cohort_customers from {table} "
        "where month = ? and segment_type in ('acquisition_channel', 'size_band') "
        "order by segment_type, segment_value", [latest])
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Acquisition channel", "Size band (employees)"),
                        horizontal_spacing=0.08)
    for col, segment_type in enumerate(("acquisition_channel", "size_band"), start=1):
        part = rows[rows.segment_type == segment_type]
        for column, name, colour in (("nrr_12m", "NRR 12m", BLUE), ("grr_12m", "GRR 12m", TEAL)):
            fig.add_trace(go.Bar(x=part.segment_value, y=part[column], name=name, marker_color=colour,
                                 showlegend=(col == 1), text=[f"n={n}" for n in part.cohort_customers],
                                 textposition="outside", customdata=part.logo_retention_12m,
                                 hovertemplate=f"{name} %{{y:.1%}}, logo retention %{{customdata:.1%}}"
                                               "<extra></extra>"), row=1, col=col)
    fig.add_hline(y=1.0, line={"color": GREY, "width": 1})
    fig.update_yaxes(tickformat=".0%")
    panel.figure = _layout(fig, barmode="group", hovermode="closest")
    panel.notes.append(f"Cohort month {month_label(pd.Timestamp(latest) - pd.DateOffset(months=12))} → "
                       f"{month_label(latest)}.")
    return panel


# -- customer-success panels -----------------------------------------------------------------

def health_distribution(marts: MartReader) -> Panel:
    panel = Panel("health_bands", "Health band distribution over time",
                  "Paying customers per health band at each month's snapshot (month end; the as-of date for the "
                  "current month): rows of marts.fct_customer_health_monthly counted by health_band; 'unscored' "
                  "= no health component available.")
    table = marts.require("fct_customer_health_monthly", ["customer_id", "month", "health_band", "is_paying"])
    counts = marts.frame(
        f"select month, coalesce(health_band, 'unscored') as health_band, count(*) as customers from {table} "
        "where is_paying group by 1, 2 order by 1, 2")
    fig = go.Figure()
    for band in [b for b in ("red", "yellow", "green") if b in set(counts.health_band)] + \
            sorted(set(counts.health_band) - {"red", "yellow", "green"}):
        part = counts[counts.health_band == band]
        fig.add_trace(go.Bar(x=part.month, y=part.customers, name=band, marker_color=BAND_COLOURS.get(band, GREY),
                             hovertemplate=f"{band}: %{{y}} customers<extra></extra>"))
    fig.update_yaxes(title_text="paying customers")
    panel.figure = _layout(fig, barmode="stack")
    if not counts.empty:
        last = counts[counts.month == counts.month.max()]
        shares = ", ".join(f"{b} {int(n)}" for b, n in zip(last.health_band, last.customers, strict=True))
        panel.notes.append(f"{month_label(counts.month.max())}: {shares}.")
    return panel


def loyalty_quadrants(marts: MartReader) -> Panel:
    panel = Panel("loyalty_quadrants", "Loyalty quadrants: emotion vs behaviour, and this month's moves",
                  "Each dot is a customer in the latest month: emotion score (from NPS/CSAT) against behaviour "
                  "score (usage and revenue behaviour), coloured by quadrant (marts.fct_loyalty_quadrants). "
                  "Right: customers moving between quadrants since last month.")
    table = marts.require("fct_loyalty_quadrants", ["customer_id", "month", "emotion_score", "behaviour_score",
                                                    "loyalty_quadrant"])
    columns = marts.columns("fct_loyalty_quadrants")
    latest = marts.scalar(f"select max(month) from {table}")
    now = marts.frame(f"select * from {table} where month = ?", [latest])
    previous_column = next((c for c in ("previous_quadrant", "previous_loyalty_quadrant", "prev_loyalty_quadrant",
                                        "loyalty_quadrant_prev") if c in columns), None)
    if previous_column is None:
        before = marts.frame(f"select customer_id, loyalty_quadrant as previous_quadrant from {table} "
                             f"where month = (select max(month) from {table} where month < ?)", [latest])
        now = now.merge(before, on="customer_id", how="left")
    else:
        now["previous_quadrant"] = now[previous_column]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.28,
                        subplot_titles=(f"Customers, {month_label(latest)}", "Moves since last month"),
                        specs=[[{"type": "xy"}, {"type": "xy"}]])
    # the grid holds the four quadrants; 'churned' and 'unclassified' (no sentiment) show up in the moves only
    for quadrant in [q for q in QUADRANT_COLOURS if q in set(now.loyalty_quadrant)]:
        part = now[now.loyalty_quadrant == quadrant]
        fig.add_trace(go.Scatter(x=part.emotion_score, y=part.behaviour_score, mode="markers", name=quadrant,
                                 marker={"color": QUADRANT_COLOURS.get(quadrant, GREY), "size": 8, "opacity": 0.75},
                                 text=part.customer_id,
                                 hovertemplate="%{text}<br>emotion %{x:.0f}, behaviour %{y:.0f}<extra></extra>"),
                      row=1, col=1)
    moves = now[now.previous_quadrant.notna() & (now.previous_quadrant != now.loyalty_quadrant)]
    flows = moves.groupby(["previous_quadrant", "loyalty_quadrant"]).size().reset_index(name="customers")
    flows["move"] = flows.previous_quadrant + " → " + flows.loyalty_quadrant
    flows = flows.sort_values("customers")
    fig.add_trace(go.Bar(x=flows.customers, y=flows.move, orientation="h", showlegend=False,
                         marker_color=[QUADRANT_COLOURS.get(q, GREY) for q in flows.loyalty_quadrant],
                         hovertemplate="%{y}: %{x} customers<extra></extra>"), row=1, col=2)
    fig.update_xaxes(title_text="emotion score", row=1, col=1)
    fig.update_yaxes(title_text="behaviour score", row=1, col=1)
    fig.update_xaxes(title_text="customers", row=1, col=2)
    panel.figure = _layout(fig, height=480, hovermode="closest")
    panel.notes.append(f"{len(moves)} of {len(now)} customers changed quadrant in {month_label(latest)}.")
    return panel


def renewals_at_risk(marts: MartReader) -> Panel:
    panel = Panel("renewals_at_risk", f"Renewals at risk in the next {RENEWAL_HORIZON_DAYS} days",
                  "Renewals due within the horizon (overdue open renewal opportunities included) whose risk tier is "
                  "high or medium, high first, then largest ARR at stake (marts.fct_renewals; tier and reason as "
                  "the mart sets them).")
    wanted = ["customer_id", "renewal_date", "days_to_renewal", "arr_at_stake_usd", "health_band", "risk_tier",
              "is_pending_cancel"]
    table = marts.require("fct_renewals", wanted)
    columns = marts.columns("fct_renewals")
    shown = [c for c in ("customer_name", "customer_id", "renewal_date", "days_to_renewal", "renewal_window",
                         "arr_at_stake_usd", "health_score", "health_band", "risk_tier", "risk_reason",
                         "is_pending_cancel") if c in columns]
    rows = marts.frame(
        f"select {', '.join(shown)} from {table} "
        "where days_to_renewal <= ? and risk_tier in ('high', 'medium') "
        "order by case risk_tier when 'high' then 0 else 1 end, arr_at_stake_usd desc nulls last, renewal_date",
        [RENEWAL_HORIZON_DAYS])
    total = float(rows.arr_at_stake_usd.fillna(0).sum()) if not rows.empty else 0.0
    high = int((rows.risk_tier == "high").sum()) if not rows.empty else 0
    panel.notes.append(f"{len(rows)} renewals at risk ({high} high), {usd(total)} ARR at stake"
                       + (f"; the first {TOP_ROWS} are listed." if len(rows) > TOP_ROWS else "."))
    panel.table_html = html_table(rows.head(TOP_ROWS), formats={"arr_at_stake_usd": usd},
                                  numeric=["days_to_renewal", "health_score"]) if not rows.empty \
        else "<p>No renewal at risk.</p>"
    return panel


def expansion_signals(marts: MartReader) -> Panel:
    panel = Panel("expansion_signals", "Top expansion signals",
                  f"The {TOP_ROWS} customers with the most expansion signals firing as of the as-of date, then the "
                  "largest ARR (marts.fct_expansion_signals: one row per customer and signal; signals listed).")
    table = marts.require("fct_expansion_signals", ["customer_id", "signal_type", "signals_for_customer",
                                                    "current_arr_usd"])
    columns = marts.columns("fct_expansion_signals")
    name = "customer_name" if "customer_name" in columns else "customer_id"
    extra = [c for c in ("current_plan", "health_band", "seat_utilisation") if c in columns]
    rows = marts.frame(
        f"select {name}, max(signals_for_customer) as signals, string_agg(signal_type, ', ' order by signal_type) "
        f"as signal_types, max(current_arr_usd) as current_arr_usd"
        + "".join(f", max({c}) as {c}" for c in extra)
        + f" from {table} group by customer_id, {name} "
        f"order by signals desc, current_arr_usd desc nulls last, customer_id limit {TOP_ROWS}")
    panel.table_html = html_table(rows, formats={"current_arr_usd": usd, "seat_utilisation": pct},
                                  numeric=["signals"]) if not rows.empty else "<p>No expansion signal fires.</p>"
    total = marts.scalar(f"select count(distinct customer_id) from {table}")
    panel.notes.append(f"{total} customers with at least one signal.")
    return panel


PANELS: tuple[Callable[[MartReader], Panel], ...] = (
    mrr_bridge_waterfall,
    mrr_and_customers,
    retention_trend,
    retention_by_segment,
    health_distribution,
    loyalty_quadrants,
    renewals_at_risk,
    expansion_signals,
)

# Title of each panel builder, for the 'not available' note when its mart is missing.
_TITLES = {
    "mrr_bridge_waterfall": ("mrr_bridge", "MRR bridge, month by month"),
    "mrr_and_customers": ("mrr_customers", "MRR and paying customers over time"),
    "retention_trend": ("retention_trend", "Net and gross revenue retention, logo retention"),
    "retention_by_segment": ("retention_segments", "Retention by acquisition channel and size band"),
    "health_distribution": ("health_bands", "Health band distribution over time"),
    "loyalty_quadrants": ("loyalty_quadrants", "Loyalty quadrants: emotion vs behaviour, and this month's moves"),
    "renewals_at_risk": ("renewals_at_risk", f"Renewals at risk in the next {RENEWAL_HORIZON_DAYS} days"),
    "expansion_signals": ("expansion_signals", "Top expansion signals"),
}


def build_panels(marts: MartReader) -> list[Panel]:
    """Every panel, in report order; a missing mart or column gives a 'not available' panel."""
    panels = []
    for builder in PANELS:
        try:
            panels.append(builder(marts))
        except MartMissing as missing:
            key, title = _TITLES[builder.__name__]
            panels.append(Panel(key, title, "", missing=str(missing)))
    return panels
