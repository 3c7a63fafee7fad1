// Live updates: when the read views' position moves, fetch this page again and swap in its
// live parts ([data-live] elements), unless the user is typing in one. Everything else works
// without JavaScript.
(function () {
  var meta = document.querySelector('meta[name="views-position"]');
  if (!meta || !document.querySelector('[data-live]')) return;
  var position = meta.content;
  var base = '/console';
  function refresh() {
    return fetch(location.href, {credentials: 'same-origin'}).then(function (r) {
      return r.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      document.querySelectorAll('[data-live]').forEach(function (el) {
        if (el.contains(document.activeElement) && document.activeElement.tagName !== 'BUTTON') return;
        var fresh = doc.getElementById(el.id);
        if (fresh) el.replaceWith(fresh);
      });
    });
  }
  function tick() {
    fetch(base + '/position', {credentials: 'same-origin'}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (body) {
      if (body && String(body.position) !== position) {
        position = String(body.position);
        return refresh();
      }
    }).catch(function () {}).then(function () { setTimeout(tick, 700); });
  }
  setTimeout(tick, 700);
})();
