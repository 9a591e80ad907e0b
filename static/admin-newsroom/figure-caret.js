// The body editor's figures and counter.
// 1. Captions never receive body text: after the photo picker inserts a figure the caret
//    moves to a paragraph below it (made when there is none), Enter in a caption does the
//    same, a click below a figure that ends the body starts a paragraph there, and after
//    any change every figure is followed by a paragraph to click in.
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
  // Plain ProseMirror steps: TipTap's insertContentAt drops an empty paragraph.
  function leaveFigure(editor, $from = editor.state.selection.$from) {
    const { state, view } = editor;
    const depth = ancestor($from, "figure");
    if (!depth) return false;
    const after = $from.after(depth);
    const next = state.doc.resolve(after).nodeAfter;
    let tr = state.tr;
    if (!(next && next.type.name === "paragraph" && next.content.size === 0)) {
      tr = tr.insert(after, state.schema.nodes.paragraph.create());
    }
    // The selection's own class (TextSelection) finds the nearest caret position.
    const Selection = state.selection.constructor;
    tr = tr.setSelection(Selection.near(tr.doc.resolve(after + 1))).scrollIntoView();
    view.dispatch(tr);
    view.focus();
    return true;
  }

  function caretFromDom(editor) {
    const selection = document.getSelection();
    const node = selection && selection.anchorNode;
    if (!node || !editor.view.dom.contains(node)) return null;
    try {
      const pos = editor.view.posAtDOM(node, selection.anchorOffset);
      return editor.state.doc.resolve(pos);
    } catch (error) {
      return null;
    }
  }

  function figureCount(doc) {
    let count = 0;
    doc.descendants((node) => {
      if (node.type.name === "figure") count += 1;
      return node.type.name !== "figure";
    });
    return count;
  }

  // A figure must never be the last block, nor sit right before another figure: there
  // would be nowhere to click or type below it but its caption.
  function keepParagraphsAfterFigures(editor) {
    const { state, view } = editor;
    const gaps = [];
    state.doc.forEach((node, offset, index) => {
      if (node.type.name !== "figure") return;
      const next = index + 1 < state.doc.childCount ? state.doc.child(index + 1) : null;
      if (!next || next.type.name === "figure") gaps.push(offset + node.nodeSize);
    });
    if (!gaps.length) return;
    let tr = state.tr;
    for (const pos of gaps.reverse()) tr = tr.insert(pos, state.schema.nodes.paragraph.create());
    view.dispatch(tr);
  }

  // A click below a figure that ends the body (as loaded) starts a paragraph there.
  function clickBelowLastFigure(editor, event) {
    const { view } = editor;
    const last = view.dom.lastElementChild;
    if (!last || last.tagName !== "FIGURE") return;
    if (event.clientY <= last.getBoundingClientRect().bottom) return;
    event.preventDefault();
    const { state } = view;
    const end = state.doc.content.size;
    let tr = state.tr.insert(end, state.schema.nodes.paragraph.create());
    tr = tr.setSelection(state.selection.constructor.near(tr.doc.resolve(end + 1)));
    view.dispatch(tr.scrollIntoView());
    view.focus();
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
        keepParagraphsAfterFigures(editor);
      });
    });

    editor.view.dom.addEventListener("mousedown", (event) => clickBelowLastFigure(editor, event));

    // Capture on the editor's container runs before ProseMirror's own keydown handling.
    const container = editor.view.dom.parentElement;
    container.addEventListener(
      "keydown",
      (key) => {
        if (key.key !== "Enter" || key.shiftKey || key.isComposing) return;
        // Read the caret from the DOM: right after a click ProseMirror may not have
        // taken the new selection in yet.
        const $caret = caretFromDom(editor) || editor.state.selection.$from;
        if (!ancestor($caret, "caption")) return;
        key.preventDefault();
        key.stopPropagation();
        leaveFigure(editor, $caret);
      },
      true,
    );
  });
})();
