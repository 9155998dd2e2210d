// What the app says, in the agent's chosen language (English for now; Afrikaans and isiXhosa
// follow with the translators' review).
export const WORDS = {
  title: "Mobile Office", unsent: "Unsent", new: "New request", outbox: "Outbox",
  send_all: "Send all", pair_title: "Pair this device", pair_code: "Pairing code from the office",
  pair: "Pair", category: "Category", description: "What is wrong", area: "Area",
  community: "Community", language: "Resident's language",
  notice_given: "I told the resident what their number is for (privacy notice)",
  phone: "Resident's cellphone for SMS updates", log: "Log the request",
  receipt_title: "Give the resident this number", next: "Next resident",
  no_numbers: "No reference numbers left on this device: connect to the network to get more.",
  pair_again: "This device's pairing has expired: pair it again. Nothing queued is lost.",
  queued: "queued", sending: "sending", sent: "sent", attention: "needs attention",
};
