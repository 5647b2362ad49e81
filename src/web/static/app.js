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
      var done = function () {
        button.textContent = button.dataset.copied || "Copied";
        // Counted, as a number only: nothing about who copied it is sent.
        if (button.dataset.count && navigator.sendBeacon) navigator.sendBeacon(button.dataset.count);
      };
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

// A frame's form: the supporter's photo under the frame, moved by dragging (a finger or a
// mouse, or the arrow keys) and zoomed by pinching, the wheel or the slider. What the
// frame shows is sent as `crop`, fractions of the photo as the browser shows it (upright
// by its EXIF orientation, as the server reads it). Without this, the middle is used.
(function () {
  "use strict";
  var stage = document.getElementById("frame-stage");
  var form = document.getElementById("frame-form");
  if (!stage || !form) return;
  var canvas = document.getElementById("frame-canvas");
  var input = document.getElementById("frame-photo");
  var zoomField = document.getElementById("frame-zoom");
  var zoomLabel = document.getElementById("frame-zoom-label");
  var cropField = document.getElementById("frame-crop");
  var problem = document.getElementById("frame-problem");
  var aspect = Number(stage.dataset.width) / Number(stage.dataset.height);
  var context = canvas.getContext("2d");
  var photo = null;
  var zoom = 1;
  var cx = 0.5, cy = 0.5; // the centre of what the frame shows, in fractions of the photo

  // The rectangle the frame shows, in the photo's pixels, kept inside the photo.
  var rect = function () {
    var w = photo.naturalWidth, h = photo.naturalHeight;
    var cw = w / h > aspect ? h * aspect : w;
    var ch = cw / aspect;
    cw /= zoom; ch /= zoom;
    var x = Math.min(Math.max(cx * w - cw / 2, 0), w - cw);
    var y = Math.min(Math.max(cy * h - ch / 2, 0), h - ch);
    cx = (x + cw / 2) / w; cy = (y + ch / 2) / h;
    return { x: x, y: y, width: cw, height: ch };
  };
  var draw = function () {
    if (!photo) return;
    var r = rect();
    var w = photo.naturalWidth, h = photo.naturalHeight;
    context.drawImage(photo, r.x, r.y, r.width, r.height, 0, 0, canvas.width, canvas.height);
    cropField.value = JSON.stringify({
      x: +(r.x / w).toFixed(5), y: +(r.y / h).toFixed(5),
      width: +(r.width / w).toFixed(5), height: +(r.height / h).toFixed(5)
    });
  };
  var say = function (text) {
    problem.textContent = text || "";
    problem.hidden = !text;
  };
  var setZoom = function (z) {
    zoom = Math.min(Math.max(z, 1), Number(zoomField.max));
    zoomField.value = zoom;
    draw();
  };

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    photo = null;
    cropField.value = "";
    canvas.hidden = true;
    zoomLabel.hidden = true;
    say("");
    if (!file) return;
    if (/hei[cf]/i.test(file.type) || /\.hei[cf]$/i.test(file.name)) {
      say(stage.dataset.heic);
      return;
    }
    var image = new Image();
    image.onload = function () {
      photo = image;
      zoom = 1; cx = 0.5; cy = 0.5;
      zoomField.value = 1;
      canvas.hidden = false;
      zoomLabel.hidden = false;
      draw();
    };
    image.onerror = function () { say(stage.dataset.unreadable); };
    image.src = URL.createObjectURL(file);
  });

  // Dragging and pinching, with pointer events (mouse, pen and fingers alike).
  var pointers = {};
  var spread = function () {
    var p = Object.keys(pointers).map(function (k) { return pointers[k]; });
    return p.length < 2 ? 0 : Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y);
  };
  stage.addEventListener("pointerdown", function (e) {
    if (!photo) return;
    stage.setPointerCapture(e.pointerId);
    pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
  });
  stage.addEventListener("pointermove", function (e) {
    var last = pointers[e.pointerId];
    if (!photo || !last) return;
    var before = spread();
    var dx = e.clientX - last.x, dy = e.clientY - last.y;
    pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
    if (Object.keys(pointers).length > 1) {
      var after = spread();
      if (before > 0) setZoom(zoom * after / before);
      return;
    }
    // A screen pixel is this much of the photo: the photo follows the finger.
    var r = rect();
    var scale = r.width / stage.clientWidth;
    cx -= dx * scale / photo.naturalWidth;
    cy -= dy * scale / photo.naturalHeight;
    draw();
  });
  var release = function (e) { delete pointers[e.pointerId]; };
  stage.addEventListener("pointerup", release);
  stage.addEventListener("pointercancel", release);
  stage.addEventListener("wheel", function (e) {
    if (!photo) return;
    e.preventDefault();
    setZoom(zoom * Math.exp(-e.deltaY / 500));
  }, { passive: false });
  stage.addEventListener("keydown", function (e) {
    if (!photo) return;
    var step = 0.02 / zoom;
    var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[e.key]) {
      cx += moves[e.key][0]; cy += moves[e.key][1];
      draw();
      e.preventDefault();
    } else if (e.key === "+" || e.key === "=") {
      setZoom(zoom * 1.1);
    } else if (e.key === "-") {
      setZoom(zoom / 1.1);
    }
  });
  zoomField.addEventListener("input", function () { setZoom(Number(zoomField.value)); });
})();

// The supporter's area is remembered on their own device (never on the server): a select
// with data-remember keeps its choice in localStorage under that name.
(function () {
  "use strict";
  document.querySelectorAll("select[data-remember]").forEach(function (select) {
    var key = select.dataset.remember;
    var stored = null;
    try { stored = window.localStorage.getItem(key); } catch (e) { return; }
    if (!select.value && stored && select.querySelector("option[value='" + CSS.escape(stored) + "']")) {
      select.value = stored;
    }
    select.addEventListener("change", function () {
      try {
        if (select.value) window.localStorage.setItem(key, select.value);
        else window.localStorage.removeItem(key);
      } catch (e) { /* storage off: nothing remembered */ }
    });
  });
})();
