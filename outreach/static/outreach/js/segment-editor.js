/* The segment editor: pick lists for fields that have choices, a button to add a condition row, and the
 * live count of the rules on screen (POSTed to the viewset's count URL, nothing saved).
 * A static file, no inline handlers: the admin's Content-Security-Policy allows only 'self' and nonces.
 * Without JavaScript the form still works: names typed with commas, "Check size" and saving. */
(function () {
    "use strict";

    var editor = document.querySelector("[data-segment-editor]");
    var choicesElement = document.getElementById("segment-field-choices");
    if (!editor || !choicesElement) { return; }
    var form = editor.closest("form");
    var choices = JSON.parse(choicesElement.textContent);
    var countElement = editor.querySelector("[data-segment-count]");
    var errorElement = editor.querySelector("[data-segment-count-error]");
    var timer = null;
    var latest = 0;

    function splitNames(text) {
        return text.split(",").map(function (name) { return name.trim(); }).filter(Boolean);
    }

    // A multiple select in place of the text input; the text input stays the value the server reads.
    function enhanceRow(row) {
        var fieldSelect = row.querySelector("select[name$='-field']");
        var valueInput = row.querySelector("input[name$='-value']");
        if (!fieldSelect || !valueInput || row.dataset.enhanced) { return; }
        row.dataset.enhanced = "1";
        var picker = document.createElement("select");
        picker.multiple = true;
        picker.size = 5;
        picker.setAttribute("aria-label", editor.dataset.pickLabel || "");
        picker.dataset.valuePicker = "1";
        valueInput.insertAdjacentElement("afterend", picker);

        function showPicker() {
            var names = choices[fieldSelect.value];
            if (!names) {
                picker.hidden = true;
                valueInput.hidden = false;
                return;
            }
            var chosen = splitNames(valueInput.value).map(function (name) { return name.toLocaleLowerCase(); });
            picker.textContent = "";
            names.forEach(function (name) {
                var option = document.createElement("option");
                option.value = name;
                option.textContent = name;
                option.selected = chosen.indexOf(name.toLocaleLowerCase()) !== -1;
                picker.appendChild(option);
            });
            picker.hidden = false;
            valueInput.hidden = true;
        }

        picker.addEventListener("change", function () {
            valueInput.value = Array.prototype.filter.call(picker.options, function (option) { return option.selected; })
                .map(function (option) { return option.value; }).join(", ");
            scheduleCount();
        });
        fieldSelect.addEventListener("change", function () {
            valueInput.value = "";
            showPicker();
        });
        showPicker();
    }

    function addRow() {
        var template = editor.querySelector("template[data-condition-template]");
        var total = form.querySelector("input[name='conditions-TOTAL_FORMS']");
        var body = editor.querySelector("table tbody");
        var index = parseInt(total.value, 10);
        var holder = document.createElement("tbody");
        holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
        var row = holder.querySelector("tr");
        body.appendChild(row);
        total.value = String(index + 1);
        enhanceRow(row);
        row.querySelector("select").focus();
    }

    function showCount(data) {
        countElement.textContent = data.text || "";
        errorElement.textContent = data.error || "";
    }

    function count() {
        var request = ++latest;
        var body = new FormData(form);
        body.delete("check_size");
        fetch(editor.dataset.countUrl, {method: "POST", body: body, credentials: "same-origin",
                                        headers: {"X-Requested-With": "XMLHttpRequest"}})
            .then(function (response) { return response.json(); })
            .then(function (data) { if (request === latest) { showCount(data); } })
            .catch(function () { /* the "Check size" button still works */ });
    }

    function scheduleCount() {
        window.clearTimeout(timer);
        timer = window.setTimeout(count, 400);
    }

    Array.prototype.forEach.call(editor.querySelectorAll("tr[data-condition-row]"), enhanceRow);
    var addButton = editor.querySelector("[data-add-condition]");
    addButton.hidden = false;
    addButton.addEventListener("click", addRow);
    form.addEventListener("change", scheduleCount);
    form.addEventListener("input", scheduleCount);
    count();
})();
