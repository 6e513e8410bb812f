"""TVAP analysis: sourced data, checks, charts and client-record tools for OTIP's TVAP."""

__version__ = "0.1.0"
