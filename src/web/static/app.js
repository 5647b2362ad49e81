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
      var done = function () { button.textContent = "Copied"; };
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
