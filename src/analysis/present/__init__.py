"""Presentation: the house chart style and exports, record charts, and the rendered reports."""
