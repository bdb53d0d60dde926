"""generate_book: simulate the business, then write every raw table of the contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loyalty import faults as fault_spec
from loyalty.contract import TABLES, table

from . import config as C
from .accounts import build_accounts, build_users
from .billing import catalog_rows, customer_rows, discount_rows, invoice_rows, item_rows, subscription_rows
from .catalog import Catalog
from .config import BookConfig, Timeline, stream
from .crm_activity import ActivityBuilder, build_activity, prospect_tasks
from .crm_rows import account_rows, contact_rows, user_rows
from .customers import Business, build_business
from .events import EVENTS
from .faults import FaultInjector
from .health import health_paths
from .ids import Ids
from .profiles import draw_profiles
from .surveys import build_surveys
from .tracks import TrackStream
from .usage import UsageBuilder, build_usage
from .writer import BookWriter, TracksWriter, write_manifest


def generate_book(cfg: BookConfig) -> dict[str, int]:
    """Write a demo book to cfg.out_dir; returns rows written per 'schema.table'."""
    tl = Timeline.of(cfg)
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale(out, cfg)
    writer = BookWriter(out, cfg.formats)
    ids = Ids(cfg.seed)
    injector = FaultInjector(cfg.customers, tl, ids, stream(cfg.seed, C.S_FAULTS)) if cfg.faults else None

    cfg.say(f"simulating {cfg.customers} customers over {cfg.months} months to {tl.end_date}")
    business = simulate(cfg, tl, ids)
    cfg.say(f"writing stripe ({len(business.contracts)} subscriptions)")
    _write_stripe(business, writer, ids, tl, cfg, injector)
    cfg.say("writing salesforce")
    activity = build_activity(business, ids, tl, stream(cfg.seed, C.S_ACTIVITY))
    prospect_tasks(activity)
    _write_salesforce(business, activity, writer, tl, cfg, injector)
    cfg.say("writing segment users and groups")
    usage = build_usage(business, ids, tl, stream(cfg.seed, C.S_USERS))
    writer.write(usage.users)
    writer.write(usage.groups)
    _write_tracks(cfg, tl, business, usage, writer, injector)
    cfg.say("writing delighted")
    surveys = build_surveys(business, usage, activity, ids, tl, stream(cfg.seed, C.S_SURVEYS))
    if injector is not None:
        injector.responses(surveys.responses, surveys.persons)
    writer.write(surveys.persons)
    writer.write(surveys.responses)
    if injector is not None:
        write_manifest(out, fault_spec.MANIFEST_COLUMNS, injector.log.rows)
        cfg.say(f"injected {len(injector.log.rows)} faults ({fault_spec.MANIFEST_PATH})")
    return {t.qualified: writer.counts[t.qualified] for t in TABLES}


def simulate(cfg: BookConfig, tl: Timeline, ids: Ids) -> Business:
    """Catalogue, CRM structure, latent health and every contract's lifecycle."""
    catalog = Catalog(ids)
    crm = build_users(cfg.customers, ids, tl, stream(cfg.seed, C.S_USERS_CRM))
    profiles = draw_profiles(cfg.customers, tl, len(crm.csms), stream(cfg.seed, C.S_PROFILES))
    build_accounts(crm, profiles, ids, tl, stream(cfg.seed, C.S_CRM))
    mu = np.array([p.mu for p in profiles])
    health = health_paths(mu, tl.months, stream(cfg.seed, C.S_HEALTH))
    return build_business(profiles, crm, health, catalog, ids, tl, stream(cfg.seed, C.S_CONTRACTS))


def _write_stripe(b: Business, writer: BookWriter, ids: Ids, tl: Timeline, cfg: BookConfig,
                  injector: FaultInjector | None) -> None:
    rng = stream(cfg.seed, C.S_CATALOG)
    products, prices, coupons = catalog_rows(b.catalog, tl, rng)
    customers = customer_rows(b, tl, rng)
    subs, items = subscription_rows(b, tl), item_rows(b, tl)
    discounts = discount_rows(b, tl, rng)
    invoices = invoice_rows(b, ids, tl, rng)
    if injector is not None:
        injector.customers(customers)
        injector.prices(prices, b.catalog)
        injector.subscriptions(subs, items, b.catalog)
        injector.invoices(invoices)
    for buf in (customers, products, prices, subs, items, coupons, discounts, invoices):
        writer.write(buf)


def _write_salesforce(b: Business, activity: ActivityBuilder, writer: BookWriter, tl: Timeline, cfg: BookConfig,
                      injector: FaultInjector | None) -> None:
    rng = stream(cfg.seed, C.S_CRM, 1)
    accounts, contacts, users = account_rows(b.crm, tl, rng), contact_rows(b.crm, tl, rng), user_rows(b.crm, tl, rng)
    if injector is not None:
        injector.contacts(contacts, b.crm)
        injector.cases(activity.cases)
    for buf in (accounts, contacts, users, activity.opps, activity.cases, activity.tasks):
        writer.write(buf)


def _write_tracks(cfg: BookConfig, tl: Timeline, b: Business, usage: UsageBuilder, writer: BookWriter,
                  injector: FaultInjector | None) -> None:
    plan = usage.plan
    tracks = TrackStream(plan, b.health, tl, cfg.events_per_user_day, cfg.seed, stream(cfg.seed, C.S_TRACKS))
    out = TracksWriter(writer, table("segment.tracks"))
    user_ids = pa.array(plan.user_ids, type=pa.string())
    anon_ids = pa.array(plan.anon_ids, type=pa.string())
    ips = pa.array(plan.ips, type=pa.string())
    names = pa.array([e.name for e in EVENTS], type=pa.string())
    texts = pa.array([e.text for e in EVENTS], type=pa.string())
    samples: list[dict[str, str | None]] = []
    need = 5 * injector.n if injector is not None else 0
    for lo, hi in tracks.chunks():
        batch = tracks.to_arrow(tracks.generate(lo, hi), user_ids, anon_ids, ips, names, texts)
        out.write(batch)
        if len(samples) < need and batch.num_rows and injector is not None:
            samples += _sample_rows(batch, need - len(samples), injector.rng)
        cfg.say(f"segment.tracks: {out.rows:,} rows (users {hi:,}/{tracks.n_users:,})")
    if injector is not None:
        out.write(injector.tracks(samples, tracks.next_id, cfg.seed))
    out.close()


def _sample_rows(batch: pa.Table, k: int, rng: np.random.Generator) -> list[dict[str, str | None]]:
    """Identified rows of a batch, as fault templates."""
    known = np.flatnonzero(pc.is_valid(batch.column("user_id")).to_numpy(zero_copy_only=False))
    if known.size == 0:
        return []
    idx = np.sort(rng.choice(known, size=min(k, known.size), replace=False))
    return batch.take(pa.array(idx)).to_pylist()


def _remove_stale(out: Path, cfg: BookConfig) -> None:
    """Drop files of ours a previous run left behind (other format, old manifest)."""
    for t in TABLES:
        for ext in ("csv", "parquet"):
            path = out / t.schema / f"{t.name}.{ext}"
            if ext not in cfg.formats and path.exists():
                path.unlink()
    manifest = out / fault_spec.MANIFEST_PATH
    if not cfg.faults and manifest.exists():
        manifest.unlink()
