// Recovery Check-in staff pages: small enhancements. Every page also works without them.
"use strict";

(function () {
  // --- Resolve: open the note form in place of the "Resolve" button. -----------------
  // Closed note forms wait outside the page, so that it holds one "Note" field at a time;
  // while a note is being written the other flags' buttons step aside (see staff.css).
  const noteForms = new Map();

  function putAwayNoteForms(root) {
    root.querySelectorAll("[data-opens]").forEach(function (opener) {
      const form = document.getElementById(opener.dataset.opens);
      if (form && form.hidden) {
        noteForms.set(form.id, form);
        form.remove();
      }
    });
  }

  function openForm(opener) {
    const id = opener.dataset.opens;
    const form = document.getElementById(id) || noteForms.get(id);
    if (!form) return;
    const openerForm = opener.closest("form");
    if (!form.isConnected) openerForm.after(form);
    openerForm.hidden = true;
    form.hidden = false;
    document.body.dataset.writingNote = id;
    form.querySelector("textarea").focus();
  }

  function closeForm(closer) {
    const form = document.getElementById(closer.dataset.closes);
    if (!form) return;
    form.hidden = true;
    delete document.body.dataset.writingNote;
    const opener = document.querySelector('[data-opens="' + form.id + '"]');
    putAwayNoteForms(document);
    if (opener) {
      opener.closest("form").hidden = false;
      opener.focus();
    }
  }

  document.addEventListener("click", function (event) {
    const opener = event.target.closest("[data-opens]");
    if (opener) {
      event.preventDefault();
      openForm(opener);
      return;
    }
    const closer = event.target.closest("[data-closes]");
    if (closer) {
      event.preventDefault();
      closeForm(closer);
    }
  });

  // --- A choice that opens a page at once (the simulator's patient). ----------------
  document.addEventListener("change", function (event) {
    const form = event.target.closest("form[data-submit-on-change]");
    if (form && event.target.value) form.requestSubmit();
  });

  // --- Worklist: refresh the rows every ~30 s, leaving an open note form alone. -------
  function isBusy(table) {
    if (table.querySelector(".resolve-form:not([hidden])")) return true;
    const active = document.activeElement;
    return active !== null && active !== document.body && table.contains(active);
  }

  function say(text) {
    const status = document.querySelector("[data-refresh-status]");
    if (status) status.textContent = text;
  }

  function clock() {
    return new Date().toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  }

  function startRefreshing(table) {
    const seconds = Number(table.dataset.refreshSeconds) || 30;
    async function refresh() {
      if (isBusy(table)) {
        say("Not refreshed while you are working in the list.");
        return;
      }
      let response;
      try {
        response = await fetch(table.dataset.refreshUrl, {
          credentials: "same-origin",
          headers: { Accept: "text/html" },
        });
      } catch (error) {
        return; // offline for a moment: try again next time
      }
      if (response.redirected || response.status === 401) {
        window.location.reload(); // signed out: the page itself goes to the sign-in form
        return;
      }
      if (!response.ok) return;
      const rows = await response.text();
      if (isBusy(table)) return;
      table.tBodies[0].innerHTML = rows;
      putAwayNoteForms(table);
      say("Updated at " + clock() + ".");
    }
    window.setInterval(refresh, seconds * 1000);
  }

  // --- Protocol texts: encoding, segment count and preview, live. -------------------
  // The same rules as recovery/segments.py, over the alphabets the server hands over.
  function textTools(form) {
    const gsm = JSON.parse(form.dataset.gsm);
    const basic = new Set(Array.from(gsm.basic));
    const extended = new Set(Array.from(gsm.extended));
    const sample = JSON.parse(form.dataset.sample);

    function encoding(text) {
      for (const ch of text) {
        if (!basic.has(ch) && !extended.has(ch)) return "UCS-2";
      }
      return "GSM-7";
    }

    function segments(text) {
      let units = 0;
      let single = 70;
      let multi = 67;
      if (encoding(text) === "GSM-7") {
        for (const ch of text) units += extended.has(ch) ? 2 : 1;
        single = 160;
        multi = 153;
      } else {
        units = text.length; // UTF-16 code units, as carriers count UCS-2
      }
      return units <= single ? 1 : Math.ceil(units / multi);
    }

    // Python's str.format_map with the sample values; broken braces leave the text as typed.
    function fill(text) {
      let out = "";
      let i = 0;
      while (i < text.length) {
        const ch = text[i];
        if ((ch === "{" || ch === "}") && text[i + 1] === ch) {
          out += ch;
          i += 2;
        } else if (ch === "{") {
          const end = text.indexOf("}", i);
          if (end < 0) return text;
          const name = text.slice(i + 1, end).split(/[!:]/)[0];
          if (!Object.prototype.hasOwnProperty.call(sample, name)) return text;
          out += sample[name];
          i = end + 1;
        } else if (ch === "}") {
          return text;
        } else {
          out += ch;
          i += 1;
        }
      }
      return out;
    }

    return { encoding: encoding, segments: segments, fill: fill };
  }

  function watchTexts(form) {
    const tools = textTools(form);
    form.querySelectorAll("[data-text-field]").forEach(function (field) {
      const textarea = field.querySelector("textarea");
      function update() {
        const preview = tools.fill(textarea.value.trim());
        const count = tools.segments(preview);
        field.querySelector("[data-encoding]").textContent = tools.encoding(preview);
        field.querySelector("[data-segments]").textContent = String(count);
        field.querySelector("[data-segments-word]").textContent = count === 1 ? "segment" : "segments";
        field.querySelector("[data-preview]").textContent = preview;
      }
      textarea.addEventListener("input", update);
    });
  }

  // --- Protocol steps: "Add step" adds an empty row (the last row is always spare). --
  function watchSteps(form) {
    const button = form.querySelector("[data-add-step]");
    const body = form.querySelector("[data-step-rows]");
    if (!button || !body) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      const template = body.rows[body.rows.length - 1];
      const row = template.cloneNode(true);
      const number = body.rows.length + 1;
      row.querySelectorAll("input").forEach(function (input) {
        ["name", "id", "aria-label"].forEach(function (attribute) {
          const value = input.getAttribute(attribute);
          if (value) input.setAttribute(attribute, value.replace(/\d+/, String(number)));
        });
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
        if (input.type === "checkbox") input.checked = false;
        else input.value = "";
      });
      row.querySelectorAll(".field-error").forEach(function (error) {
        error.remove();
      });
      body.appendChild(row);
      row.querySelector("input").focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    putAwayNoteForms(document);
    const table = document.querySelector("table[data-refresh-url]");
    if (table) startRefreshing(table);
    const protocolForm = document.querySelector("form[data-gsm]");
    if (protocolForm) {
      watchTexts(protocolForm);
      watchSteps(protocolForm);
    }
  });
})();
