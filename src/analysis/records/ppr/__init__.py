"""The performance-report tables: declared, counted, protected, audited and written as a folder.

The face of the ``ppr`` stage: :func:`run` (``pipeline``) reads, counts and protects; ``write``
(``output``) writes the result as a folder; the tables and what they say together are declared
in ``tables``; ``protection`` hides and audits; ``folder_audit`` audits a written folder again;
``readback`` reads a written folder back into the tables as shown.
"""

from __future__ import annotations

from analysis.records.ppr import folder_audit, grains, readback
from analysis.records.ppr.output import check_out, is_previous_output, summarize, write
from analysis.records.ppr.pipeline import (
    Inputs,
    Output,
    Progress,
    count,
    protected_output,
    read_inputs,
    run,
    silent,
    unprotected_warning,
)
from analysis.records.ppr.protection import audit_summary, hardened_masks, protect, protected_tables
from analysis.records.ppr.tables import (
    BREAKDOWN_VICTIMS,
    CLIENT_COUNTS,
    LEGEND_COLUMN,
    MATCHED_TABLES,
    MEASURES,
    NOTICE_COLUMN,
    OUTPUT_FILES,
    PERIOD_GRAINS,
    PERIOD_TABLES,
    PRODUCER,
    STATEMENTS,
    SUMMARY,
    TABLES,
    UNWRITTEN_COLUMNS,
    cohort_mapping,
    cohort_periods,
    links,
    periods_from_record,
    periods_record,
    relations_of,
)

__all__ = [
    "BREAKDOWN_VICTIMS",
    "CLIENT_COUNTS",
    "LEGEND_COLUMN",
    "MATCHED_TABLES",
    "MEASURES",
    "NOTICE_COLUMN",
    "OUTPUT_FILES",
    "PERIOD_GRAINS",
    "PERIOD_TABLES",
    "PRODUCER",
    "STATEMENTS",
    "SUMMARY",
    "TABLES",
    "UNWRITTEN_COLUMNS",
    "Inputs",
    "Output",
    "Progress",
    "audit_summary",
    "check_out",
    "cohort_mapping",
    "cohort_periods",
    "count",
    "folder_audit",
    "grains",
    "is_previous_output",
    "hardened_masks",
    "links",
    "periods_from_record",
    "periods_record",
    "protect",
    "protected_output",
    "protected_tables",
    "read_inputs",
    "readback",
    "relations_of",
    "run",
    "silent",
    "summarize",
    "unprotected_warning",
    "write",
]
