// Opening zoom and zoom buttons shared by the viewer and the modeler.
//
// "Fit to window" shrinks a wide process until its tasks are unreadable, so a diagram opens
// fitted only when that keeps a task at least READABLE of its drawn size (a task is 100 units
// wide, so about 85 px); otherwise at that zoom, showing `focus` (the current step) or the
// diagram's start (top left). The buttons sit before the diagram, outside it, because the canvas
// is itself focusable for keyboard panning.

export const READABLE = 0.85;
const STEP = 1.25;
const MARGIN = 40;

export function openReadable(canvas, fit, focus, left = MARGIN) {
  fit();
  if (canvas.zoom() >= READABLE) {
    return;
  }
  const { inner, outer } = canvas.viewbox();
  const width = outer.width / READABLE;
  const height = outer.height / READABLE;
  let x = inner.x - left / READABLE;
  let y = inner.y - MARGIN / READABLE;
  if (focus) {
    x = Math.max(x, focus.x + focus.width / 2 - width / 2);
    y = Math.max(y, focus.y + focus.height / 2 - height / 2);
  }
  canvas.viewbox({ x, y, width, height });
}

function button(text, className, onClick) {
  const node = document.createElement('button');
  node.type = 'button';
  node.className = `govuk-button govuk-button--secondary ubp-zoom__button ${className}`;
  node.textContent = text;
  node.addEventListener('click', onClick);
  return node;
}

export function addZoomButtons(canvas, container, fit) {
  const group = document.createElement('div');
  group.className = 'govuk-button-group ubp-zoom';
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', 'Diagram zoom');
  const around = () => {
    const { outer } = canvas.viewbox();
    return { x: outer.width / 2, y: outer.height / 2 };
  };
  group.append(
    button('Zoom in', 'ubp-zoom__in', () => canvas.zoom(canvas.zoom() * STEP, around())),
    button('Zoom out', 'ubp-zoom__out', () => canvas.zoom(canvas.zoom() / STEP, around())),
    button('Fit to window', 'ubp-zoom__fit', fit)
  );
  container.before(group);
  return group;
}
