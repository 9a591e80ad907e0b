// The comment queue at newsroom speed: decisions from the row without a reload, keyboard
// shortcuts, undo, inline reply and edit. A progressive enhancement: without this file every
// button still posts the form and the page comes back with a message. Every request is the
// same CSRF-checked POST the plain page makes (comments/queue.py), asking for JSON.
(function () {
  "use strict";
  // Loaded in the admin's <head> (ModelAdmin.Media): wait for the page.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  function start() {
  var queue = document.getElementById("comment-queue");
  var form = document.getElementById("changelist-form");
  if (!queue || !form || !window.fetch) return;

  var UNDO_KEY = "toasoan.queue.undo";
  var UNDO_MS = 60 * 1000;
  var DECISION_OF = { approved: "approve", rejected: "reject", spam: "spam" };
  var KEYS = [
    ["j", "phản hồi sau"],
    ["k", "phản hồi trước"],
    ["a", "duyệt"],
    ["r", "từ chối"],
    ["s", "đánh dấu thư rác"],
    ["u", "hoàn tác quyết định vừa rồi (trong một phút, kể cả sau khi tải lại trang)"],
    ["e", "sửa nội dung"],
    ["/", "tìm kiếm"],
    ["?", "hiện hoặc ẩn bảng phím tắt"],
    ["Esc", "đóng ô sửa, ô trả lời, bảng phím tắt"],
  ];

  var statusBox = queue.querySelector("[data-queue-status]");
  var csrfField = form.querySelector("input[name=csrfmiddlewaretoken]");
  var current = null;

  function rows() {
    return Array.prototype.filter.call(
      document.querySelectorAll("#result_list tbody tr"),
      function (row) { return row.querySelector("[data-comment]"); }
    );
  }

  function actionsOf(row) { return row.querySelector("[data-comment]"); }

  function announce(text) {
    statusBox.textContent = "";
    statusBox.textContent = text;  // re-set so screen readers hear a repeated message
  }

  function setCurrent(row, focus) {
    if (!row) return;
    if (current) current.classList.remove("is-current");
    current = row;
    row.classList.add("is-current");
    row.setAttribute("tabindex", "-1");
    if (focus) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
    }
  }

  function move(step) {
    var list = rows();
    if (!list.length) return;
    var at = list.indexOf(current);
    var next = at < 0 ? 0 : Math.max(0, Math.min(list.length - 1, at + step));
    setCurrent(list[next], true);
  }

  function nextAfter(row) {
    var list = rows();
    var at = list.indexOf(row);
    for (var i = at + 1; i < list.length; i++) {
      if (!list[i].classList.contains("is-decided")) return list[i];
    }
    return list[at + 1] || row;
  }

  // Requests go one at a time, in the order of the keys: focus moves on at once, and an
  // undo pressed before the last answer arrived undoes that decision, not the one before.
  var chain = Promise.resolve();
  function enqueue(task) {
    var result = chain.then(task);
    chain = result.catch(function () { /* the next request still goes */ });
    return result;
  }

  function post(url, data) {
    return enqueue(function () { return rawPost(url, data); });
  }

  function rawPost(url, data) {
    var body = new FormData();
    Object.keys(data || {}).forEach(function (key) { body.append(key, data[key]); });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfField ? csrfField.value : "" },
    }).then(function (response) {
      return response.json().then(
        function (json) { return { ok: response.ok, status: response.status, data: json }; },
        function () { return { ok: false, status: response.status, data: {} }; }
      );
    });
  }

  function failed(result) {
    var text = (result.data && result.data.message) || "Có lỗi, chưa lưu được. Vui lòng thử lại.";
    if (result.status === 403) text = "Bạn không có quyền kiểm duyệt phản hồi.";
    announce(text);
  }

  function updatePending(count) {
    if (typeof count !== "number") return;
    var replace = function (text) { return text.replace(/\d+ chờ duyệt/, count + " chờ duyệt"); };
    var title = document.querySelector("[data-queue-title]");
    if (title) title.textContent = replace(title.textContent);
    document.title = replace(document.title);
    queue.setAttribute("data-pending", String(count));
  }

  function rowOf(id) {
    var box = document.querySelector('[data-comment="' + id + '"]');
    return box ? box.closest("tr") : null;
  }

  function applyResult(row, data) {
    if (!row) return;
    var box = actionsOf(row);
    var label = row.querySelector("[data-status-label]");
    if (label && data.status_label) label.textContent = data.status_label;
    box.setAttribute("data-status", data.status);
    box.querySelectorAll("button[data-decision]").forEach(function (button) {
      button.disabled = DECISION_OF[data.status] === button.getAttribute("data-decision");
    });
    var reply = box.querySelector("[data-inline=reply]");
    if (reply && data.reply_label) reply.textContent = data.reply_label;
    ["pending", "approved", "rejected", "spam"].forEach(function (status) {
      row.classList.toggle("is-" + status, status === data.status);
    });
    row.classList.toggle("is-decided", data.status !== "pending");
    updatePending(data.pending);
  }

  // -- decisions and undo ---------------------------------------------------------------

  function decide(row, decision) {
    if (!row) return;
    var button = actionsOf(row).querySelector('button[data-decision="' + decision + '"]');
    if (!button) return;
    if (button.disabled) {  // already so: nothing to change, go on
      setCurrent(nextAfter(row), true);
      return;
    }
    setCurrent(nextAfter(row), true);  // the next comment gets focus at once
    post(button.getAttribute("formaction")).then(function (result) {
      if (!result.ok) return failed(result);
      applyResult(row, result.data);
      rememberUndo(result.data);
      announce(result.data.message + " Bấm u để hoàn tác.");
    }, function () {
      announce("Mất kết nối, quyết định chưa được lưu.");
    });
  }

  function rememberUndo(data) {
    if (!data.undo) return;
    try {
      window.localStorage.setItem(UNDO_KEY, JSON.stringify({ token: data.undo, at: Date.now(), id: data.id }));
    } catch (e) { /* private mode: undo lasts until the next decision only */ }
  }

  function storedUndo() {
    try {
      var item = JSON.parse(window.localStorage.getItem(UNDO_KEY) || "null");
      return item && Date.now() - item.at < UNDO_MS ? item : null;
    } catch (e) { return null; }
  }

  function undo() {
    enqueue(function () {
      var item = storedUndo();
      if (!item) {
        announce("Không có quyết định nào trong một phút qua để hoàn tác.");
        return null;
      }
      try { window.localStorage.removeItem(UNDO_KEY); } catch (e) { /* ignore */ }
      return rawPost(queue.getAttribute("data-undo-url"), { token: item.token }).then(function (result) {
        if (!result.ok) return failed(result);
        var row = rowOf(result.data.id);
        applyResult(row, result.data);
        updatePending(result.data.pending);  // also when the row is not on this page
        if (row) setCurrent(row, true);
        announce(result.data.message);
      });
    });
  }

  // -- inline reply and edit ------------------------------------------------------------

  function closeInline(row) {
    var open = row && row.querySelector(".queue-inline");
    if (open) open.remove();
  }

  function openInline(row, kind) {
    if (!row) return;
    closeInline(row);
    var box = actionsOf(row);
    var status = box.getAttribute("data-status");
    var isPrivate = kind === "reply" && (status === "rejected" || status === "spam");
    var panel = document.createElement("div");
    panel.className = "queue-inline";
    var id = "queue-inline-" + box.getAttribute("data-comment");
    var label = document.createElement("label");
    label.setAttribute("for", id);
    var text = document.createElement("textarea");
    text.id = id;
    text.rows = 4;
    text.maxLength = 2000;
    var note = document.createElement("p");
    note.className = "help";
    var send = document.createElement("button");
    send.type = "button";
    send.className = "button default";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "button";
    cancel.textContent = "Thôi";

    function mode(privateNote) {
      isPrivate = privateNote;
      if (kind === "edit") {
        label.textContent = "Sửa nội dung (nội dung gốc của bạn đọc được giữ lại)";
        send.textContent = "Lưu";
      } else if (isPrivate) {
        label.textContent = "Thư riêng cho bạn đọc";
        note.textContent = "Phản hồi này không được đăng; trả lời công khai sẽ đăng nó. Thư này chỉ gửi tới email của bạn đọc.";
        send.textContent = "Gửi thư riêng";
      } else {
        label.textContent = "Tòa soạn trả lời";
        note.textContent = status === "pending" ? "Đăng ngay, và duyệt phản hồi này." : "Đăng ngay dưới phản hồi này.";
        send.textContent = status === "pending" ? "Đăng trả lời và duyệt" : "Đăng trả lời";
      }
    }
    mode(isPrivate);
    if (kind === "edit") text.value = box.getAttribute("data-content") || "";

    function submit() {
      var url = box.getAttribute(kind === "edit" ? "data-edit-url" : "data-reply-url");
      var data = { content: text.value };
      if (isPrivate) data["private"] = "1";
      send.disabled = true;
      post(url, data).then(function (result) {
        send.disabled = false;
        if (result.status === 409 && result.data.can_note) {
          mode(true);  // refused in public: offer the private note instead, text kept
          announce(result.data.message);
          return;
        }
        if (!result.ok) return failed(result);
        if (kind === "edit" && typeof result.data.content === "string") {
          box.setAttribute("data-content", result.data.content);
          var shown = row.querySelector(".comment-text");
          var content = result.data.content;
          if (shown) shown.textContent = content.length > 400 ? content.slice(0, 399) + "…" : content;
        }
        applyResult(row, result.data);
        announce(result.data.message);
        closeInline(row);
        setCurrent(row, true);
      }, function () {
        send.disabled = false;
        announce("Mất kết nối, chưa lưu được.");
      });
    }

    send.addEventListener("click", submit);
    cancel.addEventListener("click", function () { closeInline(row); setCurrent(row, true); });
    text.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { closeInline(row); setCurrent(row, true); }
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) submit();
    });
    var buttons = document.createElement("p");
    buttons.className = "queue-inline__buttons";
    buttons.append(send, " ", cancel);
    panel.append(label, text, note, buttons);
    (row.querySelector(".field-summary") || row.cells[row.cells.length - 1]).append(panel);
    setCurrent(row, false);
    text.focus();
  }

  // -- the keys' help ---------------------------------------------------------------------

  var help = null;
  function toggleHelp() {
    if (!help) {
      help = document.createElement("dialog");
      help.className = "queue-help";
      help.setAttribute("aria-labelledby", "queue-help-title");
      var title = document.createElement("h2");
      title.id = "queue-help-title";
      title.textContent = "Phím tắt của hàng chờ";
      var list = document.createElement("dl");
      KEYS.forEach(function (pair) {
        var key = document.createElement("dt");
        var kbd = document.createElement("kbd");
        kbd.textContent = pair[0];
        key.append(kbd);
        var what = document.createElement("dd");
        what.textContent = pair[1];
        list.append(key, what);
      });
      var close = document.createElement("button");
      close.type = "button";
      close.className = "button";
      close.textContent = "Đóng";
      close.addEventListener("click", function () { help.close(); });
      help.append(title, list, close);
      document.body.append(help);
    }
    if (help.open) help.close(); else help.showModal();
  }

  // -- wiring -------------------------------------------------------------------------------

  form.addEventListener("click", function (event) {
    var button = event.target.closest("#result_list button[data-decision]");
    if (button) {
      event.preventDefault();
      var row = button.closest("tr");
      setCurrent(row, false);
      decide(row, button.getAttribute("data-decision"));
      return;
    }
    var link = event.target.closest("#result_list [data-inline]");
    if (link) {
      event.preventDefault();
      openInline(link.closest("tr"), link.getAttribute("data-inline"));
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    if (help && help.open && event.key !== "?") return;
    var row = current || rows()[0];
    var act = {
      j: function () { move(1); },
      k: function () { move(-1); },
      a: function () { decide(row, "approve"); },
      r: function () { decide(row, "reject"); },
      s: function () { decide(row, "spam"); },
      u: undo,
      e: function () { openInline(row, "edit"); },
      "?": toggleHelp,
      "/": function () { if (search) search.focus(); },
    }[event.key];
    if (!act) return;
    event.preventDefault();
    act();
  });

  // Django's counter says "0 của 50 được chọn": keep it in the queue's own words.
  var counter = form.querySelector("[data-queue-counter]");
  if (counter && window.MutationObserver) {
    new MutationObserver(function () {
      var numbers = counter.textContent.match(/\d+/g);
      var wanted = numbers && numbers.length >= 2 ? "Đã chọn " + numbers[0] + "/" + numbers[1] : null;
      if (wanted && counter.textContent !== wanted) counter.textContent = wanted;
    }).observe(counter, { childList: true, characterData: true, subtree: true });
  }

  rows().forEach(function (row) {
    var status = actionsOf(row).getAttribute("data-status");
    row.classList.add("is-" + status);
    if (status !== "pending") row.classList.add("is-decided");
  });
  // Django's search box takes focus on load; in the queue the keys decide, "/" searches.
  var search = document.getElementById("searchbar");
  if (search && document.activeElement === search && !search.value) search.blur();
  setCurrent(rows()[0], document.activeElement === document.body);
  }
})();
