"""Demo-data generator: a deterministic, believable B2B SaaS business written as the
raw source contract (loyalty.contract) - Salesforce, Stripe, Segment, Delighted."""

from __future__ import annotations

from .book import generate_book
from .config import BookConfig

__all__ = ["BookConfig", "generate_book"]
