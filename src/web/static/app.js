// Progressive enhancement only: every page works without this file.

// Captions drawn in the browser, at once, in a photo's boxes: what a supporter sees while
// the server's own picture is on its way (or, for a frame, until the picture is made).
// An approximation of the renderer: the same boxes, colours and outline, fitted by the
// same rule (largest size whose lines fit), in the page's fonts.
var Draft = (function () {
  "use strict";
  var rtl = /[\u0590-\u08FF\uFB1D-\uFEFC]/;
  var strong = /[A-Za-z\u00C0-\u024F\u0590-\u08FF\uFB1D-\uFEFC]/;
  // The first strong letter gives a caption its direction, as the renderer does.
  var direction = function (text) {
    var m = text.match(strong);
    return m && rtl.test(m[0]) ? "rtl" : "ltr";
  };
  var face = function (size, text) {
    return rtl.test(text)
      ? size + "px 'Jalsa Nastaliq', 'Noto Nastaliq Urdu', serif"
      : "bold " + size + "px Impact, 'Arial Black', 'Noto Sans', sans-serif";
  };
  // Words into at most `most` lines no wider than `width`, or null.
  var wrap = function (ctx, text, width, most) {
    var words = text.split(/\s+/).filter(Boolean);
    var lines = [];
    var line = "";
    for (var i = 0; i < words.length; i++) {
      var next = line ? line + " " + words[i] : words[i];
      if (ctx.measureText(next).width <= width || !line) {
        line = next;
      } else {
        lines.push(line);
        line = words[i];
      }
      if (ctx.measureText(line).width > width) return null;
    }
    if (line) lines.push(line);
    return lines.length <= most ? lines : null;
  };
  var draw = function (ctx, width, height, spec, texts, look) {
    spec.boxes.forEach(function (box, i) {
      var style = box.style || {};
      var text = (texts[i] || "").replace(/\s+/g, " ").trim();
      if (!text) return;
      if (style.uppercase !== false) text = text.toUpperCase();
      var bw = box.width * width, bh = box.height * height;
      var most = Math.max(1, box.max_lines || 3);
      var size = Math.floor(bh);
      var lines = null;
      for (; size >= 6; size = Math.floor(size * 0.9)) {
        ctx.font = face(size, text);
        lines = wrap(ctx, text, bw * 0.96, most);
        if (lines && lines.length * size * 1.15 <= bh) break;
      }
      if (!lines) lines = [text];
      var fill = look.color && spec.palette[look.color] ? spec.palette[look.color] : style.color || "#ffffff";
      if (fill.charAt(0) !== "#" && spec.palette[fill]) fill = spec.palette[fill];
      var outline = look.outline === "none" ? null
        : look.outline && spec.palette[look.outline] ? spec.palette[look.outline]
        : style.outline === "none" ? null : style.outline || "#000000";
      if (outline && outline.charAt(0) !== "#" && spec.palette[outline]) outline = spec.palette[outline];
      var block = lines.length * size * 1.15;
      var top = box.y * height + (box.anchor === "top" ? 0 : box.anchor === "bottom" ? bh - block : (bh - block) / 2);
      ctx.direction = direction(text);
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.lineJoin = "round";
      ctx.lineWidth = Math.max(2, size / 7);
      ctx.strokeStyle = outline || "transparent";
      ctx.fillStyle = fill;
      lines.forEach(function (line, n) {
        var x = box.x * width + bw / 2;
        var y = top + size * 1.15 * (n + 0.5);
        if (outline) ctx.strokeText(line, x, y);
        ctx.fillText(line, x, y);
      });
    });
  };
  return { draw: draw };
})();

(function () {
  "use strict";

  // Live preview: captions drawn at once over the photo as the supporter types, and the
  // server's picture (the real one) fetched at most every 350 ms, replacing the draft
  // when it arrives.
  var form = document.querySelector("form[data-preview]");
  var preview = document.getElementById("preview");
  if (form && preview) {
    var spec = JSON.parse(form.dataset.draft || "{\"boxes\":[],\"palette\":{}}");
    var draft = document.getElementById("preview-draft");
    var context = draft && draft.getContext("2d");
    // The photo alone, to draw on: the first preview when it has no captions, else the
    // photo itself, fetched once the page is done.
    var photo = null;
    var texts = function () {
      return Array.prototype.map.call(form.querySelectorAll("[name=text]"), function (f) { return f.value; });
    };
    var bare = texts().every(function (t) { return !t.trim(); });
    var keep = function () {
      if (photo || !bare || !preview.naturalWidth) return;
      photo = document.createElement("canvas");
      photo.width = draft.width;
      photo.height = draft.height;
      photo.getContext("2d").drawImage(preview, 0, 0, photo.width, photo.height);
    };
    if (preview.complete) keep(); else preview.addEventListener("load", keep, { once: true });
    if (!bare && spec.photo) {
      window.addEventListener("load", function () {
        var image = new Image();
        image.onload = function () { photo = image; };
        image.src = spec.photo;
      });
    }
    var look = function () {
      return {
        color: form.elements.color ? form.elements.color.value : "",
        outline: form.elements.outline ? form.elements.outline.value : ""
      };
    };
    var sketch = function () {
      if (!context || !photo) return;
      context.drawImage(photo, 0, 0, draft.width, draft.height);
      Draft.draw(context, draft.width, draft.height, spec, texts(), look());
      draft.hidden = false;
    };
    var timer = null;
    var wanted = null;
    var refresh = function () {
      var params = new URLSearchParams();
      texts().forEach(function (t) { params.append("text", t); });
      ["color", "outline", "font"].forEach(function (name) {
        var field = form.elements[name];
        if (field && field.value) params.set(name, field.value);
      });
      wanted = "/preview/" + encodeURIComponent(form.dataset.preview) + ".jpg?" + params.toString();
      preview.src = wanted;
    };
    // A preview that cannot be drawn says why (in the page's language) under the picture.
    var problem = document.getElementById("preview-problem");
    // The server's latest preview, kept for the share page: on a slow network it shows
    // this at once while the full picture is on its way.
    var remember = function () {
      try {
        var copy = document.createElement("canvas");
        copy.width = preview.naturalWidth;
        copy.height = preview.naturalHeight;
        copy.getContext("2d").drawImage(preview, 0, 0);
        window.sessionStorage.setItem("jalsa-preview", JSON.stringify({
          template: form.dataset.preview,
          captions: texts().map(function (t) { return t.trim(); }),
          look: look(),
          font: form.elements.font ? form.elements.font.value : "",
          picture: copy.toDataURL("image/jpeg", 0.9)
        }));
      } catch (e) { /* storage full or off: the share page waits for the picture */ }
    };
    preview.addEventListener("load", function () {
      if (problem) problem.hidden = true;
      // The server's picture of what is typed now: the draft has done its job.
      if (preview.src.indexOf(wanted) !== -1 || (!wanted && bare === false)) {
        if (draft) draft.hidden = true;
      }
      if (wanted && preview.src.indexOf(wanted) !== -1) remember();
    });
    preview.addEventListener("error", function () {
      if (draft) draft.hidden = true;
      if (!problem) return;
      fetch(preview.src).then(function (r) { return r.json(); }).then(function (body) {
        problem.textContent = body.error.message;
        problem.hidden = false;
      }).catch(function () {});
    });
    form.addEventListener("input", function () {
      sketch();
      clearTimeout(timer);
      timer = setTimeout(refresh, 350);
    });
    form.addEventListener("change", function () { sketch(); refresh(); });
  }

  // Copy a link (the share link, the private delete link) from its field.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    var field = document.getElementById(button.dataset.copyField || "link");
    button.addEventListener("click", function () {
      var done = function () {
        button.textContent = button.dataset.copied || "Copied";
        // Counted, as a number only: nothing about who copied it is sent.
        if (button.dataset.count && navigator.sendBeacon) navigator.sendBeacon(button.dataset.count);
      };
      var fallback = function () {
        if (field) { field.select(); document.execCommand("copy"); done(); }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(button.dataset.copy).then(done, fallback);
      } else {
        fallback();
      }
    });
  });

  // Share the picture itself (to WhatsApp Status, Instagram, ...), where the browser can
  // hand a file to the phone's apps; the links and downloads stay for the rest.
  var canShareFiles = false;
  try {
    canShareFiles = !!(navigator.canShare && navigator.canShare({
      files: [new File([new Uint8Array(1)], "x.jpg", { type: "image/jpeg" })]
    }));
  } catch (e) { canShareFiles = false; }
  document.querySelectorAll("[data-share-file]").forEach(function (item) {
    if (!canShareFiles) return;
    item.hidden = false;
    var replaced = item.dataset.replaces && document.getElementById(item.dataset.replaces);
    if (replaced) replaced.hidden = true;
    var fetched = null;
    // Fetched ahead, so the tap itself can open the share sheet (browsers want the share
    // to follow the tap at once).
    var get = function () {
      if (!fetched) {
        fetched = fetch(item.dataset.shareFile).then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.blob();
        });
      }
      return fetched;
    };
    item.querySelector("button").addEventListener("click", function () {
      get().then(function (blob) {
        var file = new File([blob], item.dataset.shareName, { type: blob.type || "image/jpeg" });
        return navigator.share({ files: [file], text: item.dataset.shareText });
      }).catch(function () { fetched = null; });
    });
    item.querySelector("button").addEventListener("pointerenter", get, { once: true });
    item.querySelector("button").addEventListener("focus", get, { once: true });
  });

  // Just made: until the picture arrives, its place shows the preview this phone already
  // has of it (the same captions and style, drawn by the server), if it has one.
  var made_picture = document.querySelector("figure.remixed[data-made]");
  if (made_picture) {
    var kept = null;
    try { kept = JSON.parse(window.sessionStorage.getItem("jalsa-preview") || "null"); } catch (e) { kept = null; }
    var want = JSON.parse(made_picture.dataset.made);
    var trimmed = function (list) {
      var out = list.slice();
      while (out.length && !out[out.length - 1]) out.pop();
      return out;
    };
    if (kept && kept.template === want.template &&
        JSON.stringify(trimmed(kept.captions)) === JSON.stringify(trimmed(want.captions)) &&
        (kept.look.color || "") === want.color && (kept.look.outline || "") === want.outline &&
        (kept.font || "") === want.font) {
      var picture = made_picture.querySelector("img");
      if (!picture.complete) picture.style.backgroundImage = "url(" + kept.picture + ")";
    }
  }

  // What this phone made is remembered on this phone (never on the server): the gallery
  // shows it under "your pictures", waiting or not.
  var made = function () {
    try { return JSON.parse(window.localStorage.getItem("jalsa-made") || "[]"); } catch (e) { return []; }
  };
  var ready = document.getElementById("ready");
  if (ready && ready.dataset.made) {
    var list = made().filter(function (id) { return id !== ready.dataset.made; });
    list.unshift(ready.dataset.made);
    try { window.localStorage.setItem("jalsa-made", JSON.stringify(list.slice(0, 50))); } catch (e) { /* storage off */ }
  }
  var yours = document.getElementById("yours");
  if (yours && made().length) {
    var strip = yours.querySelector("ul");
    var named = yours.querySelector("h2").textContent;
    made().forEach(function (id, n) {
      if (!/^[A-Za-z0-9_-]+$/.test(id)) return;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "/m/" + id;
      var img = document.createElement("img");
      img.src = "/i/" + id + "/thumb.jpg";
      img.alt = named + " " + (n + 1);
      img.height = 100;
      // Deleted since, or taken down: not shown.
      img.onerror = function () { li.remove(); };
      a.appendChild(img);
      li.appendChild(a);
      strip.appendChild(li);
    });
    yours.hidden = false;
    var empty = document.getElementById("empty-gallery");
    var first = empty && empty.querySelector("a");
    if (first) first.hidden = true;
  }
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
// mouse, or the arrow keys) and zoomed by pinching, the wheel or the slider. Tapping the
// frame picks the photo. On sending, the phone itself cuts out what the frame shows, at
// the frame's size, and sends that as a compact WebP (or JPEG) with no metadata: the
// original (megabytes, with its GPS position) never leaves the phone. The upload shows
// its progress; when it fails everything stays and "send again" sends the same bytes, so
// a picture that did arrive is found, not made twice. Without this script the original
// and its middle are used.
(function () {
  "use strict";
  var stage = document.getElementById("frame-stage");
  var form = document.getElementById("frame-form");
  if (!stage || !form) return;
  var canvas = document.getElementById("frame-canvas");
  var captions = document.getElementById("frame-captions");
  var frameImage = document.getElementById("frame-image");
  var input = document.getElementById("frame-photo");
  var pick = document.getElementById("frame-picker");
  var zoomField = document.getElementById("frame-zoom");
  var zoomLabel = document.getElementById("frame-zoom-label");
  var cropField = document.getElementById("frame-crop");
  var problem = document.getElementById("frame-problem");
  var progress = document.getElementById("frame-progress");
  var bar = progress.querySelector("progress");
  var progressText = document.getElementById("frame-progress-text");
  var failed = document.getElementById("frame-failure");
  var failedText = document.getElementById("frame-failed-text");
  var send = document.getElementById("frame-send");
  var spec = JSON.parse(stage.dataset.draft || "{\"boxes\":[],\"palette\":{}}");
  var width = Number(stage.dataset.width), height = Number(stage.dataset.height);
  var aspect = width / height;
  var context = canvas.getContext("2d");
  var photo = null;
  var zoom = 1;
  var cx = 0.5, cy = 0.5; // the centre of what the frame shows, in fractions of the photo
  // What was last sent and its bytes: sent again as they are while nothing changed.
  var sent = null;

  var toggle = function (first, again, chosen) {
    document.getElementById(first).hidden = chosen;
    document.getElementById(again).hidden = !chosen;
  };

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
  var texts = function () {
    return Array.prototype.map.call(form.querySelectorAll("[name=text]"), function (f) { return f.value; });
  };
  var drawCaptions = function () {
    var c = captions.getContext("2d");
    c.clearRect(0, 0, captions.width, captions.height);
    Draft.draw(c, captions.width, captions.height, spec, texts(), {});
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
    if (!file) return; // the chooser closed without a choice: keep what there was
    photo = null;
    sent = null;
    cropField.value = "";
    canvas.hidden = true;
    zoomLabel.hidden = true;
    pick.hidden = false;
    toggle("frame-choose-first", "frame-choose-again", false);
    say("");
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
      // From now on the frame moves the photo; choosing another is the button's job.
      pick.hidden = true;
      toggle("frame-choose-first", "frame-choose-again", true);
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
    if (!photo) {
      if (e.key === "Enter" || e.key === " ") { input.click(); e.preventDefault(); }
      return;
    }
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
  form.addEventListener("input", function (e) {
    if (e.target.name === "text") drawCaptions();
  });

  // Where the frame is opaque the photo is never seen: those pixels are sent flat, which
  // JPEG and WebP store in almost nothing.
  var hidden = null;
  var opaque = function () {
    if (hidden || !frameImage.complete || !frameImage.naturalWidth) return hidden;
    var c = document.createElement("canvas");
    c.width = width; c.height = height;
    var x = c.getContext("2d");
    x.drawImage(frameImage, 0, 0, width, height);
    var pixels = x.getImageData(0, 0, width, height).data;
    hidden = new Uint8Array(width * height);
    for (var i = 0; i < hidden.length; i++) hidden[i] = pixels[i * 4 + 3] === 255 ? 1 : 0;
    return hidden;
  };
  var encode = function (c, type, quality) {
    return new Promise(function (done) { c.toBlob(done, type, quality); });
  };
  // What the frame shows, at the frame's size, as the smallest of a few qualities that is
  // under the budget (WebP where the browser writes it, else JPEG).
  var cutOut = function () {
    var r = rect();
    var c = document.createElement("canvas");
    c.width = width; c.height = height;
    var x = c.getContext("2d");
    x.imageSmoothingQuality = "high";
    x.drawImage(photo, r.x, r.y, r.width, r.height, 0, 0, width, height);
    var mask = opaque();
    if (mask) {
      var data = x.getImageData(0, 0, width, height);
      for (var i = 0; i < mask.length; i++) {
        if (mask[i]) { data.data[i * 4] = 128; data.data[i * 4 + 1] = 128; data.data[i * 4 + 2] = 128; }
      }
      x.putImageData(data, 0, 0);
    }
    var probe = document.createElement("canvas");
    probe.width = probe.height = 1;
    var webp = probe.toDataURL("image/webp").indexOf("data:image/webp") === 0;
    var type = webp ? "image/webp" : "image/jpeg";
    var qualities = [0.85, 0.75, 0.65, 0.5];
    var attempt = function (n) {
      return encode(c, type, qualities[n]).then(function (blob) {
        if (blob.size <= 140 * 1024 || n === qualities.length - 1) return blob;
        return attempt(n + 1);
      });
    };
    return attempt(0).then(function (blob) {
      return new File([blob], webp ? "photo.webp" : "photo.jpg", { type: type });
    });
  };

  var fail = function (message) {
    progress.hidden = true;
    failedText.textContent = message;
    failed.hidden = false;
    send.disabled = false;
    toggle("frame-send-first", "frame-send-again", true);
    failed.scrollIntoView({ block: "nearest" });
  };
  var upload = function (file) {
    var body = new FormData();
    body.append("photo", file);
    form.querySelectorAll("[name=text]").forEach(function (f) { body.append("text", f.value); });
    if (form.elements.area) body.append("area", form.elements.area.value);
    if (form.elements.gallery && form.elements.gallery.checked) body.append("gallery", "true");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total);
    });
    xhr.onload = function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
      if (xhr.status < 300 && answer && answer.location) {
        bar.value = 100;
        window.location.assign(answer.location);
      } else {
        fail(answer && answer.error ? answer.error.message : stage.dataset.failed);
      }
    };
    xhr.onerror = xhr.ontimeout = xhr.onabort = function () { fail(stage.dataset.failed); };
    xhr.send(body);
  };
  form.addEventListener("submit", function (e) {
    if (!photo) return; // nothing drawn here (no photo yet, or the browser cannot show it)
    e.preventDefault();
    failed.hidden = true;
    say("");
    send.disabled = true;
    bar.value = 0;
    progressText.textContent = stage.dataset.sending;
    progress.hidden = false;
    var key = cropField.value;
    var bytes = sent && sent.key === key ? Promise.resolve(sent.file) : cutOut();
    bytes.then(function (file) {
      sent = { key: key, file: file };
      upload(file);
    }, function () { fail(stage.dataset.failed); });
  });
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
      } catch (e) { /* storage off */ }
    });
  });
})();
