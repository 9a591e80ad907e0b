// Hands the chosen image back to the window that opened the picker, the way CKEditor 4
// file browsers do: opener.CKEDITOR.tools.callFunction(funcNum, url, data).
// django-prose-editor's Figure dialog and our image chooser both listen on it.
(() => {
  const payload = JSON.parse(document.getElementById("picker-payload").textContent);
  const opener = window.opener;
  const callback = opener && opener.CKEDITOR && opener.CKEDITOR.tools && opener.CKEDITOR.tools.callFunction;
  if (!callback) {
    const status = document.querySelector("[data-picker-status]");
    if (status) status.textContent = "Không tìm thấy cửa sổ soạn bài. Hãy mở Thư viện ảnh từ trình soạn thảo.";
    return;
  }
  callback.call(opener.CKEDITOR.tools, payload.funcNum, payload.url, payload);
  window.close();
})();
