// Briefing keys, installed once in the app page itself (not in the helper frame that loads
// this, which Streamlit replaces on reruns): ArrowRight = Next, ArrowLeft = Previous,
// Escape = Exit briefing. The map frame forwards the same keys through escapeeBriefKey.
// Buttons are found by their widget key (Streamlit's st-key-KEY class), never by their
// label, which is in the reader's language.
(function () {
    var win = window.parent, doc = win.document;
    if (win.escapeeBriefKey) { return; }
    var WANT = {ArrowRight: "brief_next", ArrowLeft: "brief_previous", Escape: "brief_exit"};
    win.escapeeBriefKey = function (key) {
        if (!doc.querySelector(".brief-title") || !WANT[key]) { return false; }
        var button = doc.querySelector(".st-key-" + WANT[key] + " button");
        if (button && !button.disabled) { button.click(); return true; }
        return false;
    };
    doc.addEventListener("keydown", function (e) {
        var tag = e.target && e.target.tagName;
        if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
        if (win.escapeeBriefKey(e.key)) { e.preventDefault(); }
    });
})();
