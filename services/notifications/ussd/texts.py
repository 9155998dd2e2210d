"""The USSD menu's screens in English, Afrikaans and isiXhosa: each at most 182 GSM-7
characters with its `CON `/`END ` (domain.py fits the names that vary).

The isiXhosa and Afrikaans wording should be read by first-language speakers at the city
before going live; the tests check length and alphabet, not idiom."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from shared.contracts.common import Language

__all__ = ["LANGUAGE_NAMES", "SCREENS", "Screen"]


class Screen(StrEnum):
    TOP = "top"
    ASK_REFERENCE = "ask_reference"
    AREA = "area"  # then the areas, numbered
    COMMUNITY = "community"  # then the communities, numbered, and 9 more
    MORE = "more"
    ASK_NOT_FIXED = "ask_not_fixed"
    LANGUAGE = "language"
    SUBSCRIBED = "subscribed"
    NOT_FIXED_TAKEN = "not_fixed_taken"
    LANGUAGE_SET = "language_set"
    UNKNOWN_REFERENCE = "unknown_reference"  # an ending: a ref with a right check digit, unknown
    BACK = "back"  # 0 on every screen below the top
    # What was wrong with an input, on the first line of the screen shown again:
    WRONG_CHOICE = "wrong_choice"
    NOT_A_REFERENCE = "not_a_reference"
    ONE_DIGIT_WRONG = "one_digit_wrong"  # ten digits, the check digit does not agree
    CITY_REFERENCE = "city_reference"  # ten digits starting with 9: the City's own


SCREENS: Final[Mapping[Language, Mapping[Screen, str]]] = {
    Language.EN: {
        Screen.TOP: "Mobile Office\n1 Follow a request\n2 Next visit\n3 Visit news by SMS\n"
        "4 Not fixed\n5 Language/Taal/Ulwimi",
        Screen.ASK_REFERENCE: "Type your 10-digit ref:",
        Screen.AREA: "Choose your area:",
        Screen.COMMUNITY: "Choose your community:",
        Screen.MORE: "More",
        Screen.ASK_NOT_FIXED: "Type the 10-digit ref of the request that is not fixed:",
        Screen.LANGUAGE: "Language:",
        Screen.SUBSCRIBED: "You will get SMS news of Mobile Office visits to {community}. "
        "Send STOP VISITS to end them.",
        Screen.NOT_FIXED_TAKEN: "Ref {reference}: thanks. If its updates come to this "
        "number and it was resolved in the last 30 days, it is reopened and we SMS you. "
        "If you get no SMS, come to the next visit.",
        Screen.LANGUAGE_SET: "The Mobile Office will answer this number in English.",
        Screen.UNKNOWN_REFERENCE: "Ref {reference} is not known. Check the 10 digits, dial "
        "again and choose 1.",
        Screen.BACK: "Back",
        Screen.WRONG_CHOICE: "Choose a number from the list.",
        Screen.NOT_A_REFERENCE: "That is not a 10-digit ref.",
        Screen.ONE_DIGIT_WRONG: "One digit looks wrong.",
        Screen.CITY_REFERENCE: "Refs starting with 9 are the City's, not ours.",
    },
    Language.AF: {
        Screen.TOP: "Mobiele Kantoor\n1 Volg 'n versoek\n2 Volgende besoek\n"
        "3 Besoeknuus per SMS\n4 Nie reggemaak\n5 Language/Taal/Ulwimi",
        Screen.ASK_REFERENCE: "Tik u verw van 10 syfers:",
        Screen.AREA: "Kies u gebied:",
        Screen.COMMUNITY: "Kies u gemeenskap:",
        Screen.MORE: "Meer",
        Screen.ASK_NOT_FIXED: "Tik die verw van 10 syfers van die versoek wat nie "
        "reggemaak is nie:",
        Screen.LANGUAGE: "Taal:",
        Screen.SUBSCRIBED: "U kry SMS-nuus van besoeke van die Mobiele Kantoor aan "
        "{community}. Stuur STOP VISITS om dit te stop.",
        Screen.NOT_FIXED_TAKEN: "Verw {reference}: dankie. As sy nuus na hierdie nommer kom "
        "en dit binne 30 dae opgelos is, word dit heropen en ons SMS u. Kry u geen SMS nie, "
        "kom na die volgende besoek.",
        Screen.LANGUAGE_SET: "Die Mobiele Kantoor sal hierdie nommer in Afrikaans antwoord.",
        Screen.UNKNOWN_REFERENCE: "Verw {reference} is onbekend. Kyk die 10 syfers na, bel "
        "weer en kies 1.",
        Screen.BACK: "Terug",
        Screen.WRONG_CHOICE: "Kies 'n nommer uit die lys.",
        Screen.NOT_A_REFERENCE: "Dit is nie 'n verw van 10 syfers nie.",
        Screen.ONE_DIGIT_WRONG: "Een syfer lyk verkeerd.",
        Screen.CITY_REFERENCE: "Verw wat met 9 begin, is die Stad s'n, nie ons s'n nie.",
    },
    Language.XH: {
        Screen.TOP: "I-Ofisi eHambayo\n1 Landela isicelo\n2 Utyelelo olulandelayo\n"
        "3 Iindaba ngee-SMS\n4 Akulungiswanga\n5 Language/Taal/Ulwimi",
        Screen.ASK_REFERENCE: "Chwetheza inombolo yakho yamanani ali-10:",
        Screen.AREA: "Khetha ummandla wakho:",
        Screen.COMMUNITY: "Khetha indawo yakho:",
        Screen.MORE: "Ezinye",
        Screen.ASK_NOT_FIXED: "Chwetheza inombolo yesicelo esingalungiswanga:",
        Screen.LANGUAGE: "Ulwimi:",
        Screen.SUBSCRIBED: "Uza kufumana iindaba ngee-SMS zotyelelo lwe-Ofisi eHambayo "
        "e-{community}. Thumela STOP VISITS ukuziyeka.",
        Screen.NOT_FIXED_TAKEN: "Inombolo {reference}: enkosi. Ukuba iindaba zayo ziza kule "
        "nombolo kwaye isonjululwe kwiintsuku ezi-30, iyavulwa, siza kuku-SMS. Ungafumani "
        "SMS, yiza kutyelelo olulandelayo.",
        Screen.LANGUAGE_SET: "I-Ofisi eHambayo iza kuphendula le nombolo ngesiXhosa.",
        Screen.UNKNOWN_REFERENCE: "Inombolo {reference} ayaziwa. Jonga amanani ali-10, "
        "uphinde udayele ukhethe u-1.",
        Screen.BACK: "Buyela emva",
        Screen.WRONG_CHOICE: "Khetha inani kuluhlu.",
        Screen.NOT_A_REFERENCE: "Asiyonombolo yamanani ali-10.",
        Screen.ONE_DIGIT_WRONG: "Inani elinye libonakala liphosakele.",
        Screen.CITY_REFERENCE: "Inombolo eqala ngo-9 yeyeSixeko, ayiyethu.",
    },
}

LANGUAGE_NAMES: Final = (
    (Language.EN, "English"),
    (Language.AF, "Afrikaans"),
    (Language.XH, "isiXhosa"),
)
"""Option 5's choices, each in its own language."""
