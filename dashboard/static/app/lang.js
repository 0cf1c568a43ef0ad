// The page's language follows the app's (the sidebar's switch): screen readers and the
// browser's hyphenation and fonts read <html lang>. Runs in the helper frame that loads it,
// which Streamlit replaces when the language changes; the language is the script's data-lang.
(function () {
    var lang = document.currentScript && document.currentScript.getAttribute("data-lang");
    if (lang) { window.parent.document.documentElement.setAttribute("lang", lang); }
})();
