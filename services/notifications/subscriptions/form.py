"""Intake's visits page (/visits/) has no script, so its news form cannot post JSON: this is
the same subscription door as POST /v1/subscriptions for a plain HTML form
(application/x-www-form-urlencoded), answering a small page in the resident's language that
says to check their phone or e-mail, with a link back. It needs no CSRF token: it only starts
an opt-in that the address's owner must confirm (reply YES, or the e-mail's link), gives the
same answer whatever the address's subscriptions, and counts against the same limit."""
# No `from __future__ import annotations`: FastAPI resolves the parameters at definition.

import math
from html import escape
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from services.notifications.channels.domain import Channel
from services.notifications.deps import UseCasesDep
from services.notifications.subscriptions import handlers
from services.notifications.subscriptions.pages import page
from services.notifications.subscriptions.schemas import Subscription
from services.notifications.subscriptions.texts import FORM
from shared.auth import PUBLIC
from shared.contracts.common import Language
from shared.limits import client_address
from shared.refusals import Invalid

__all__ = ["router"]

router = APIRouter()
Field = Annotated[str, Form(max_length=254)]


@router.post("/visits/subscribe", dependencies=[PUBLIC], response_class=HTMLResponse)
async def subscribe_by_form(
    request: Request,
    use_cases: UseCasesDep,
    community: Annotated[str, Form(max_length=100)] = "",
    phone: Field = "",
    email: Field = "",
    language: Annotated[str, Form(max_length=10)] = "en",
) -> HTMLResponse:
    """Form fields `community`, `phone` or `email` (one), `language` (en, af, xh)."""
    lang = Language(language) if language in {x.value for x in Language} else Language.EN
    words = FORM[lang]
    back = use_cases.deps.visits_page
    back_link = f'<p><a href="{escape(back)}?lang={lang.value}">{escape(words["back"])}</a></p>'

    def answer(said: str, status: int = 200) -> HTMLResponse:
        return page(lang, escape(said), back_link, status=status)

    client = client_address(request)
    asking = use_cases.deps.asking
    if wait := asking.wait_seconds(client):
        refused = answer(words["too_many"], 429)
        refused.headers["Retry-After"] = str(math.ceil(wait))
        return refused
    asked = {"community": community, "language": lang.value}
    asked |= {k: v for k, v in (("phone", phone), ("email", email)) if v.strip()}
    try:
        body = Subscription.model_validate(asked)
    except ValidationError as invalid:
        fields = {str(e["loc"][0]) for e in invalid.errors() if e["loc"]}
        why = "phone" if "phone" in fields else "email" if "email" in fields else "one"
        return answer(words["community" if "community" in fields else why], 400)
    asking.missed(client)
    channel, address = (Channel.SMS, body.phone) if body.phone else (Channel.EMAIL, str(body.email))
    try:
        await use_cases.run(
            handlers.subscribe, handlers.Subscribe(body.community, channel, address, lang)
        )
    except Invalid:
        return answer(words["community"], 400)
    said = words["asked_sms" if channel is Channel.SMS else "asked_email"]
    return answer(said.format(community=body.community))
