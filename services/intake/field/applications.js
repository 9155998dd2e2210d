// Applications (issue 27): the catalogue's questions and papers, checked as intake checks them
// (shared/service_catalogue.py: check_answers, warnings_for), offline too.
import * as photos from "./photos.js";
import { RULES } from "./rules.js";
import { $, language, say, tell } from "./words.js";

let services = {}; // code -> an application of GET /v1/services
let shown = null; // the application whose questions the form shows

export function know(list) {
  services = Object.fromEntries(list.filter((s) => s.kind === "application").map((s) => [s.code, s]));
  return Object.values(services);
}
export const find = (code) => services[code];
export const words = (text, lang = language()) => text?.[lang] || text?.en || "";

export function make(tag, props, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter(Boolean));
  return node;
}

// Radios or checkboxes: each labelled, with an id of its own (name-key).
const choices = (type, name, list) => list.map(([value, text]) =>
  make("label", { className: "check" }, make("input", { type, name, value, id: `${name}-${value}` }), ` ${text}`));

// A question: its label in the app's language, its help in the resident's, a control by datatype.
function question(q, resident) {
  const id = `q-${q.code}`;
  const label = words(q.label) + (q.required ? say("required") : "");
  const help = q.help && make("p", { id: `help-${id}`, className: "hint", lang: resident, textContent: words(q.help, resident) });
  const error = make("p", { id: `err-${id}`, className: "error", hidden: true });
  const list = q.datatype === "boolean" ? [[true, say("yes")], [false, say("no")]] : q.values.map((v) => [v.key, words(v.name)]);
  const group = q.datatype === "boolean" || q.datatype === "multivaluelist";
  let control;
  if (group) {
    control = make("fieldset", { id, tabIndex: -1 }, make("legend", { textContent: label }),
      ...choices(q.datatype === "boolean" ? "radio" : "checkbox", id, list));
  } else {
    control = q.datatype === "singlevaluelist"
      ? make("select", { id }, new Option(say("choose"), ""), ...list.map(([key, text]) => new Option(text, key)))
      : make("input", { id, autocomplete: "off", type: { number: "number", date: "date" }[q.datatype] || "text" });
    if (q.datatype === "number") Object.assign(control, { step: "any", inputMode: "decimal" });
    if (q.minimum !== null) control.min = q.minimum;
    if (q.maximum !== null) control.max = q.maximum;
    control.required = q.required;
  }
  control.setAttribute("aria-describedby", `${help ? `${help.id} ` : ""}${error.id}`);
  return [!group && make("label", { htmlFor: id, textContent: label }), control, help, error];
}

// A paper: seen, to be brought, or photographed (sent as seen, its photo a document naming it:
// photos.js keeps and shows it, in the row's list).
const paperName = (d) => words(d.name) + d.alternatives.map((a) => ` ${say("or")} ${words(a.name)}`).join("");

function paper(d) {
  const camera = make("input", { type: "file", id: `f-${d.code}`, accept: "image/*" });
  camera.setAttribute("capture", "environment");
  camera.setAttribute("aria-describedby", `err-f-${d.code}`);
  camera.addEventListener("change", () => photos.add(camera, d.code));
  const list = make("ul", { className: "photos" });
  Object.assign(list.dataset, { code: d.code, name: paperName(d) });
  return make("fieldset", { id: `p-${d.code}` },
    make("legend", { textContent: paperName(d) + (d.required ? say("required") : "") }),
    ...choices("radio", `p-${d.code}`, [["seen", say("seen")], ["will_bring", say("will_bring")]]),
    make("label", { className: "check" }, camera, ` ${say("photograph")}`), list,
    make("p", { id: `err-f-${d.code}`, className: "error", hidden: true }));
}

// The form for `code` (none: a fault report), its answers kept where questions are shared.
export function show(code, answers, papers) {
  if (!answers) ({ answers, papers } = read());
  shown = services[code] || null;
  $("application").hidden = !shown;
  const resident = $("language").value || language();
  const { questions = [], documents = [] } = shown || {};
  $("questions").replaceChildren(...questions.flatMap((q) => question(q, resident)).filter(Boolean));
  $("papers").replaceChildren(...documents.map(paper));
  $("papers-heading").hidden = !documents.length;
  // Notes optional (the name is the description); an account number needed by some.
  $("description-label").textContent = say(shown ? "notes" : "description");
  $("account-label").textContent = say("account").replace(/ \(.*/, shown?.account_number_required ? say("required") : "$&");
  for (const [code, value] of Object.entries(answers || {})) {
    for (const one of [value].flat()) {
      const control = $(`q-${code}-${one}`) || $(`q-${code}`);
      if (control?.type === "radio" || control?.type === "checkbox") control.checked = true;
      else if (control) control.value = one;
    }
  }
  for (const [code, value] of Object.entries(papers || {})) if ($(`p-${code}-${value}`)) $(`p-${code}-${value}`).checked = true;
  photos.show();
  warn();
}

// The answers and papers as the API takes them (a number typed wrong is NaN: refused).
export function read() {
  const answers = {};
  const papers = {};
  const picked = (name) => [...document.querySelectorAll(`[name="${name}"]:checked`)].map((input) => input.value);
  for (const q of shown?.questions || []) {
    const id = `q-${q.code}`;
    let value = picked(id);
    if (q.datatype === "boolean") value = value.length ? value[0] === "true" : undefined;
    else if (q.datatype !== "multivaluelist") {
      const text = $(id).value.trim();
      value = $(id).validity.badInput ? NaN : !text ? undefined : q.datatype === "number" ? Number(text) : text;
    } else if (!value.length) value = undefined;
    if (value !== undefined) answers[q.code] = value;
  }
  for (const d of shown?.documents || []) {
    const [value] = photos.of(d.code) ? ["seen"] : picked(`p-${d.code}`);
    if (value) papers[d.code] = value;
  }
  return { answers, papers };
}

// What intake's check_answers refuses, by the API's field names, in the app's language.
export function check(request, found) {
  const service = services[request.service];
  if (!service) return;
  if (service.account_number_required && !request.account_number) found.account_number = say("e_required");
  for (const q of service.questions) {
    const value = request.answers[q.code];
    const problem = value === undefined ? q.required && say("e_required") : wrong(q, value);
    if (problem) found[`answers.${q.code}`] = problem;
  }
}

// (A list's answers are its keys: the controls offer no others.)
function wrong(q, value) {
  if (q.datatype === "number") {
    if (!Number.isFinite(value)) return say("e_number");
    if (q.minimum !== null && value < q.minimum) return say("e_min", { n: q.minimum });
    if (q.maximum !== null && value > q.maximum) return say("e_max", { n: q.maximum });
  }
  if (q.datatype === "string") {
    if (value.length > RULES.answer_length) return say("e_too_long", { n: RULES.answer_length });
    if (q.pattern && !fits(q.pattern, value)) return say("e_pattern");
  }
  return null;
}

// The whole text matches (Python's re.fullmatch); a pattern JavaScript cannot read is left to intake.
const fits = (pattern, text) => {
  try { return new RegExp(`^(?:${pattern})$`).test(text); } catch { return true; }
};

// The catalogue's warnings the answers meet: said to the agent, never a refusal.
const holds = (c, answers) => {
  const value = answers[c.question];
  if (c.above === null && c.below === null) return value !== undefined && value === c.equals;
  return typeof value === "number" && (c.above === null || value > c.above) && (c.below === null || value < c.below);
};
const met = (service, answers) => service.warnings.filter((w) => w.when.every((c) => holds(c, answers)));
const declines = (list) => list.map((w) => say("may_decline", { w: words(w.message) })).join(" ");

export function warn() {
  const { answers } = read();
  tell("warnings", shown && declines(met(shown, answers)));
}

// The receipt: the City's warnings once sent (the app's until then), the papers still to bring
// and those photographed.
export function receipt(item) {
  const { service: code, answers = {}, papers = {} } = item.body;
  const service = services[code];
  const warnings = item.warnings || (service ? met(service, answers) : []);
  const missing = (service?.documents || []).filter((d) => papers[d.code] === "will_bring" || (d.required && !papers[d.code]));
  tell("receipt-warnings", declines(warnings));
  const shot = (service?.documents || []).filter((d) => item.photos?.some((p) => p.document === d.code));
  tell("receipt-missing", missing.length && say("to_bring", { p: missing.map(paperName).join("; ") }));
  tell("receipt-shot", shot.length && say("photographed", { p: shot.map(paperName).join("; ") }));
}
