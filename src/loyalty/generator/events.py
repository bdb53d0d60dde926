"""The product-event catalogue: the events the demo product emits.

`tracks.event` carries the snake_case name (Segment's warehouse form) and
`tracks.event_text` the display name; the seed `product_event_catalogue.csv`
is this table (a test keeps them equal).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventDef:
    name: str  # tracks.event, catalogue event_name
    text: str  # tracks.event_text
    feature: str
    is_key_feature: bool
    onboarding_milestone: str  # "" when not a milestone
    counts_as_activity: bool
    weight: float  # share of everyday usage (0: only emitted by lifecycle moments)
    requires: str = ""  # key feature that must be adopted first ("" = always available)

    @property
    def is_onboarding_milestone(self) -> bool:
        return bool(self.onboarding_milestone)


EVENTS: tuple[EventDef, ...] = (
    EventDef("signed_in", "Signed In", "authentication", False, "", True, 0.13),
    EventDef("workspace_created", "Workspace Created", "setup", False, "workspace_created", True, 0.0),
    EventDef("data_imported", "Data Imported", "data_import", False, "data_imported", True, 0.012),
    EventDef("integration_connected", "Integration Connected", "integrations", True, "integration_connected",
             True, 0.004, "integration_connected"),
    EventDef("user_invited", "User Invited", "collaboration", False, "first_user_invited", True, 0.0),
    EventDef("report_created", "Report Created", "reporting", True, "first_report_created", True, 0.05,
             "report_created"),
    EventDef("report_viewed", "Report Viewed", "reporting", False, "", True, 0.15),
    EventDef("dashboard_created", "Dashboard Created", "dashboards", True, "", True, 0.02, "dashboard_created"),
    EventDef("dashboard_viewed", "Dashboard Viewed", "dashboards", False, "", True, 0.2),
    EventDef("dashboard_shared", "Dashboard Shared", "collaboration", True, "", True, 0.02, "dashboard_shared"),
    EventDef("automation_enabled", "Automation Enabled", "automation", True, "first_automation_enabled", True,
             0.005, "automation_enabled"),
    EventDef("workflow_run", "Workflow Run", "automation", False, "", True, 0.08, "automation_enabled"),
    EventDef("alert_configured", "Alert Configured", "alerts", True, "", True, 0.012, "alert_configured"),
    EventDef("api_key_created", "API Key Created", "integrations", True, "", True, 0.002, "api_key_created"),
    EventDef("export_downloaded", "Export Downloaded", "data_export", False, "", True, 0.04),
    EventDef("comment_added", "Comment Added", "collaboration", False, "", True, 0.05),
    EventDef("search_performed", "Search Performed", "navigation", False, "", True, 0.1),
    EventDef("settings_updated", "Settings Updated", "administration", False, "", False, 0.02),
    EventDef("billing_page_viewed", "Billing Page Viewed", "administration", False, "", False, 0.006),
    EventDef("help_article_viewed", "Help Article Viewed", "support", False, "", False, 0.02),
    EventDef("signed_out", "Signed Out", "authentication", False, "", False, 0.03),
)

KEY_FEATURES: tuple[str, ...] = tuple(e.name for e in EVENTS if e.is_key_feature)
SEED_COLUMNS = ("event_name", "feature", "is_key_feature", "is_onboarding_milestone", "onboarding_milestone",
                "counts_as_activity")


def event_index(name: str) -> int:
    for i, e in enumerate(EVENTS):
        if e.name == name:
            return i
    raise KeyError(name)


def seed_rows() -> list[tuple[str, ...]]:
    """The catalogue as the seed CSV's rows (header excluded)."""

    def b(flag: bool) -> str:
        return "true" if flag else "false"

    return [(e.name, e.feature, b(e.is_key_feature), b(e.is_onboarding_milestone), e.onboarding_milestone,
             b(e.counts_as_activity)) for e in EVENTS]
