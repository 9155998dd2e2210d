// Photos of the fault, and of an application's papers (each naming its paper's code): taken
// with the form, made smaller here, kept with the request in the outbox and sent once the City
// has the request (sender.js), each with its own key.
import * as store from "./outbox.js";
import { $, say, tell } from "./words.js";

// Intake takes at most 5 photos a request (and 10 documents: the papers' photos).
export const MOST = 5;
const LONGEST_SIDE = 2048;
const QUALITY = 0.7;
// The form's photos: { id, blob, document } (document: a paper's code; none, the fault's).
let taken = [];
let urls = [];

// JPEG at most 2048 px on its longest side, the right way up and without the camera's metadata.
async function shrink(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject()), "image/jpeg", QUALITY));
}

// The fault's photos; a paper's: one each, a new one instead of the last.
const faults = () => taken.filter((photo) => !photo.document);
export const of = (paper) => taken.find((photo) => photo.document === paper);

// Photos still being made smaller: Log waits for them (they are this resident's), and a
// photo finished after the form was cleared cannot land on the next resident's.
let making = Promise.resolve();
let cleared = 0;
export const made = () => making;

export function add(input, paper) {
  const files = [...input.files];
  const form = cleared;
  input.value = "";
  making = making.then(() => addFiles(files, paper, form)).catch(() => {});
  return making;
}

async function addFiles(files, paper, form) {
  let unread = false;
  for (const file of files) {
    if (!paper && faults().length >= MOST) break;
    try {
      const blob = await shrink(file);
      if (form !== cleared) return;
      taken = taken.filter((photo) => !paper || photo.document !== paper);
      taken.push({ id: crypto.randomUUID(), blob, document: paper });
    } catch {
      unread = true;
    }
  }
  await keep();
  show(unread && say("photo_unread"), paper);
}

// A closed app loses no photo taken for the request being typed.
const keep = () => store.set("draft_photos", taken);

export async function restore() {
  taken = (await store.get("draft_photos")) || [];
  show();
}

export function clear() {
  cleared += 1;
  taken = [];
  keep();
  show();
}

// The form's photos for the outbox, each sent with its own Idempotency-Key; a paper's only if
// the request has that paper (`papers`, as read: "seen").
export const forRequest = (papers = {}) => taken.filter((photo) => !photo.document || papers[photo.document])
  .map((photo) => ({ ...photo, key: crypto.randomUUID(), state: "queued" }));

// At most MOST of the fault's photos (a refused request's and the fix's together).
export const capped = (list, n = 0) => list.filter((photo) => photo.document || ++n <= MOST);

// A thumbnail named `name`, with a button to take it out.
function thumbnail(photo, name) {
  const url = URL.createObjectURL(photo.blob);
  urls.push(url);
  const row = document.createElement("li");
  const image = Object.assign(document.createElement("img"), { src: url, alt: name });
  const remove = Object.assign(document.createElement("button"), { type: "button", className: "danger", textContent: say("remove") });
  remove.setAttribute("aria-label", `${say("remove")}: ${name}`);
  remove.addEventListener("click", async () => {
    taken = taken.filter((one) => one !== photo);
    await keep();
    show();
  });
  row.append(image, remove);
  return row;
}

// The fault's thumbnails, the count and the camera while there is room; each paper's photo in
// its row (applications.js: a list with the paper's code and name).
export function show(problem, paper) {
  urls.forEach((url) => URL.revokeObjectURL(url));
  urls = [];
  const fault = faults();
  $("photo-list").replaceChildren(...fault.map((photo, i) => thumbnail(photo, say("photo_n", { n: i + 1 }))));
  for (const list of document.querySelectorAll("#papers ul")) {
    const photo = of(list.dataset.code);
    list.replaceChildren(...(photo ? [thumbnail(photo, list.dataset.name)] : []));
  }
  $("photo").disabled = fault.length >= MOST;
  $("photo-count").textContent = say("photos_taken", { n: fault.length, most: MOST });
  tell(paper ? `err-f-${paper}` : "err-photo", problem);
}
