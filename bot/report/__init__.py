"""SLA metrics per question, expert and customer: `presence report` and the functions
the command suite calls."""

from bot.report.metrics import (
    GROUPINGS,
    QuestionFacts,
    Stats,
    group_rows,
    percentile,
    stats_of,
    summary_lines,
)
from bot.report.query import question_facts

__all__ = [
    "GROUPINGS",
    "QuestionFacts",
    "Stats",
    "group_rows",
    "percentile",
    "question_facts",
    "stats_of",
    "summary_lines",
]
