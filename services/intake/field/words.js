// What the app says, in English, Afrikaans and isiXhosa: the agent picks the interface's
// language; the privacy notice is read to the resident in the resident's language. As with
// the SMS texts, first-language speakers at the City should read these before going live.
export const LANGUAGES = { en: "English", af: "Afrikaans", xh: "isiXhosa" };

// The departments as the resident's SMS names them, in every language (notifications'
// messages/texts.py; tests/unit/test_field_files.py keeps the two the same).
export const DEPARTMENTS = {
  "water-and-sanitation": "Water & Sanitation", electricity: "Electricity",
  "solid-waste": "Solid Waste", revenue: "Revenue", valuations: "Valuations",
  "recreation-and-parks": "Recreation & Parks", "roads-and-stormwater": "Roads & Stormwater",
};

const EN = {
  title: "Mobile Office", page_title: "Mobile Office field app", unsent: "Unsent",
  filter: "Find by number, category, community or words",
  account: "Municipal account number (optional)", e_account: "must be 6 to 12 digits",
  follows_sms: "An SMS follows to the resident's cellphone at each step.",
  follows_email: "An e-mail follows to the resident at each step.",
  follows_none: "No SMS or e-mail follows: the resident follows up with this number.",
  screens: "Screens", months: "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
  contact_locked: "Read the privacy notice above to the resident and tick the box first.", new: "New request", outbox: "Today",
  send_all: "Send all", follow_up: "Follow up", sign_out: "Sign out",
  interface_language: "App language",
  pair_title: "Pair this device", pair_code: "Pairing code from the office", pair: "Pair",
  visit: "Visit", no_visit: "No visit today", category: "Category",
  catalogue_version: "Category list version", description: "What is wrong", area: "Area",
  community: "Community", choose: "Choose one", area_north: "North", area_south: "South",
  area_east: "East", area_central: "Central", address: "Street address (optional)",
  locate: "Add this device's location", located: "Location added, accurate to about {m} m",
  locate_failed: "The device could not tell its location: type the address instead.",
  language: "Resident's language", notice_heading: "Read this to the resident first",
  notice_given: "I read the privacy notice to the resident",
  contact_heading: "How the resident hears back", name: "Resident's name (optional)",
  updates_by: "Updates by", by_none: "No updates", by_sms: "SMS", by_email: "E-mail",
  phone: "Cellphone number", email: "E-mail address", log: "Log the request",
  save_fix: "Save and send again", receipt_title: "Give the resident this number",
  next: "Next resident",
  kept: "Saved on this device: it is sent to the City as soon as there is signal. The " +
    "number is already the resident's.",
  no_numbers: "No reference numbers left on this device: nothing can be logged until it " +
    "connects to the network and gets more.",
  few_numbers: "Only {n} reference numbers left on this device: connect to the network soon " +
    "to get more.",
  pair_first: "Pair this device with a code from the office before taking a request.",
  pair_again: "This device's pairing has expired: ask the office for a code and pair again. " +
    "Nothing queued is lost; it is sent once the device is paired.",
  draft: "draft", queued: "queued", sending: "sending", sent: "sent at {time}",
  attention: "needs attention", fix: "Fix", discard: "Discard",
  discard_confirm: "Discard request {ref}? It will never reach the City.",
  today: "Requests today", earlier: "Earlier, not yet sent", nothing: "Nothing logged today.",
  storage_refused: "This browser did not promise to keep the saved requests: send them " +
    "when you can, and do not clear the browser's data.",
  retry_at: "No connection to the City: trying again at {time}.",
  signed_out: "Signed out: this device's credential no longer works.",
  signed_out_offline: "Signed out on this device only: the City could not be reached, so its " +
    "credential still works. Ask the office to revoke this device.",
  sign_out_title: "Sign out of this device?",
  sign_out_costs: "Signing out unpairs this device and clears today's list from it. To log " +
    "requests again you need a new pairing code, from the office or made with your own credential.",
  sign_out_unsent: "These requests are not sent yet", stay_signed_in: "Stay signed in",
  sign_out_confirm: "Sign out",
  sign_out_warning: "Signing out deletes them from this device: they will never reach the City.",
  sign_out_anyway: "Sign out and delete them", cancel: "Keep them",
  lookup_title: "Follow up a request", reference: "Reference number", lookup: "Look up",
  lookup_offline: "Looking up needs a connection: try again when there is signal.",
  status: "Status", department: "Department", history: "History",
  s_logged: "logged", s_routed: "sent to the department", s_acknowledged: "acknowledged",
  s_in_progress: "in progress", s_resolved: "resolved", s_closed: "closed",
  s_referred: "referred elsewhere", s_unroutable: "being assigned by the office",
  c_fixed: "fixed", "c_no-further-action": "no further action",
  "c_not-responsible": "not the City's responsibility", c_duplicate: "same as another request",
  c_referred: "passed to another body",
  e_required: "is required", e_phone: "must be a South African cellphone number: 0XXXXXXXXX",
  e_email: "must be an e-mail address like name@example.org, with no dot next to the @",
  e_too_long: "is too long: at most {n} characters",
  e_text: "must not hold invisible control characters (pasted text can bring them)",
  e_line: "must be one line, without invisible control characters",
  e_reported_at: "is not on the day of the visit chosen: check the visit and this device's date",
  e_visit: "is not a visit the City knows: choose the visit again",
  e_category: "is not a category the City uses now: choose another",
  e_reference: "was not given to this device: ask the office",
  e_notice_version: "The privacy notice has changed: reload the app and read the new one",
  e_code: "is unknown, used or more than 10 minutes old: ask the office for a new one",
  receipt_sent: "Sent to the City at {time}.",
  receipt_refused: "The City refused this request. Fix it now, while the resident is here: " +
    "the number stays theirs.",
  fix_now: "Fix it now",
  r_revoked: "The office revoked this device: the City takes nothing from it. Ask the office.",
  r_not_found: "No request has this number: check each digit.",
  r_not_yet_received: "This request was logged on a device that has not sent it yet: it " +
    "reaches the City when that device has signal.",
  r_invalid_reference: "This reference number has a typing error: check each digit.",
  r_too_many_codes: "Too many wrong codes from here: wait a few minutes.",
  r_too_many_unknown_references: "Too many unknown numbers from here: wait a few minutes.",
  r_conflict: "This reference number was already used for another request.",
  r_forbidden: "This device may not do that.",
  e_needs_phone: "SMS updates need a cellphone number",
  e_needs_email: "E-mail updates need an e-mail address",
  e_notice: "Read the privacy notice to the resident before taking contact details",
};

const AF = {
  title: "Mobiele Kantoor", page_title: "Mobiele Kantoor veldtoep", unsent: "Nie gestuur",
  filter: "Soek op nommer, kategorie, gemeenskap of woorde",
  account: "Munisipale rekeningnommer (opsioneel)", e_account: "moet 6 tot 12 syfers wees",
  follows_sms: "'n SMS volg by elke stap na die inwoner se selfoon.",
  follows_email: "'n E-pos volg by elke stap na die inwoner.",
  follows_none: "Geen SMS of e-pos volg nie: die inwoner volg op met hierdie nommer.",
  screens: "Skerms", months: "Jan Feb Mrt Apr Mei Jun Jul Aug Sep Okt Nov Des",
  contact_locked: "Lees eers die privaatheidskennisgewing hierbo vir die inwoner en merk die blokkie.", new: "Nuwe versoek", outbox: "Vandag",
  send_all: "Stuur alles", follow_up: "Volg op", sign_out: "Meld af",
  interface_language: "Taal van die toep",
  pair_title: "Koppel hierdie toestel", pair_code: "Koppelkode van die kantoor", pair: "Koppel",
  visit: "Besoek", no_visit: "Geen besoek vandag", category: "Kategorie",
  catalogue_version: "Weergawe van die kategorielys", description: "Wat is fout",
  area: "Gebied", community: "Gemeenskap", choose: "Kies een", area_north: "Noord",
  area_south: "Suid", area_east: "Oos", area_central: "Sentraal", address: "Straatadres (opsioneel)",
  locate: "Voeg hierdie toestel se ligging by",
  located: "Ligging bygevoeg, akkuraat tot omtrent {m} m",
  locate_failed: "Die toestel kon nie sy ligging bepaal nie: tik eerder die adres.",
  language: "Inwoner se taal", notice_heading: "Lees dit eers vir die inwoner",
  notice_given: "Ek het die privaatheidskennisgewing vir die inwoner gelees",
  contact_heading: "Hoe die inwoner terughoor", name: "Inwoner se naam (opsioneel)",
  updates_by: "Nuus per", by_none: "Geen nuus", by_sms: "SMS", by_email: "E-pos",
  phone: "Selfoonnommer", email: "E-posadres", log: "Teken die versoek aan",
  save_fix: "Stoor en stuur weer", receipt_title: "Gee hierdie nommer vir die inwoner",
  next: "Volgende inwoner",
  kept: "Op hierdie toestel gestoor: dit word na die Stad gestuur sodra daar sein is. Die " +
    "nommer behoort reeds aan die inwoner.",
  no_numbers: "Geen verwysingsnommers oor op hierdie toestel nie: niks kan aangeteken word " +
    "voordat dit aan die netwerk koppel en meer kry nie.",
  few_numbers: "Net {n} verwysingsnommers oor op hierdie toestel: koppel binnekort aan die " +
    "netwerk vir meer.",
  pair_first: "Koppel hierdie toestel met 'n kode van die kantoor voordat u 'n versoek neem.",
  pair_again: "Hierdie toestel se koppeling het verval: vra die kantoor vir 'n kode en koppel " +
    "weer. Niks in die tou gaan verlore nie; dit word gestuur sodra die toestel gekoppel is.",
  draft: "konsep", queued: "in die tou", sending: "word gestuur", sent: "gestuur om {time}",
  attention: "het aandag nodig", fix: "Herstel", discard: "Gooi weg",
  discard_confirm: "Gooi versoek {ref} weg? Dit sal nooit die Stad bereik nie.",
  today: "Versoeke vandag", earlier: "Vroeër, nog nie gestuur nie",
  nothing: "Niks vandag aangeteken nie.",
  storage_refused: "Hierdie blaaier het nie belowe om die gestoorde versoeke te hou nie: " +
    "stuur hulle so gou as moontlik en moenie die blaaier se data uitvee nie.",
  retry_at: "Geen verbinding met die Stad nie: probeer weer om {time}.",
  signed_out: "Afgemeld: hierdie toestel se toegang werk nie meer nie.",
  signed_out_offline: "Net op hierdie toestel afgemeld: die Stad kon nie bereik word nie, so " +
    "sy toegang werk steeds. Vra die kantoor om hierdie toestel te herroep.",
  sign_out_title: "Meld af op hierdie toestel?",
  sign_out_costs: "Afmeld ontkoppel hierdie toestel en vee vandag se lys daarvan af. Om weer " +
    "versoeke aan te teken, het u 'n nuwe koppelkode nodig, van die kantoor of met u eie " +
    "toegangsbewys gemaak.",
  sign_out_unsent: "Hierdie versoeke is nog nie gestuur nie", stay_signed_in: "Bly aangemeld",
  sign_out_confirm: "Meld af",
  sign_out_warning: "Afmeld vee hulle van hierdie toestel af: hulle sal nooit die Stad bereik nie.",
  sign_out_anyway: "Meld af en vee hulle uit", cancel: "Hou hulle",
  lookup_title: "Volg 'n versoek op", reference: "Verwysingsnommer", lookup: "Soek",
  lookup_offline: "Soek het 'n verbinding nodig: probeer weer as daar sein is.",
  status: "Status", department: "Departement", history: "Geskiedenis",
  s_logged: "aangeteken", s_routed: "na die departement gestuur", s_acknowledged: "erken",
  s_in_progress: "aan die gang", s_resolved: "opgelos", s_closed: "gesluit",
  s_referred: "elders heen verwys", s_unroutable: "die kantoor wys dit toe",
  c_fixed: "reggemaak", "c_no-further-action": "geen verdere stappe",
  "c_not-responsible": "nie die Stad se verantwoordelikheid nie",
  c_duplicate: "dieselfde as 'n ander versoek", c_referred: "na 'n ander instansie verwys",
  e_required: "is nodig", e_phone: "moet 'n Suid-Afrikaanse selfoonnommer wees: 0XXXXXXXXX",
  e_email: "moet 'n e-posadres wees soos naam@voorbeeld.org, met geen punt langs die @ nie",
  e_too_long: "is te lank: hoogstens {n} karakters",
  e_text: "mag nie onsigbare beheerkarakters bevat nie (geplakte teks kan dit saambring)",
  e_line: "moet een reël wees, sonder onsigbare beheerkarakters",
  e_reported_at: "is nie op die dag van die gekose besoek nie: kontroleer die besoek en hierdie " +
    "toestel se datum",
  e_visit: "is nie 'n besoek wat die Stad ken nie: kies die besoek weer",
  e_category: "is nie 'n kategorie wat die Stad nou gebruik nie: kies 'n ander",
  e_reference: "is nie aan hierdie toestel gegee nie: vra die kantoor",
  e_notice_version: "Die privaatheidskennisgewing het verander: laai die toep weer en lees die nuwe een",
  e_code: "is onbekend, gebruik of ouer as 10 minute: vra die kantoor vir 'n nuwe een",
  receipt_sent: "Om {time} na die Stad gestuur.",
  receipt_refused: "Die Stad het hierdie versoek geweier. Herstel dit nou, terwyl die inwoner " +
    "hier is: die nommer bly syne of hare.",
  fix_now: "Herstel dit nou",
  r_revoked: "Die kantoor het hierdie toestel herroep: die Stad neem niks daarvan aan nie. " +
    "Vra die kantoor.",
  r_not_found: "Geen versoek het hierdie nommer nie: kontroleer elke syfer.",
  r_not_yet_received: "Hierdie versoek is aangeteken op 'n toestel wat dit nog nie gestuur het " +
    "nie: dit bereik die Stad sodra daardie toestel sein het.",
  r_invalid_reference: "Hierdie verwysingsnommer het 'n tikfout: kontroleer elke syfer.",
  r_too_many_codes: "Te veel verkeerde kodes van hier af: wag 'n paar minute.",
  r_too_many_unknown_references: "Te veel onbekende nommers van hier af: wag 'n paar minute.",
  r_conflict: "Hierdie verwysingsnommer is reeds vir 'n ander versoek gebruik.",
  r_forbidden: "Hierdie toestel mag dit nie doen nie.",
  e_needs_phone: "SMS-nuus het 'n selfoonnommer nodig",
  e_needs_email: "E-posnuus het 'n e-posadres nodig",
  e_notice: "Lees die privaatheidskennisgewing vir die inwoner voordat u kontakbesonderhede neem",
};

const XH = {
  title: "IOfisi eHambayo", page_title: "I-app yasendle yeOfisi eHambayo",
  filter: "Khangela ngenombolo, udidi, uluntu okanye amagama",
  account: "Inombolo ye-akhawunti kamasipala (ukuba ikhona)",
  e_account: "mayibe ngamanani aphakathi kwama-6 nama-12",
  follows_sms: "I-SMS iya kulandela kwiselfowuni yomhlali kwinyathelo ngalinye.",
  follows_email: "I-imeyile iya kulandela kumhlali kwinyathelo ngalinye.",
  follows_none: "Akukho SMS okanye imeyile iza kulandela: umhlali ulandelela ngale nombolo.",
  screens: "Izikrini", months: "Jan Feb Mat Epr Mey Jun Jul Aga Sep Okt Nov Dis",
  unsent: "Ezingathunyelwanga",
  contact_locked: "Funda uxwebhu lwabucala olungentla kumhlali uze uphawule ibhokisi kuqala.", new: "Isicelo esitsha",
  outbox: "Namhlanje", send_all: "Thumela zonke", follow_up: "Landelela",
  sign_out: "Phuma", interface_language: "Ulwimi lwe-app",
  pair_title: "Dibanisa esi sixhobo", pair_code: "Ikhowudi yokudibanisa evela e-ofisini",
  pair: "Dibanisa", visit: "Utyelelo", no_visit: "Akukho tyelelo namhlanje",
  category: "Udidi", catalogue_version: "Uguqulelo loluhlu lweendidi",
  description: "Yintoni engalunganga", area: "Ummandla", community: "Uluntu",
  choose: "Khetha enye", area_north: "uMntla", area_south: "uMzantsi", area_east: "uMpuma",
  area_central: "Embindini",
  address: "Idilesi yesitrato (ukuba ikhona)", locate: "Yongeza indawo yesi sixhobo",
  located: "Indawo yongeziwe, ichanekile malunga ne-{m} m",
  locate_failed: "Isixhobo asikwazanga ukuxela indawo yaso: bhala idilesi endaweni yoko.",
  language: "Ulwimi lomhlali", notice_heading: "Funda oku kumhlali kuqala",
  notice_given: "Ndilufundile uxwebhu lwabucala kumhlali",
  contact_heading: "Umhlali uza kuva njani", name: "Igama lomhlali (ukuba likhona)",
  updates_by: "Iindaba nge", by_none: "Akukho ndaba", by_sms: "SMS", by_email: "I-imeyile",
  phone: "Inombolo yeselfowuni", email: "Idilesi ye-imeyile", log: "Bhalisa isicelo",
  save_fix: "Gcina uze uthumele kwakhona", receipt_title: "Nika umhlali le nombolo",
  next: "Umhlali olandelayo",
  kept: "Igcinwe kwesi sixhobo: iya kuthunyelwa kwiSixeko xa kukho isignali. Inombolo " +
    "sele ingeyomhlali.",
  no_numbers: "Azisekho iinombolo zesalathiso kwesi sixhobo: akukho nto inokubhaliswa de " +
    "siqhagamshele kuthungelwano sifumane ezinye.",
  few_numbers: "Zi-{n} kuphela iinombolo zesalathiso ezishiyekileyo kwesi sixhobo: " +
    "qhagamshela kuthungelwano kungekudala ukuze ufumane ezinye.",
  pair_first: "Dibanisa esi sixhobo ngekhowudi evela e-ofisini phambi kokuthatha isicelo.",
  pair_again: "Ukudibanisa kwesi sixhobo kuphelelwe lixesha: cela ikhowudi e-ofisini " +
    "uphinde udibanise. Akukho nto ilahlekayo; iya kuthunyelwa xa isixhobo sidibene.",
  draft: "uyilo", queued: "ilindile", sending: "iyathunyelwa", sent: "ithunyelwe ngo-{time}",
  attention: "ifuna ingqalelo", fix: "Lungisa", discard: "Lahla",
  discard_confirm: "Lahla isicelo {ref}? Asisoze sifike kwiSixeko.",
  today: "Izicelo zanamhlanje", earlier: "Ngaphambili, azikathunyelwa",
  nothing: "Akukho nto ibhaliswe namhlanje.",
  storage_refused: "Esi sikhangeli asithembisanga ukugcina izicelo ezigciniweyo: zithumele " +
    "xa unako, ungacimi idatha yesikhangeli.",
  retry_at: "Akukho qhagamshelwano neSixeko: iza kuzama kwakhona ngo-{time}.",
  signed_out: "Uphumile: imvume yesi sixhobo ayisasebenzi.",
  signed_out_offline: "Uphume kwesi sixhobo kuphela: iSixeko asifikeleleki, ngoko imvume " +
    "yaso isasebenza. Cela i-ofisi ukuba irhoxise esi sixhobo.",
  sign_out_title: "Phuma kwesi sixhobo?",
  sign_out_costs: "Ukuphuma kuqhawula esi sixhobo kwaye kucima uluhlu lwanamhlanje kuso. " +
    "Ukuze ubhalise izicelo kwakhona, ufuna ikhowudi entsha yokudibanisa, evela e-ofisini " +
    "okanye eyenziwe ngemvume yakho.",
  sign_out_unsent: "Ezi zicelo azikathunyelwa", stay_signed_in: "Hlala ungene",
  sign_out_confirm: "Phuma",
  sign_out_warning: "Ukuphuma kuzicima kwesi sixhobo: azisoze zifike kwiSixeko.",
  sign_out_anyway: "Phuma uzicime", cancel: "Zigcine",
  lookup_title: "Landelela isicelo", reference: "Inombolo yesalathiso", lookup: "Khangela",
  lookup_offline: "Ukukhangela kufuna uqhagamshelwano: zama kwakhona xa kukho isignali.",
  status: "Imeko", department: "Isebe", history: "Imbali",
  s_logged: "ibhalisiwe", s_routed: "ithunyelwe kwisebe", s_acknowledged: "yamkelwe",
  s_in_progress: "iyaqhubeka", s_resolved: "isonjululwe", s_closed: "ivaliwe",
  s_referred: "idluliselwe kwenye indawo", s_unroutable: "i-ofisi iyayabela",
  c_fixed: "ilungisiwe", "c_no-further-action": "akukho manyathelo angakumbi",
  "c_not-responsible": "ayingoxanduva lweSixeko", c_duplicate: "iyafana nesinye isicelo",
  c_referred: "idluliselwe kwelinye iziko",
  e_required: "iyafuneka", e_phone: "mayibe yinombolo yeselfowuni yaseMzantsi Afrika: 0XXXXXXXXX",
  e_email: "mayibe yidilesi ye-imeyile efana negama@umzekelo.org, ingabi nachaphaza ecaleni kwe-@",
  e_too_long: "inde kakhulu: ubuninzi boonobumba ngu-{n}",
  e_text: "mayingabi noonobumba abalawulayo abangabonakaliyo (isicatshulwa esincanyathiselweyo " +
    "singabazisa)",
  e_line: "mayibe ngumgca omnye, ngaphandle koonobumba abalawulayo abangabonakaliyo",
  e_reported_at: "ayikho ngosuku lotyelelo olukhethiweyo: jonga utyelelo nomhla wesi sixhobo",
  e_visit: "ayilotyelelo iSixeko esilwaziyo: khetha utyelelo kwakhona",
  e_category: "ayilodidi iSixeko esilusebenzisayo ngoku: khetha olunye",
  e_reference: "ayinikwanga esi sixhobo: buza e-ofisini",
  e_notice_version: "Uxwebhu lwabucala lutshintshile: layisha kwakhona i-app ufunde olutsha",
  e_code: "ayaziwa, isetyenzisiwe okanye indala ngaphezu kwemizuzu eli-10: cela entsha e-ofisini",
  receipt_sent: "Ithunyelwe kwiSixeko ngo-{time}.",
  receipt_refused: "ISixeko sisigatyile esi sicelo. Silungise ngoku, umhlali esekhona: " +
    "inombolo ihlala ingeyakhe.",
  fix_now: "Silungise ngoku",
  r_revoked: "I-ofisi isirhoxisile esi sixhobo: iSixeko asamkeli nto kuso. Buza e-ofisini.",
  r_not_found: "Akukho sicelo sinale nombolo: jonga inani ngalinye.",
  r_not_yet_received: "Esi sicelo sibhaliswe kwisixhobo esingekasithumeli: siya kufika " +
    "kwiSixeko xa eso sixhobo sinesignali.",
  r_invalid_reference: "Le nombolo yesalathiso inempazamo yokuchwetheza: jonga inani ngalinye.",
  r_too_many_codes: "Zininzi kakhulu iikhowudi ezingalunganga ezivela apha: linda imizuzu embalwa.",
  r_too_many_unknown_references: "Zininzi kakhulu iinombolo ezingaziwayo ezivela apha: linda " +
    "imizuzu embalwa.",
  r_conflict: "Le nombolo yesalathiso sele isetyenziselwe esinye isicelo.",
  r_forbidden: "Esi sixhobo asivumelekanga ukwenza oko.",
  e_needs_phone: "Iindaba nge-SMS zifuna inombolo yeselfowuni",
  e_needs_email: "Iindaba nge-imeyile zifuna idilesi ye-imeyile",
  e_notice: "Funda uxwebhu lwabucala kumhlali phambi kokuthatha iinkcukacha zoqhagamshelwano",
};

// POPIA s18: what is collected, why, and that nothing else is done with it.
const ALL = { en: EN, af: AF, xh: XH };
let chosen = "en";

export function useLanguage(language) {
  chosen = ALL[language] ? language : "en";
  document.documentElement.lang = chosen;
  document.title = say("page_title");
  for (const node of document.querySelectorAll("[data-word]")) node.textContent = say(node.dataset.word);
  // What a screen reader says for a control with no text of its own.
  for (const node of document.querySelectorAll("[data-label]")) {
    node.setAttribute("aria-label", say(node.dataset.label));
  }
}

export function language() {
  return chosen;
}

// The City's refusals in the app's language. intake's messages are English: a field's refusal
// is said by what the field is and the refusal's kind, a refusal of the whole request by its
// code; anything the app has no words for is shown as the City sent it.
const FIELD_PROBLEMS = {
  "resident.email": "e_email", "resident.phone": "e_phone", description: "e_text",
  "location.community": "e_line", "location.address": "e_line", "resident.name": "e_line",
  reported_at: "e_reported_at", visit_id: "e_visit", category: "e_category",
  reference: "e_reference", "resident.privacy_notice_given": "e_notice", account_number: "e_account",
  "resident.privacy_notice_version": "e_notice_version", code: "e_code",
};
// Each field's name as the form labels it.
const FIELD_LABELS = {
  "resident.email": "email", "resident.phone": "phone", description: "description",
  "location.community": "community", "location.address": "address", "location.area": "area",
  "resident.name": "name", reported_at: "visit", visit_id: "visit", category: "category",
  reference: "reference", account_number: "account", resident: "updates_by", "resident.updates_by": "updates_by",
  "resident.privacy_notice_given": "notice_heading",
};

export function explainField(field, message = "") {
  if (message === "is required") return say("e_required");
  const longest = /at most (\d+) characters/.exec(message);
  if (longest) return say("e_too_long", { n: longest[1] });
  if (field === "resident") return say(message.includes("sms") ? "e_needs_phone" : "e_needs_email");
  return FIELD_PROBLEMS[field] ? say(FIELD_PROBLEMS[field]) : message;
}

export function explain(error) {
  const fields = Object.entries(error.fields || {});
  if (EN[`r_${error.code}`]) return say(`r_${error.code}`);
  if (!fields.length) return error.message;
  return fields.map(([field, message]) => {
    const label = FIELD_LABELS[field] ? say(FIELD_LABELS[field]) : field;
    return `${label}: ${explainField(field, message)}`;
  }).join("; ");
}

// Why the City refused a request kept in the outbox.
export const refusalText = (item) => explain({ code: item.code, message: item.reason, fields: item.fields });

// The word for `key` in the chosen language, with {names} filled in.
export function say(key, values = {}) {
  const text = ALL[chosen][key] ?? EN[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}
