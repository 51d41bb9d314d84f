from nightly.views.lists import household_month_page, month_calendar_page, round_history, round_list
from nightly.views.sheet import sheet, total_only

__all__ = ["household_month_page", "month_calendar_page", "round_history", "round_list", "sheet", "total_only"]
