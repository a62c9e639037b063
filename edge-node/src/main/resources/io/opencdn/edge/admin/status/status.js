// OpenCDN status page: a world map of the edges and the panels, redrawn from the server-sent
// events of /_cdn/status/events. Data is only ever written as text (never as HTML).
(function () {
  'use strict';
  var W = 960, H = 500;
  var svg = d3.select('#map');
  var projection = d3.geoNaturalEarth1().fitExtent([[8, 8], [W - 8, H - 8]], {type: 'Sphere'});
  var path = d3.geoPath(projection);
  var base = svg.append('g');
  var routeLayer = svg.append('g');
  var edgeLayer = svg.append('g');
  base.append('path').attr('class', 'sphere').attr('d', path({type: 'Sphere'}));
  fetch('/_cdn/status/assets/countries-110m.json').then(function (r) { return r.json(); })
    .then(function (world) {
      base.append('path').attr('class', 'land')
        .attr('d', path(topojson.feature(world, world.objects.land)));
      base.append('path').attr('class', 'borders')
        .attr('d', path(topojson.mesh(world, world.objects.countries, function (a, b) { return a !== b; })));
    });

  function fmtBytes(v) {
    if (v == null) return '-';
    var units = ['B', 'kB', 'MB', 'GB'];
    var i = 0;
    while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
    return v.toFixed(i === 0 ? 0 : 1) + ' ' + units[i] + '/s';
  }
  function fmtTime(ms) { return ms ? new Date(ms).toLocaleTimeString() : '-'; }
  function fill(tbody, rows) {
    var tb = document.querySelector(tbody);
    tb.textContent = '';
    rows.forEach(function (cells) {
      var tr = tb.insertRow();
      cells.forEach(function (c) {
        var td = tr.insertCell();
        if (c && typeof c === 'object') { td.textContent = c.text; td.className = c.cls || ''; }
        else { td.textContent = c == null ? '-' : String(c); }
      });
    });
  }

  function drawMap(s) {
    var byId = {};
    s.edges.forEach(function (e) { byId[e.id] = e; });
    var lines = s.routes.filter(function (r) {
      return r.latitude != null && r.edges && r.edges.length && byId[r.edges[0]]
        && byId[r.edges[0]].latitude != null;
    });
    var g = routeLayer.selectAll('g.sample').data(lines, function (r) { return r.client; });
    g.exit().remove();
    var ng = g.enter().append('g').attr('class', 'sample');
    ng.append('path').attr('class', 'route');
    ng.append('circle').attr('class', 'client').attr('r', 3);
    ng.append('title');
    g = ng.merge(g);
    g.attr('data-client', function (r) { return r.client; })
      .attr('data-edge', function (r) { return r.edges[0]; });
    g.select('path').attr('d', function (r) {
      var e = byId[r.edges[0]];
      return path({type: 'LineString', coordinates: [[r.longitude, r.latitude], [e.longitude, e.latitude]]});
    });
    g.select('circle').attr('cx', function (r) { return projection([r.longitude, r.latitude])[0]; })
      .attr('cy', function (r) { return projection([r.longitude, r.latitude])[1]; });
    g.select('title').text(function (r) { return r.client + ' (' + (r.country || '?') + ') -> ' + r.edges[0]; });

    var placed = s.edges.filter(function (e) { return e.latitude != null; });
    var sel = edgeLayer.selectAll('g.edge').data(placed, function (e) { return e.id; });
    sel.exit().remove();
    var ne = sel.enter().append('g');
    ne.append('circle').attr('class', 'ring');
    ne.append('circle').attr('class', 'core').attr('r', 7);
    ne.append('text').attr('dx', 10).attr('dy', 4);
    ne.append('title');
    sel = ne.merge(sel);
    sel.attr('class', function (e) { return 'edge health-' + e.health + ' state-' + e.state; })
      .attr('data-edge', function (e) { return e.id; })
      .attr('data-health', function (e) { return e.health; })
      .attr('data-state', function (e) { return e.state; })
      .attr('transform', function (e) {
        var p = projection([e.longitude, e.latitude]);
        return 'translate(' + p[0] + ',' + p[1] + ')';
      });
    sel.select('circle.ring').attr('r', function (e) {
      return 9 + 14 * Math.min(1, e.utilisation || 0);
    });
    sel.select('text').text(function (e) { return e.id; });
    sel.select('title').text(function (e) {
      return e.id + ': ' + e.health + ', ' + e.state + ', ' + (e.requestsPerSecond || 0).toFixed(1)
        + '/' + e.capacity + ' req/s, ' + fmtBytes(e.bytesPerSecond);
    });
  }

  function drawPanels(s) {
    document.getElementById('self').textContent = 'served by edge ' + s.self + ', ' + fmtTime(s.time);
    document.getElementById('problem').textContent = s.problem || '';
    fill('#edges tbody', s.edges.map(function (e) {
      return [e.id, e.region, {text: e.health, cls: e.health}, {text: e.state, cls: e.state},
        e.requestsPerSecond == null ? '-' : e.requestsPerSecond.toFixed(1) + ' / ' + e.capacity
          + ' req/s (' + ((e.utilisation || 0) * 100).toFixed(0) + '%)',
        fmtBytes(e.bytesPerSecond), e.openConnections,
        e.hitRatio == null ? '-' : (e.hitRatio * 100).toFixed(1) + '% of ' + (e.hits + e.misses),
        e.registered ? (e.heartbeatAgeMillis / 1000).toFixed(1) + ' s ago' : 'not in the registry'];
    }));
    fill('#routes tbody', s.routes.map(function (r) {
      if (r.error) return [r.client, {text: r.error, cls: 'down'}, '', ''];
      return [r.client, (r.source || '?') + (r.network ? ' ' + r.network : ''), r.country,
        r.edges.length ? r.edges.join(', ') : '(none)'];
    }));
    fill('#dns tbody', s.dns.map(function (d) {
      return [d.member, d.admin, d.ready == null ? '?' : {text: d.ready ? 'ready' : 'not ready',
        cls: d.ready ? 'up' : 'down'}, d.version];
    }));
    var ul = document.getElementById('failovers');
    ul.textContent = '';
    if (!s.failovers.length) { ul.appendChild(document.createElement('li')).textContent = 'none seen'; }
    s.failovers.forEach(function (f) {
      ul.appendChild(document.createElement('li')).textContent = fmtTime(f.time) + '  ' + f.text;
    });
    fill('#invalidations tbody', s.invalidations.map(function (i) {
      return [i.id.substring(0, 8), (i.paths || []).concat(i.surrogateKeys || []).join(' '),
        {text: i.status, cls: i.status === 'Completed' ? 'up' : 'DRAINING'},
        (i.acknowledged || []).join(', '), (i.pending || []).join(', ')];
    }));
    var cur = s.config.current;
    document.getElementById('config-current').textContent = cur
      ? 'current version ' + cur.version + ' (' + (cur.message || 'no message') + ', ' + fmtTime(cur.time) + ')'
      : 'no version published (members run their local configuration)';
    fill('#config tbody', s.config.members.map(function (m) {
      return [m.member, m.kind, {text: m.version + (m.error ? ' (' + m.error + ')' : ''),
        cls: m.current || !cur ? 'up' : 'down'}, fmtTime(m.since)];
    }));
  }

  var conn = document.getElementById('conn');
  var events = new EventSource('/_cdn/status/events');
  events.onmessage = function (msg) {
    var s = JSON.parse(msg.data);
    conn.textContent = 'live';
    conn.className = 'conn-ok';
    if (s.gathering) return;
    drawMap(s);
    drawPanels(s);
  };
  events.onerror = function () { conn.textContent = 'reconnecting…'; conn.className = 'conn-wait'; };

  document.getElementById('explain-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var out = document.getElementById('explanation');
    var q = 'client=' + encodeURIComponent(document.getElementById('client').value.trim());
    var host = document.getElementById('host').value.trim();
    if (host) q += '&host=' + encodeURIComponent(host);
    out.textContent = 'asking the DNS server…';
    out.removeAttribute('data-status');
    fetch('/_cdn/status/explain?' + q).then(function (r) {
      return r.text().then(function (t) {
        out.textContent = t;
        out.setAttribute('data-status', String(r.status));
      });
    }).catch(function (e) { out.textContent = String(e); out.setAttribute('data-status', 'error'); });
  });
})();
