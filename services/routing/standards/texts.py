"""What the public figures page (/standards/) says, in English, Afrikaans and isiXhosa. The
operators' part of it is in English, as the work queue is.

The isiXhosa and Afrikaans wording should be read by first-language speakers at the city
before going live (as the resident pages' texts); the tests check that every word is there in
all three languages, not idiom."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from shared.contracts.common import Language

__all__ = ["AREAS", "CHANNELS", "LANGUAGE_NAMES", "MONTHS", "WORDS", "month_name"]

LANGUAGE_NAMES: Final[Mapping[Language, str]] = {
    Language.EN: "English",
    Language.AF: "Afrikaans",
    Language.XH: "isiXhosa",
}

MONTHS: Final[Mapping[Language, str]] = {
    Language.EN: "January February March April May June July August September October "
    "November December",
    Language.AF: "Januarie Februarie Maart April Mei Junie Julie Augustus September Oktober "
    "November Desember",
    Language.XH: "Janyuwari Februwari Matshi Epreli Meyi Juni Julayi Agasti Septemba Okthobha "
    "Novemba Disemba",
}

AREAS: Final[Mapping[Language, Mapping[str, str]]] = {
    Language.EN: {"north": "North", "south": "South", "east": "East", "central": "Central"},
    Language.AF: {"north": "Noord", "south": "Suid", "east": "Oos", "central": "Sentraal"},
    Language.XH: {"north": "uMntla", "south": "uMzantsi", "east": "iMpuma", "central": "Embindini"},
}

CHANNELS: Final[Mapping[Language, Mapping[str, str]]] = {
    Language.EN: {
        "visit": "At a Mobile Office visit",
        "field-app": "By a field agent, outside a visit",
        "open311": "Through a partner (Open311)",
        "unknown": "Not recorded",
    },
    Language.AF: {
        "visit": "By 'n Mobiele Kantoor-besoek",
        "field-app": "Deur 'n veldagent, buite 'n besoek",
        "open311": "Deur 'n vennoot (Open311)",
        "unknown": "Nie aangeteken nie",
    },
    Language.XH: {
        "visit": "Ekutyeleleni kweOfisi ePhathekayo",
        "field-app": "Ngumsebenzi wasentsimini, ngaphandle kotyelelo",
        "open311": "Ngeqabane (Open311)",
        "unknown": "Akubhalwanga",
    },
}

WORDS: Final[Mapping[Language, Mapping[str, str]]] = {
    Language.EN: {
        "office": "City of Cape Town · Mobile Office",
        "language": "Language",
        "title": "Service standards: {month}",
        "intro": "How the City kept its published service standards for the requests it "
        "received in {month}, and in the 12 months before. Figures only: no request or "
        "person is named. A group of fewer than 5 requests is counted under “Other”, "
        "never shown alone.",
        "months_nav": "Other months",
        "earlier": "Earlier month: {month}",
        "later": "Later month: {month}",
        "csv": "Download these figures (CSV)",
        "none": "Fewer than 5 requests were received in {month}: no figures are shown.",
        "departments": "By department",
        "departments_chart": "Share resolved within the standard, by department",
        "categories": "By kind of request",
        "areas": "By area",
        "areas_chart": "Requests received, by area",
        "channels": "By the way requests came",
        "channels_chart": "Requests received, by the way they came",
        "months": "The month and the 12 before it",
        "months_chart": "Requests received, by month",
        "months_missing": "A month with fewer than 5 requests is left out.",
        "map": "Where requests came from",
        "map_chart": "Requests received in {month}, by area of about 5 km²",
        "map_note": "Each hexagon is an area of about 5 km²; the darker, the more requests. "
        "An area with fewer than 5 requests is not drawn.",
        "map_none": "No area had 5 requests or more with a place recorded.",
        "cell": "Area (H3 cell)",
        "cell_said": "{count} requests",
        "group": "Group",
        "department": "Department",
        "category": "Kind of request",
        "area": "Area",
        "channel": "Way it came",
        "month": "Month",
        "received": "Received",
        "within": "Resolved within the standard",
        "median": "Median days to resolve",
        "p90": "90% resolved within (days)",
        "past_due": "Open past due",
        "reopened": "Reopened",
        "confirmed": "Confirmed fixed by the resident",
        "other": "Other",
        "share_said": "{share} of {received}",
        "not_yet": "none yet",
    },
    Language.AF: {
        "office": "Stad Kaapstad · Mobiele Kantoor",
        "language": "Taal",
        "title": "Diensstandaarde: {month}",
        "intro": "Hoe die Stad sy gepubliseerde diensstandaarde nagekom het vir die versoeke "
        "wat dit in {month} ontvang het, en in die 12 maande daarvoor. Slegs syfers: geen "
        "versoek of persoon word genoem nie. 'n Groep van minder as 5 versoeke word onder "
        "“Ander” getel, nooit alleen gewys nie.",
        "months_nav": "Ander maande",
        "earlier": "Vroeër maand: {month}",
        "later": "Later maand: {month}",
        "csv": "Laai hierdie syfers af (CSV)",
        "none": "Minder as 5 versoeke is in {month} ontvang: geen syfers word gewys nie.",
        "departments": "Per departement",
        "departments_chart": "Deel binne die standaard opgelos, per departement",
        "categories": "Per soort versoek",
        "areas": "Per gebied",
        "areas_chart": "Versoeke ontvang, per gebied",
        "channels": "Per manier waarop versoeke gekom het",
        "channels_chart": "Versoeke ontvang, per manier waarop hulle gekom het",
        "months": "Die maand en die 12 daarvoor",
        "months_chart": "Versoeke ontvang, per maand",
        "months_missing": "'n Maand met minder as 5 versoeke word uitgelaat.",
        "map": "Waar versoeke vandaan gekom het",
        "map_chart": "Versoeke ontvang in {month}, per gebied van omtrent 5 km²",
        "map_note": "Elke seshoek is 'n gebied van omtrent 5 km²; hoe donkerder, hoe meer "
        "versoeke. 'n Gebied met minder as 5 versoeke word nie geteken nie.",
        "map_none": "Geen gebied het 5 of meer versoeke met 'n aangetekende plek gehad nie.",
        "cell": "Gebied (H3-sel)",
        "cell_said": "{count} versoeke",
        "group": "Groep",
        "department": "Departement",
        "category": "Soort versoek",
        "area": "Gebied",
        "channel": "Hoe dit gekom het",
        "month": "Maand",
        "received": "Ontvang",
        "within": "Binne die standaard opgelos",
        "median": "Mediaan dae tot opgelos",
        "p90": "90% opgelos binne (dae)",
        "past_due": "Oop en laat",
        "reopened": "Heropen",
        "confirmed": "Deur die inwoner as reggemaak bevestig",
        "other": "Ander",
        "share_said": "{share} van {received}",
        "not_yet": "nog geen",
    },
    Language.XH: {
        "office": "iSixeko saseKapa · iOfisi ePhathekayo",
        "language": "Ulwimi",
        "title": "Imigangatho yeenkonzo: {month}",
        "intro": "Indlela iSixeko esiyigcine ngayo imigangatho yeenkonzo esiyipapashileyo "
        "kwizicelo esizifumene ngo-{month}, nakwiinyanga ezili-12 ngaphambi koko. Ngamanani "
        "kuphela: akukho sicelo okanye mntu uchazwa ngegama. Iqela lezicelo ezingaphantsi "
        "kwesi-5 libalwa phantsi “kwezinye”, alibonakali lodwa.",
        "months_nav": "Ezinye iinyanga",
        "earlier": "Inyanga engaphambili: {month}",
        "later": "Inyanga elandelayo: {month}",
        "csv": "Khuphela la manani (CSV)",
        "none": "Kufunyenwe izicelo ezingaphantsi kwesi-5 ngo-{month}: akukho manani abonisiweyo.",
        "departments": "Ngesebe",
        "departments_chart": "Isabelo esisonjululwe ngaphakathi komgangatho, ngesebe",
        "categories": "Ngohlobo lwesicelo",
        "areas": "Ngommandla",
        "areas_chart": "Izicelo ezifunyenweyo, ngommandla",
        "channels": "Ngendlela izicelo ezifike ngayo",
        "channels_chart": "Izicelo ezifunyenweyo, ngendlela ezifike ngayo",
        "months": "Inyanga neenyanga ezili-12 ngaphambi kwayo",
        "months_chart": "Izicelo ezifunyenweyo, ngenyanga",
        "months_missing": "Inyanga enezicelo ezingaphantsi kwesi-5 ishiywe ngaphandle.",
        "map": "Apho izicelo zivela khona",
        "map_chart": "Izicelo ezifunyenwe ngo-{month}, ngommandla omalunga ne-5 km²",
        "map_note": "Uxande ngalunye lunamacala amathandathu ngummandla omalunga ne-5 km²; "
        "okukhona lumnyama, kokukhona zininzi izicelo. Ummandla onezicelo ezingaphantsi "
        "kwesi-5 awuzotywa.",
        "map_none": "Akukho mmandla ubunezicelo ezi-5 nangaphezulu ezinendawo ebhaliweyo.",
        "cell": "Ummandla (iseli ye-H3)",
        "cell_said": "izicelo ezi-{count}",
        "group": "Iqela",
        "department": "Isebe",
        "category": "Uhlobo lwesicelo",
        "area": "Ummandla",
        "channel": "Indlela efike ngayo",
        "month": "Inyanga",
        "received": "Ezifunyenweyo",
        "within": "Zisonjululwe ngaphakathi komgangatho",
        "median": "Iintsuku eziphakathi ukuya kusonjululo",
        "p90": "I-90% isonjululwe kwiintsuku",
        "past_due": "Ezivulekileyo nezidlulileyo",
        "reopened": "Ezivulwe kwakhona",
        "confirmed": "Ziqinisekisiwe ngumhlali ukuba zilungisiwe",
        "other": "Ezinye",
        "share_said": "{share} kwezi-{received}",
        "not_yet": "akukabikho",
    },
}


def month_name(month: str, language: Language) -> str:
    """`YYYY-MM` as its readers say it: November 2026."""
    year, number = month.split("-")
    return f"{MONTHS[language].split()[int(number) - 1]} {year}"
