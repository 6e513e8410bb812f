"""The commands of ``python -m analysis``, one module each: its options, and what it runs."""
