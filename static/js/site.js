// Small progressive enhancements for reader pages. Everything works without this file.
(function () {
  "use strict";

  // Đọc nhiều: count a view with a same-origin beacon (pages may come from a cache).
  var article = document.querySelector("[data-count-view]");
  if (article && navigator.sendBeacon) {
    var data = new FormData();
    data.append("id", article.getAttribute("data-article-id"));
    navigator.sendBeacon("/api/views/", data);
  }

  // Liên kết website: show the select and open the chosen site in a new tab.
  document.querySelectorAll("[data-links]").forEach(function (select) {
    var list = select.parentNode.querySelector("[data-links-list]");
    select.hidden = false;
    if (list) list.hidden = true;
    select.addEventListener("change", function () {
      if (select.value) {
        var win = window.open(select.value, "_blank", "noopener");
        if (win) win.opener = null;
        select.value = "";
      }
    });
  });

  // Copy link: fall back to following the link when the clipboard is unavailable.
  document.querySelectorAll("[data-copy-link]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!navigator.clipboard) return;
      event.preventDefault();
      navigator.clipboard.writeText(link.href).then(function () {
        link.textContent = "Đã sao chép";
      });
    });
  });

  // Comment form: stamp when the form was shown and when it was sent, both by the reader's
  // clock so skew cancels out (see comments/rules.py). A form re-shown with an error
  // keeps its first stamp. A second click while the first post is on its way is ignored.
  // The browser's own signed id (comments/tokens.py) lets flood control count posts per
  // reader rather than per IP: asked once, kept in localStorage, sent with the form.
  var BROWSER_KEY = "toasoan.browser";
  function storedBrowser() {
    try { return window.localStorage.getItem(BROWSER_KEY) || ""; } catch (e) { return ""; }
  }
  function fillBrowser(form) {
    var field = form.querySelector("input[name=browser]");
    var url = form.getAttribute("data-browser-token-url");
    if (!field || !url) return;
    field.value = storedBrowser();
    if (field.value || !window.fetch) return;
    fetch(url, { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.token) return;
        field.value = data.token;
        try { window.localStorage.setItem(BROWSER_KEY, data.token); } catch (e) { /* private mode */ }
      })
      .catch(function () { /* flood control falls back to email and IP */ });
  }

  document.querySelectorAll("[data-comment-form]").forEach(function (form) {
    var shown = form.querySelector("input[name=shown_at]");
    if (shown && !shown.value) shown.value = String(Date.now());
    fillBrowser(form);
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sending")) {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sending", "1");
      var sent = form.querySelector("input[name=sent_at]");
      if (sent) sent.value = String(Date.now());
      setTimeout(function () { form.removeAttribute("data-sending"); }, 10000);
    });
  });
})();
