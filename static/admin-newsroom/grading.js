// The grading screen (chấm nhuận bút). The server computes and checks every amount on Save;
// this script only shows the same arithmetic while typing (amount per row, totals against
// the fund), flags a coefficient above the house cap, and moves between rows with the
// keyboard: Enter goes to the same field in the next row, Shift+Enter to the previous one,
// Ctrl+S (or Cmd+S) saves.
(() => {
  const form = document.querySelector("form[data-grading]");
  if (!form) return;
  const rows = Array.from(form.querySelectorAll("tr[data-row]"));
  const dots = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  const num = (input, fallback) => {
    const text = (input && input.value || "").trim().replace(",", ".");
    if (text === "") return fallback;
    const value = Number(text);
    return Number.isFinite(value) && value >= 0 ? value : NaN;
  };
  // Round half up to the whole đồng, as articles/royalties/money.py does.
  const whole = (x) => Math.floor(Math.round(x * 1000) / 1000 + 0.5);

  function amount(row) {
    const q = (sel) => row.querySelector(sel);
    const genre = q("[data-genre]").selectedOptions[0];
    const coefficient = num(q("[data-coefficient]"), NaN);
    const cap = genre && genre.dataset.max ? Number(genre.dataset.max) : NaN;
    const input = q("[data-coefficient]");
    const over = Number.isFinite(cap) && coefficient > cap;
    input.classList.toggle("royalty-over-cap", over);
    input.title = over ? `Vượt mức tối đa ${cap} của thể loại` : "";
    if (over || q("[data-excluded]").checked) return 0; // refused on Save, so not counted
    if (!genre || !genre.value || !Number.isFinite(coefficient)) return 0;
    const unit = Number(row.dataset.unit) || 0;
    const quantity = num(q("[data-quantity]"), 1);
    const share = num(q("[data-share]"), 100);
    const bonus = q("[data-bonus]").value ? num(q("[data-bonus-percent]"), 0) : 0;
    const rateOption = q("[data-rate]").selectedOptions[0];
    const rate = rateOption && rateOption.value
      ? num(q("[data-rate-percent]"), Number(rateOption.dataset.default)) : 100;
    const value = coefficient * unit * quantity * (share / 100) * (rate / 100) * (1 + bonus / 100);
    return Number.isFinite(value) ? whole(value) : 0;
  }

  function refresh() {
    const spent = Number(form.dataset.spent) || 0;
    let saved = 0;
    let shown = 0;
    for (const row of rows) {
      const value = amount(row);
      row.querySelector("[data-amount]").textContent = dots(value);
      saved += Number(row.dataset.saved) || 0;
      shown += value;
    }
    const total = spent - saved + shown;
    const put = (sel, value) => {
      const out = document.querySelector(sel);
      if (out) out.textContent = value;
    };
    put("[data-total]", dots(total));
    put("[data-shown]", dots(shown));
    if (form.dataset.budget !== "") {
      const remaining = Number(form.dataset.budget) - total;
      put("[data-remaining]", (remaining < 0 ? "−" : "") + dots(Math.abs(remaining)));
      const out = document.querySelector("[data-remaining]");
      if (out) out.classList.toggle("royalty-over-cap", remaining < 0);
    }
  }

  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  form.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (event.key !== "Enter" || event.target.tagName === "BUTTON") return;
    const cell = event.target.closest("td");
    const row = event.target.closest("tr[data-row]");
    if (!cell || !row) return;
    event.preventDefault();
    const index = rows.indexOf(row) + (event.shiftKey ? -1 : 1);
    const target = rows[index];
    if (!target) return;
    const column = Array.from(row.children).indexOf(cell);
    const field = target.children[column].querySelector("input:not([type=hidden]), select");
    if (field) {
      field.focus();
      if (field.select) field.select();
    }
  });
  refresh();
})();
