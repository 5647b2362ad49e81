// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Live preview: refresh the picture as the supporter types, at most every 350 ms.
  var form = document.querySelector("form[data-preview]");
  var preview = document.getElementById("preview");
  if (form && preview) {
    var timer = null;
    var refresh = function () {
      var params = new URLSearchParams();
      form.querySelectorAll("[name=text]").forEach(function (field) {
        params.append("text", field.value);
      });
      ["color", "outline", "font"].forEach(function (name) {
        var field = form.elements[name];
        if (field && field.value) params.set(name, field.value);
      });
      preview.src = "/preview/" + encodeURIComponent(form.dataset.preview) + ".jpg?" + params.toString();
    };
    // A preview that cannot be drawn says why (in the page's language) under the picture.
    var problem = document.getElementById("preview-problem");
    preview.addEventListener("load", function () { if (problem) problem.hidden = true; });
    preview.addEventListener("error", function () {
      if (!problem) return;
      fetch(preview.src).then(function (r) { return r.json(); }).then(function (body) {
        problem.textContent = body.error.message;
        problem.hidden = false;
      }).catch(function () {});
    });
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 350);
    });
    form.addEventListener("change", refresh);
  }

  // Copy the share link.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var link = button.dataset.copy;
      var done = function () { button.textContent = button.dataset.copied || "Copied"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(link).then(done, function () {
          var field = document.getElementById("link");
          if (field) { field.select(); document.execCommand("copy"); done(); }
        });
      } else {
        var field = document.getElementById("link");
        if (field) { field.select(); document.execCommand("copy"); done(); }
      }
    });
  });
})();

// Staff: draw a text box by dragging on the photo; the chosen row's numbers follow.
(function () {
  "use strict";
  var placer = document.querySelector("[data-placer]");
  var photo = document.getElementById("placer-photo");
  if (!placer || !photo) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-box]"));
  var field = function (row, name) { return row.querySelector("input[name=" + name + "]"); };
  var chosen = function () {
    var radio = document.querySelector("input[name=placing]:checked");
    return radio ? document.querySelector("tr[data-box='" + radio.value + "']") : null;
  };
  var boxes = rows.map(function () {
    var div = document.createElement("div");
    div.className = "box";
    div.hidden = true;
    placer.appendChild(div);
    return div;
  });
  var show = function () {
    rows.forEach(function (row, i) {
      var v = ["x", "y", "width", "height"].map(function (n) { return parseFloat(field(row, n).value); });
      var div = boxes[i];
      div.hidden = v.some(isNaN);
      if (div.hidden) return;
      div.style.left = photo.offsetLeft + v[0] * photo.clientWidth + "px";
      div.style.top = photo.offsetTop + v[1] * photo.clientHeight + "px";
      div.style.width = v[2] * photo.clientWidth + "px";
      div.style.height = v[3] * photo.clientHeight + "px";
    });
  };
  var at = function (e) {
    var r = photo.getBoundingClientRect();
    var clamp = function (v) { return Math.min(1, Math.max(0, v)); };
    return { x: clamp((e.clientX - r.left) / r.width), y: clamp((e.clientY - r.top) / r.height) };
  };
  var start = null;
  photo.addEventListener("pointerdown", function (e) {
    e.preventDefault();
    start = at(e);
    photo.setPointerCapture(e.pointerId);
  });
  photo.addEventListener("pointermove", function (e) {
    var row = chosen();
    if (!start || !row) return;
    var end = at(e);
    var set = function (name, v) { field(row, name).value = v.toFixed(3); };
    set("x", Math.min(start.x, end.x));
    set("y", Math.min(start.y, end.y));
    set("width", Math.abs(end.x - start.x));
    set("height", Math.abs(end.y - start.y));
    show();
  });
  photo.addEventListener("pointerup", function () { start = null; });
  rows.forEach(function (row) { row.addEventListener("input", show); });
  window.addEventListener("resize", show);
  if (photo.complete) show(); else photo.addEventListener("load", show);
})();
