"""The plan's pages as a staff site (shared/staff/pages.py): under `/plan`, for operators only,
their sessions in scheduling's own `page_sessions` table; a department's credential is
refused at sign-in with words saying whose pages these are."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from services.scheduling.store import credentials, page_sessions
from shared.credentials import Role
from shared.staff.pages import StaffSite, templates
from shared.staff.sessions import SessionBook

__all__ = ["FOLDER", "SITE"]

FOLDER: Final = Path(__file__).resolve().parent
SITE: Final = StaffSite(
    "/plan",
    frozenset({Role.OPERATOR}),
    SessionBook(page_sessions, credentials),
    templates(FOLDER),
    about="The Mobile Office's plan: the month's visits on a calendar, the rules it keeps, "
    "and the communities waiting longest. For the Mobile Office's operators.",
    help="Sign in with your operator's credential, as on the work queue. Paste it or type it "
    "exactly. If you do not have one, or it stopped working, ask the Mobile Office "
    "coordinator for a new one.",
    wrong_role="This credential works, but the plan is for the Mobile Office's operators "
    "only: a department's requests are on the work queue. Sign in with an operator's "
    "credential.",
)
