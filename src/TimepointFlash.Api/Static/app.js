// TimepointFlash page script: live progress for generation and time travel over the SSE endpoints; the pages work
// without it. Every string from the server is inserted as text, never as HTML. Served from /static (no inline script).
(function () {
  function item(list, text, cls) {
    var li = document.createElement('li');
    li.textContent = text;
    if (cls) li.className = cls;
    list.appendChild(li);
    return li;
  }
  function follow(response, list, onDone) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = '';
    function handle(line) {
      if (line.indexOf('data: ') !== 0) return;
      var msg = JSON.parse(line.substring(6));
      if (msg.event === 'step_complete') {
        var d = msg.data || {};
        item(list, msg.step + ' (' + (d.latency_ms || 0) + ' ms, ' + (d.model_used || '') + ')', 'done');
      } else if (msg.event === 'step_error') {
        item(list, msg.step + ': ' + (msg.error || 'failed'), 'failed');
      } else if (msg.event === 'done') {
        var d2 = msg.data || {};
        if (d2.status === 'failed') { item(list, 'Failed: ' + (d2.error || 'unknown reason'), 'failed'); }
        onDone(d2);
      } else if (msg.event === 'error') {
        item(list, 'Error: ' + (msg.error || 'unknown'), 'failed');
      }
    }
    function pump() {
      return reader.read().then(function (r) {
        if (r.done) return;
        buffer += decoder.decode(r.value, { stream: true });
        var parts = buffer.split('\n\n');
        buffer = parts.pop();
        parts.forEach(function (p) { p.split('\n').forEach(handle); });
        return pump();
      });
    }
    return pump();
  }
  function open(list, slug) {
    item(list, 'Done: opening the scene…', 'done');
    window.setTimeout(function () { window.location = '/t/' + encodeURIComponent(slug); }, 700);
  }
  // The page's anti-forgery token: a signed-in browser's API calls carry it (the session cookie alone is refused).
  var tokenMeta = document.querySelector('meta[name=request-token]');
  function headers() {
    var h = { 'Content-Type': 'application/json' };
    if (tokenMeta) h[tokenMeta.getAttribute('data-header')] = tokenMeta.content;
    return h;
  }
  function busy(form, on) {
    Array.prototype.forEach.call(form.querySelectorAll('button'), function (b) { b.disabled = on; });
    form.setAttribute('aria-busy', on ? 'true' : 'false');
  }
  function problem(r) {
    return r.json().then(function (b) { throw new Error(b.detail || ('HTTP ' + r.status)); },
                         function () { throw new Error('HTTP ' + r.status); });
  }
  var gen = document.getElementById('generate-form');
  if (gen) {
    gen.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var list = document.getElementById('progress');
      list.innerHTML = '';
      var q = gen.querySelector('[name=query]').value;
      var img = gen.querySelector('[name=generate_image]').checked;
      var body = { query: q, generate_image: img };
      ['preset', 'text_model', 'image_model', 'grounding'].forEach(function (n) {
        var el = gen.querySelector('[name=' + n + ']');
        if (el && el.value.trim() !== '') body[n] = el.value.trim();
      });
      var temp = gen.querySelector('[name=temperature]');
      if (temp && temp.value.trim() !== '') body.llm_params = { temperature: Number(temp.value) };
      busy(gen, true);
      item(list, 'Generating “' + q + '”…');
      fetch('/api/v1/timepoints/generate/stream', {
        method: 'POST', headers: headers(),
        body: JSON.stringify(body)
      }).then(function (r) {
        if (!r.ok) return problem(r);
        return follow(r, list, function (d) {
          if (d.status === 'completed') { open(list, d.slug); }
          else {
            busy(gen, false);
            var li = item(list, '');
            var a = document.createElement('a'); a.href = '/t/' + encodeURIComponent(d.slug); a.textContent = 'Open the failed scene';
            li.appendChild(a);
          }
        });
      }).catch(function (e) { busy(gen, false); item(list, 'Error: ' + e.message, 'failed'); });
    });
  }
  var travel = document.getElementById('travel-form');
  if (travel) {
    travel.addEventListener('submit', function (ev) {
      var b = ev.submitter || travel.querySelector('button[value=next]');
      if (!b || b.name !== 'direction') return;
      ev.preventDefault();
      busy(travel, true);
      var list = document.getElementById('travel-progress');
      list.innerHTML = '';
      var units = parseInt(travel.querySelector('[name=units]').value, 10);
      var unit = travel.querySelector('[name=unit]').value;
      item(list, 'Travelling ' + units + ' ' + unit + '(s) ' + (b.value === 'next' ? 'forward' : 'back') + '…');
      fetch('/api/v1/temporal/' + travel.dataset.id + '/' + b.value, {
        method: 'POST', headers: headers(),
        body: JSON.stringify({ units: units, unit: unit, background: true })
      }).then(function (r) {
        if (!r.ok) return problem(r);
        return r.json().then(function (nav) {
          return fetch('/api/v1/timepoints/' + nav.target_id + '/events').then(function (ev2) {
            if (!ev2.ok) return problem(ev2);
            return follow(ev2, list, function (d) {
              if (d.status === 'completed') { open(list, d.slug); } else { busy(travel, false); }
            });
          });
        });
      }).catch(function (e) { busy(travel, false); item(list, 'Error: ' + e.message, 'failed'); });
    });
  }
  var del = document.getElementById('delete-form');
  if (del) {
    del.addEventListener('submit', function (ev) { if (!window.confirm('Delete this scene?')) ev.preventDefault(); });
  }
})();
