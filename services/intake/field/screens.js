// What the agent reads: today's requests, requests nearby, a request's history, what is unsent.
import { $, DEPARTMENTS, explain, refusalText, say, tell } from "./words.js";
import { localDate } from "./api.js";


// 8123456789 as "812 345 6789": the way it is read aloud and written down.
export const grouped = (ref) => `${ref.slice(0, 3)} ${ref.slice(3, 6)} ${ref.slice(6)}`;

// 24-hour time, as South Africa writes it, in every language.
export const clockTime = (when) =>
  new Date(when).toLocaleTimeString("en-ZA", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

// "6 Dec 2026" with the month as the app's language writes it (as the SMS texts do).
function day(when) {
  const date = new Date(when);
  return `${date.getDate()} ${say("months").split(" ")[date.getMonth()]} ${date.getFullYear()}`;
}

export function stateText(item) {
  return item.state === "sent" ? say("sent", { time: clockTime(item.sent_at) }) : say(item.state);
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function button(text, className, label, click) {
  const node = element("button", text, className);
  node.type = "button";
  node.setAttribute("aria-label", label);
  node.addEventListener("click", click);
  return node;
}

// One request; one needing attention has its reason, "Fix" and "Discard".
function line(item, names, actions) {
  const row = element("li");
  row.dataset.state = item.state;
  row.dataset.reference = item.reference;
  const title = element("p", `${grouped(item.reference)} · ${names[item.body.service || item.body.category] || item.body.category}`, "ref");
  // When and where, to find a resident's number again.
  const { community } = item.body.location;
  const what = element("p", `${clockTime(item.created)} · ${community} · ${item.body.description.slice(0, 40)}`, "hint");
  const state = element("p", stateText(item), `state ${item.state}`);
  row.append(title, what, state);
  if (item.photos?.length) row.append(element("p", photosText(item), "hint"), ...photoProblems(item, actions));
  row.dataset.search = `${item.reference} ${title.textContent} ${what.textContent}`.toLowerCase();
  if (item.state === "attention") {
    const ref = grouped(item.reference);
    row.append(element("p", refusalText(item), "error reason"),
      button(say("fix"), "", `${say("fix")} ${ref}`, () => actions.fix(item)),
      button(say("discard"), "danger", `${say("discard")} ${ref}`, () => actions.discard(item)));
  }
  return row;
}

export const photosText = (item) =>
  say("receipt_photos", { n: item.photos.length, sent: item.photos.filter((p) => p.state === "sent").length });

// Each photo the City refused: why, and buttons to try it again or drop it.
export function photoProblems(item, actions) {
  const ref = grouped(item.reference);
  return item.photos.flatMap((photo, i) => {
    if (photo.state !== "attention") return [];
    const why = explain({ code: photo.code, message: photo.reason });
    const name = `${say("photo_n", { n: i + 1 })}, ${ref}`;
    return [element("p", say("photo_failed", { n: i + 1, why }), "error reason"),
      button(say("try_again"), "", `${say("try_again")}: ${name}`, () => actions.retryPhoto(item, photo)),
      button(say("drop_photo"), "danger", `${say("drop_photo")}: ${name}`, () => actions.dropPhoto(item, photo))];
  });
}

// Today's requests, and older ones still unsent.
export function outbox(items, names, actions, draft) {
  const today = localDate();
  const ofToday = items.filter((item) => localDate(new Date(item.created)) === today);
  const earlier = items.filter((item) => localDate(new Date(item.created)) !== today && item.state !== "sent");
  const lines = ofToday.map((item) => line(item, names, actions));
  if (draft?.description) {
    // Being typed: it has no number until it is logged.
    const row = element("li");
    row.dataset.state = "draft";
    row.append(element("p", `${names[draft.service || draft.category] || ""} · ${draft.description.slice(0, 40)}`, "ref"),
      element("p", say("draft"), "state draft"));
    lines.unshift(row);
  }
  $("today-list").replaceChildren(...(lines.length ? lines : [element("li", say("nothing"))]));
  $("earlier-list").replaceChildren(...earlier.map((item) => line(item, names, actions)));
  $("earlier-heading").hidden = earlier.length === 0;
  filter();
}

// Today's list narrowed to part of a number (any grouping) or words.
export function filter(query = $("today-filter").value) {
  const words = query.toLowerCase().replace(/\s+/g, " ").trim();
  // A number, any grouping.
  const digits = /\p{L}/u.test(query) ? "" : query.replace(/\D/g, "");
  let shown = 0;
  for (const row of document.querySelectorAll("li[data-search]")) {
    const found = row.dataset.search.includes(words) || (digits && row.dataset.reference.includes(digits));
    row.hidden = Boolean(words) && !found;
    shown += !row.hidden;
  }
  tell("no-match", words && !shown && say("no_match", { q: query.trim() }));
}

// Requests nearby, each with a button to join the resident to it.
export function nearby(found, join) {
  $("nearby-list").replaceChildren(...found.map((one) => {
    const row = element("li");
    const where = one.distance_m === null ? "" : ` · ${Math.round(one.distance_m)} m`;
    row.append(element("p", `${grouped(one.reference)} · ${say(`s_${one.status}`)}`, "ref"),
      element("p", `${day(one.created_at)} · ${one.community}${where} · ${one.description.slice(0, 60)}`, "hint"),
      button(say("join"), "", `${say("join")}: ${grouped(one.reference)}`, () => join(one)));
    return row;
  }));
}

export function unsentList(items) {
  $("unsent-list").replaceChildren(
    ...items.map((item) => element("li", `${grouped(item.reference)}: ${stateText(item)}${item.photos?.length ? ` · ${photosText(item)}` : ""}`)),
  );
}

// A request's public view: status, department, history.
export function request(found, names) {
  const box = $("lookup-result");
  // "not fixed" is for these.
  $("reopen-form").hidden = found.request?.status !== "resolved";
  if (found.offline) {
    box.replaceChildren(element("p", say("offline"), "warning"));
    return;
  }
  if (found.refused) {
    box.replaceChildren(element("p", found.refused, "error"));
    return;
  }
  const view = found.request;
  const facts = element("dl");
  const add = (term, value) => facts.append(element("dt", term), element("dd", value));
  add(say("reference"), grouped(view.reference));
  add(say("category"), names[view.category] || view.category);
  add(say("status"), say(`s_${view.status}`));
  if (view.department) add(say("department"), DEPARTMENTS[view.department] || view.department);
  const history = element("ol", undefined, "history");
  for (const entry of view.history) {
    const when = `${day(entry.at)}, ${clockTime(entry.at)}`;
    const why = entry.cause ? `, ${say(`c_${entry.cause}`)}${entry.cause_detail ? `: ${entry.cause_detail}` : ""}` : "";
    history.append(element("li", `${when}: ${say(`s_${entry.status}`)}${why}${entry.note ? ` (${entry.note})` : ""}`));
  }
  box.replaceChildren(facts, element("h3", say("history")), history);
}
