"""`make demo`: one Mobile Office day played against the running system (`make up` first).

The month's plan; the first visit; 50 requests logged there across every category (some
residents asking for SMS or e-mail, in English, Afrikaans and isiXhosa); departments
acknowledging and resolving some; the water team clearing its queue, a reopening and a
resident joined to a request instead of logging it twice (demo_departments.py); two
applications decided both ways (demo_applications.py); then what each resident received.
Run the system with MO_NOTIFICATIONS_QUIET_HOURS=off to see the SMS at night too.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from deploy.demo_applications import applications  # deploy/, beside this file
from deploy.demo_departments import Demo, departments_day

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "var" / "dev"
INTAKE, ROUTING, NOTIFICATIONS, SCHEDULING = (
    f"http://127.0.0.1:{p}" for p in (8001, 8002, 8003, 8004)
)
CATEGORIES = [
    ("water", "No water at the standpipe since yesterday"),
    ("water", "Burst main flooding the road outside the school"),
    ("sewage", "Manhole overflowing next to the creche"),
    ("electricity", "Street light out on the corner"),
    ("refuse-collection", "Refuse not collected for two weeks"),
    ("bins", "Wheelie bin stolen"),
    ("pensioner-rebates", "Rebate missing on this month's account"),
    ("parks", "Broken swings in the park"),
    ("illegal-dumping", "Rubble dumped on the open field"),
    ("valuations", "Valuation too high for a one-room house"),
    ("roads-stormwater", "Pothole on the main road"),
    ("accounts", "Account shows water used while the house was empty"),
]
NAMES = ["Nomsa", "Thandeka", "Pieter", "Fatima", "Sipho", "Anneke", "Lwazi", "Ruth", "Ayanda"]


WHY = urllib.parse.quote("the coordinator checks the demonstration's texts reached residents")
"""Every read of what residents were sent states why (it is audited)."""


def call(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def token(name: str) -> str:
    path = DEV / f"{name}.token"
    if not path.is_file():
        raise SystemExit(f"demo: {path} is missing: start the system with `make up` first")
    return path.read_text().strip()


def wait_for(check: Any, what: str, timeout: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    raise SystemExit(f"demo: timed out waiting for {what} (is a consumer catching up a backlog?)")


def main() -> int:
    rng = random.Random(7)  # the same day every time
    for url in (INTAKE, ROUTING, NOTIFICATIONS, SCHEDULING):
        status, _ = call("GET", f"{url}/readyz")
        if status != 200:
            raise SystemExit(f"demo: {url} is not ready: run `make up` first")

    today = dt.date.today()
    month = f"{today.year}-{today.month:02d}"
    operators = token("operators")
    status, plan = call("POST", f"{SCHEDULING}/v1/plans", {"month": month}, operators)
    if status >= 400:
        raise SystemExit(f"demo: planning {month} failed: {plan}")
    visit = plan["visits"][0]
    print(
        f"1. Plan for {month}: {len(plan['visits'])} visits "
        f"({'published now' if plan['published'] else 'already published'})."
    )
    print(
        f"2. Today's visit: {visit['community']} ({visit['area']}), {visit['venue']}, "
        f"{visit['date']} {visit['starts_at'][11:16]}-{visit['ends_at'][11:16]}, {visit['team']}."
    )

    agent = token("agent")
    logged: list[dict[str, Any]] = []
    wait_for(
        lambda: (
            call(
                "POST",
                f"{INTAKE}/v1/requests",
                {
                    "category": "parks",
                    "description": "probe",
                    "location": {"area": visit["area"], "community": visit["community"]},
                    "visit_id": visit["id"],
                },
                agent,
            )[0]
            == 201
            or None
        ),
        "intake to hear of the visit",
    )
    for i in range(50):
        category, description = CATEGORIES[i % len(CATEGORIES)]
        language = ["en", "af", "xh"][i % 3]
        updates_by = ["sms", "sms", "email", "none"][i % 4]
        resident: dict[str, Any] = {
            "name": rng.choice(NAMES),
            "language": language,
            "updates_by": updates_by,
            "privacy_notice_given": True,
        }
        if updates_by == "sms":
            resident["phone"] = f"08{rng.choice('234')}{rng.randint(1000000, 9999999)}"
        if updates_by == "email":
            resident["email"] = f"resident{i}@example.org"
        body = {
            "category": category,
            "description": description,
            "location": {"area": visit["area"], "community": visit["community"]},
            "resident": resident,
            "visit_id": visit["id"],
        }
        status, created = call("POST", f"{INTAKE}/v1/requests", body, agent)
        if status != 201:
            raise SystemExit(f"demo: logging failed: {created}")
        logged.append({**created, "language": language, "updates_by": updates_by})
    print(
        f"3. 50 requests logged at the visit, across {len({c for c, _ in CATEGORIES})} categories."
    )

    def routed(item: dict[str, Any]) -> dict[str, Any] | None:
        _, view = call("GET", f"{INTAKE}/v1/requests/{item['reference']}")
        return view if view and view["status"] != "logged" else None

    views = [wait_for(lambda item=item: routed(item), "routing") for item in logged]
    acted = 0
    for view in views[:20]:
        department = view.get("department")
        if not department:
            continue
        team = token(department)
        call(
            "POST",
            f"{ROUTING}/v1/requests/{view['reference']}/status",
            {"status": "acknowledged", "note": "A team has been booked"},
            team,
        )
        if acted % 2 == 0:
            call(
                "POST",
                f"{ROUTING}/v1/requests/{view['reference']}/status",
                {"status": "resolved", "note": "Fixed on site", "cause": "fixed"},
                team,
            )
        acted += 1
    outcome = {v["status"] for v in views}
    print(f"4. Routed ({', '.join(sorted(outcome))}); departments acted on {acted} requests.")
    time.sleep(3)

    demo = Demo(call, token, wait_for, INTAKE, ROUTING)
    departments_day(demo, visit)
    print("9. Two applications at the visit, decided by Revenue:")
    logged += applications(demo, visit, f"08{rng.choice('234')}{rng.randint(1000000, 9999999)}")
    time.sleep(3)

    print("10. What each resident who asked for updates received:")
    for item in logged:
        if item["updates_by"] == "none":
            continue
        status, sent = call(
            "GET",
            f"{NOTIFICATIONS}/v1/notifications?reference={item['reference']}&reason={WHY}",
            None,
            operators,
        )
        if status != 200:  # a refusal's body is an error, not the list
            raise SystemExit(f"demo: the notifications listing answered {status}: {sent}")
        summary = ", ".join(f"{s['template']} ({s['status']})" for s in sent) or "nothing yet"
        print(f"   {item['reference']} [{item['updates_by']}, {item['language']}]: {summary}")
    outbox = ROOT / "var" / "outbox" / "sms.jsonl"
    if outbox.is_file():
        print(f"   The SMS texts themselves: {outbox} (e-mails: var/outbox/*.eml)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
