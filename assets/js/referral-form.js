/*
 * The referral form, enhanced (the form works without this file; the server keeps every rule).
 *
 * - A "share" box beside a field is ticked as soon as the worker fills the field it covers (contact, needs,
 *   safe times, age range), until the worker ticks or unticks it themselves: from then on it is theirs.
 * - A filled field whose box is unticked shows why it matters (the receiver will not reach the person, will not
 *   see the needs...): the field is then kept for the sending organisation and never shared.
 * - The language consent was explained in, and "an interpreter was used", prefill the person's preferred
 *   language and "needs an interpreter" while the worker has not set those themselves.
 * No value typed in the form ever leaves the page from here.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-referral-form]");
  if (!form) {
    return;
  }
  // Shown again after a POST (errors, or narrowing the services): every box already says what the worker chose.
  var bound = form.hasAttribute("data-bound");

  function covered(box) {
    return (box.getAttribute("data-covers") || "")
      .split(" ")
      .filter(Boolean)
      .map(function (id) {
        return document.getElementById(id);
      })
      .filter(Boolean);
  }

  function isFilled(element) {
    // A contact channel is a group of radio buttons: only a channel that reaches the person directly counts.
    var radios = element.querySelectorAll ? element.querySelectorAll("input[type=radio]") : [];
    if (radios.length) {
      var chosen = element.querySelector("input[type=radio]:checked");
      return !!chosen && (chosen.value === "phone" || chosen.value === "messaging");
    }
    if (element.type === "checkbox") {
      return element.checked;
    }
    return (element.value || "").trim() !== "";
  }

  document.querySelectorAll("[data-share-box]").forEach(function (box) {
    var checkbox = box.querySelector("input[type=checkbox]");
    var warning = box.querySelector(".share-box__warning");
    var fields = covered(box);
    var auto = box.hasAttribute("data-auto-tick");
    var isName = checkbox.value === "name";
    var touched = bound || checkbox.checked;

    function filled() {
      return fields.some(isFilled);
    }

    function update() {
      if (auto && !touched) {
        checkbox.checked = filled();
      }
      // The name is always typed: its box stays the worker's choice, without a warning pushing to share it.
      warning.hidden = isName || checkbox.checked || !filled();
    }

    checkbox.addEventListener("change", function () {
      touched = true;
      update();
    });
    fields.forEach(function (field) {
      field.addEventListener("input", update);
      field.addEventListener("change", update);
    });
    update();
  });

  function follow(sourceId, targetId, copy) {
    var source = document.getElementById(sourceId);
    var target = document.getElementById(targetId);
    if (!source || !target) {
      return;
    }
    var touched = bound;
    target.addEventListener("change", function () {
      touched = true;
    });
    source.addEventListener("change", function () {
      if (!touched) {
        copy(source, target);
      }
    });
  }

  follow("id_explained_in_language", "id_preferred_language", function (source, target) {
    if (!target.value) {
      target.value = source.value;
    }
  });
  follow("id_interpreter_used", "id_interpreter_needed", function (source, target) {
    target.checked = source.checked;
  });
})();
