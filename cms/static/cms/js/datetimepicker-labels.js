// Wagtail's date picker (the vendored xdsoft jQuery plugin) writes its "Save Selected"
// button as a literal English string into the picker's markup; the plugin has no option
// or i18n key for it. Every picker is made through $.fn.datetimepicker, so the button of
// each new picker is relabelled right after it is built, with the text the admin's
// language gives this script (data-save-selected, from Django's gettext).
(function () {
  "use strict";
  var script = document.currentScript;
  var label = script && script.dataset.saveSelected;
  var $ = window.jQuery;
  if (!label || !$ || !$.fn.datetimepicker) return;

  function relabel() {
    $(".xdsoft_datetimepicker .xdsoft_save_selected").text(label);
  }

  var build = $.fn.datetimepicker;
  $.fn.datetimepicker = function () {
    var result = build.apply(this, arguments);
    relabel();
    return result;
  };
  // The plugin keeps its defaults and locales on the function itself.
  Object.keys(build).forEach(function (key) {
    $.fn.datetimepicker[key] = build[key];
  });
})();
