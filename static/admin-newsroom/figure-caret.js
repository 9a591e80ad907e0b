// The body editor's figures and counter.
// 1. Captions never receive body text: after the photo picker inserts a figure the caret
//    moves to a paragraph below it (made when there is none), Enter in a caption does the
//    same, and a figure at the end of the body always has a paragraph after it to click in.
// 2. Under the editor: words (Vietnamese syllables, as articles/reading.py counts them)
//    and characters.
(() => {
  const WORD = /[\p{L}\p{N}]+(?:[-'’.,/][\p{L}\p{N}]+)*/gu;
  const number = (n) => n.toLocaleString("vi-VN");

  function ancestor($pos, name) {
    for (let depth = $pos.depth; depth > 0; depth--) {
      if ($pos.node(depth).type.name === name) return depth;
    }
    return 0;
  }

  // Put the caret in an empty paragraph right after the figure holding the selection.
  function leaveFigure(editor) {
    const { state } = editor;
    const $from = state.selection.$from;
    const depth = ancestor($from, "figure");
    if (!depth) return false;
    const after = $from.after(depth);
    const next = state.doc.resolve(after).nodeAfter;
    let chain = editor.chain();
    if (!(next && next.type.name === "paragraph" && next.content.size === 0)) {
      chain = chain.insertContentAt(after, { type: "paragraph" });
    }
    chain.setTextSelection(after + 1).scrollIntoView().focus().run();
    return true;
  }

  function figureCount(doc) {
    let count = 0;
    doc.descendants((node) => {
      if (node.type.name === "figure") count += 1;
      return node.type.name !== "figure";
    });
    return count;
  }

  function keepParagraphAfterLastFigure(editor) {
    const { doc } = editor.state;
    if (doc.lastChild && doc.lastChild.type.name === "figure") {
      editor.commands.insertContentAt(doc.content.size, { type: "paragraph" }, { updateSelection: false });
    }
  }

  function counter(editor, textarea) {
    const box = textarea.closest(".prose-editor") || editor.view.dom.closest(".prose-editor");
    const line = document.createElement("p");
    line.className = "editor-count help";
    line.setAttribute("aria-live", "polite");
    line.dataset.editorCount = "";
    (box || editor.view.dom).after(line);
    return () => {
      const text = editor.getText({ blockSeparator: "\n" });
      const words = (text.match(WORD) || []).length;
      const chars = [...text.replace(/\n/g, "")].length;
      line.textContent = `${number(words)} từ · ${number(chars)} ký tự`;
    };
  }

  document.addEventListener("prose-editor:ready", (event) => {
    const { editor, textarea } = event.detail || {};
    if (!editor || !textarea || textarea.name !== "body") return;
    let figures = figureCount(editor.state.doc);
    const count = counter(editor, textarea);
    count();

    editor.on("update", () => {
      const now = figureCount(editor.state.doc);
      const inserted = now > figures;
      figures = now;
      count();
      // After the current transaction has settled (the picker's dialog closes first).
      queueMicrotask(() => {
        if (inserted && ancestor(editor.state.selection.$from, "figure")) leaveFigure(editor);
        keepParagraphAfterLastFigure(editor);
      });
    });

    // Capture on the editor's container runs before ProseMirror's own keydown handling.
    const container = editor.view.dom.parentElement;
    container.addEventListener(
      "keydown",
      (key) => {
        if (key.key !== "Enter" || key.shiftKey || key.isComposing) return;
        if (!ancestor(editor.state.selection.$from, "caption")) return;
        key.preventDefault();
        key.stopPropagation();
        leaveFigure(editor);
      },
      true,
    );
  });
})();
