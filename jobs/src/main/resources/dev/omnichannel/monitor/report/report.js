// Renders the report's charts from the JSON in #report-data. Inlined into report.html.
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var notes = data.notes || {};
  var palette = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452',
    '#9a60b4', '#ea7ccc', '#2f4554', '#61a0a8', '#d48265', '#749f83', '#ca8622', '#bda29a'];
  var channels = {};
  function channelColour(c) {
    if (!(c in channels)) { channels[c] = palette[Object.keys(channels).length % palette.length]; }
    return channels[c];
  }
  function empty(id) {
    return notes[id] ? { type: 'text', left: 'center', top: 'middle',
      style: { text: notes[id], fontSize: 16, fill: '#888' } } : [];
  }
  function base(id, extra) {
    var o = { animation: false, tooltip: {}, graphic: empty(id) };
    for (var k in extra) { o[k] = extra[k]; }
    return o;
  }
  var charts = {
    'sankey': function () {
      return base('sankey', {
        tooltip: { trigger: 'item' },
        series: [{ type: 'sankey', data: data.sankey.nodes, links: data.sankey.links,
          emphasis: { focus: 'adjacency' }, nodeGap: 6, left: 10, right: 120,
          lineStyle: { color: 'gradient', opacity: 0.4 }, label: { fontSize: 11 } }]
      });
    },
    'funnel': function () {
      return base('funnel', {
        tooltip: { trigger: 'item', formatter: '{b}: {c} journeys' },
        series: [{ type: 'funnel', sort: 'none', left: '15%', width: '70%', minSize: '5%',
          label: { show: true, position: 'inside', formatter: '{b}\n{c}' },
          data: data.funnel }]
      });
    },
    'attribution': function () {
      var a = data.attribution;
      return base('attribution', {
        tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 },
        grid: { top: 50, left: 60, right: 20, bottom: 60 },
        xAxis: { type: 'category', data: a.channels, axisLabel: { rotate: 30 } },
        yAxis: { type: 'value', name: 'attributed conversions' },
        series: a.series.map(function (s) { return { type: 'bar', name: s.model, data: s.values }; })
      });
    },
    'friction': function () {
      var f = data.friction;
      return base('friction', {
        tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 },
        grid: { top: 50, left: 60, right: 20, bottom: 80 },
        xAxis: { type: 'category', data: f.types, axisLabel: { rotate: 20 } },
        yAxis: { type: 'value', name: 'friction (per channel)' },
        series: f.series.map(function (s) {
          return { type: 'bar', stack: 'all', name: s.channel, data: s.values,
            itemStyle: { color: channelColour(s.channel) } };
        })
      });
    },
    'patterns': function () {
      var p = data.patterns.slice().reverse();
      return base('patterns', {
        tooltip: { trigger: 'axis' },
        grid: { top: 20, left: 10, right: 50, bottom: 30, containLabel: true },
        xAxis: { type: 'value', name: 'matches' },
        yAxis: { type: 'category', data: p.map(function (x) { return x.pattern; }) },
        series: [{ type: 'bar', data: p.map(function (x) { return x.count; }),
          label: { show: true, position: 'right' } }]
      });
    },
    'timelines': function () {
      var t = data.timelines;
      return base('timelines', {
        tooltip: { trigger: 'item', formatter: function (p) {
          return p.seriesName + ' ' + p.value[2] + '<br>' + p.value[3] + ' (+' + p.value[0] + ' h)'; } },
        legend: { type: 'scroll', top: 0 },
        grid: { top: 50, left: 120, right: 30, bottom: 50 },
        xAxis: { type: 'value', name: 'hours since journey start', nameLocation: 'middle', nameGap: 30 },
        yAxis: { type: 'category', inverse: true,
          data: t.journeys.map(function (j) { return j.label; }) },
        series: t.series.map(function (s) {
          return { type: 'scatter', name: s.channel, data: s.points, symbolSize: 12,
            itemStyle: { color: channelColour(s.channel) } };
        })
      });
    }
  };
  Object.keys(charts).forEach(function (id) {
    try {
      var el = document.getElementById('chart-' + id);
      echarts.init(el, null, { renderer: 'canvas' }).setOption(charts[id]());
    } catch (e) {
      console.error('chart ' + id + ': ' + e);
    }
  });
  var all = document.querySelectorAll('div.chart');
  var rendered = 0;
  all.forEach(function (el) {
    if (el.hasAttribute('_echarts_instance_') && el.querySelector('canvas')) { rendered++; }
  });
  document.body.dataset.charts = String(all.length);
  document.body.dataset.rendered = String(rendered);
})();
