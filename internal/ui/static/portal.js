// Helpcenter portal: live article suggestions in the request form. The form works
// without this file; with it, articles that may answer the question appear as the
// customer types the subject (GET /api/v1/suggest, visible articles only). An article
// opened from here carries ?sq=<subject>, which counts it for the deflection figures.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]") ||
    document.querySelector('form[action="/requests/new"] input[name="subject"]');
  if (!input || !window.fetch) { return; }

  var text = {
    pl: { title: "Te artykuły mogą odpowiedzieć na Twoje pytanie:", hint: "Otwórz artykuł — jeśli nie pomoże, wróć i wyślij zlecenie." },
    en: { title: "These articles may answer your question:", hint: "Open an article; if it does not help, come back and send the request." }
  }[document.documentElement.lang === "en" ? "en" : "pl"];

  // The form may hold the place for the suggestions (#request-suggestions); otherwise
  // they go right after the subject's field.
  var box = document.getElementById("request-suggestions");
  if (!box) {
    box = document.createElement("div");
    box.id = "request-suggestions";
    var field = input.closest(".field") || input.parentNode;
    field.parentNode.insertBefore(box, field.nextSibling);
  }
  box.classList.add("suggestions");
  box.setAttribute("aria-live", "polite");
  box.hidden = true;

  // decode turns the server's HTML-escaped text back into plain text, safely: a
  // textarea's content is never parsed as markup.
  var decoder = document.createElement("textarea");
  function decode(s) { decoder.innerHTML = s; return decoder.value; }

  // snippetNode rebuilds a snippet's <mark> highlights without inserting any HTML.
  function snippetNode(snippet) {
    var p = document.createElement("p");
    p.className = "snippet";
    var marked = false;
    snippet.split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>") { marked = true; return; }
      if (part === "</mark>") { marked = false; return; }
      if (!part) { return; }
      var t = document.createTextNode(decode(part));
      if (marked) { var m = document.createElement("mark"); m.appendChild(t); p.appendChild(m); } else { p.appendChild(t); }
    });
    return p;
  }

  function render(query, items) {
    box.textContent = "";
    if (!items.length) { box.hidden = true; return; }
    var h = document.createElement("h2");
    h.textContent = text.title;
    box.appendChild(h);
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url + "?sq=" + encodeURIComponent(query);
      a.textContent = item.title;
      li.appendChild(a);
      if (item.snippet) { li.appendChild(snippetNode(item.snippet)); }
      list.appendChild(li);
    });
    box.appendChild(list);
    var hint = document.createElement("p");
    hint.className = "muted";
    hint.textContent = text.hint;
    box.appendChild(hint);
    box.hidden = false;
  }

  var timer = null, last = null, pending = null;
  function lookup() {
    var q = input.value.replace(/\s+/g, " ").trim();
    if (q === last) { return; }
    last = q;
    if (pending) { pending.abort(); pending = null; }
    if (q.length < 3) { render(q, []); return; }
    pending = window.AbortController ? new AbortController() : null;
    fetch("/api/v1/suggest?limit=5&q=" + encodeURIComponent(q), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: pending ? pending.signal : undefined
    }).then(function (r) {
      return r.ok ? r.json() : { data: [] };
    }).then(function (body) {
      if (q === last) { render(q, body.data || []); }
    }).catch(function () { /* offline or aborted: the form still works */ });
  }

  input.setAttribute("aria-controls", box.id);
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 250);
  });
  // A subject carried over from the search page gets its suggestions at once.
  if (input.value) { lookup(); }
})();
