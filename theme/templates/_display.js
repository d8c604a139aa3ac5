{#- Included inline by base.html: remembers the reading settings (字号, 配色)
    across pages. Runs right after the buttons, before the page below them is
    drawn, so a remembered choice never flickers. -#}
(function () {
  var names = ["display-size", "display-contrast"];
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  function restore() {
    names.forEach(function (name) {
      var saved = store.getItem("hotline-" + name);
      document.getElementsByName(name).forEach(function (input) {
        if (input.value === saved) { input.checked = true; }
      });
    });
  }
  restore();
  window.addEventListener("pageshow", restore);
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (names.indexOf(input.name) >= 0) {
      try { store.setItem("hotline-" + input.name, input.value); } catch (e) { /* storage full or refused */ }
    }
  });
})();
