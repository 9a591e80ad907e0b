// Vietnamese labels for django-prose-editor. Its dialogs already call window.gettext (the
// admin loads Django's JavaScript catalog, which includes locale/vi/LC_MESSAGES/djangojs.po);
// the toolbar's tooltips and menu options in 0.28 are plain English strings, so they are
// passed through the same catalog once an editor is ready.
(() => {
  const t = (text) => (window.gettext ? window.gettext(text) : text);
  const HEADING = /^heading (\d)$/i;

  function translate(text) {
    const heading = HEADING.exec(text);
    return heading ? `${t("Heading")} ${heading[1]}` : t(text);
  }

  function translateMenu(root) {
    for (const el of root.querySelectorAll(".prose-menubar [title], .prose-menubar [aria-label]")) {
      for (const attr of ["title", "aria-label"]) {
        const value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, translate(value));
      }
    }
    for (const el of root.querySelectorAll(".prose-menubar__dropdown p, .prose-menubar__dropdown h2, .prose-menubar__dropdown h3, .prose-menubar__dropdown h4, .prose-menubar__selected")) {
      if (el.children.length === 0 && el.textContent) el.textContent = translate(el.textContent);
    }
  }

  // Images come from the photo library only: the URL box of the figure dialog is filled
  // by the picker ("Duyệt…") and cannot be typed into. The server refuses bodies with
  // images that do not carry a library id anyway (ArticleAdminForm.clean_body).
  function lockImageUrl(node) {
    for (const input of node.querySelectorAll("dialog input[name=imageUrl]")) {
      input.readOnly = true;
      input.placeholder = t("Choose a photo from the library");
    }
  }

  document.addEventListener("prose-editor:ready", (event) => {
    const container = event.target.closest(".prose-editor") || event.target.parentElement;
    if (container) translateMenu(container);
  });

  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.matches(".prose-menubar__dropdown, .prose-menubar") || node.querySelector(".prose-menubar")) {
          translateMenu(node.parentElement || node);
        }
        if (node.matches("dialog") || node.querySelector("dialog")) lockImageUrl(node.parentElement || node);
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
