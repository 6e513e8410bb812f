"""Whether what is counted from client records may be published, and the words that say so.

One value, :class:`Release`, holds the four facts every output of client records depends on:
whether the records are synthetic, whether small counts are suppressed, the threshold, and the
disclosure audit's verdict on the tables as shown. Every notice, label and title — the CSV
tables' notice column, ``summary.json``, the records report's page and every chart — is made
from it, so none of them can say less than another.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.records import disclosure

NOT_FOR_PUBLICATION = "NOT FOR PUBLICATION"
SYNTHETIC_NOTICE = "SYNTHETIC DATA - not real clients"
UNSUPPRESSED_NOTICE = f"{NOT_FOR_PUBLICATION} - small counts not suppressed"
AUDIT_FAILED_NOTICE = (
    f"{NOT_FOR_PUBLICATION} - the disclosure audit found hidden cells that the other figures "
    "narrow too far (summary.json: disclosure.audit.under_protected)"
)
SYNTHETIC_LABEL = "SYNTHETIC records"


@dataclass(frozen=True)
class Release:
    """The state of one set of outputs: synthetic or not, suppressed how, audited how."""

    synthetic: bool
    suppressed: bool = True
    threshold: int = disclosure.DEFAULT_THRESHOLD
    protected: bool = True  # the disclosure audit's verdict on the suppressed tables as shown

    @property
    def not_for_publication(self) -> bool:
        """Tell whether the outputs must not be published.

        That is: not suppressed, a threshold below the default, or suppressed tables whose
        disclosure audit failed.
        """
        return (
            not self.suppressed
            or self.threshold < disclosure.DEFAULT_THRESHOLD
            or not self.protected
        )

    @property
    def notices(self) -> list[str]:
        """Return the notices every output carries (none for real records, published rules)."""
        notices = [SYNTHETIC_NOTICE] if self.synthetic else []
        if not self.suppressed:
            return [*notices, UNSUPPRESSED_NOTICE]
        if self.threshold < disclosure.DEFAULT_THRESHOLD:
            notices.append(
                f"{NOT_FOR_PUBLICATION} - threshold {self.threshold} is below the default "
                f"{disclosure.DEFAULT_THRESHOLD}"
            )
        if not self.protected:
            notices.append(AUDIT_FAILED_NOTICE)
        return notices

    def page_title(self, text: str) -> str:
        """Return a page title starting with NOT FOR PUBLICATION and SYNTHETIC as they apply."""
        labels = ([NOT_FOR_PUBLICATION] if self.not_for_publication else []) + (
            [SYNTHETIC_LABEL] if self.synthetic else []
        )
        return " - ".join([*labels, " ".join(text.split())])

    def chart_title_prefix(self) -> str:
        """Return a chart title's opening words: SYNTHETIC, NOT FOR PUBLICATION, as they apply."""
        parts = ([SYNTHETIC_LABEL] if self.synthetic else []) + (
            [NOT_FOR_PUBLICATION] if self.not_for_publication else []
        )
        return f"{', '.join(parts)}: " if parts else ""

    def chart_source_line(self) -> str:
        """Return a chart's line saying where the counts come from and what is hidden."""
        origin = (
            "Source: SYNTHETIC client records made by `python -m analysis synthesize` (invented, "
            "not real clients), counted by the project's client-record rules."
            if self.synthetic
            else "Source: client records, counted by the project's client-record rules."
        )
        if not self.suppressed:
            return f"{origin} {NOT_FOR_PUBLICATION}: small counts are not suppressed."
        hidden = f"Hidden cells: {disclosure.legend(self.threshold)}."
        reasons = []
        if self.threshold < disclosure.DEFAULT_THRESHOLD:
            reasons.append(f"threshold {self.threshold} is below the default.")
        if not self.protected:
            reasons.append("the disclosure audit found hidden cells narrowed too far.")
        if reasons:
            hidden = f"{NOT_FOR_PUBLICATION}: {' '.join(reasons)} {hidden}"
        return f"{origin} {hidden}"

    def describe(self) -> str:
        """Return how the counts were treated, for a page's note on the records analysed."""
        if not self.suppressed:
            return f"**{NOT_FOR_PUBLICATION}**: no count hidden"
        state = f"counts from 1 to {self.threshold - 1} hidden (threshold {self.threshold})"
        reasons = [n for n in self.notices if n.startswith(NOT_FOR_PUBLICATION)]
        if reasons:
            state += "; " + "; ".join(
                f"**{NOT_FOR_PUBLICATION}**{n.removeprefix(NOT_FOR_PUBLICATION)}" for n in reasons
            )
        return state
