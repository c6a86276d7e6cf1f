// The workspace's guided creation: the slug follows the title until someone edits the slug.
(function () {
  var title = document.getElementById("id_title");
  var slug = document.getElementById("id_slug");
  if (!title || !slug) return;
  var touched = slug.value !== "";
  var map = { "å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u" };
  function slugify(text) {
    return text.toLowerCase().replace(/[åäöéü]/g, function (c) { return map[c]; })
      .normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9\s-]/g, "").trim().replace(/[\s-]+/g, "-").slice(0, 120);
  }
  slug.addEventListener("input", function () { touched = slug.value !== ""; });
  title.addEventListener("input", function () { if (!touched) slug.value = slugify(title.value); });
})();
