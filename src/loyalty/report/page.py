"""One self-contained HTML page: plotly.js inlined once in <head>, every figure a <div> after it.

No CDN, no external font or stylesheet: the file works offline and can be mailed around.
"""

from __future__ import annotations

import html

from plotly.offline import get_plotlyjs

from loyalty.report.panels import Header, Panel, usd

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["sendDataToCloud"]}

CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 0; color: #212121;
       background: #fafafa; }
header { background: #263238; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 8px 0; font-size: 24px; }
header dl { display: flex; flex-wrap: wrap; gap: 8px 32px; margin: 0; }
header dt { font-size: 12px; text-transform: uppercase; opacity: 0.7; }
header dd { margin: 0; font-size: 18px; font-weight: 600; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 48px; }
nav { font-size: 14px; margin: 8px 0 16px; }
nav a { margin-right: 14px; color: #1565c0; }
section { background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 16px 20px; margin: 18px 0; }
section h2 { margin: 0 0 4px; font-size: 19px; }
p.caption { margin: 0 0 8px; color: #616161; font-size: 14px; }
p.note { margin: 6px 0 0; font-size: 14px; }
div.missing { border: 2px dashed #bdbdbd; color: #616161; padding: 28px; text-align: center; font-size: 15px;
              border-radius: 6px; background: #f5f5f5; }
table.report-table { border-collapse: collapse; width: 100%; font-size: 13px; }
table.report-table th, table.report-table td { border-bottom: 1px solid #eeeeee; padding: 5px 8px; text-align: left; }
table.report-table th { background: #f5f5f5; }
table.report-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
footer { color: #757575; font-size: 12px; text-align: center; padding: 16px; }
"""


def _header_html(head: Header, warehouse_label: str) -> str:
    items = [
        ("As of", head.as_of_date or "–"),
        ("Paying customers", "–" if head.customers_paying is None else f"{head.customers_paying:,}"),
        ("Customers ever paying", "–" if head.customers_ever is None else f"{head.customers_ever:,}"),
        ("MRR", usd(head.mrr_usd)),
        ("ARR", usd(head.arr_usd)),
        ("Generated", head.generated_at),
    ]
    cells = "".join(f"<div><dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd></div>" for k, v in items)
    return (f'<header><h1>Customer loyalty report</h1><dl id="report-header">{cells}</dl>'
            f'<p style="margin:8px 0 0;font-size:12px;opacity:.7">warehouse: {html.escape(warehouse_label)}</p>'
            "</header>")


def _panel_html(panel: Panel) -> str:
    parts = [f'<section id="{panel.key}" data-panel="{panel.key}"',
             f' data-state="{"missing" if panel.missing else ("chart" if panel.is_chart else "table")}">',
             f"<h2>{html.escape(panel.title)}</h2>"]
    if panel.missing:
        parts.append(f'<div class="missing">not available: {html.escape(panel.missing)}</div>')
        return "".join(parts) + "</section>"
    parts.append(f'<p class="caption">{html.escape(panel.caption)}</p>')
    if panel.figure is not None:
        parts.append(panel.figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{panel.key}",
                                          config=PLOTLY_CONFIG))
    if panel.table_html is not None:
        parts.append(panel.table_html)
    parts += [f'<p class="note">{html.escape(note)}</p>' for note in panel.notes]
    return "".join(parts) + "</section>"


def render_page(head: Header, panels: list[Panel], warehouse_label: str) -> str:
    """The whole report as one HTML string."""
    nav = "".join(f'<a href="#{p.key}">{html.escape(p.title.split(":")[0])}</a>' for p in panels)
    charts = sum(1 for p in panels if p.is_chart)
    missing = [p.missing for p in panels if p.missing]
    summary = f"{charts} charts" + (f"; {len(missing)} panels not available yet" if missing else "")
    body = "".join(_panel_html(p) for p in panels)
    title = f"Customer loyalty report, as of {head.as_of_date or 'unknown'}"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{html.escape(title)}</title>"
        f"<meta name=\"loyalty-report-charts\" content=\"{charts}\"><style>{CSS}</style>"
        f"<script type=\"text/javascript\">{get_plotlyjs()}</script></head><body>"
        f"{_header_html(head, warehouse_label)}<main><nav>{nav}</nav>{body}</main>"
        f"<footer>{html.escape(summary)}. Every number is read from the warehouse's mart tables (schema marts); "
        f"rates are fractions shown as % (100 % = all revenue kept). Latest 12-month NRR is in the retention panel."
        "</footer></body></html>\n"
    )

