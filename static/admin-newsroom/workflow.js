// The workflow panel above the article form. The server checks every move; this only
// saves a round trip when a reason is missing and warns before unsaved edits are left
// behind (a move does not save the form).
(() => {
  let dirty = false;
  document.addEventListener("input", (event) => {
    if (event.target.closest("#article_form")) dirty = true;
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id === "article_form") {
      dirty = false;
      return;
    }
    if (!form.matches("[data-workflow-form]")) return;
    const button = event.submitter;
    const note = form.querySelector("textarea[name=note]");
    if (button && button.hasAttribute("data-needs-reason") && !note.value.trim()) {
      event.preventDefault();
      note.setCustomValidity("Hãy ghi lý do.");
      note.reportValidity();
      note.addEventListener("input", () => note.setCustomValidity(""), { once: true });
      return;
    }
    if (dirty && !window.confirm("Bài có sửa đổi chưa lưu. Vẫn chuyển trạng thái mà không lưu?")) {
      event.preventDefault();
    }
  });
})();
