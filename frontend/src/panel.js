// The side panel, which on a phone is a bottom sheet: dragged by its handle between a
// peek (search results count), half the screen and almost all of it. The map stays usable
// above it.
const PHONE = window.matchMedia('(max-width: 767px)');
const SNAPS = ['peek', 'half', 'full'];

let panel;

function visibleHeight(snap) {
  const h = window.innerHeight;
  return { peek: 132, half: Math.round(h * 0.5), full: Math.round(h * 0.88) }[snap];
}

export function setSheet(snap) {
  panel.dataset.sheet = snap;
  panel.style.removeProperty('--drag');
}

export function initPanel(element, handle) {
  panel = element;
  setSheet('peek');
  // Tapping 筛选 on a phone: the form opens whole, not below the peek's edge. (toggle does not
  // bubble: caught on its way down.)
  panel.addEventListener('toggle', (e) => {
    if (!PHONE.matches || !e.target.open || !e.target.closest('.filters')) return;
    setSheet('full');
    e.target.scrollIntoView({ block: 'start' });
  }, true);
  let startY = null;
  let startH = 0;
  let moved = false;
  handle.addEventListener('pointerdown', (e) => {
    if (!PHONE.matches) return;
    startY = e.clientY;
    startH = visibleHeight(panel.dataset.sheet);
    moved = false;
    handle.setPointerCapture(e.pointerId);
  });
  handle.addEventListener('pointermove', (e) => {
    if (startY === null) return;
    const h = Math.max(80, Math.min(window.innerHeight * 0.92, startH + (startY - e.clientY)));
    if (Math.abs(e.clientY - startY) > 4) moved = true;
    panel.style.setProperty('--drag', `${h}px`);
  });
  handle.addEventListener('pointerup', (e) => {
    if (startY === null) return;
    const h = startH + (startY - e.clientY);
    startY = null;
    if (!moved) { // a tap: step up, and from the top back down to the peek
      const i = SNAPS.indexOf(panel.dataset.sheet);
      setSheet(SNAPS[(i + 1) % SNAPS.length]);
      return;
    }
    const nearest = SNAPS.reduce((best, s) => (Math.abs(visibleHeight(s) - h) < Math.abs(visibleHeight(best) - h) ? s : best));
    setSheet(nearest);
  });
  handle.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      const i = SNAPS.indexOf(panel.dataset.sheet);
      setSheet(SNAPS[(i + 1) % SNAPS.length]);
    }
  });
}

export function isPhone() {
  return PHONE.matches;
}
