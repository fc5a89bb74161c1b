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
  // Reads an SSE response body, calling onMessage with each `data:` frame's JSON as it arrives.
  function events(response, onMessage) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = '';
    function handle(line) {
      if (line.indexOf('data: ') === 0) onMessage(JSON.parse(line.substring(6)));
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
  function follow(response, list, onDone) {
    return events(response, function (msg) {
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
    });
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
  // Chat: the answer streams into the log token by token over /chat/stream, in the form's session (saved, so the
  // page keeps it in its address and a reload shows the history). Any failure falls back to posting the form.
  var chat = document.getElementById('chat-form');
  if (chat && window.fetch && window.TextDecoder) {
    chat.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var log = document.getElementById('chat-log');
      var field = chat.querySelector('[name=message]');
      var character = chat.querySelector('[name=character]').value;
      var session = chat.querySelector('[name=session_id]');
      var body = { character: character, message: field.value, save_session: true };
      if (session) body.session_id = session.value;
      var mine = speech(log, 'chat-user', 'You', field.value);
      var reply = speech(log, 'chat-character streaming', character, '');
      reply.setAttribute('aria-busy', 'true');
      busy(chat, true);
      var finished = false;
      function fallBack() {
        if (finished) return;
        finished = true;
        log.removeChild(mine);
        log.removeChild(reply);
        chat.submit();
      }
      fetch('/api/v1/interactions/' + chat.dataset.id + '/chat/stream', {
        method: 'POST', headers: headers(), body: JSON.stringify(body)
      }).then(function (r) {
        if (!r.ok) { fallBack(); return; }
        return events(r, function (msg) {
          if (msg.event === 'token') {
            reply.lastChild.appendData(msg.data);
          } else if (msg.event === 'done') {
            finished = true;
            reply.lastChild.data = ' ' + msg.data;
            reply.className = 'chat-character';
            reply.removeAttribute('aria-busy');
            if (msg.session_id) keep(msg.session_id, session);
            field.value = '';
            busy(chat, false);
          } else if (msg.event === 'error') {
            fallBack();
          }
        }).then(function () { if (!finished) fallBack(); });
      }).catch(fallBack);
    });
  }
  // Extend dialog: each new line appears in the scene's dialog as it is written (saved with the scene, as the form
  // does); any failure removes them and posts the form instead.
  var extend = document.getElementById('extend-form');
  var script = document.getElementById('dialog');
  if (extend && script && window.fetch && window.TextDecoder) {
    extend.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var names = Array.prototype.map.call(extend.querySelectorAll('[name=characters]:checked'), function (c) { return c.value; });
      var body = {
        num_lines: parseInt(extend.querySelector('[name=num_lines]').value, 10),
        characters: names.length ? names : 'all',
        save: true
      };
      var prompt = extend.querySelector('[name=prompt]').value.trim();
      if (prompt !== '') body.prompt = prompt;
      var added = [];
      var finished = false;
      busy(extend, true);
      function fallBack() {
        if (finished) return;
        finished = true;
        added.forEach(function (p) { script.removeChild(p); });
        extend.submit();
      }
      fetch('/api/v1/interactions/' + extend.dataset.id + '/dialog/stream', {
        method: 'POST', headers: headers(), body: JSON.stringify(body)
      }).then(function (r) {
        if (!r.ok) { fallBack(); return; }
        return events(r, function (msg) {
          if (msg.event === 'line') {
            added.push(line(script, msg.data || {}));
          } else if (msg.event === 'done') {
            finished = true;
            busy(extend, false);
          } else if (msg.event === 'error') {
            fallBack();
          }
        }).then(function () { if (!finished) fallBack(); });
      }).catch(fallBack);
    });
  }
  // Survey: the answers appear under the form as each character gives one, then the summary; any failure before
  // the end posts the form instead (its answer page shows the same survey).
  var survey = document.getElementById('survey-form');
  if (survey && window.fetch && window.TextDecoder) {
    survey.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var names = Array.prototype.map.call(survey.querySelectorAll('[name=characters]:checked'), function (c) { return c.value; });
      var questions = survey.querySelector('[name=questions]').value.split('\n')
        .map(function (q) { return q.trim(); }).filter(function (q) { return q !== ''; });
      var chained = survey.querySelector('[name=chain]').checked;
      var body = {
        questions: questions,
        characters: names.length ? names : 'all',
        mode: chained ? 'sequential' : 'parallel',
        chain_prompts: chained
      };
      var list = document.getElementById('survey-live');
      if (!list) {
        list = document.createElement('ol');
        list.id = 'survey-live';
        list.className = 'chat-log';
        list.setAttribute('aria-live', 'polite');
        survey.parentNode.appendChild(list);
      }
      list.innerHTML = '';
      var finished = false;
      busy(survey, true);
      function fallBack() {
        if (finished) return;
        finished = true;
        list.innerHTML = '';
        survey.submit();
      }
      fetch('/api/v1/interactions/' + survey.dataset.id + '/survey/stream', {
        method: 'POST', headers: headers(), body: JSON.stringify(body)
      }).then(function (r) {
        if (!r.ok) { fallBack(); return; }
        return events(r, function (msg) {
          var d = msg.data || {};
          if (msg.event === 'response') {
            var li = speech(list, 'survey-answer', d.character_name || '', '');
            li.lastChild.data = ' ' + (d.question || '') + ' \u2014 ' + (d.response || '') + ' (' + (d.sentiment || '') + ')';
          } else if (msg.event === 'summary') {
            speech(list, 'survey-summary', 'Summary', String(msg.data || ''));
          } else if (msg.event === 'error') {
            item(list, String(msg.data || 'failed'), 'failed');
          } else if (msg.event === 'done') {
            finished = true;
            busy(survey, false);
          }
        }).then(function () { if (!finished) fallBack(); });
      }).catch(fallBack);
    });
  }
  // A dialog line as the scene page draws one: speaker, tone, the words in quotes.
  function line(section, l) {
    var p = document.createElement('p');
    p.className = 'added';
    var name = document.createElement('span');
    name.className = 'speaker';
    name.textContent = l.speaker || '';
    p.appendChild(name);
    if (l.tone) {
      var tone = document.createElement('em');
      tone.textContent = ' (' + l.tone + ')';
      p.appendChild(tone);
    }
    p.appendChild(document.createTextNode(' \u201c' + (l.text || '') + '\u201d'));
    section.appendChild(p);
    return p;
  }
  // A line of the chat log: the speaker, then the words as one text node the stream appends to.
  function speech(log, cls, who, words) {
    var li = document.createElement('li');
    li.className = cls;
    var name = document.createElement('span');
    name.className = 'speaker';
    name.textContent = who;
    li.appendChild(name);
    li.appendChild(document.createTextNode(words ? ' ' + words : ' '));
    log.appendChild(li);
    return li;
  }
  // Keeps the conversation: the form sends its id next time and the address reopens it after a reload.
  function keep(id, field) {
    if (!field) {
      field = document.createElement('input');
      field.type = 'hidden';
      field.name = 'session_id';
      chat.appendChild(field);
    }
    field.value = id;
    var url = new URL(window.location.href);
    url.searchParams.set('session', id);
    url.hash = 'chat';
    window.history.replaceState(null, '', url.toString());
  }
  var del = document.getElementById('delete-form');
  if (del) {
    del.addEventListener('submit', function (ev) { if (!window.confirm('Delete this scene?')) ev.preventDefault(); });
  }
})();
