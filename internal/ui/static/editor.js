// Helpcenter article editor: live preview rendered by the server (exactly what readers
// get), the address made from the title, the section's audiences for a new article,
// Ctrl+S to save, and a warning before leaving unsaved text. The editor works without
// this file: the preview then refreshes with its button and the server makes the address.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form) { return; }
  document.documentElement.classList.add("js");

  var title = document.getElementById("f-title");
  var slug = document.getElementById("f-slug");
  var body = document.getElementById("f-body");
  var preview = document.getElementById("preview");
  var section = document.getElementById("f-section");
  var isNew = form.getAttribute("data-new") === "true";

  // The same transliteration as the server's content.Slugify: Polish letters first (ł has
  // no decomposition), other accents dropped, words joined by hyphens, at most 80
  // characters cut at a word boundary.
  var polish = { "ą": "a", "ć": "c", "ę": "e", "ł": "l", "ń": "n", "ó": "o", "ś": "s", "ź": "z", "ż": "z" };
  function slugify(text) {
    var s = text.toLowerCase().replace(/[ąćęłńóśźż]/g, function (ch) { return polish[ch]; });
    s = s.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    s = s.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    if (s.length > 80) {
      s = s.slice(0, 80);
      var cut = s.lastIndexOf("-");
      if (cut > 40) { s = s.slice(0, cut); }
      s = s.replace(/-+$/, "");
    }
    return s;
  }

  // A new article's address follows its title until the user types an address of
  // their own; clearing the field hands it back to the title.
  if (slug && title && slug.getAttribute("data-auto") === "true") {
    var followTitle = slug.value === "" || slug.value === slugify(title.value);
    title.addEventListener("input", function () {
      if (followTitle) { slug.value = slugify(title.value); }
    });
    slug.addEventListener("input", function () {
      followTitle = slug.value === "";
    });
  }

  // Live preview: the server renders the body with the readers' renderer and sanitizer,
  // so the pane shows exactly what readers will get. Only the newest answer is shown.
  var previewURL = form.getAttribute("data-preview-url");
  var timer = null;
  var inflight = null;
  function refreshPreview() {
    if (!preview || !previewURL || !window.fetch) { return; }
    if (inflight) { inflight.abort(); }
    inflight = window.AbortController ? new AbortController() : null;
    var data = new URLSearchParams();
    data.set("csrf_token", form.elements["csrf_token"].value);
    data.set("title", title ? title.value : "");
    data.set("body_md", body ? body.value : "");
    preview.setAttribute("aria-busy", "true");
    fetch(previewURL, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": form.elements["csrf_token"].value },
      signal: inflight ? inflight.signal : undefined
    }).then(function (resp) {
      if (!resp.ok) { throw new Error("preview " + resp.status); }
      return resp.text();
    }).then(function (html) {
      // The fragment comes from our own server, rendered and sanitized there.
      preview.innerHTML = html;
      preview.setAttribute("aria-busy", "false");
    }).catch(function (err) {
      if (err && err.name === "AbortError") { return; }
      preview.setAttribute("aria-busy", "false");
    });
  }
  function schedulePreview() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refreshPreview, 300);
  }
  if (title) { title.addEventListener("input", schedulePreview); }
  if (body) { body.addEventListener("input", schedulePreview); }

  // A new article takes its section's audiences until the user ticks audiences
  // themselves.
  var audiencesTouched = false;
  var boxes = form.querySelectorAll("input[name=audiences]");
  Array.prototype.forEach.call(boxes, function (box) {
    box.addEventListener("change", function () { audiencesTouched = true; });
  });
  if (section && isNew) {
    section.addEventListener("change", function () {
      if (audiencesTouched) { return; }
      var opt = section.options[section.selectedIndex];
      var wanted = (opt && opt.getAttribute("data-audiences") || "").split(" ");
      Array.prototype.forEach.call(boxes, function (box) {
        box.checked = wanted.indexOf(box.value) >= 0;
      });
    });
  }

  // Ctrl+S (Cmd+S) saves the draft, as in any editor.
  var save = document.getElementById("btn-save");
  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === "s" || e.key === "S") && save) {
      e.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(save); } else { save.click(); }
    }
  });

  // Warn before leaving with unsaved text; submitting the form is not leaving.
  var dirty = false;
  var submitting = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (e) {
    if (dirty && !submitting) {
      e.preventDefault();
      e.returnValue = form.getAttribute("data-unsaved") || "";
      return e.returnValue;
    }
  });
  // A page shown again from the back/forward cache starts clean.
  window.addEventListener("pageshow", function () { submitting = false; });
})();
