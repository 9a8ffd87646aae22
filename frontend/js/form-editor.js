// Live preview for the form editor (templates/processes/form.html). Without
// JavaScript the "Preview" button posts the form and the server draws the
// preview; here the same request is sent as you type, and the preview from
// the server's answer replaces the one on the page. Nothing is saved.
const form = document.getElementById('form-editor');
const schema = document.getElementById('form-schema');
const preview = document.getElementById('form-preview');
const DELAY_MS = 600;

if (form && schema && preview) {
  const status = document.createElement('p');
  status.className = 'govuk-visually-hidden';
  status.setAttribute('role', 'status');
  preview.before(status);

  let timer = null;
  let latest = 0;

  async function refresh() {
    const body = new FormData(form);
    body.set('action', 'preview');
    const asked = ++latest;
    try {
      // Not form.action: the buttons named "action" shadow that property.
      const response = await fetch(form.getAttribute('action') || window.location.href, {
        method: 'POST', body, credentials: 'same-origin', headers: { Accept: 'text/html' }
      });
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      const fresh = page.getElementById('form-preview');
      if (asked !== latest || !fresh) {
        return;
      }
      preview.replaceChildren(...[...fresh.childNodes].map((node) => document.importNode(node, true)));
      status.textContent = response.ok ? 'Preview updated.' : 'The form cannot be previewed yet.';
    } catch {
      status.textContent = 'The preview could not be updated.';
    }
  }

  schema.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY_MS);
  });
}
