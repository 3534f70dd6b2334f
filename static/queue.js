// Keyboard moderation for the queue: j/k move, x selects, a/r/s/u act on the current comment.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue .item"));
  var selectAll = document.getElementById("select-all");
  var current = 0;
  var keys = { a: "approve", r: "reject", s: "spam", u: "requeue" };

  function focus(index) {
    if (!items.length) return;
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("current", i === current); });
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
  }

  if (selectAll) {
    selectAll.addEventListener("change", function () {
      document.querySelectorAll('input[name="comment_id"]').forEach(function (box) {
        box.checked = selectAll.checked;
      });
    });
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) {
      if (target.type !== "checkbox") return;
    }
    if (!items.length) return;
    if (event.key === "j") { focus(current + 1); event.preventDefault(); }
    else if (event.key === "k") { focus(current - 1); event.preventDefault(); }
    else if (event.key === "x") {
      var box = items[current].querySelector('input[name="comment_id"]');
      box.checked = !box.checked;
      event.preventDefault();
    } else if (keys[event.key]) {
      var button = items[current].querySelector('button[data-action="' + keys[event.key] + '"]');
      if (button) { event.preventDefault(); button.click(); }
    }
  });

  focus(0);
})();
