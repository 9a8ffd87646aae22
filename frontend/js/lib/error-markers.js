// Marks the elements named in server errors: an `ubp-error` marker plus an
// overlay with the message, and selects/scrolls to an element on request.

export function errorMarkers(bpmnjs) {
  const canvas = bpmnjs.get('canvas');
  const elementRegistry = bpmnjs.get('elementRegistry');
  const overlays = bpmnjs.get('overlays');
  const selection = bpmnjs.get('selection');
  let marked = [];

  function find(id) {
    const element = id ? elementRegistry.get(id) : null;
    return element && element !== canvas.getRootElement() ? element : null;
  }

  function clear() {
    for (const id of marked) {
      if (elementRegistry.get(id)) {
        canvas.removeMarker(id, 'ubp-error');
      }
    }
    overlays.remove({ type: 'ubp-error' });
    marked = [];
  }

  /** Marks errors; returns them with elementId cleared where no element matches. */
  function show(errors) {
    clear();
    const byElement = new Map();
    const shown = errors.map((error) => {
      if (!find(error.elementId)) {
        return { ...error, elementId: null };
      }
      byElement.set(error.elementId, [...(byElement.get(error.elementId) || []), error.message]);
      return error;
    });

    for (const [id, texts] of byElement) {
      canvas.addMarker(id, 'ubp-error');
      const note = document.createElement('div');
      note.className = 'ubp-error-overlay';
      note.textContent = texts.join(' ');
      overlays.add(id, 'ubp-error', { position: { bottom: -6, left: 0 }, html: note });
      marked.push(id);
    }
    return shown;
  }

  function select(id) {
    const element = find(id);
    if (element) {
      selection.select(element);
      canvas.scrollToElement(element, { top: 100, bottom: 100, left: 100, right: 100 });
      canvas.getContainer().scrollIntoView({ block: 'nearest' });
      canvas.focus();
    }
  }

  return { clear, show, select };
}
