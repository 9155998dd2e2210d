"""What the resident's pages say, in English, Afrikaans and isiXhosa: the follow-up page
(/r/{reference}) and the visits page (/visits/).

The isiXhosa and Afrikaans wording should be read by first-language speakers at the city
before going live (as notifications' messages/texts.py); the tests check that every word is
there in all three languages, not idiom."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

from shared.contracts.common import Language

__all__ = ["CAUSES", "LANGUAGE_NAMES", "MONTHS", "STATUSES", "WORDS", "day"]

LANGUAGE_NAMES: Final[Mapping[Language, str]] = {
    Language.EN: "English",
    Language.AF: "Afrikaans",
    Language.XH: "isiXhosa",
}

STATUSES: Final[Mapping[Language, Mapping[str, str]]] = {
    Language.EN: {
        "logged": "Logged: the City has your request",
        "routed": "Sent to the department",
        "acknowledged": "The department has received it",
        "in_progress": "The department is working on it",
        "resolved": "Resolved by the department",
        "closed": "Closed",
        "referred": "Passed to another body",
        "unroutable": "Being sent to the right department",
        "more_information_needed": "Papers are needed",
        "approved": "Approved",
        "declined": "Declined",
        "withdrawn": "Withdrawn",
    },
    Language.AF: {
        "logged": "Aangeteken: die Stad het u versoek",
        "routed": "Na die departement gestuur",
        "acknowledged": "Die departement het dit ontvang",
        "in_progress": "Die departement werk daaraan",
        "resolved": "Deur die departement opgelos",
        "closed": "Gesluit",
        "referred": "Na 'n ander liggaam verwys",
        "unroutable": "Word na die regte departement gestuur",
        "more_information_needed": "Dokumente word benodig",
        "approved": "Goedgekeur",
        "declined": "Afgekeur",
        "withdrawn": "Teruggetrek",
    },
    Language.XH: {
        "logged": "Ibhalisiwe: iSixeko sinesicelo sakho",
        "routed": "Ithunyelwe kwisebe",
        "acknowledged": "Isebe liyifumene",
        "in_progress": "Isebe liyasebenza kuyo",
        "resolved": "Isonjululwe lisebe",
        "closed": "Ivaliwe",
        "referred": "Idluliselwe kwelinye iqumrhu",
        "unroutable": "Ithunyelwa kwisebe elifanelekileyo",
        "more_information_needed": "Kufuneka amaphepha",
        "approved": "Yamkelwe",
        "declined": "Aliwe",
        "withdrawn": "Irhoxisiwe",
    },
}

CAUSES: Final[Mapping[Language, Mapping[str, str]]] = {
    Language.EN: {
        "fixed": "fixed",
        "no-further-action": "no further action will be taken",
        "not-responsible": "another body is responsible",
        "duplicate": "the same problem was reported before",
        "referred": "passed to another body",
    },
    Language.AF: {
        "fixed": "reggemaak",
        "no-further-action": "geen verdere stappe sal gedoen word nie",
        "not-responsible": "'n ander liggaam is verantwoordelik",
        "duplicate": "dieselfde probleem is al voorheen aangemeld",
        "referred": "na 'n ander liggaam verwys",
    },
    Language.XH: {
        "fixed": "ilungisiwe",
        "no-further-action": "akukho nyathelo liza kuthathwa",
        "not-responsible": "elinye iqumrhu linoxanduva",
        "duplicate": "le ngxaki ibichaziwe ngaphambili",
        "referred": "idluliselwe kwelinye iqumrhu",
    },
}

WORDS: Final[Mapping[Language, Mapping[str, str]]] = {
    Language.EN: {
        "office": "Cape Town Mobile Office",
        "language": "Language",
        "request": "Request {reference}",
        "what": "What",
        "status": "Status",
        "department": "Department",
        "not_yet": "not yet chosen",
        "due": "Due by",
        "no_due": "no date yet",
        "history": "What happened",
        "why": "Why",
        "not_fixed": "Not fixed?",
        "not_fixed_sms": "Reply NOT FIXED {reference} to our SMS within 30 days, or come to "
        "the next visit.",
        "decision": "Decision so far",
        "undecided": "Not decided yet",
        "appeal": "You may ask for a review (appeal) at the Mobile Office, by the last day "
        "our SMS gave.",
        "next_visit": "Next visit to {community}",
        "no_visit": "No visit to {community} has been announced yet.",
        "area_visits": "See when the Mobile Office comes to your community:",
        "visit_line": "{day}, {hours}, at {venue}",
        "all_visits": "All visits",
        "unknown_title": "Reference not found",
        "unknown": "We do not know the reference {reference}. Please check each digit: it is "
        "in the SMS you received when the request was logged.",
        "invalid_title": "Not a reference number",
        "invalid": "A reference number has 10 digits, like 512 345 6782. Please check it.",
        "wrong_digit": "One digit looks wrong — check the number in your SMS.",
        "find_intro": "It is in the SMS we sent you.",
        "wait_title": "Please wait",
        "wait": "Too many unknown reference numbers came from here. Try again in a minute.",
        "find": "Follow a request",
        "reference": "Reference number",
        "show": "Show",
        "visits_title": "When the Mobile Office visits",
        "choose_area": "Choose your area",
        "choose_community": "Choose your community",
        "area_north": "North",
        "area_south": "South",
        "area_east": "East",
        "area_central": "Central",
        "coming": "Coming visits to {community}",
        "none_coming": "No visit to {community} has been announced yet.",
        "cancelled": "cancelled",
        "calendar": "Add the visits to your phone's calendar",
        "news": "Get visit news",
        "news_how": "Give your phone number or your e-mail address (if both, we use the "
        "phone). We send a message to confirm first. Nothing else is sent before you confirm.",
        "by_sms": "By SMS: your cellphone number, e.g. 082 555 0199",
        "by_email": "Or by e-mail: your e-mail address",
        "unknown_community": "The Mobile Office does not know a community called “{name}”. "
        "Choose your area, then your community.",
        "unknown_area": "There is no area called “{name}”. Choose one of these.",
        "send": "Send me visit news",
        "back": "Back",
        "other_areas": "Other areas",
    },
    Language.AF: {
        "office": "Kaapstad Mobiele Kantoor",
        "language": "Taal",
        "request": "Versoek {reference}",
        "what": "Wat",
        "status": "Stand",
        "department": "Departement",
        "not_yet": "nog nie gekies nie",
        "due": "Teen",
        "no_due": "nog geen datum nie",
        "history": "Wat gebeur het",
        "why": "Hoekom",
        "not_fixed": "Nie reggemaak nie?",
        "not_fixed_sms": "Antwoord NOT FIXED {reference} op ons SMS binne 30 dae, of kom na "
        "die volgende besoek.",
        "decision": "Besluit tot dusver",
        "undecided": "Nog nie besluit nie",
        "appeal": "U kan by die Mobiele Kantoor vra vir 'n hersiening (appèl), voor die laaste "
        "dag wat ons SMS gegee het.",
        "next_visit": "Volgende besoek aan {community}",
        "no_visit": "Nog geen besoek aan {community} is aangekondig nie.",
        "area_visits": "Sien wanneer die Mobiele Kantoor na u gemeenskap kom:",
        "visit_line": "{day}, {hours}, by {venue}",
        "all_visits": "Alle besoeke",
        "unknown_title": "Verwysing nie gevind nie",
        "unknown": "Ons ken nie die verwysing {reference} nie. Kontroleer elke syfer: dit is "
        "in die SMS wat u ontvang het toe die versoek aangeteken is.",
        "invalid_title": "Nie 'n verwysingsnommer nie",
        "invalid": "'n Verwysingsnommer het 10 syfers, soos 512 345 6782. "
        "Kontroleer dit asseblief.",
        "wrong_digit": "Een syfer lyk verkeerd — kontroleer die nommer in u SMS.",
        "find_intro": "Dit is in die SMS wat ons vir u gestuur het.",
        "wait_title": "Wag asseblief",
        "wait": "Te veel onbekende verwysingsnommers het van hier gekom. "
        "Probeer weer oor 'n minuut.",
        "find": "Volg 'n versoek",
        "reference": "Verwysingsnommer",
        "show": "Wys",
        "visits_title": "Wanneer die Mobiele Kantoor kom",
        "choose_area": "Kies u gebied",
        "choose_community": "Kies u gemeenskap",
        "area_north": "Noord",
        "area_south": "Suid",
        "area_east": "Oos",
        "area_central": "Sentraal",
        "coming": "Komende besoeke aan {community}",
        "none_coming": "Nog geen besoek aan {community} is aangekondig nie.",
        "cancelled": "gekanselleer",
        "calendar": "Voeg die besoeke by u foon se kalender",
        "news": "Kry nuus oor besoeke",
        "news_how": "Gee u foonnommer of u e-posadres (as albei, gebruik ons die foon). Ons "
        "stuur eers 'n boodskap om te bevestig. Niks anders word gestuur voordat u bevestig nie.",
        "by_sms": "Per SMS: u selfoonnommer, bv. 082 555 0199",
        "by_email": "Of per e-pos: u e-posadres",
        "unknown_community": "Die Mobiele Kantoor ken nie 'n gemeenskap genaamd “{name}” nie. "
        "Kies u gebied, dan u gemeenskap.",
        "unknown_area": "Daar is geen gebied genaamd “{name}” nie. Kies een van hierdie.",
        "send": "Stuur vir my nuus oor besoeke",
        "back": "Terug",
        "other_areas": "Ander gebiede",
    },
    Language.XH: {
        "office": "I-Ofisi eHambayo yaseKapa",
        "language": "Ulwimi",
        "request": "Isicelo {reference}",
        "what": "Intoni",
        "status": "Imeko",
        "department": "Isebe",
        "not_yet": "alikakhethwa",
        "due": "Ngomhla",
        "no_due": "akukabikho mhla",
        "history": "Okwenzekileyo",
        "why": "Kutheni",
        "not_fixed": "Ayilungiswanga?",
        "not_fixed_sms": "Phendula NOT FIXED {reference} kwi-SMS yethu kwiintsuku "
        "ezingama-30, okanye uze kutyelelo olulandelayo.",
        "decision": "Isigqibo ukuza kuthi ga ngoku",
        "undecided": "Akukagqitywa",
        "appeal": "Ungacela uphononongo (isibheno) kwi-Ofisi eHambayo, phambi komhla wokugqibela "
        "onikwe yi-SMS yethu.",
        "next_visit": "Utyelelo olulandelayo e-{community}",
        "no_visit": "Akukabhengezwa tyelelo e-{community}.",
        "area_visits": "Bona ukuba i-Ofisi eHambayo iza nini kuluntu lwakho:",
        "visit_line": "{day}, {hours}, e-{venue}",
        "all_visits": "Lonke utyelelo",
        "unknown_title": "Inombolo ayifumanekanga",
        "unknown": "Asiyazi inombolo {reference}. Nceda ujonge inani ngalinye: ikwi-SMS "
        "oyifumene xa isicelo sibhaliswa.",
        "invalid_title": "Ayiyonombolo yesalathiso",
        "invalid": "Inombolo yesalathiso inamanani ali-10, njenge 512 345 6782. Nceda uyijonge.",
        "wrong_digit": "Inani elinye libonakala lingalunganga — jonga inombolo kwi-SMS yakho.",
        "find_intro": "Ikwi-SMS esikuthumelele yona.",
        "wait_title": "Nceda ulinde",
        "wait": "Zininzi kakhulu iinombolo ezingaziwayo ezivela apha. Zama kwakhona emva komzuzu.",
        "find": "Landela isicelo",
        "reference": "Inombolo yesalathiso",
        "show": "Bonisa",
        "visits_title": "Xa i-Ofisi eHambayo ityelela",
        "choose_area": "Khetha ummandla wakho",
        "choose_community": "Khetha uluntu lwakho",
        "area_north": "uMntla",
        "area_south": "uMzantsi",
        "area_east": "iMpuma",
        "area_central": "Embindini",
        "coming": "Utyelelo oluzayo e-{community}",
        "none_coming": "Akukabhengezwa tyelelo e-{community}.",
        "cancelled": "lurhoxisiwe",
        "calendar": "Faka utyelelo kwikhalenda yefowuni yakho",
        "news": "Fumana iindaba zotyelelo",
        "news_how": "Nika inombolo yefowuni okanye idilesi ye-imeyile (ukuba zombini, sisebenzisa "
        "ifowuni). Siqala sithumele umyalezo wokuqinisekisa. Akukho nto yimbi ithunyelwayo "
        "ngaphambi kokuba uqinisekise.",
        "by_sms": "Nge-SMS: inombolo yeselfowuni yakho, umz. 082 555 0199",
        "by_email": "Okanye nge-imeyile: idilesi ye-imeyile yakho",
        "unknown_community": "I-Ofisi eHambayo ayilwazi uluntu olubizwa “{name}”. Khetha "
        "ummandla wakho, emva koko uluntu lwakho.",
        "unknown_area": "Akukho mmandla ubizwa “{name}”. Khetha omnye kule.",
        "send": "Ndithumelele iindaba zotyelelo",
        "back": "Buyela",
        "other_areas": "Eminye imimandla",
    },
}

# Monday first, then January first; split where used.
_DAYS: Final[Mapping[Language, str]] = {
    Language.EN: "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    Language.AF: "Maandag Dinsdag Woensdag Donderdag Vrydag Saterdag Sondag",
    Language.XH: "Mvulo Lwesibini Lwesithathu Lwesine Lwesihlanu Mgqibelo Cawe",
}
MONTHS: Final[Mapping[Language, str]] = {
    Language.EN: "January February March April May June July August September October "
    "November December",
    Language.AF: "Januarie Februarie Maart April Mei Junie Julie Augustus September Oktober "
    "November Desember",
    Language.XH: "Janyuwari Februwari Matshi Epreli Meyi Juni Julayi Agasti Septemba Okthobha "
    "Novemba Disemba",
}


def day(date: dt.date, language: Language) -> str:
    """`Tuesday 8 December 2026` in `language`."""
    month, weekday = MONTHS[language].split(), _DAYS[language].split()
    return f"{weekday[date.weekday()]} {date.day} {month[date.month - 1]} {date.year}"
