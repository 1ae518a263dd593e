// The workspace's own script. Pages work without it; it only adds conveniences.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Times are written in UTC by the server; show them in the reader's own time zone.
  for (const time of document.querySelectorAll("time[datetime]")) {
    const date = new Date(time.getAttribute("datetime"));
    if (!Number.isNaN(date.getTime())) time.textContent = date.toLocaleString();
  }
});
