// Photos of the fault: taken with the form, made smaller here, kept with the request in the
// outbox and sent once the City has the request (sender.js), each with its own key.
import * as store from "./outbox.js";
import { $, say, tell } from "./words.js";

export const MOST = 5; // intake takes at most 5 photos a request
const LONGEST_SIDE = 2048;
const QUALITY = 0.7;
let taken = []; // the form's photos: { id, blob }
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

export async function add(files) {
  let unread = false;
  for (const file of files) {
    if (taken.length >= MOST) break;
    try {
      taken.push({ id: crypto.randomUUID(), blob: await shrink(file) });
    } catch {
      unread = true;
    }
  }
  $("photo").value = "";
  await keep();
  show(unread && say("photo_unread"));
}

// A closed app loses no photo taken for the request being typed.
const keep = () => store.set("draft_photos", taken);

export async function restore() {
  taken = (await store.get("draft_photos")) || [];
  show();
}

export function clear() {
  taken = [];
  keep();
  show();
}

// The form's photos for the outbox: each sent with its own Idempotency-Key.
export const forRequest = () => taken.map(({ id, blob }) => ({ id, blob, key: crypto.randomUUID(), state: "queued" }));

// Thumbnails, each with a button to take it out; the count; the camera while there is room.
export function show(problem) {
  urls.forEach((url) => URL.revokeObjectURL(url));
  urls = taken.map((photo) => URL.createObjectURL(photo.blob));
  $("photo-list").replaceChildren(...taken.map((photo, i) => {
    const row = document.createElement("li");
    const image = Object.assign(document.createElement("img"), { src: urls[i], alt: say("photo_n", { n: i + 1 }) });
    const remove = Object.assign(document.createElement("button"), { type: "button", className: "danger", textContent: say("remove") });
    remove.setAttribute("aria-label", `${say("remove")}: ${say("photo_n", { n: i + 1 })}`);
    remove.addEventListener("click", async () => {
      taken = taken.filter((one) => one !== photo);
      await keep();
      show();
    });
    row.append(image, remove);
    return row;
  }));
  $("photo").disabled = taken.length >= MOST;
  $("photo-count").textContent = say("photos_taken", { n: taken.length, most: MOST });
  tell("err-photo", problem);
}

// Photos of `item` not yet with the City.
export const unsent = (item) => (item.photos || []).filter((photo) => photo.state !== "sent").length;
