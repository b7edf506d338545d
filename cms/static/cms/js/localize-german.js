// wagtail-localize's translation editor writes two labels straight into its React
// bundle, outside any catalogue: "<source> to <target> translation" and "More actions".
// On a German admin page they are replaced by German text as the editor renders them.
(function () {
  "use strict";
  if (!(document.documentElement.lang || "").toLowerCase().startsWith("de")) return;

  var TITLE = /^(.+) to (.+) translation$/;
  var FIXED = { "More actions": "Weitere Aktionen" };

  function germanise(node) {
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    var text;
    while ((text = walker.nextNode())) {
      var value = text.nodeValue.trim();
      if (FIXED[value]) {
        text.nodeValue = FIXED[value];
      } else {
        var match = TITLE.exec(value);
        if (match) text.nodeValue = "Übersetzung " + match[1] + " → " + match[2];
      }
    }
  }

  function start() {
    var editor = document.querySelector(".js-translation-editor");
    if (!editor) return;
    germanise(editor);
    new MutationObserver(function () { germanise(editor); }).observe(editor, {
      childList: true, subtree: true, characterData: true,
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
