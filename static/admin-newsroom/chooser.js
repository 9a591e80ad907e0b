// Image chooser for a foreign key to the photo library (cover, byline photo). Opens the
// library picker in a popup; the picker answers through CKEDITOR.tools.callFunction,
// the same callback django-prose-editor's Figure dialog uses. Each wrapper passes on the
// calls that are not its own, so the editor and the choosers share it in any order.
(() => {
  const PREFIX = "chooser-";

  function fill(funcNum, data) {
    const chooser = document.querySelector(`[data-image-chooser][data-func-num="${CSS.escape(funcNum)}"]`);
    if (!chooser || !data) return;
    const input = chooser.querySelector("input");
    input.value = String(data.id);
    input.dispatchEvent(new Event("change", { bubbles: true }));
    const preview = chooser.querySelector("[data-image-chooser-preview]");
    preview.replaceChildren();
    const img = document.createElement("img");
    img.src = data.thumbnail || data.url;
    img.alt = data.alternative_text || "";
    const caption = document.createElement("span");
    caption.className = "image-chooser__caption";
    caption.textContent = data.caption || data.alternative_text || "";
    preview.append(img, caption);
  }

  function install() {
    window.CKEDITOR = window.CKEDITOR || {};
    window.CKEDITOR.tools = window.CKEDITOR.tools || {};
    if (window.CKEDITOR.tools.newsroomChooser) return;
    const previous = window.CKEDITOR.tools.callFunction;
    window.CKEDITOR.tools.callFunction = function (funcNum, url, data) {
      if (String(funcNum).startsWith(PREFIX)) {
        fill(String(funcNum), data);
        return undefined;
      }
      return previous ? previous.apply(this, arguments) : undefined;
    };
    window.CKEDITOR.tools.newsroomChooser = true;
  }

  document.addEventListener("click", (event) => {
    const open = event.target.closest("[data-image-chooser-open]");
    const clear = event.target.closest("[data-image-chooser-clear]");
    if (!open && !clear) return;
    const chooser = event.target.closest("[data-image-chooser]");
    if (open) {
      install();
      window.open(chooser.dataset.pickerUrl, "_blank", "width=900,height=700");
    } else {
      chooser.querySelector("input").value = "";
      const preview = chooser.querySelector("[data-image-chooser-preview]");
      const empty = document.createElement("span");
      empty.className = "image-chooser__empty";
      empty.textContent = "Chưa có ảnh";
      preview.replaceChildren(empty);
    }
  });
})();
