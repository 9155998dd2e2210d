// The request form: its body, intake's checks first, errors shown at the field.
import * as applications from "./applications.js";
import { NOTICE, NOTICE_VERSION } from "./notice.js";
import { RULES } from "./rules.js";
import { $, say, tell } from "./words.js";


// The API's field names and the control each belongs to.
const CONTROLS = {
  category: "category", description: "description", "location.area": "area",
  "location.community": "community", "location.address": "address", visit_id: "visit",
  "resident.name": "name", "resident.phone": "phone", "resident.email": "email",
  "resident.privacy_notice_given": "notice-given", resident: "updates-by",
  "resident.updates_by": "updates-by", reported_at: "visit", account_number: "account",
  "resident.language": "language",
};
// Intake's own rules (rules.js, made by domain.py).
const rule = (source) => new RegExp(source, "u");
const EMAIL = rule(RULES.email);
const PHONE_TEXT = rule(RULES.phone_text);
const MOBILE = rule(`^(?:${RULES.mobile.pattern})$`);
const CONTROL = rule(RULES.control_characters);
const LINE_BREAK = rule(RULES.line_break);
let visitDays = {}; // visit id -> its day (YYYY-MM-DD)

// A mobile as intake's phone library reads it (0XX.., +27XX.., 0027XX.., WhatsApp's 27XX..).
function isMobile(text) {
  if (!PHONE_TEXT.test(text)) return false;
  const { country_code: country, national_prefix: prefix, lengths } = RULES.mobile;
  const digits = text.replace(/[ ()-]/g, "").replace(/^00/, "+");
  const plus = digits.startsWith("+");
  if (plus && !digits.startsWith(`+${country}`)) return false;
  const numbers = [plus ? digits.slice(1 + country.length) : digits];
  if (!plus && digits.startsWith(country)) numbers.push(digits.slice(country.length));
  return numbers.flatMap((n) => (n.startsWith(prefix) ? [n, n.slice(prefix.length)] : [n]))
    .some((number) => lengths.includes(number.length) && MOBILE.test(number));
}

// The day a moment falls on in Cape Town, as intake counts a visit's day.
const cityDay = (when) => new Intl.DateTimeFormat("en-CA", { timeZone: RULES.time_zone }).format(when);

export function knowVisits(visits) {
  visitDays = Object.fromEntries(visits.map((visit) => [visit.id, visit.date]));
}

// Too long, or holding what intake refuses.
function textProblem(field, text, oneLine) {
  if (!text) return null;
  if (text.length > (RULES.max_length[field] ?? Infinity)) {
    return say("e_too_long", { n: RULES.max_length[field] });
  }
  if (CONTROL.test(text) || (oneLine && LINE_BREAK.test(text))) return say(oneLine ? "e_line" : "e_text");
  return null;
}

// The device's last fix: { lat, lon, accuracy_m }.
let position = null;

export function body() {
  const value = (id) => $(id).value.trim();
  const location = { area: value("area"), community: value("community") };
  if (value("address")) location.address = value("address");
  if (position) Object.assign(location, position);
  // An application is its service, in its category; its notes are optional (the name instead).
  const app = applications.find(value("category"));
  const request = { category: app?.category || value("category"), description: value("description") || app?.name.en || "", location };
  if (app) Object.assign(request, { service: app.code }, applications.read());
  // As printed on the bill: 1234 5678.
  const account = value("account").replace(/[\s-]/g, "");
  if (account) request.account_number = account;
  if (value("visit")) {
    request.visit_id = value("visit");
    // Sent perhaps hours later: the service standard counts from now.
    request.reported_at = new Date().toISOString();
  }
  const contact = { name: value("name"), phone: value("phone"), email: value("email") };
  const updatesBy = value("updates-by");
  if ($("notice-given").checked && (contact.phone || contact.email || updatesBy !== "none")) {
    request.resident = {
      language: value("language"), updates_by: updatesBy,
      privacy_notice_given: true, privacy_notice_version: NOTICE_VERSION,
    };
    for (const [key, text] of Object.entries(contact)) if (text) request.resident[key] = text;
  }
  return request;
}

// Intake's checks in the agent's language (the server has the last word).
export function problems(request) {
  const found = {};
  const texts = {
    description: [request.description, false],
    "location.community": [request.location.community, true],
    "location.address": [request.location.address, true],
    "resident.name": [request.resident?.name, true],
  };
  for (const [field, [text, oneLine]] of Object.entries(texts)) {
    const problem = textProblem(field, text, oneLine);
    if (problem) found[field] = problem;
  }
  if (!request.category) found.category = say("e_required");
  applications.check(request, found);
  if (request.account_number && !rule(RULES.account_number).test(request.account_number)) {
    found.account_number = say("e_account");
  }
  if (!request.description) found.description = say("e_required");
  if (!request.location.area) found["location.area"] = say("e_required");
  if (!request.location.community) found["location.community"] = say("e_required");
  // Intake refuses a time off the visit's day.
  const visitDay = visitDays[request.visit_id];
  if (request.reported_at && visitDay && cityDay(new Date(request.reported_at)) !== visitDay) {
    found.reported_at = say("e_reported_at");
  }
  const resident = request.resident;
  const typed = $("phone").value.trim() || $("email").value.trim();
  if (typed && !$("notice-given").checked) found["resident.privacy_notice_given"] = say("e_notice");
  // The notice and SMS in the language chosen for this resident, never a default.
  if ($("notice-given").checked && !$("language").value) found["resident.language"] = say("e_required");
  if (!resident) return found;
  if (resident.phone && !isMobile(resident.phone)) found["resident.phone"] = say("e_phone");
  const email = resident.email;
  if (email && (!EMAIL.test(email) || email.length > RULES.max_length["resident.email"])) {
    found["resident.email"] = say("e_email");
  }
  if (resident.updates_by === "sms" && !resident.phone) found.resident = say("e_needs_phone");
  if (resident.updates_by === "email" && !email) found.resident = say("e_needs_email");
  return found;
}

// Marks each field with its problem (by the API's names), or clears every mark.
export function showProblems(found = {}, focus = true) {
  for (const node of document.querySelectorAll("#request-form [aria-invalid]")) {
    node.removeAttribute("aria-invalid");
  }
  for (const node of document.querySelectorAll("#request-form p.error")) tell(node.id);
  const general = [];
  for (const [field, message] of Object.entries(found)) {
    // An application's answer: its control made from the catalogue (q-<code>).
    const made = field.replace("answers.", "q-");
    const control = CONTROLS[field] || ($(made) && made);
    if (!control) {
      general.push(`${field}: ${message}`);
      continue;
    }
    mark(control, message);
  }
  tell("err-form", general.join("; "));
  if (focus) document.querySelector("#request-form [aria-invalid]")?.focus();
}

export function mark(control, message) {
  if (message) $(control).setAttribute("aria-invalid", "true");
  else $(control).removeAttribute("aria-invalid");
  tell(`err-${control}`, message);
}

// A refused request back in the form, to fix.
export function fill(request) {
  clear();
  $("category").value = request.service || request.category;
  $("description").value = request.description;
  $("account").value = request.account_number || "";
  $("area").value = request.location.area;
  $("community").value = request.location.community;
  $("address").value = request.location.address || "";
  $("visit").value = request.visit_id || "";
  const resident = request.resident;
  if (resident) {
    $("notice-given").checked = Boolean(resident.privacy_notice_given);
    lockContact(!$("notice-given").checked);
    $("language").value = resident.language;
    $("updates-by").value = resident.updates_by;
    for (const key of ["name", "phone", "email"]) $(key).value = resident[key] || "";
  }
  if (request.location.lat !== undefined) {
    const { lat, lon, accuracy_m } = request.location;
    position = { lat, lon, accuracy_m };
  }
  // Help in the resident's language.
  applications.show(request.service, request.answers, request.papers);
  showNotice();
}

export function clear() {
  // The visit's place stays; any other answer left would be a silent wrong one.
  const atVisit = $("visit").value;
  const keep = atVisit ? { visit: atVisit, area: $("area").value, community: $("community").value } : {};
  $("request-form").reset();
  Object.entries(keep).forEach(([id, value]) => { $(id).value = value; });
  applications.show("", {});
  lockContact(true);
  $("location-state").textContent = "";
  position = null;
  showProblems();
  showNotice();
}

// Contact details wait for the privacy notice (POPIA s18); a tap on them says why.
export function lockContact(locked) {
  $("contact").disabled = locked;
  $("contact-locked").hidden = !locked;
  $("contact-locked").className = "hint";
  $("contact-why").hidden = !locked;
}

export function explainLockedContact() {
  $("contact-locked").className = "error";
  $("notice-given").focus();
  $("notice-given").scrollIntoView({ block: "center" });
}

// The notice is read in the resident's language, once it is chosen.
export function showNotice() {
  const language = $("language").value;
  $("notice-text").textContent = language ? NOTICE[language] : say("notice_language");
  $("notice-text").lang = language || document.documentElement.lang;
}

// Today's visit chosen: its area and community fill the form.
export function useVisit(visit) {
  if (!visit) return;
  $("visit").value = visit.id;
  $("area").value = visit.area;
  $("community").value = visit.community;
}

export function locate(located) {
  if (!navigator.geolocation) {
    $("location-state").textContent = say("locate_failed");
    return;
  }
  navigator.geolocation.getCurrentPosition(
    (fix) => {
      const { latitude, longitude, accuracy } = fix.coords;
      // At most 100 km.
      position = { lat: latitude, lon: longitude, accuracy_m: Math.min(Math.round(accuracy), 100_000) };
      $("location-state").textContent = say("located", { m: position.accuracy_m });
      located();
    },
    () => { $("location-state").textContent = say("locate_failed"); },
    { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
  );
}
