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
  document.querySelectorAll("[data-comment-form]").forEach(function (form) {
    var shown = form.querySelector("input[name=shown_at]");
    if (shown && !shown.value) shown.value = String(Date.now());
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
