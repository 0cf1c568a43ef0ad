// Briefing keys, installed once in the app page itself (not in the helper frame that loads
// this, which Streamlit replaces on reruns): ArrowRight = Next, ArrowLeft = Previous,
// Escape = Exit briefing. The map frame forwards the same keys through escapeeBriefKey.
(function () {
    var win = window.parent, doc = win.document;
    if (win.escapeeBriefKey) { return; }
    var WANT = {ArrowRight: "Next", ArrowLeft: "Previous", Escape: "Exit briefing"};
    win.escapeeBriefKey = function (key) {
        if (!doc.querySelector(".brief-title") || !WANT[key]) { return false; }
        var button = Array.prototype.find.call(doc.querySelectorAll("button"), function (b) {
            return b.innerText.indexOf(WANT[key]) >= 0;
        });
        if (button && !button.disabled) { button.click(); return true; }
        return false;
    };
    doc.addEventListener("keydown", function (e) {
        var tag = e.target && e.target.tagName;
        if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
        if (win.escapeeBriefKey(e.key)) { e.preventDefault(); }
    });
})();
