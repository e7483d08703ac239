// The dashboard's one script, and only an enhancement: every page works without it.
// It previews the Markdown answer as the moderator types (the server renders it, as the
// form's Preview button does), counts the answer's characters against the limit, and asks
// before a group is dismissed or a subscription removed.
(function () {
  "use strict";

  function livePreview(textarea) {
    var target = document.getElementById(textarea.dataset.preview);
    var token = textarea.form.elements.csrf_token.value;
    var timer = null;
    var latest = 0;
    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var asked = ++latest;
        var body = new URLSearchParams({ answer: textarea.value, csrf_token: token });
        window.fetch(textarea.dataset.previewUrl, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: { "X-CSRF-Token": token },
        })
          .then(function (response) {
            return response.ok ? response.text() : Promise.reject(response.status);
          })
          .then(function (html) {
            if (asked === latest) {
              target.innerHTML = html; // rendered by the server with every tag escaped
            }
          })
          .catch(function () { /* the Preview button still works */ });
      }, 250);
    });
  }

  function characterCount(textarea) {
    var output = document.getElementById(textarea.dataset.counter);
    var limit = Number(textarea.dataset.limit);
    var language = document.documentElement.lang;
    function update() {
      var length = textarea.value.length;
      output.textContent = length.toLocaleString(language) + " / " + limit.toLocaleString(language);
      output.classList.toggle("over", length > limit);
    }
    output.hidden = false;
    textarea.addEventListener("input", update);
    update();
  }

  function confirmBeforeSubmit(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-preview]").forEach(livePreview);
    document.querySelectorAll("textarea[data-counter]").forEach(characterCount);
    document.querySelectorAll("form[data-confirm]").forEach(confirmBeforeSubmit);
  });
})();
