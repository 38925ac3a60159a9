// The contrast ratio (WCAG 2) of every visible text on the page, from its computed styles:
// [ratio, text, tag, nearest data-testid]; colours with alpha are blended over the backgrounds behind them.
// Chart text is measured where it stands on the page (titles, axis labels and titles: its SVG fill); text drawn
// over a chart's bars is left out (chosen in present/scale.py for the bar under it), and so, as WCAG 1.4.3
// leaves them out, are disabled controls.
() => {
  const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const over = (fg, bg) => [0, 1, 2].map((i) => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
  const background = (el) => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let bg = [255, 255, 255]; for (const c of layers.reverse()) bg = over(c, bg); return bg; };
  const out = [];
  const walker = document.createTreeWalker(document.querySelector('[data-testid="stApp"]') || document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode; const el = node.parentElement;
    if (!node.textContent.trim() || seen.has(el)) continue; seen.add(el);
    if (el.closest('button:disabled, [aria-disabled="true"], [disabled]')) continue;
    const inChart = el.closest('svg');
    if (inChart && !el.closest('.role-axis-label, .role-axis-title, .role-title-text, .role-legend-label')) continue;
    const r = el.getBoundingClientRect(); if (!r.width || !r.height) continue;
    const st = getComputedStyle(el); if (st.visibility === 'hidden' || st.display === 'none') continue;
    const bg = background(el); let fg = parse(inChart ? st.fill : st.color); if (!fg) continue;
    if (inChart) fg[3] *= Number(st.fillOpacity || 1);
    let opacity = 1; for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    const rgb = over([fg[0], fg[1], fg[2], fg[3] * opacity], bg);
    const [a, b] = [lum(rgb), lum(bg)].sort((x, y) => y - x);
    out.push([Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100, node.textContent.trim().slice(0, 40), el.tagName, el.closest('[data-testid]')?.dataset.testid || '']);
  }
  return out;
}
