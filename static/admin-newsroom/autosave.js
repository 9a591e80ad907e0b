// Autosave and the leave warning for the article form.
// Every ~15 s while there are changes (and when the page is left) the form's fields go to
// the article's autosave URL, kept privately for this user (articles/autosave.py); the same
// call renews the user's edit lock. Leaving with unsaved changes asks first; saving the
// form (or a workflow move the user confirmed) does not.
function startAutosave() {
  const form = document.getElementById("article_form");
  const marker = document.querySelector("[data-autosave]");
  if (!form) return;
  const url = marker && marker.dataset.url;
  const version = marker && marker.dataset.version;
  const INTERVAL = 15000;
  let dirty = false;
  let pending = false;
  let leaving = false;

  const token = () => {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };

  function fields() {
    const data = {};
    for (const [name, value] of new FormData(form)) {
      if (typeof value !== "string" || name === "csrfmiddlewaretoken") continue;
      (data[name] = data[name] || []).push(value);
    }
    return data;
  }

  function payload(withData) {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", token());
    if (withData) {
      body.append("data", JSON.stringify(fields()));
      body.append("version", version || "");
    }
    return body;
  }

  function status(text) {
    let line = document.querySelector("[data-autosave-status]");
    if (!line) {
      line = document.createElement("p");
      line.className = "help autosave-status";
      line.dataset.autosaveStatus = "";
      line.setAttribute("aria-live", "polite");
      const submit = form.querySelector(".submit-row");
      (submit || form).before(line);
    }
    line.textContent = text;
  }

  async function autosave() {
    if (!url || leaving) return;
    const withData = pending;
    pending = false;
    try {
      const response = await fetch(url, {
        method: "POST",
        body: payload(withData),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      if (!withData && response.ok) {
        const answer = await response.json();
        if (answer.editable === false) stop();
      } else if (withData && response.ok) {
        const answer = await response.json();
        status(`Đã lưu tự động lúc ${answer.saved_at} (chỉ bạn thấy; bấm Lưu để lưu vào bài).`);
      } else if (withData) {
        pending = true;
      }
    } catch (error) {
      pending = withData || pending;
    }
  }

  const changed = (event) => {
    if (event && event.target && !form.contains(event.target)) return;
    dirty = true;
    pending = true;
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  const timer = setInterval(autosave, INTERVAL);
  function stop() {
    clearInterval(timer);
    leaving = true;
  }

  form.addEventListener("submit", () => {
    leaving = true;
    dirty = false;
  });
  // The workflow panel's own confirm (workflow.js) already asked about unsaved changes.
  document.addEventListener("submit", (event) => {
    if (event.target !== form && !event.defaultPrevented) dirty = false;
  });

  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });

  window.addEventListener("pagehide", () => {
    if (url && pending && !leaving && navigator.sendBeacon) {
      navigator.sendBeacon(url, payload(true));
      pending = false;
    }
  });
}

// Admin scripts load in the page's head, before the form exists.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", startAutosave);
} else {
  startAutosave();
}
