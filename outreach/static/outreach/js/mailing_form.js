// The mailing form: show the block editor or the raw MJML/HTML box, whichever the body format says.
// Without this script both stay visible, and the chosen format still decides what is saved.
(function () {
    "use strict";
    function update(fieldset) {
        var checked = fieldset.querySelector("[data-body-format] input[type=radio]:checked");
        var useBlocks = !checked || checked.value === "blocks";
        fieldset.querySelectorAll("[data-body-editor]").forEach(function (item) {
            item.hidden = (item.getAttribute("data-body-editor") === "blocks") !== useBlocks;
        });
    }
    document.querySelectorAll("fieldset[data-content-locale]").forEach(function (fieldset) {
        fieldset.querySelectorAll("[data-body-format] input[type=radio]").forEach(function (radio) {
            radio.addEventListener("change", function () { update(fieldset); });
        });
        update(fieldset);
    });
})();
