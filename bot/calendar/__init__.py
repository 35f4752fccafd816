"""Business hours: opening-hour specs, public holidays, days off, business-time sums."""

from bot.calendar.business import FOREVER, BusinessCalendar
from bot.calendar.hours import WeeklyHours, parse_hours

__all__ = ["FOREVER", "BusinessCalendar", "WeeklyHours", "parse_hours"]
