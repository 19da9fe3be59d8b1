// Marks the cited span named by a "#c{start}-{end}" fragment when the server did not
// (links without ?mark=): every text segment carries its start offset in data-s.
"use strict";
(function () {
  function markFragment() {
    var match = /^#c(\d+)-(\d+)$/.exec(window.location.hash);
    var body = document.getElementById("text");
    if (!match || !body || document.getElementById(window.location.hash.slice(1))) {
      return;
    }
    var start = Number(match[1]);
    var end = Number(match[2]);
    var first = null;
    body.querySelectorAll("span[data-s]").forEach(function (span) {
      var s = Number(span.getAttribute("data-s"));
      if (s >= start && s < end) {
        span.classList.add("cited");
        if (first === null) {
          first = span;
        }
      }
    });
    if (first !== null) {
      first.scrollIntoView({ block: "center" });
    }
  }
  document.addEventListener("DOMContentLoaded", markFragment);
  window.addEventListener("hashchange", markFragment);
})();
