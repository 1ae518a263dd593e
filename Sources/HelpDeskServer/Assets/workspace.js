// The workspace's own script. Pages work without it; it adds live updates and local times.
"use strict";

function showLocalTimes(root) {
  // Times are written in UTC by the server; show them in the reader's own time zone.
  for (const time of root.querySelectorAll("time[datetime]")) {
    const date = new Date(time.getAttribute("datetime"));
    if (!Number.isNaN(date.getTime())) time.textContent = date.toLocaleString();
  }
}

// Fetches the page again and swaps in its live regions (marked data-live), leaving everything
// else, such as a reply being written, as it is.
let refreshing = null;
let again = false;
async function refresh() {
  if (refreshing) { again = true; return; }
  refreshing = (async () => {
    try {
      const response = await fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } });
      if (response.redirected && new URL(response.url).pathname === "/sign-in") { location.assign("/sign-in"); return; }
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      // What the agent chose in a list stays chosen when the list is made again.
      const picked = new Set([...document.querySelectorAll("input[name=ticket]:checked")].map((box) => box.value));
      const current = document.querySelector("tr.current")?.dataset.ticket;
      for (const region of document.querySelectorAll("[data-live][id]")) {
        const replacement = fresh.getElementById(region.id);
        if (replacement) {
          region.replaceWith(replacement);
          showLocalTimes(replacement);
        }
      }
      for (const box of document.querySelectorAll("input[name=ticket]")) box.checked = picked.has(box.value);
      if (current) document.querySelector(`tr[data-ticket="${CSS.escape(current)}"]`)?.classList.add("current");
      showBulkWhenPicked();
      document.body.dataset.updated = String(Date.now());
    } finally {
      refreshing = null;
      if (again) { again = false; refresh(); }
    }
  })();
}

function followLive() {
  const start = document.body.dataset.feed;
  if (start === undefined || !window.EventSource) return;
  const events = new EventSource("/events?after=" + encodeURIComponent(start));
  let timer = null;
  const soon = () => { clearTimeout(timer); timer = setTimeout(refresh, 150); };
  events.addEventListener("change", soon);
  events.addEventListener("reload", soon);
}

// Keeps the reply being written as the author's draft (R4): saved a moment after typing stops,
// and when the page is left, so that it is found again after a reload or on another device.
function keepDraft() {
  const form = document.querySelector("form[data-draft]");
  if (!form) return;
  const state = document.getElementById("draft-state");
  let timer = null;
  let dirty = false;
  const save = async (leaving) => {
    clearTimeout(timer);
    if (!dirty) return;
    dirty = false;
    const body = new URLSearchParams(new FormData(form));
    try {
      const response = await fetch(form.dataset.draft, { method: "POST", body, credentials: "same-origin", keepalive: leaving === true });
      if (leaving === true) return;
      if (response.ok) {
        state.textContent = "Draft saved " + new Date().toLocaleTimeString();
      } else {
        state.textContent = "Draft not saved: " + await response.text();
      }
    } catch (error) {
      if (leaving === true) return;
      dirty = true;
      state.textContent = "Draft not saved: the help desk cannot be reached; trying again.";
      timer = setTimeout(save, 5000);
    }
  };
  form.addEventListener("input", () => {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  });
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    dirty = false;
  });
  addEventListener("pagehide", () => save(true));
}

// Completes what follows a trigger character in a text box: arrows move, Enter or Tab inserts,
// Escape closes the list. `entries` are { label, words (lowercased, matched by prefix), insert }.
function completeAfter(box, trigger, entries, listLabel) {
  if (!box || !entries.length) return;
  const list = document.createElement("ul");
  list.id = box.id + "-complete-" + (trigger === "@" ? "mentions" : "snippets");
  list.className = "mentions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", listLabel);
  list.hidden = true;
  box.insertAdjacentElement("afterend", list);
  box.setAttribute("aria-autocomplete", "list");
  const pattern = new RegExp("(^|[^\\p{L}\\p{N}._+-])" + trigger + "([\\p{L}\\p{N}._+-]*)$", "u");
  let matches = [];
  let active = 0;
  const typed = () => {
    const before = box.value.slice(0, box.selectionStart);
    const found = pattern.exec(before);
    return found ? { start: before.length - found[2].length - 1, text: found[2].toLowerCase() } : null;
  };
  const close = () => {
    if (list.hidden) return;
    list.hidden = true;
    box.removeAttribute("aria-controls");
    box.removeAttribute("aria-activedescendant");
  };
  const choose = (index) => {
    const current = typed();
    if (!current || !matches[index]) return close();
    box.setRangeText(matches[index].insert, current.start, box.selectionStart, "end");
    close();
    box.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const show = () => {
    const current = typed();
    if (!current) return close();
    matches = entries.filter((entry) => entry.words.some((word) => word.startsWith(current.text))).slice(0, 8);
    if (!matches.length) return close();
    active = Math.min(active, matches.length - 1);
    list.replaceChildren(...matches.map((entry, index) => {
      const item = document.createElement("li");
      item.id = list.id + "-" + index;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", String(index === active));
      item.textContent = entry.label;
      item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(index); });
      return item;
    }));
    list.hidden = false;
    box.setAttribute("aria-controls", list.id);
    box.setAttribute("aria-activedescendant", list.id + "-" + active);
  };
  box.addEventListener("input", () => { active = 0; show(); });
  box.addEventListener("blur", close);
  box.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      active = (active + (event.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
      show();
    } else if (event.key === "Enter" || event.key === "Tab") {
      choose(active);
    } else if (event.key === "Escape") {
      close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  });
}

// @mentions of the teammates who may see the ticket in the comment box (R6), and snippets with
// # in the reply and the comment (R3).
function completeMentionsAndSnippets() {
  const teammates = [...document.querySelectorAll("#teammates li")].map((item) => ({
    label: item.textContent + " (@" + item.dataset.handle + ")",
    words: [item.dataset.handle, ...item.textContent.toLowerCase().split(/\s+/)],
    insert: "@" + item.dataset.handle + " ",
  }));
  const snippets = [...document.querySelectorAll("#snippets li")].map((item) => ({
    label: "#" + item.dataset.name + ": " + item.textContent.slice(0, 60).replace(/\s+/g, " "),
    words: [item.dataset.name.toLowerCase()],
    insert: item.textContent,
  }));
  completeAfter(document.getElementById("comment-text"), "@", teammates, "Teammates");
  completeAfter(document.getElementById("comment-text"), "#", snippets, "Snippets");
  completeAfter(document.getElementById("reply-text"), "#", snippets, "Snippets");
}

// Collision: tells the help desk every few seconds that this ticket is open here, and whether a
// reply is being written; shows who else is on it, on any server.
function sharePresence() {
  const line = document.getElementById("presence");
  const csrf = document.querySelector("input[name=csrf]")?.value;
  if (!line || !csrf) return;
  let replying = false;
  const beat = async (leaving) => {
    const body = new URLSearchParams({ csrf, replying: replying ? "1" : "0", leaving: leaving === true ? "1" : "0" });
    try {
      const response = await fetch(line.dataset.beat, { method: "POST", body, credentials: "same-origin", keepalive: leaving === true });
      if (leaving !== true && response.ok) line.textContent = await response.text();
    } catch (error) {
      // Offline for a moment: the next beat says it again.
    }
  };
  document.getElementById("reply-text")?.addEventListener("input", () => {
    if (replying) return;
    replying = true;
    beat();
  });
  beat();
  setInterval(beat, 15000);
  addEventListener("pagehide", () => beat(true));
}

// The bulk changes show once a ticket is selected; until then, a line says how.
function showBulkWhenPicked() {
  const bulk = document.getElementById("bulk");
  if (bulk) bulk.classList.toggle("idle", !document.querySelector("input[name=ticket]:checked"));
}
document.addEventListener("change", (event) => {
  if (event.target.matches("input[name=ticket]")) showBulkWhenPicked();
});

// Single-key shortcuts (j, k, x, r, c, /, ?), never while typing; the list of them says how to turn
// them off, for whoever's assistive technology uses these keys.
function followShortcuts() {
  const dialog = document.getElementById("shortcuts");
  const toggle = document.getElementById("shortcuts-on");
  if (!dialog || !toggle) return;
  const enabled = () => localStorage.getItem("shortcuts") !== "off";
  toggle.checked = enabled();
  toggle.addEventListener("change", () => localStorage.setItem("shortcuts", toggle.checked ? "on" : "off"));
  const move = (step) => {
    const rows = [...document.querySelectorAll(".tickets tbody tr")];
    if (!rows.length) return;
    const at = rows.findIndex((row) => row.classList.contains("current"));
    const next = rows[Math.max(0, Math.min(rows.length - 1, at < 0 ? 0 : at + step))];
    rows.forEach((row) => row.classList.remove("current"));
    next.classList.add("current");
    next.querySelector("a")?.focus();
  };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || dialog.open) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "?") {
      dialog.showModal();
    } else if (!enabled()) {
      return;
    } else if (event.key === "j" || event.key === "k") {
      move(event.key === "j" ? 1 : -1);
    } else if (event.key === "x") {
      const box = document.querySelector("tr.current input[name=ticket]");
      if (!box) return;
      box.checked = !box.checked;
      showBulkWhenPicked();
    } else if (event.key === "/") {
      document.getElementById("search-q")?.focus();
    } else if (event.key === "r" || event.key === "c") {
      const box = document.getElementById(event.key === "r" ? "reply-text" : "comment-text");
      if (!box) return;
      box.focus();
    } else {
      return;
    }
    event.preventDefault();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  showLocalTimes(document);
  followLive();
  keepDraft();
  completeMentionsAndSnippets();
  followShortcuts();
  showBulkWhenPicked();
  sharePresence();
});
