"""The links of subscription e-mails: opening one (GET) only shows a small page with a button,
in the subscription's language; pressing it (POST) confirms or unsubscribes. Mail scanners and
link previews open links on their own, and must not confirm or end anybody's subscription. The
pages are plain HTML forms: no script, so they work on any phone. `POST .../unsubscribe` is
also the mail client's own one-click button (RFC 8058).

Intake's visits page (/visits/) has no script, so its news form cannot post JSON:
`POST /visits/subscribe` is the same subscription door as POST /v1/subscriptions for a plain
HTML form (application/x-www-form-urlencoded), answering a small page in the resident's
language that says to check their phone or e-mail, with a link back to the same community's
visits (styled like the visits page: the same small inline CSS). Given both a phone and an
e-mail address, it takes the phone (an SMS reaches a phone without data). It needs no CSRF token:
it only starts an opt-in that the address's owner must confirm (reply YES, or the e-mail's
link), gives the same answer whatever the address's subscriptions, and counts against the
same limit."""
# No `from __future__ import annotations`: FastAPI resolves the parameters at definition.

import base64
import hashlib
import math
import re
from html import escape
from typing import Annotated, Final, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import ValidationError

from services.notifications.channels.domain import Channel
from services.notifications.deps import NotificationsDeps, UseCasesDep
from services.notifications.subscriptions import handlers
from services.notifications.subscriptions.domain import Subscription
from services.notifications.subscriptions.handlers import Follow, follow_link
from services.notifications.subscriptions.schemas import Subscription as Asked
from services.notifications.subscriptions.texts import FORM
from shared.auth import PUBLIC
from shared.contracts.common import Language
from shared.limits import client_address
from shared.refusals import Invalid, NotFound
from shared.use_case import UseCases

__all__ = ["form_router", "router"]

URL_SAFE: Final = re.compile(r"[A-Za-z0-9_-]{8,100}")
"""A link's token: what secrets.token_urlsafe makes (anything else cannot be one, and a NUL
would not even reach PostgreSQL). Checked here rather than by the route's parameter, so a link
a mail client cut short shows the page that says so, not a JSON error."""
Token = Annotated[str, Query(max_length=300)]
Link = Literal["confirm", "unsubscribe"]

# A phone's thumb: a button as wide as the screen and 48 px tall. No script on these pages.
# The look of intake's resident pages (resident/styles.css), cut to what these pages use.
STYLE: Final = (
    "body{font:1.0625rem/1.5 sans-serif;margin:0;color:#1a1a1a;background:#fff}"
    "main{max-width:40rem;margin:0 auto;padding:.75rem 1rem}"
    "h1{font-size:1.5rem;line-height:1.25;margin:0 -1rem .75rem;padding:.75rem 1rem;"
    "background:#00338d;color:#fff}"
    "a{color:#00338d}"
    "a:focus,button:focus{outline:3px solid #b35900;outline-offset:2px}"
    ".box{border-left:4px solid #00338d;padding:.25rem .75rem;background:#eef2fa}"
    "button{font:inherit;min-height:48px;width:100%;margin-top:.75rem;padding:.5rem 1rem;"
    "background:#00338d;color:#fff;border:0}"
)
_STYLE_HASH: Final = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
POLICY: Final = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)

WORDS: Final[dict[Language, dict[str, str]]] = {
    Language.EN: {
        "title": "Mobile Office",
        "confirm?": "Get e-mails about Mobile Office visits to {community}?",
        "confirm": "Confirm",
        "confirmed": "Done: you will get e-mails about visits to {community}.",
        "unsubscribe?": "Stop e-mails about Mobile Office visits to {community}?",
        "unsubscribe": "Stop these e-mails",
        "unsubscribed": "Done: no more e-mails about visits to {community}.",
    },
    Language.AF: {
        "title": "Mobiele Kantoor",
        "confirm?": "E-posse oor Mobiele Kantoor besoeke aan {community} ontvang?",
        "confirm": "Bevestig",
        "confirmed": "Klaar: u sal e-posse oor besoeke aan {community} ontvang.",
        "unsubscribe?": "Stop e-posse oor Mobiele Kantoor besoeke aan {community}?",
        "unsubscribe": "Stop hierdie e-posse",
        "unsubscribed": "Klaar: geen e-posse meer oor besoeke aan {community} nie.",
    },
    Language.XH: {
        "title": "I-Ofisi eHambayo",
        "confirm?": "Fumana ii-imeyile ngotyelelo lwe-Ofisi eHambayo e-{community}?",
        "confirm": "Qinisekisa",
        "confirmed": "Kwenziwe: uza kufumana ii-imeyile ngotyelelo e-{community}.",
        "unsubscribe?": "Yeka ii-imeyile ngotyelelo lwe-Ofisi eHambayo e-{community}?",
        "unsubscribe": "Yeka ezi imeyile",
        "unsubscribed": "Kwenziwe: akusayi kuphinda ufumane ii-imeyile ngotyelelo e-{community}.",
    },
}
GONE: Final[dict[Language, str]] = {  # no subscription known: every language, each marked
    Language.EN: "This link has done its job already, or its subscription has ended: there is "
    "nothing more to do. (A link cut short by the mail program works only in full.)",
    Language.AF: "Hierdie skakel het reeds sy werk gedoen, of sy intekening het geëindig: daar "
    "is niks meer om te doen nie. (Net 'n volledige skakel werk.)",
    Language.XH: "Eli khonkco sele lenzile umsebenzi walo, okanye ukubhalisa kwalo kuphelile: "
    "akukho nto yimbi yokwenza. (Likhonkco elipheleleyo kuphela elisebenzayo.)",
}
DONE: Final[dict[Link, str]] = {"confirm": "confirmed", "unsubscribe": "unsubscribed"}


router = APIRouter(prefix="/v1/subscriptions")


async def _subscription_of(
    link: Link, token: str, act: bool, use_cases: UseCases[NotificationsDeps]
) -> Subscription:
    if not URL_SAFE.fullmatch(token):
        raise NotFound("no subscription has this link: is it complete?")
    return await use_cases.run(follow_link, Follow(link, token, act))


async def _ask(link: Link, token: str, use_cases: UseCases[NotificationsDeps]) -> HTMLResponse:
    try:
        subscription = await _subscription_of(link, token, False, use_cases)
    except NotFound:
        return _gone()
    words = WORDS[subscription.language]
    question = words[f"{link}?"].format(community=escape(subscription.community))
    button = (
        f'<form method="post" action="{link}?token={token}">'
        f'<button type="submit">{escape(words[link])}</button></form>'
    )
    return page(subscription.language, question, button)


async def _act(
    request: Request, link: Link, token: str, use_cases: UseCases[NotificationsDeps]
) -> HTMLResponse | JSONResponse:
    browser = "text/html" in request.headers.get("accept", "")
    try:
        subscription = await _subscription_of(link, token, True, use_cases)
    except NotFound:
        if browser:  # a second tap, a reload, an old tab: the first press did the work
            return _gone()
        raise
    if not browser:
        return JSONResponse({"status": DONE[link]})
    words = WORDS[subscription.language]
    return page(
        subscription.language,
        words[DONE[link]].format(community=escape(subscription.community)),
    )


@router.get("/confirm", dependencies=[PUBLIC], response_class=HTMLResponse)
async def confirm_page(token: Token, use_cases: UseCasesDep) -> HTMLResponse:
    """The link of a confirmation e-mail: a page whose button confirms."""
    return await _ask("confirm", token, use_cases)


@router.post("/confirm", dependencies=[PUBLIC], response_model=None)
async def confirm(
    token: Token, request: Request, use_cases: UseCasesDep
) -> HTMLResponse | JSONResponse:
    """The confirmation page's button: it works once (404 after). Answers
    `{"status": "confirmed"}`, or a page to a browser."""
    return await _act(request, "confirm", token, use_cases)


@router.get("/unsubscribe", dependencies=[PUBLIC], response_class=HTMLResponse)
async def unsubscribe_page(token: Token, use_cases: UseCasesDep) -> HTMLResponse:
    """The link every visit e-mail carries: a page whose button unsubscribes."""
    return await _ask("unsubscribe", token, use_cases)


@router.post("/unsubscribe", dependencies=[PUBLIC], response_model=None)
async def unsubscribe(
    token: Token, request: Request, use_cases: UseCasesDep
) -> HTMLResponse | JSONResponse:
    """The unsubscribe page's button, and the mail client's own (RFC 8058). Answers
    `{"status": "unsubscribed"}`, or a page to a browser."""
    return await _act(request, "unsubscribe", token, use_cases)


def _gone() -> HTMLResponse:
    said = "".join(f'<p lang="{lang.value}">{escape(text)}</p>' for lang, text in GONE.items())
    return page(Language.EN, said, status=404, wrapped=False)


def page(
    language: Language,
    text: str,
    form: str = "",
    status: int = 200,
    wrapped: bool = True,
    boxed: bool = False,
) -> HTMLResponse:
    """A small page in `language` (also the visits form's answer): `text` and `form` are HTML
    already escaped; `text` is one paragraph unless not `wrapped` (in a box if `boxed`)."""
    title = escape(WORDS[language]["title"])
    box = ' class="box"' if boxed else ""
    body = f"<p{box}>{text}</p>" if wrapped else text
    html = (
        f'<!doctype html><html lang="{language.value}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{STYLE}</style></head>"
        f"<body><main><h1>{title}</h1>{body}{form}</main></body></html>"
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["Cache-Control"] = "no-store"  # the token is in the page
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


form_router = APIRouter()
FormField = Annotated[str, Form(max_length=254)]


@form_router.post("/visits/subscribe", dependencies=[PUBLIC], response_class=HTMLResponse)
async def subscribe_by_form(
    request: Request,
    use_cases: UseCasesDep,
    community: Annotated[str, Form(max_length=100)] = "",
    phone: FormField = "",
    email: FormField = "",
    language: Annotated[str, Form(max_length=10)] = "en",
) -> HTMLResponse:
    """Form fields `community`, `phone` or `email` (both: the phone), `language` (en, af,
    xh)."""
    lang = Language(language) if language in {x.value for x in Language} else Language.EN
    words = FORM[lang]
    back = use_cases.deps.visits_page
    to = urlencode(
        {"community": community, "lang": lang.value} if community else {"lang": lang.value}
    )
    back_link = f'<p><a href="{escape(back)}?{escape(to)}">{escape(words["back"])}</a></p>'

    def answer(said: str, status: int = 200) -> HTMLResponse:
        return page(lang, escape(said), back_link, status=status, boxed=True)

    client = client_address(request)
    asking = use_cases.deps.asking
    if wait := asking.wait_seconds(client):
        refused = answer(words["too_many"], 429)
        refused.headers["Retry-After"] = str(math.ceil(wait))
        return refused
    asked = {"community": community, "language": lang.value}
    given = ("phone", phone) if phone.strip() else ("email", email)  # both: the phone
    asked |= {given[0]: given[1]} if given[1].strip() else {}
    try:
        body = Asked.model_validate(asked)
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
