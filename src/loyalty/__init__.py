"""b2b-loyalty: demo-data generator, loader and refresh CLI for the B2B loyalty warehouse."""

__version__ = "0.1.0"
