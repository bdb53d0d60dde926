"""Stripe catalogue: products, prices (monthly, quarterly, annual, weekly, one-time) and coupons."""

from __future__ import annotations

from dataclasses import dataclass

from .ids import Ids

CURRENCIES = ("usd", "eur", "gbp", "jpy")
ZERO_DECIMAL = frozenset({"jpy", "krw"})
# local list price per 1 USD of list price (price points, not FX)
PRICE_POINT = {"usd": 1.0, "eur": 0.92, "gbp": 0.79, "jpy": 150.0}
# plan interval -> (recurring_interval, recurring_interval_count, months, discount vs monthly)
PLAN_INTERVALS = {"month": ("month", 1, 1, 1.0), "quarter": ("month", 3, 3, 0.95), "year": ("year", 1, 12, 0.85),
                  "week": ("week", 1, 0, 1.0)}


@dataclass(frozen=True)
class ProductDef:
    key: str
    name: str
    usd_monthly: float  # list price per unit per month (weekly: per week; one-time: once)
    intervals: tuple[str, ...]
    currencies: tuple[str, ...] = CURRENCIES
    active: bool = True


PRODUCTS: tuple[ProductDef, ...] = (
    ProductDef("starter", "Starter", 15.0, ("month", "quarter", "year")),
    ProductDef("growth", "Growth", 35.0, ("month", "quarter", "year")),
    ProductDef("enterprise", "Enterprise", 65.0, ("month", "quarter", "year")),
    ProductDef("analytics", "Advanced Analytics", 8.0, ("month", "quarter", "year")),
    ProductDef("support", "Premium Support", 400.0, ("month", "quarter", "year")),
    ProductDef("sandbox", "Sandbox Environment", 29.0, ("week",), ("usd", "eur", "gbp")),
    ProductDef("onboarding", "Onboarding Package", 2500.0, ("once",)),
    ProductDef("classic", "Classic Plan", 25.0, ("month", "year"), ("usd", "eur"), active=False),
)


@dataclass(frozen=True)
class Product:
    id: str
    key: str
    name: str
    active: bool


@dataclass(frozen=True)
class Price:
    id: str
    product_id: str
    product_key: str
    currency: str
    unit_amount: int  # minor units
    interval: str  # plan interval key: month | quarter | year | week | once
    active: bool
    nickname: str
    legacy: bool = False

    @property
    def recurring(self) -> tuple[str | None, int | None]:
        if self.interval == "once":
            return None, None
        r, c, _, _ = PLAN_INTERVALS[self.interval]
        return r, c


@dataclass(frozen=True)
class Coupon:
    id: str
    percent_off: float | None
    amount_off: int | None  # minor units
    currency: str | None
    duration: str  # once | repeating | forever
    duration_in_months: int | None


COUPONS: tuple[Coupon, ...] = (
    Coupon("WELCOME20", 20.0, None, None, "once", None),
    Coupon("LAUNCH25-3M", 25.0, None, None, "repeating", 3),
    Coupon("ANNUAL10-12M", 10.0, None, None, "repeating", 12),
    Coupon("PARTNER15", 15.0, None, None, "forever", None),
    Coupon("NONPROFIT30", 30.0, None, None, "forever", None),
    Coupon("RETAIN20-6M", 20.0, None, None, "repeating", 6),
    Coupon("EVENT12.5", 12.5, None, None, "repeating", 6),
    Coupon("USD500-ONCE", None, 50000, "usd", "once", None),
    Coupon("USD100-6M", None, 10000, "usd", "repeating", 6),
    Coupon("EUR100-6M", None, 10000, "eur", "repeating", 6),
    Coupon("GBP50-FOREVER", None, 5000, "gbp", "forever", None),
    Coupon("JPY5000-3M", None, 5000, "jpy", "repeating", 3),
)


def minor_units(major: float, currency: str) -> int:
    return int(round(major)) if currency in ZERO_DECIMAL else int(round(major * 100))


def list_amount(usd_monthly: float, currency: str, interval: str) -> int:
    """A price point in minor units: local list price x interval months x term discount."""
    local = usd_monthly * PRICE_POINT[currency]
    local = round(local / 10) * 10 if currency == "jpy" else round(local, 0 if local >= 20 else 2)
    if interval in ("month", "quarter", "year"):
        _, _, months, disc = PLAN_INTERVALS[interval]
        local = local * months * disc
        local = round(local / 10) * 10 if currency == "jpy" else round(local)
    return minor_units(local, currency)


class Catalog:
    """Products, prices and coupons, with lookups by (product, currency, interval)."""

    def __init__(self, ids: Ids) -> None:
        self.products: list[Product] = []
        self.prices: list[Price] = []
        self._by_key: dict[tuple[str, str, str, bool], Price] = {}
        for pdef in PRODUCTS:
            product = Product(ids.product.next(), pdef.key, pdef.name, pdef.active)
            self.products.append(product)
            for currency in pdef.currencies:
                for interval in pdef.intervals:
                    self._add(ids, product, pdef, currency, interval, legacy=False)
                    if pdef.key == "growth" and interval in ("month", "year"):
                        self._add(ids, product, pdef, currency, interval, legacy=True)
        self.coupons = list(COUPONS)
        self.coupon_by_id = {c.id: c for c in self.coupons}

    def _add(self, ids: Ids, product: Product, pdef: ProductDef, currency: str, interval: str, legacy: bool) -> None:
        usd = pdef.usd_monthly * (29.0 / 35.0 if legacy else 1.0)
        amount = list_amount(usd, currency, interval)
        label = {"month": "monthly", "quarter": "quarterly", "year": "annual", "week": "weekly",
                 "once": "one-time"}[interval]
        nickname = f"{pdef.name} {label} {currency.upper()}" + (" (2023 pricing)" if legacy else "")
        price = Price(ids.price.next(), product.id, pdef.key, currency, amount, interval,
                      active=pdef.active and not legacy, nickname=nickname, legacy=legacy)
        self.prices.append(price)
        self._by_key[(pdef.key, currency, interval, legacy)] = price

    def price(self, product_key: str, currency: str, interval: str, legacy: bool = False) -> Price:
        return self._by_key[(product_key, currency, interval, legacy)]

    def has_price(self, product_key: str, currency: str, interval: str) -> bool:
        return (product_key, currency, interval, False) in self._by_key

    def product(self, key: str) -> Product:
        return next(p for p in self.products if p.key == key)
