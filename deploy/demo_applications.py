"""`make demo`, the applications: a pensioner applies for the rates rebate (the agent hears a
warning: the income is over the limit, but the City decides), Revenue asks for the bank
statements and then approves it; a household's indigent support is declined, with the reason
and the last day to appeal. Each resident hears each step in one SMS."""

from __future__ import annotations

from typing import Any

from deploy.demo_departments import Demo  # deploy/, beside this file

TEAM = "revenue"
ANSWERS: dict[str, dict[str, Any]] = {
    "rates-rebate-seniors": {
        "erf_number": "10422",
        "applicant_is_owner": True,
        "lives_in_property": True,
        "age": 72,
        "grant_holder": True,
        "household_income": 24500,
        "id_number": "5402150800087",
    },
    "indigent-support": {
        "erf_number": "8830",
        "owns_one_property": False,
        "lives_in_property": True,
        "household_income": 3100,
        "household_size": 5,
        "employment": "unemployed",
        "age": 44,
        "id_number": "8207120800084",
    },
}
DECISIONS = {
    "rates-rebate-seniors": (
        {"status": "more_information_needed", "missing": ["bank_statements"]},
        {"status": "approved", "note": "Backdated to 1 July"},
    ),
    "indigent-support": ({"status": "declined", "reason": "more_than_one_property"},),
}


def applications(demo: Demo, visit: dict[str, Any], phone: str) -> list[dict[str, Any]]:
    """Both applications, logged at `visit` and decided; what demo.py lists at the end."""
    call, token, wait_for, intake, routing = demo
    agent, team = token("agent"), token(TEAM)
    logged = []
    for service, answers in ANSWERS.items():
        body = {
            "service": service,
            "description": "Applies at the Mobile Office",
            "location": {"area": visit["area"], "community": visit["community"]},
            "visit_id": visit["id"],
            "answers": answers,
            "papers": {"id_document": "seen", "bank_statements": "will_bring"},
            "resident": {
                "phone": phone,
                "language": "en",
                "updates_by": "sms",
                "privacy_notice_given": True,
            },
        }
        status, created = call("POST", f"{intake}/v1/requests", body, agent)
        if status != 201:
            raise SystemExit(f"demo: the {service} application was refused: {created}")
        warned = "; ".join(w["message"]["en"] for w in created["warnings"]) or "no warning"
        print(f"   {service} {created['reference']}: {warned}")
        logged.append({**created, "language": "en", "updates_by": "sms"})
        for decision in DECISIONS[service]:
            url = f"{routing}/v1/requests/{created['reference']}/status"
            wait_for(
                lambda url=url, d=decision: call("POST", url, d, team)[0] == 202 or None,
                f"routing to have {created['reference']}",
            )
            print(f"   {TEAM}: {decision['status']}")
    return logged
