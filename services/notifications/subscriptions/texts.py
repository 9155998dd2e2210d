"""What the answer to intake's visits-page form (POST /visits/subscribe) says, in English,
Afrikaans and isiXhosa. The isiXhosa and Afrikaans wording should be read by first-language
speakers at the city before going live (as messages/texts.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from shared.contracts.common import Language

__all__ = ["FORM"]

FORM: Final[Mapping[Language, Mapping[str, str]]] = {
    Language.EN: {
        "asked_sms": "Thank you. Check your phone: reply YES to our SMS to get news of visits "
        "to {community}. Nothing is sent before that.",
        "asked_email": "Thank you. Check your e-mail: open our message's link to get news of "
        "visits to {community}. Nothing is sent before that.",
        "one": "Please give a phone number or an e-mail address (one of them).",
        "phone": "This phone number does not look right: give a South African cellphone "
        "number, like 082 555 0199.",
        "email": "This e-mail address does not look right: please check it.",
        "community": "The Mobile Office does not visit this community: choose one on the "
        "visits page.",
        "too_many": "Too many requests came from here. Please try again later.",
        "back": "Back to the visits",
    },
    Language.AF: {
        "asked_sms": "Dankie. Kyk na u foon: antwoord YES op ons SMS om nuus oor besoeke aan "
        "{community} te kry. Niks word voor dit gestuur nie.",
        "asked_email": "Dankie. Kyk na u e-pos: maak ons boodskap se skakel oop om nuus oor "
        "besoeke aan {community} te kry. Niks word voor dit gestuur nie.",
        "one": "Gee asseblief 'n foonnommer of 'n e-posadres (een van die twee).",
        "phone": "Hierdie foonnommer lyk nie reg nie: gee 'n Suid-Afrikaanse selfoonnommer, "
        "soos 082 555 0199.",
        "email": "Hierdie e-posadres lyk nie reg nie: kontroleer dit asseblief.",
        "community": "Die Mobiele Kantoor besoek nie hierdie gemeenskap nie: kies een op die "
        "besoekebladsy.",
        "too_many": "Te veel versoeke het van hier gekom. Probeer asseblief later weer.",
        "back": "Terug na die besoeke",
    },
    Language.XH: {
        "asked_sms": "Enkosi. Jonga ifowuni yakho: phendula YES kwi-SMS yethu ukuze ufumane "
        "iindaba zotyelelo e-{community}. Akukho nto ithunyelwayo ngaphambi koko.",
        "asked_email": "Enkosi. Jonga i-imeyile yakho: vula ikhonkco lomyalezo wethu ukuze "
        "ufumane iindaba zotyelelo e-{community}. Akukho nto ithunyelwayo ngaphambi koko.",
        "one": "Nceda unike inombolo yefowuni okanye idilesi ye-imeyile (enye yazo).",
        "phone": "Le nombolo yefowuni ayibonakali ilungile: nika inombolo yeselfowuni "
        "yaseMzantsi Afrika, njenge 082 555 0199.",
        "email": "Le dilesi ye-imeyile ayibonakali ilungile: nceda uyijonge.",
        "community": "I-Ofisi eHambayo ayityeleli olu luntu: khetha olunye kwiphepha lotyelelo.",
        "too_many": "Zininzi kakhulu izicelo ezivela apha. Nceda uzame kwakhona kamva.",
        "back": "Buyela kutyelelo",
    },
}
