// The nightly sheet, made quicker: fill all, quick amounts, Enter to the next row, live totals.
// Without this file the page still works: the server fills and totals on submit.
(() => {
  "use strict";
  const form = document.getElementById("sheet-form");
  if (!form) return;
  // A house whose evening is already paid (.sheet-covered) has no inputs: fill all and the totals pass it by.
  const rows = Array.from(form.querySelectorAll(".sheet-row"));
  const totalOut = document.getElementById("sheet-total");
  const paidOut = document.getElementById("sheet-paid");
  const diffOut = document.getElementById("sheet-diff");
  const cashInput = form.querySelector("input[name=counted_cash]");
  // The state and amount rule comes from the model (ContributionState), rendered onto the form.
  const rule = form.dataset;
  const PAID_STATES = (rule.paidStates || "").split(" ").filter(Boolean);
  const PAID_STATE = rule.paidState;
  const EMPTY_STATE = rule.emptyState;
  const EMPTY_AMOUNT = rule.emptyAmount || "0";
  const NOT_COLLECTED = "";

  // The only Rupiah reader here, written like jimpitan.lib.money.parse_rupiah: "3.500", "Rp 3.500",
  // "3500" or "3.500,00" read 3500; anything else (a negative, a fraction, a letter) reads as no amount.
  const RUPIAH = /^(?:rp\.?)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,0{1,2})?$/i;
  const parseAmount = (text) => {
    const match = RUPIAH.exec(String(text || "").trim().replace(/[\s\u00a0]/g, ""));
    return match ? parseInt(match[1].replace(/\./g, ""), 10) : null;
  };
  const rupiah = (n) => (n < 0 ? "-" : "") + "Rp " + Math.abs(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  const amountInput = (row) => row.querySelector(".sheet-amount");
  const stateOf = (row) => {
    const checked = row.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "";
  };
  const setState = (row, value) => {
    const radio = Array.from(row.querySelectorAll("input[type=radio]")).find((r) => r.value === value);
    if (radio) radio.checked = true;
  };

  const recompute = () => {
    let total = 0;
    let paid = 0;
    for (const row of rows) {
      if (!PAID_STATES.includes(stateOf(row))) continue;
      const amount = parseAmount(amountInput(row).value);
      if (amount !== null) {
        total += amount;
        paid += 1;
      }
    }
    totalOut.textContent = rupiah(total);
    paidOut.textContent = String(paid);
    const cash = cashInput ? parseAmount(cashInput.value) : null;
    diffOut.textContent = cash === null ? "—" : (cash - total > 0 ? "+" : "") + rupiah(cash - total);
  };

  // Typing an amount decides the state: more than 0 is paid (a paid state such as Titip stays), 0 is empty,
  // nothing is not collected.
  const stateFromAmount = (row) => {
    const amount = parseAmount(amountInput(row).value);
    const state = stateOf(row);
    if (amountInput(row).value.trim() === "") {
      if (state === PAID_STATE) setState(row, NOT_COLLECTED);
    } else if (amount === 0) {
      setState(row, EMPTY_STATE);
    } else if (amount !== null && !PAID_STATES.includes(state)) {
      setState(row, PAID_STATE);
    }
  };

  // One set of quick-amount buttons is sent; each row gets a copy, which keeps the page small.
  const quick = document.getElementById("quick-amounts");
  if (quick) {
    for (const row of rows) {
      const copy = quick.cloneNode(true);
      copy.removeAttribute("id");
      copy.hidden = false;
      copy.className = "sheet-quick";
      row.querySelector(".sheet-inputs").after(copy);
    }
  }

  form.addEventListener("click", (event) => {
    const quickButton = event.target.closest("[data-quick]");
    if (quickButton) {
      const row = quickButton.closest(".sheet-row");
      amountInput(row).value = quickButton.dataset.quick;
      stateFromAmount(row);
      recompute();
      return;
    }
    if (event.target.closest("[data-fill]")) {
      event.preventDefault();
      for (const row of rows) {
        if (stateOf(row) === NOT_COLLECTED && amountInput(row).value.trim() === "") {
          const usual = parseInt(row.dataset.usual, 10) || 0;
          amountInput(row).value = usual > 0 ? String(usual) : EMPTY_AMOUNT;
          setState(row, usual > 0 ? PAID_STATE : EMPTY_STATE);
        }
      }
      recompute();
    }
  });

  form.addEventListener("change", (event) => {
    const radio = event.target;
    if (radio.type !== "radio") return;
    const row = radio.closest(".sheet-row");
    const input = amountInput(row);
    if (radio.value === EMPTY_STATE) input.value = EMPTY_AMOUNT;
    else if (radio.value === NOT_COLLECTED) input.value = "";
    else if (!parseAmount(input.value)) input.value = row.dataset.usual || "";
    recompute();
  });

  form.addEventListener("input", (event) => {
    if (event.target.classList.contains("sheet-amount")) stateFromAmount(event.target.closest(".sheet-row"));
    recompute();
  });

  // Enter moves to the next household instead of submitting; after the last one it goes to Simpan.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !event.target.classList.contains("sheet-amount")) return;
    event.preventDefault();
    const index = rows.indexOf(event.target.closest(".sheet-row"));
    const next = rows[index + 1];
    if (next) {
      amountInput(next).focus();
      amountInput(next).select();
    } else {
      (cashInput || form.querySelector(".sheet-save")).focus();
    }
  });

  // A second tap on Simpan while the first is on its way would only be refused as a conflict.
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.value === "save") {
      if (form.dataset.sending) event.preventDefault();
      form.dataset.sending = "1";
    }
  });
})();
