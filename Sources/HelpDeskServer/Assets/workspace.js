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
    // A draft keeps what was typed; files are chosen again when sending.
    const body = new URLSearchParams([...new FormData(form)].filter(([, value]) => typeof value === "string"));
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
  // In the rich text editor, what was typed is read in the text node at the caret.
  const editable = box.isContentEditable;
  const typed = () => {
    let before;
    let node = null;
    if (editable) {
      const selection = getSelection();
      if (!selection.rangeCount || !selection.isCollapsed) return null;
      const range = selection.getRangeAt(0);
      node = range.startContainer;
      if (node.nodeType !== Node.TEXT_NODE || !box.contains(node)) return null;
      before = node.textContent.slice(0, range.startOffset);
    } else {
      before = box.value.slice(0, box.selectionStart);
    }
    const found = pattern.exec(before);
    return found ? { node, end: before.length, start: before.length - found[2].length - 1, text: found[2].toLowerCase() } : null;
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
    if (editable) {
      // Selected, then typed over: the editor's own input event and undo history follow.
      const range = document.createRange();
      range.setStart(current.node, current.start);
      range.setEnd(current.node, current.end);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      document.execCommand("insertText", false, matches[index].insert);
    } else {
      box.setRangeText(matches[index].insert, current.start, box.selectionStart, "end");
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }
    close();
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
  completeAfter(document.getElementById("reply-editor") ?? document.getElementById("reply-text"), "#", snippets, "Snippets");
}

// The reply editor in rich text (R3): bold, italic, lists and links, on a region written in place
// of the textarea. The textarea keeps the plain text and a hidden input the HTML, so that sending
// and the draft both carry the two; without this script the textarea is the editor, as before.
// document.execCommand is deprecated but implemented by every browser, and it keeps the
// browser's own undo history, which changes made to the DOM by hand would lose.
function writeRichReplies() {
  const textarea = document.getElementById("reply-text");
  const label = document.getElementById("reply-label");
  if (!textarea || !label) return;
  const form = textarea.form;
  const html = document.createElement("input");
  html.type = "hidden";
  html.name = "html";
  const editor = document.createElement("div");
  editor.id = "reply-editor";
  editor.className = "editor";
  editor.contentEditable = "true";
  editor.setAttribute("role", "textbox");
  editor.setAttribute("aria-multiline", "true");
  editor.setAttribute("aria-labelledby", label.id);
  const problem = document.createElement("p");
  problem.id = "reply-problem";
  problem.className = "notice notice-error";
  problem.setAttribute("role", "alert");
  problem.hidden = true;
  const toolbar = document.createElement("div");
  toolbar.className = "format-bar";
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", "Formatting");
  toolbar.setAttribute("aria-controls", editor.id);
  const buttons = [
    ["bold", "Bold", "Control+B"], ["italic", "Italic", "Control+I"], ["insertUnorderedList", "Bulleted list"],
    ["insertOrderedList", "Numbered list"], ["createLink", "Link", "Control+K"],
  ].map(([command, name, keys], index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "format-" + command;
    button.dataset.command = command;
    button.textContent = name;
    button.tabIndex = index === 0 ? 0 : -1;
    if (keys) {
      button.setAttribute("aria-keyshortcuts", keys);
      button.title = name + " (" + keys.replace("Control", "Ctrl") + ")";
    }
    if (command !== "createLink") button.setAttribute("aria-pressed", "false");
    return button;
  });
  toolbar.append(...buttons);
  textarea.hidden = true;
  // The script checks the message itself: a hidden field cannot show why it is refused.
  textarea.required = false;
  textarea.after(toolbar, editor, problem, html);
  if (textarea.dataset.html) editor.innerHTML = textarea.dataset.html;
  else editor.innerText = textarea.value;

  const write = () => {
    const empty = !editor.innerText.trim();
    // Spaces the browser keeps as non-breaking while typing are plain spaces in the text.
    textarea.value = empty ? "" : editor.innerText.replace(/\u00a0/g, " ");
    // A reply without formatting stays plain text: no HTML part for the customer, no frame in the thread.
    html.value = !empty && editor.querySelector("b, strong, i, em, ul, ol, a") ? editor.innerHTML : "";
  };
  const say = (text) => {
    problem.textContent = text;
    problem.hidden = !text;
    if (text) editor.setAttribute("aria-describedby", problem.id);
    else editor.removeAttribute("aria-describedby");
    editor.setAttribute("aria-invalid", String(Boolean(text)));
  };
  const showState = () => {
    for (const button of buttons) {
      if (button.hasAttribute("aria-pressed")) button.setAttribute("aria-pressed", String(document.queryCommandState(button.dataset.command)));
    }
  };
  // Where the agent was in the message, for a button pressed from the keyboard to act on.
  let kept = null;
  document.addEventListener("selectionchange", () => {
    const selection = getSelection();
    if (!selection.rangeCount || !editor.contains(selection.anchorNode)) return;
    kept = selection.getRangeAt(0).cloneRange();
    showState();
  });
  const restore = () => {
    editor.focus();
    if (!kept) return;
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(kept);
  };
  const link = () => {
    const address = (prompt("Link to (an https://, http:// or mailto: address)") ?? "").trim();
    restore();
    if (!address) return;
    if (!/^(https?:\/\/|mailto:)\S+$/i.test(address)) {
      say("Only web (http, https) and email (mailto) links are accepted.");
      return;
    }
    if (getSelection().isCollapsed) {
      const anchor = document.createElement("a");
      anchor.href = address;
      anchor.textContent = address;
      document.execCommand("insertHTML", false, anchor.outerHTML);
    } else {
      document.execCommand("createLink", false, address);
    }
  };
  const format = (command) => {
    restore();
    if (command === "createLink") link();
    else document.execCommand(command);
    showState();
  };

  // Buttons keep the focus in the message when clicked; in the toolbar, arrows move between them.
  toolbar.addEventListener("mousedown", (event) => { if (event.target.closest("button")) event.preventDefault(); });
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (button) format(button.dataset.command);
  });
  toolbar.addEventListener("keydown", (event) => {
    const at = buttons.indexOf(event.target);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (at < 0 || to === undefined) return;
    const next = buttons[(to + buttons.length) % buttons.length];
    for (const button of buttons) button.tabIndex = button === next ? 0 : -1;
    next.focus();
    event.preventDefault();
  });
  editor.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    const command = { b: "bold", i: "italic", k: "createLink" }[event.key.toLowerCase()];
    if (!command) return;
    event.preventDefault();
    format(command);
  });
  // Only plain text comes in from elsewhere: no foreign markup, styles or images in a reply.
  editor.addEventListener("paste", (event) => {
    event.preventDefault();
    document.execCommand("insertText", false, event.clipboardData.getData("text/plain"));
  });
  editor.addEventListener("drop", (event) => {
    event.preventDefault();
    const point = document.caretRangeFromPoint?.(event.clientX, event.clientY);
    if (point) {
      getSelection().removeAllRanges();
      getSelection().addRange(point);
    }
    document.execCommand("insertText", false, event.dataTransfer.getData("text/plain"));
  });
  editor.addEventListener("input", () => {
    write();
    if (!problem.hidden) say("");
  });
  label.addEventListener("click", () => editor.focus());
  form.addEventListener("submit", (event) => {
    if (event.submitter?.formNoValidate || textarea.value.trim()) return;
    // Refused as the browser refuses an empty required field: nothing else sees this submit,
    // so the draft keeps what is still to be saved.
    event.preventDefault();
    event.stopImmediatePropagation();
    say("Write the message before sending it.");
    editor.focus();
  });
  write();
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
  // Typing anywhere in the reply, the rich text editor included, is replying.
  document.getElementById("reply")?.addEventListener("input", () => {
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
  // A list's order applies once chosen; without the script, its button does it.
  if (event.target.matches("select[data-submit-on-change]")) event.target.form.requestSubmit();
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
      const box = event.key === "r" ? document.getElementById("reply-editor") ?? document.getElementById("reply-text")
        : document.getElementById("comment-text");
      if (!box) return;
      box.focus();
    } else {
      return;
    }
    event.preventDefault();
  });
}

// Files beyond what a message may carry (R3) are refused before they are sent, as the browser
// refuses a field that is not valid: the server checks them again.
function checkAttachedFiles() {
  for (const input of document.querySelectorAll("input[type=file][data-max-total]")) {
    input.addEventListener("change", () => {
      const maxFile = Number(input.dataset.maxFile), maxTotal = Number(input.dataset.maxTotal);
      const files = [...input.files];
      const large = files.find((file) => file.size > maxFile);
      const total = files.reduce((sum, file) => sum + file.size, 0);
      const megabytes = (bytes) => Math.ceil(bytes / 1048576);
      input.setCustomValidity(large ? `"${large.name}" is larger than ${megabytes(maxFile)} MB, the most one file may hold.`
        : total > maxTotal ? `These files hold ${megabytes(total)} MB together; a message carries at most ${megabytes(maxTotal)} MB.` : "");
      input.reportValidity();
    });
  }
}

// "Add an option" copies the last option row of its list, empty and numbered next, so that a
// property's choices can grow beyond the blank rows the page brings.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".add-option");
  if (!button) return;
  const rows = button.closest(".options").querySelectorAll(".option");
  const last = rows[rows.length - 1];
  if (!last) return;
  const index = Math.max(...[...rows].map((row) => Number(row.querySelector("input").name.split(".")[1]))) + 1;
  const row = last.cloneNode(true);
  row.querySelectorAll("input").forEach((input) => {
    input.name = input.name.replace(/^option\.\d+\./, `option.${index}.`);
    if (input.id) input.id = input.id.replace(/-option-\d+-/, `-option-${index}-`);
    if (input.type === "checkbox") input.checked = false; else input.value = "";
  });
  row.querySelectorAll("label[for]").forEach((label) => { label.htmlFor = label.htmlFor.replace(/-option-\d+-/, `-option-${index}-`); });
  last.after(row);
  row.querySelector("input").focus();
});

// A new property's options matter only for a choice (select, radio, checkboxes): the list shows
// for those kinds alone.
function showOptionsForChoices() {
  const kind = document.getElementById("new-property-kind");
  const options = document.querySelector("#new-property .options");
  if (!kind || !options) return;
  const show = () => { options.hidden = !kind.value.startsWith("enumeration:"); };
  kind.addEventListener("change", show);
  show();
}

// A template picked under the reply editor (R3) is put where the caret is, as typed text, so that
// the editor's undo, the draft and the reply's rich text all follow.
function startFromTemplates() {
  const picker = document.getElementById("reply-template");
  if (!picker) return;
  picker.addEventListener("change", () => {
    const body = document.querySelector(`#templates li[data-id="${CSS.escape(picker.value)}"]`)?.textContent;
    picker.value = "";
    if (body === undefined) return;
    const editor = document.getElementById("reply-editor");
    if (editor && !editor.hidden) {
      editor.focus();
      document.execCommand("insertText", false, body);
    } else {
      const box = document.getElementById("reply-text");
      box.focus();
      box.setRangeText(body, box.selectionStart, box.selectionEnd, "end");
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
}

// An action's form shows the fields of the kind chosen; without the script, all show and the
// server reads the chosen kind's alone.
function showActionFields() {
  for (const form of document.querySelectorAll("form.add-action")) {
    const kind = form.querySelector("select.action-kind");
    const show = () => {
      for (const set of form.querySelectorAll("fieldset[data-kind]")) set.hidden = set.dataset.kind !== kind.value;
    };
    kind.addEventListener("change", show);
    show();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.documentElement.classList.add("scripted");
  showLocalTimes(document);
  followLive();
  // Before keepDraft: the editor's check of an empty message comes before the draft's submit.
  writeRichReplies();
  keepDraft();
  checkAttachedFiles();
  completeMentionsAndSnippets();
  startFromTemplates();
  followShortcuts();
  showBulkWhenPicked();
  sharePresence();
  showOptionsForChoices();
  showActionFields();
});
