"""`make demo`, the departments' half: the water team clears its queue (closing each with why),
a resident says one is not fixed (it comes back to the top of the queue), and an agent joins
a second resident to an open request instead of logging the same burst pipe twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

Call = Callable[..., tuple[int, Any]]
TEAM = "water-and-sanitation"


class Demo(NamedTuple):
    """What demo.py lends this half: its HTTP call, a holder's token, its wait, and intake's
    and routing's URLs."""

    call: Call
    token: Callable[[str], str]
    wait_for: Callable[..., Any]
    intake: str
    routing: str


def departments_day(demo: Demo, visit: dict[str, Any]) -> None:
    call, token, wait_for, intake, routing = demo
    team, agent = token(TEAM), token("agent")
    overdue_one(demo, visit)
    _, queue = call("GET", f"{routing}/v1/queue?limit=100", None, team)
    print(f"5. The water team's queue at {routing}/queue/: {len(queue)} open, soonest due first.")
    still_open = queue[-1] if len(queue) > 1 else None
    cleared: list[str] = []
    for item in queue:
        if still_open is not None and item["reference"] == still_open["reference"]:
            continue
        reference = item["reference"]
        call("POST", f"{routing}/v1/requests/{reference}/status", {"status": "in_progress"}, team)
        closing = {"status": "resolved", "cause": "fixed", "note": "Repaired", "public": True}
        status, _ = call("POST", f"{routing}/v1/requests/{reference}/status", closing, team)
        if status == 202:
            cleared.append(reference)
    print(
        f"   It resolves {len(cleared)} (cause: fixed); each resident hears why, in their language."
    )

    if cleared:
        reopened = cleared[0]
        wait_for(
            lambda: call("GET", f"{intake}/v1/requests/{reopened}")[1]["status"] == "resolved",
            "intake to hear of the resolution",
        )
        asked = {"reason": "The standpipe leaks again since this morning"}
        status, _ = call("POST", f"{intake}/v1/requests/{reopened}/reopen", asked, agent)
        back = wait_for(
            lambda: (
                (v := call("GET", f"{intake}/v1/requests/{reopened}")[1])["status"] == "in_progress"
                and v
            ),
            "routing to reopen it",
        )
        print(
            f"6. A resident says {reopened} is not fixed ({status}): it is {back['status']} "
            f"again with {back['department']}, at the top of the team's queue."
        )

    if still_open is not None:
        community = still_open["community"]
        _, nearby = call(
            "GET", f"{intake}/v1/requests/nearby?category=water&community={community}", None, agent
        )
        target = nearby[0]["reference"] if nearby else still_open["reference"]
        neighbour = {
            "phone": "0825550123",
            "language": "xh",
            "updates_by": "sms",
            "privacy_notice_given": True,
        }
        status, _ = call(
            "POST", f"{intake}/v1/requests/{target}/followers", {"resident": neighbour}, agent
        )
        print(
            f"7. A neighbour reports the same water problem: intake offers {len(nearby)} open "
            f"nearby; the agent joins them to {target} ({status}) instead of logging it twice."
        )
    _, standards = call("GET", f"{routing}/v1/standards?month=" + queue[0]["logged_at"][:7])
    water = [s for s in standards if s["department"] == TEAM]
    print(f"8. The water team's service standards this month ({routing}/v1/standards):")
    for line in water:
        print(
            f"   {line['category']}: {line['received']} received, {line['resolved_within']} "
            f"resolved within standard, {line['open_past_due']} open past due."
        )


def overdue_one(demo: Demo, visit: dict[str, Any]) -> None:
    """A live wire reported on paper at the visit and typed in now: its 4-hour standard
    counts from the visit, so unless the visit was today it is overdue at once."""
    call, token, wait_for, intake, routing = demo
    body = {
        "category": "electricity",
        "description": "Live wire sparking next to the taxi rank (taken on paper)",
        "location": {"area": visit["area"], "community": visit["community"]},
        "visit_id": visit["id"],
        "reported_at": visit["starts_at"],
    }
    status, created = call("POST", f"{intake}/v1/requests", body, token("agent"))
    if status != 201:
        print(f"4b. A paper request could not be typed in ({status}): {created}")
        return
    reference = created["reference"]
    team = token("electricity")

    def in_queue() -> dict[str, Any] | None:
        _, items = call("GET", f"{routing}/v1/queue?limit=100", None, team)
        return next((i for i in items if i["reference"] == reference), None)

    item = wait_for(in_queue, "routing to assign the paper request")
    verdict = "overdue" if item["overdue"] else "not yet overdue (the visit is today)"
    print(
        f"4b. A live wire taken on paper at the visit ({reference}), typed in now: due "
        f"{item['due_at'][:16]}, {verdict}; routing announces it and it tops the electricity "
        f"queue, marked."
    )
